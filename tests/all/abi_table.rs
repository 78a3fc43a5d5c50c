//! The lunatic ABI table (`lunatic-abi.tsv`, from lunatic-runtime 0.13.2) parsed: shared by
//! the ABI tests, the hostile-guest sweep and the `host_calls` fuzz target.

/// (namespace, name, params, results) of every lunatic host function.
pub fn abi() -> Vec<(String, String, Vec<&'static str>, Vec<&'static str>)> {
    include_str!("lunatic-abi.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let sig = cols[2];
            let (params, results) = sig.split_once(" -> ").unwrap_or((sig, ""));
            let types = |s: &str| -> Vec<&'static str> {
                s.trim_matches(|c| c == '(' || c == ')')
                    .split(", ")
                    .filter(|p| !p.is_empty())
                    .map(|p| match p.split_whitespace().next().unwrap() {
                        "i32" => "i32",
                        "i64" => "i64",
                        "f64" => "f64",
                        other => panic!("unexpected type {other}"),
                    })
                    .collect()
            };
            (
                cols[0].to_owned(),
                cols[1].to_owned(),
                types(params),
                types(results),
            )
        })
        .collect()
}
