// A small message codec: a message is a sequence of typed values, each a type byte and its
// payload (little-endian). Numbers are 8 bytes; strings (UTF-8) and bytes carry a u32
// length first. Reading a value of the wrong type aborts with what was expected.

const I64: u8 = 1;
const F64: u8 = 2;
const STR: u8 = 3;
const BYTES: u8 = 4;

function typeName(t: u8): string {
  if (t == I64) return "an integer";
  if (t == F64) return "a float";
  if (t == STR) return "a string";
  if (t == BYTES) return "bytes";
  return "type " + t.toString();
}

/** Builds a message: `new Writer().str("ping").i64(3)`. */
export class Writer {
  private buf: ArrayBuffer = new ArrayBuffer(32);
  private len: i32 = 0;

  private reserve(n: i32): usize {
    if (this.len + n > this.buf.byteLength) {
      let cap = this.buf.byteLength * 2;
      while (cap < this.len + n) cap *= 2;
      const bigger = new ArrayBuffer(cap);
      memory.copy(changetype<usize>(bigger), changetype<usize>(this.buf), this.len);
      this.buf = bigger;
    }
    const at = changetype<usize>(this.buf) + <usize>this.len;
    this.len += n;
    return at;
  }

  /** Appends a signed 64-bit integer (any integer fits: i32, u32, a pid's id). */
  i64(v: i64): Writer {
    const at = this.reserve(9);
    store<u8>(at, I64);
    store<i64>(at, v, 1);
    return this;
  }

  /** Appends a 64-bit float. */
  f64(v: f64): Writer {
    const at = this.reserve(9);
    store<u8>(at, F64);
    store<f64>(at, v, 1);
    return this;
  }

  /** Appends a string, as UTF-8. */
  str(s: string): Writer {
    return this.tagged(STR, String.UTF8.encode(s));
  }

  /** Appends raw bytes. */
  bytes(b: ArrayBuffer): Writer {
    return this.tagged(BYTES, b);
  }

  private tagged(t: u8, b: ArrayBuffer): Writer {
    const at = this.reserve(5 + b.byteLength);
    store<u8>(at, t);
    store<u32>(at, <u32>b.byteLength, 1);
    memory.copy(at + 5, changetype<usize>(b), b.byteLength);
    return this;
  }

  /** The encoded message. */
  finish(): ArrayBuffer {
    return this.buf.slice(0, this.len);
  }
}

/** Reads a message back in the order it was written. */
export class Reader {
  private at: i32 = 0;

  constructor(private data: ArrayBuffer) {}

  /** Whether every value has been read. */
  get done(): bool {
    return this.at >= this.data.byteLength;
  }

  private take(t: u8, n: i32): usize {
    if (this.at + 1 > this.data.byteLength) abort("message: expected " + typeName(t) + ", found the end");
    const p = changetype<usize>(this.data) + <usize>this.at;
    const found = load<u8>(p);
    if (found != t) abort("message: expected " + typeName(t) + ", found " + typeName(found));
    if (this.at + 1 + n > this.data.byteLength) abort("message: " + typeName(t) + " is cut short");
    this.at += 1 + n;
    return p + 1;
  }

  private sized(t: u8): ArrayBuffer {
    const p = this.take(t, 4);
    const n = <i32>load<u32>(p);
    if (this.at + n > this.data.byteLength) abort("message: " + typeName(t) + " is cut short");
    const out = this.data.slice(this.at, this.at + n);
    this.at += n;
    return out;
  }

  /** The next value, an integer. */
  i64(): i64 {
    return load<i64>(this.take(I64, 8));
  }

  /** The next value, a float. */
  f64(): f64 {
    return load<f64>(this.take(F64, 8));
  }

  /** The next value, a string. */
  str(): string {
    return String.UTF8.decode(this.sized(STR));
  }

  /** The next value, bytes. */
  bytes(): ArrayBuffer {
    return this.sized(BYTES);
  }
}
