//! Which shell commands change the node. Over TCP those need the node's permission
//! (`--control-allow-changes`); looking is always allowed.

use grain_grammar::parse_line;

/// Commands that only look at the node (or at the session's own process).
const LOOKS: &[&str] = &[
    "help", "modules", "exports", "imports", "ps", "tree", "info", "mailbox", "mem", "fuel", "top",
    "names", "whereis", "children", "metrics", "receive", "flush", "wait", "quit", "observe",
];

/// Does this shell line change the node (spawn, kill, send, load...)? Lines that do not
/// parse do not: the shell will report their error.
pub fn changes_node(line: &str) -> Option<String> {
    let parsed = parse_line(line).ok()?;
    let command = parsed.command?;
    let name = command.name.node;
    if command.args.is_empty() && parsed.binding.is_none() && !is_command(&name) {
        return None; // a binding's value
    }
    (!LOOKS.contains(&name.as_str())).then_some(name)
}

fn is_command(name: &str) -> bool {
    crate::Shell::command_names().contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_commands() {
        assert_eq!(changes_node("kill <0.3>").as_deref(), Some("kill"));
        assert_eq!(
            changes_node("p = spawn counter.counter()").as_deref(),
            Some("spawn")
        );
        assert_eq!(changes_node("send <0.3> 5").as_deref(), Some("send"));
        assert_eq!(changes_node("upgrade <0.3>").as_deref(), Some("upgrade"));
        assert_eq!(changes_node("purge tally --soft").as_deref(), Some("purge"));
        assert_eq!(changes_node("ps"), None);
        assert_eq!(changes_node("info <0.3>"), None);
        assert_eq!(changes_node("x"), None);
        assert_eq!(changes_node("kill ("), None);
    }
}
