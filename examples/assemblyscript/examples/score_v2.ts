// score_v2: the next version of score_v1. Its state also counts the upgrades it went
// through; it takes a running score keeper over (a v1 state: the score; a v2 one: the
// score and the upgrades) and goes on serving.
import {
  print, receive, isUpgrade, handOver, takeState, codeVersion, Reader, Writer,
} from "../assembly/grain";

let score: i64 = 0;
let upgrades: i64 = 0;

function serveForever(): void {
  while (true) {
    const m = receive();
    if (isUpgrade(m)) {
      const kept = handOver(new Writer().i64(score).i64(upgrades).finish());
      print("v2: still here (" + kept.toString() + ")");
    } else if (m.isData) {
      const text = m.text();
      if (text == "show") {
        print("v2 (version " + codeVersion().toString() + "): the score is " + score.toString() +
          ", after " + upgrades.toString() + " upgrade(s)");
      } else {
        score += I64.parseInt(text);
      }
    }
  }
}

export function serve(_: u64): void {
  serveForever();
}

export function _start(): void {
  serveForever();
}

/** Takes the old code's state over: one number from v1, two from v2. */
export function grain_code_change(from: i32, len: i32): i32 {
  const r = new Reader(takeState(len));
  score = r.i64();
  upgrades = (len > 9 ? r.i64() : 0) + 1;
  print("v2: took the score " + score.toString() + " over from version " + from.toString());
  return 0;
}

/** From here on this is the process. */
export function grain_code_resume(): void {
  serveForever();
}
