//! `grain observe --web ADDR`: the observer's pages in a browser instead of this terminal,
//! for an attached node, a program, or a fresh node (whose shell then runs here).

use std::process::ExitCode;
use std::sync::Arc;

use crate::control_args::attach_target;
use crate::observe::ObserveArgs;

pub fn main(args: &ObserveArgs) -> anyhow::Result<ExitCode> {
    let other = [
        (args.record.is_some(), "--record"),
        (args.replay.is_some(), "--replay"),
        (args.cluster.nats.is_some(), "--nats"),
    ];
    if let Some((_, what)) = other.iter().find(|(given, _)| *given) {
        anyhow::bail!(
            "grain observe --web serves a live node: it takes no {what} (the terminal observer does)"
        );
    }
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    if let Some(attach) = &args.attach {
        let (endpoint, token) = attach_target(attach, args.token.clone())?;
        let node = grain_shell::web::attach(&endpoint, token)?;
        let title = node.name.clone();
        return tokio.block_on(async move {
            let _server = args
                .web
                .start(node.feed, Arc::new(node.control), &title, node.changes)
                .await?;
            until_interrupted().await
        });
    }
    let mut shell = crate::observe::local_shell(args, &tokio)?;
    let _control = tokio.block_on(args.control.start(&shell.rt))?;
    let Some(program) = &args.program else {
        let _server = tokio.block_on(args.web.start_local(&shell.rt, "a fresh node"))?;
        println!("the web observer watches this node; this is its shell");
        grain_shell::repl::run(&mut shell, &tokio)?;
        return Ok(ExitCode::SUCCESS);
    };
    let title = crate::run::argv(program, &args.args).join(" ");
    tokio.block_on(async {
        let _server = args.web.start_local(&shell.rt, &title).await?;
        crate::observe::start(&shell.rt, args, program).await?;
        until_interrupted().await
    })
}

/// Serves until Ctrl-C (or SIGTERM).
async fn until_interrupted() -> anyhow::Result<ExitCode> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    Ok(ExitCode::SUCCESS)
}
