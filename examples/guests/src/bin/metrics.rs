//! `lunatic::metrics`: a counter, a gauge and a histogram, then a wait so that the metrics
//! endpoint (`grain run --metrics ADDR`) can be scraped; a message (or a kill) ends it.

use lunatic::{metrics, Mailbox};

#[lunatic::main]
fn main(mailbox: Mailbox<()>) {
    for _ in 0..3 {
        metrics::increment_counter("requests");
    }
    metrics::counter("bytes.sent", 1500);
    metrics::gauge("queue_depth", 7.0);
    metrics::increment_gauge("queue_depth", 2.0);
    metrics::decrement_gauge("queue_depth", 4.0);
    metrics::histogram("latency_seconds", 0.02);
    metrics::histogram("latency_seconds", 0.7);
    println!("metrics recorded");
    let _ = mailbox.receive_timeout(std::time::Duration::from_secs(30));
}
