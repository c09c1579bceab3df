// The JS half of the lazy entry (`parse(text)`, issue 14): the `SipMessage` class and the two
// calls the wasm `parse` makes (src/wasm.rs, "lazy entry"). A SipMessage holds the JS string
// and an array of the framer's spans (src/lazy.rs `frame`, whose doc gives the layout),
// nothing in the module's memory: no FinalizationRegistry, and `free()` is a no-op kept for
// compatibility. Accessors slice the string; what needs the SIP rules (CSeq, the diagnosis,
// the TypeError text) calls back into the module through `hook`.
//
// wasm-bindgen copies this file into the package (snippets/) and the module's glue imports
// it; scripts/pkg.mjs re-exports `SipMessage` from the glue, so `instanceof` works.

const KINDS = ["request", "response", "invalid"];
/** Index of the first header in the spans (src/lazy.rs `FRAME_HEAD`). */
const HEAD = 9;
const TOKEN = Symbol("SipMessage");
const encoder = new TextEncoder();
// ignoreBOM: a leading U+FEFF stays, as Rust's from_utf8_lossy keeps it.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** `s` with ASCII A–Z lowered and nothing else changed (Rust's `to_ascii_lowercase`). */
function asciiLower(s) {
  return /[^\0-\x7f]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s.toLowerCase();
}

/**
 * Called once per wasm module by its `parse`: `memory` is the module's memory, `names` the
 * header registry (src/header_name.rs `HEADERS`), one row per line, `Name` or `Name c` with
 * the compact form, in registry order; `hook(op, arg)` calls into the module (op 0: decode
 * the text, 1: read a CSeq value, 2: the TypeError for a wrong header name, `arg` =
 * [function, value]). Returns what the module calls per `parse`.
 */
export function install(memory, names, hook) {
  /** Lower-case full name or compact letter → registry index. */
  const ids = new Map();
  /** By registry index: the lower-case full name, and the compact form or undefined. */
  const full = [];
  const compact = [];
  names.split("\n").forEach((row, i) => {
    const [name, c] = row.split(" ");
    full.push(name.toLowerCase());
    compact.push(c);
    ids.set(full[i], i);
    if (c) ids.set(c, i);
  });
  /** The spellings of a registered header: its lower-case full name and compact form. */
  const spell = (name) => {
    const i = ids.get(name);
    return i === undefined ? [name, undefined] : [full[i], compact[i]];
  };
  const callId = spell("call-id");
  const cseq = spell("cseq");
  const binding = { ids, full, compact, callId, cseq, hook, memory, u8: null, u8Ptr: 0, u8Len: 0, u32: null };
  return {
    /**
     * Writes `text` as UTF-8 into the module's memory at `ptr` (room for `cap` bytes);
     * returns the bytes written, -1 when `text` is not a string, -2 when it does not fit.
     */
    encode(text, ptr, cap) {
      if (typeof text !== "string") return -1;
      if (text.length > cap) return -2;
      let v = binding.u8;
      if (v === null || v.byteLength === 0 || binding.u8Ptr !== ptr || binding.u8Len !== cap) {
        v = binding.u8 = new Uint8Array(memory.buffer, ptr, cap);
        binding.u8Ptr = ptr;
        binding.u8Len = cap;
      }
      const done = encoder.encodeInto(text, v);
      return done.read === text.length ? done.written : -2;
    },
    /** A SipMessage of `text` and a copy of the `len` spans at `ptr`. */
    make(text, ptr, len) {
      let v = binding.u32;
      if (v === null || v.byteLength === 0) v = binding.u32 = new Uint32Array(memory.buffer);
      // A plain array: with a typed array's own ArrayBuffer, `make` was a fifth of the
      // profile of `parse` and the collector another fifth (docs/PERFORMANCE.md).
      const spans = new Array(len);
      for (let i = 0, at = ptr >>> 2; i < len; i++) spans[i] = v[at + i];
      return new SipMessage(TOKEN, text, spans, binding);
    },
  };
}

/**
 * A SIP message framed by `parse`: start line, header list and body are known; everything
 * else is read when asked. It holds the text and its spans only (no module memory).
 */
export class SipMessage {
  #text;
  #s;
  #b;
  /** The UTF-8 bytes of a non-ASCII text, made on first need. */
  #bytes;

  constructor(token, text, spans, binding) {
    if (token !== TOKEN) throw new TypeError("SipMessage: made by parse(text) only");
    this.#text = text;
    this.#s = spans;
    this.#b = binding;
    this.#bytes = undefined;
  }

