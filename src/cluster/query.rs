//! Node lookup queries (`lookup_nodes("role=worker&zone=a")`): an AND of equalities over
//! a node's tags, evaluated on this node's view of the cluster. `name` matches the node's
//! name unless the node has a tag of that name.

use std::collections::BTreeMap;

/// A parsed lookup query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query(Vec<(String, String)>);

/// The query is not `key=value` pairs joined by `&`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad lookup query {query:?}: {reason}")]
pub struct ParseQueryError {
    /// The query.
    pub query: String,
    /// What is wrong.
    pub reason: String,
}

impl std::str::FromStr for Query {
    type Err = ParseQueryError;

    fn from_str(query: &str) -> Result<Self, Self::Err> {
        let bad = |reason: &str| ParseQueryError {
            query: query.to_owned(),
            reason: reason.to_owned(),
        };
        let query = query.strip_prefix('?').unwrap_or(query);
        if query.trim().is_empty() {
            return Ok(Query(Vec::new()));
        }
        query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
                Some(_) => Err(bad("a key is empty")),
                None => Err(bad(&format!("{pair:?} has no '='"))),
            })
            .collect::<Result<_, _>>()
            .map(Query)
    }
}

impl Query {
    /// Does a node with this name and these tags match?
    pub fn matches(&self, name: &str, tags: &BTreeMap<String, String>) -> bool {
        self.0.iter().all(|(k, v)| match tags.get(k) {
            Some(tag) => tag == v,
            None => k == "name" && name == v,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_an_and_of_tag_equalities() {
        let tags: BTreeMap<String, String> = [("role", "worker"), ("zone", "a")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .into();
        let q = |s: &str| s.parse::<Query>().expect("parses");
        assert!(q("role=worker").matches("b", &tags));
        assert!(q("role=worker&zone=a").matches("b", &tags));
        assert!(!q("role=worker&zone=b").matches("b", &tags));
        assert!(!q("gpu=yes").matches("b", &tags));
        assert!(q("name=b").matches("b", &tags));
        assert!(q("").matches("b", &tags));
        assert!("role".parse::<Query>().is_err());
        assert!("=x".parse::<Query>().is_err());
    }
}
