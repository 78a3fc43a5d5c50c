// score_v1: a score keeper that can move onto new code while it runs (the book's
// "Changing code while it runs"). Send it a number as text to add it ("5"), or "show".
// score_v2 takes its score over without a restart: `upgrade` in the shell.
import { print, receive, isUpgrade, handOver, Writer } from "../assembly/grain";

let score: i64 = 0;

export function serve(_: u64): void {
  while (true) {
    const m = receive();
    if (isUpgrade(m)) {
      // Returns only if the new code did not take the score over.
      const kept = handOver(new Writer().i64(score).finish());
      print("v1: still here (" + kept.toString() + "); the score is " + score.toString());
    } else if (m.isData) {
      const text = m.text();
      if (text == "show") print("v1: the score is " + score.toString());
      else score += I64.parseInt(text);
    }
  }
}

export function _start(): void {
  serve(0);
}
