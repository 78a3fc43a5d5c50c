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
