//! Every command's examples (the ones `help` prints) run without error.

use grain_shell::commands::{EXAMPLE_SETUP, HELP};

#[test]
fn every_example_of_every_command_runs() {
    std::env::set_current_dir(crate::support::root()).unwrap();
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut failures = Vec::new();
    let mut ran = 0;
    for help in HELP {
        tokio.block_on(async {
            let mut shell = grain_shell::Shell::new().unwrap();
            for line in EXAMPLE_SETUP {
                shell
                    .eval(line)
                    .await
                    .unwrap_or_else(|e| panic!("setup {line}: {}", e.render(line)));
            }
            for example in help.examples {
                ran += 1;
                if let Err(e) = shell.eval(example).await {
                    failures.push(format!("{}: {example}\n{}", help.name, e.render(example)));
                }
            }
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(ran >= 30, "only {ran} examples");
}

#[test]
fn help_shows_each_commands_examples() {
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    tokio.block_on(async {
        let mut shell = grain_shell::Shell::new().unwrap();
        for help in HELP {
            let text = shell
                .eval(&format!("help {}", help.name))
                .await
                .unwrap()
                .text;
            assert!(text.starts_with(help.usage), "{text}");
            for example in help.examples {
                assert!(text.contains(example), "help {} lacks {example}", help.name);
            }
        }
    });
}

/// The command reference page, made from every command's help.
fn reference() -> String {
    let mut page = String::from(
        "# Shell commands\n\nEvery command of `grain shell`, from the commands' own help (a test keeps this page\nequal to it). Values are written in [the shell's grammar](grammar.md); `<pid>` is a pid\n(`<0.3>`), a registered name (`#name`), a result (`$1`) or a binding. Add `--json` to any\ncommand for machine-readable output.\n",
    );
    for h in HELP {
        page.push_str(&format!(
            "\n## {}\n\n`{}`\n\n{}.\n",
            h.name, h.usage, h.summary
        ));
        if !h.examples.is_empty() {
            page.push_str("\n```grain\n");
            for e in h.examples {
                page.push_str(e);
                page.push('\n');
            }
            page.push_str("```\n");
        }
    }
    page
}

#[test]
fn the_command_reference_in_the_book_is_the_help() {
    let path = crate::support::root().join("book/src/reference/shell-commands.md");
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, reference()).unwrap();
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == reference(),
        "book/src/reference/shell-commands.md is out of date: run with BLESS=1"
    );
}