  /** The text between byte offsets `start` and `end`. */
  #at(start, end) {
    const s = this.#s;
    // UTF-8 and UTF-16 lengths are equal only for ASCII text: then byte offsets are
    // string offsets.
    if (s[0] === this.#text.length) return this.#text.slice(start, end);
    this.#bytes ??= encoder.encode(this.#text);
    // As `decode` reads the bytes: an incomplete character (a Content-Length that cuts
    // one) becomes U+FFFD, as Rust's from_utf8_lossy makes it.
    return decoder.decode(this.#bytes.subarray(start, end));
  }

  /**
   * The spellings a header `name` matches: a registered name its lower-case full name and
   * its compact form, any other name itself in ASCII lower case (as the parser compares).
   */
  #spellings(name) {
    const b = this.#b;
    const want = asciiLower(name);
    const id = b.ids.get(want);
    return id === undefined ? [want, undefined] : [b.full[id], b.compact[id]];
  }

  /** The index in the spans of the first header spelled `full` or `compact`, or of every one (`all`). */
  #find(full, compact, all) {
    const s = this.#s;
    const ascii = s[0] === this.#text.length;
    const found = [];
    for (let i = HEAD; i < s.length; i += 4) {
      // In ASCII text a name's byte length is its length: most names are skipped unread.
      const len = s[i + 1] - s[i];
      if (ascii && len !== full.length && len !== 1) continue;
      const n = ascii ? this.#text.slice(s[i], s[i + 1]).toLowerCase() : asciiLower(this.#at(s[i], s[i + 1]));
      if (n === full || (compact !== undefined && n === compact)) {
        if (!all) return i;
        found.push(i);
      }
    }
    return all ? found : -1;
  }

  #value(i) {
    return i < 0 ? undefined : this.#at(this.#s[i + 2], this.#s[i + 3]);
  }

  #name(f, name) {
    if (typeof name !== "string") throw this.#b.hook(2, [f, name]);
    return name;
  }

  /** `"request"`, `"response"` or `"invalid"` (as `Decoded.kind`). */
  get kind() {
    return KINDS[this.#s[1]];
  }

  /** The method as written, for a request. */
  get method() {
    return this.#s[1] === 0 ? this.#at(this.#s[3], this.#s[4]) : undefined;
  }

  /** The Request-URI as written, for a request. */
  get requestUri() {
    return this.#s[1] === 0 ? this.#at(this.#s[5], this.#s[6]) : undefined;
  }

  /** The status code, for a response whose code is a number (0–65535). */
  get statusCode() {
    return this.#s[2] === 0 ? undefined : this.#s[2] - 1;
  }

  /** The Reason-Phrase, for a response (may be empty). */
  get reasonPhrase() {
    return this.#s[1] === 1 ? this.#at(this.#s[5], this.#s[6]) : undefined;
  }

  /** The Call-ID as written. */
  get callId() {
    const [full, compact] = this.#b.callId;
    return this.#value(this.#find(full, compact, false));
  }

  /** The first CSeq, parsed when read; undefined when there is none or it does not start with a number. */
  get cseq() {
    const [full, compact] = this.#b.cseq;
    const v = this.#value(this.#find(full, compact, false));
    return v === undefined ? undefined : this.#b.hook(1, v);
  }

  /** The value of the first header named `name`, as written; undefined when there is none. */
  header(name) {
    const [full, compact] = this.#spellings(this.#name("SipMessage.header", name));
    return this.#value(this.#find(full, compact, false));
  }

  /** The values of every header named `name`, in order (a comma-separated line is not split). */
  headers(name) {
    const s = this.#s;
    const [full, compact] = this.#spellings(this.#name("SipMessage.headers", name));
    return this.#find(full, compact, true).map((i) => this.#at(s[i + 2], s[i + 3]));
  }

  /** How many header lines the message has, duplicates included. */
  get headerCount() {
    return (this.#s.length - HEAD) >>> 2;
  }

  /** The body as text (exactly the framed octets; empty when none). */
  get body() {
    return this.#at(this.#s[7], this.#s[8]);
  }

  /** The body's bytes (exactly the framed octets). */
  get bodyBytes() {
    const s = this.#s;
    if (s[0] === this.#text.length) return encoder.encode(this.#text.slice(s[7], s[8]));
    this.#bytes ??= encoder.encode(this.#text);
    return this.#bytes.slice(s[7], s[8]);
  }

  /** The whole diagnosis, the same object `decode(text)` returns. */
  diagnose() {
    return this.#b.hook(0, this.#text);
  }

  /** Nothing to release (the message holds no module memory); kept for compatibility. */
  free() {}
}
// `using m = parse(text)` works where the engine has Symbol.dispose (as wasm-bindgen's classes).
if (Symbol.dispose) SipMessage.prototype[Symbol.dispose] = SipMessage.prototype.free;
