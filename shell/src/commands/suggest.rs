//! "Did you mean": the nearest of some names to a mistyped one.

/// The edit distance between two strings (insertions, deletions, substitutions).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The candidate closest to `typed`, if it is close (a third of its length, at least 1).
pub fn nearest<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let bound = (typed.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (distance(typed, c), c))
        .filter(|(d, _)| *d <= bound)
        .min()
        .map(|(_, c)| c)
}

/// What to say when a module file cannot be loaded: the error, then a nearby file that
/// exists ("did you mean"), or, for an unbuilt Rust or AssemblyScript example, how to build it.
pub fn load_error(error: &grain::Error, file: &str) -> String {
    if let grain::Error::Link { message, .. } = error {
        return match assemblyscript_import(message) {
            Some(hint) => format!("{error}; {hint}"),
            None => error.to_string(),
        };
    }
    let grain::Error::Read { .. } = error else {
        return error.to_string();
    };
    if let Some(close) = path(file) {
        return format!("{error}; did you mean {close}?");
    }
    if let Some(guests) = unbuilt_guest(file) {
        return format!(
            "{error}; the Rust guests are not built: cd {guests} && cargo build --release \
             (needs `rustup target add wasm32-wasip1`)"
        );
    }
    if let Some(dir) = unbuilt_assemblyscript(file) {
        return format!(
            "{error}; build the AssemblyScript examples first: cd {dir} && npm ci && npm run build"
        );
    }
    error.to_string()
}

/// For the `env` imports plain AssemblyScript output makes (`abort`, `seed`, `trace`,
/// `console.*`), how to map them; the error itself stays as it is.
fn assemblyscript_import(message: &str) -> Option<&'static str> {
    [
        "`env::abort`",
        "`env::seed`",
        "`env::trace`",
        "`env::console.",
    ]
    .iter()
    .any(|name| message.contains(name))
    .then_some(
        "an AssemblyScript module? Build it with the `use` mappings of \
             examples/assemblyscript/asconfig.json (abort, trace, seed, console)",
    )
}

/// The AssemblyScript examples folder of a wasm path under `.../examples/assemblyscript/build/`.
fn unbuilt_assemblyscript(file: &str) -> Option<String> {
    let at = file.find("examples/assemblyscript/build/")?;
    let dir = &file[..at + "examples/assemblyscript".len()];
    std::path::Path::new(dir)
        .join("package.json")
        .exists()
        .then(|| dir.to_owned())
}

/// The guest workspace of a wasm path under `.../examples/guests/target/`, when it is missing.
fn unbuilt_guest(file: &str) -> Option<String> {
    let at = file.find("examples/guests/target/")?;
    let guests = &file[..at + "examples/guests".len()];
    std::path::Path::new(guests)
        .join("Cargo.toml")
        .exists()
        .then(|| guests.to_owned())
}

/// A file next to `path` whose name is close to its name, or a module file under
/// `examples/` named after a bare word (`load counter`).
pub fn path(path: &str) -> Option<String> {
    let p = std::path::Path::new(path);
    let dir = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = p.file_name()?.to_string_lossy().into_owned();
    let names: Vec<String> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().into_owned()))
        .collect();
    if let Some(close) = nearest(&name, names.iter().map(String::as_str)) {
        return Some(
            dir.join(close)
                .to_string_lossy()
                .trim_start_matches("./")
                .to_owned(),
        );
    }
    ["examples/wat", "examples"].iter().find_map(|d| {
        let candidate = format!("{d}/{name}.wat");
        std::path::Path::new(&candidate)
            .exists()
            .then_some(candidate)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_name_is_offered_only_when_it_is_near() {
        assert_eq!(nearest("countr", ["counter", "echo"]), Some("counter"));
        assert_eq!(nearest("kil", ["kill", "link"]), Some("kill"));
        assert_eq!(nearest("zzzzzz", ["counter", "echo"]), None);
        assert_eq!(distance("", "abc"), 3);
    }
}
