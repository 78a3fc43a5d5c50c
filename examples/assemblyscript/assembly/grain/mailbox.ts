// Receiving: selective receive by tag with a timeout; link and monitor notices arrive in
// the mailbox as messages of their own kind.

import { message } from "./host";
import { Reader } from "./codec";

/** What `receive` returned. */
export enum Kind {
  /** A message sent by a process (or the shell, or a timer). */
  Data = 0,
  /** A linked process died; `tag` is the link's tag, `pid` the process (needs `trapLinks`). */
  LinkDied = 1,
  /** A monitored process ended; `pid` is the process. */
  ProcessDied = 2,
  /** Nothing arrived within the timeout. */
  Timeout = 9027,
}

/** Wait forever. */
export const FOREVER: u64 = u64.MAX_VALUE;

/** One received message. */
export class Message {
  constructor(
    public kind: Kind,
    public tag: i64,
    /** The process a LinkDied or ProcessDied notice is about (0 otherwise). */
    public pid: u64,
    public data: ArrayBuffer,
  ) {}

  /** The data as UTF-8 text (what `send p "text" as raw` from the shell sends). */
  text(): string {
    return String.UTF8.decode(this.data);
  }

  /** A reader over the data, for messages built with a `Writer`. */
  reader(): Reader {
    return new Reader(this.data);
  }

  /** Whether this is data rather than a notice or a timeout. */
  get isData(): bool {
    return this.kind == Kind.Data;
  }
}

/** Takes the first message whose tag is in `tags` (any message when empty), waiting up to
 *  `timeoutMs`; other messages stay queued, in order. */
export function receive(tags: i64[] = [], timeoutMs: u64 = FOREVER): Message {
  const list = StaticArray.fromArray<i64>(tags);
  const kind = message.receive(changetype<usize>(list), list.length, timeoutMs);
  if (kind == Kind.Timeout) return new Message(Kind.Timeout, 0, 0, new ArrayBuffer(0));
  const tag = message.get_tag();
  if (kind != Kind.Data) return new Message(kind, tag, message.get_process_id(), new ArrayBuffer(0));
  const data = new ArrayBuffer(<i32>message.data_size());
  message.read_data(changetype<usize>(data), data.byteLength);
  return new Message(Kind.Data, tag, 0, data);
}

/** Receives data with one of `tags`, aborting on a timeout or a notice. */
export function receiveData(tags: i64[] = [], timeoutMs: u64 = FOREVER): Message {
  const m = receive(tags, timeoutMs);
  if (m.kind == Kind.Timeout) abort("receive: nothing within " + timeoutMs.toString() + " ms");
  if (m.kind != Kind.Data) abort("receive: expected data, got a notice of kind " + m.kind.toString());
  return m;
}
