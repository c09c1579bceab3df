// <siplens-trace>: a whole SIP trace as a custom element, for portals and wikis: paste a trace
// (text, a log) or drop a pcap/pcapng capture → the call list (dialogs), the flow findings, the
// ladder; click a message (an arrow, a message link) → its decode, in a <siplens-decoder>.
//   <script type="module" src=".../siplens/trace-element.js"></script>
//   <siplens-trace></siplens-trace>
// or, with a bundler: `import "siplens/trace-element"` (the element loads the .wasm itself).
//
// Attributes: `trace` (trace text; line ends and the escapes `\r\n` / `\n` read as CR LF, as the
// decoder's `message`), `no-input` (no paste box, file picker or drop: a display-only embed),
// `theme` (`light`, `dark`, `auto`), `ladder-limit` (arrows drawn at most; default 2000).
// Properties: `text` (exact trace text), `capture` (pcap/pcapng bytes), `result` (read-only, the
// last Trace or null), `selected` (message index or null), `dialog` (the dialog shown alone in the
// ladder, or null), `noInput`, `theme`, `ladderLimit`; method `load(file)` (a File or Blob: a
// capture or text). Events (bubbling, composed): `siplens-trace` (detail: the Trace),
// `siplens-progress` (detail: { read, total, messages } while a big input decodes),
// `siplens-select` (detail: { index, message }), `siplens-error` (detail: { message }).
// Types: trace-element.d.ts.
//
// It runs on the trace module (`siplens/trace`, siplens_trace.js and its .wasm, fetched on first
// use); the message decode it shows is a <siplens-decoder>, which loads the core module. Input is
// fed to a TraceStream in slices, yielding to the event loop every few milliseconds, so a
// multi-megabyte capture never freezes the page: the status line counts the messages and the
// bytes read while it decodes, and a newer input cancels an older decode.
//
// Built from the page's render functions (trace-render.js, render.js): DOM through
// createElement / textContent only, never innerHTML; nothing is fetched but the .wasm; styles
// are a constructable stylesheet (CSP `style-src 'self'`).
import init, { captureFormat, decodeTrace, filterLadder, TraceStream } from "./siplens_trace.js";
import { assembleTrace } from "./stream.js";
import { fromAttribute, SiplensElement, THEME_CSS } from "./element.js";
import { filterDialogRows, ladderOf, renderDialogs, renderFlowFindings, renderLadder, traceSummary } from "./trace-render.js";

let ready = null;
const load = () => (ready ??= init());

const CSS = `${THEME_CSS}
:host { --_c-request: var(--_fg); --_c-provisional: #0b5cad; --_c-success: #1a7f37; --_c-redirection: #6f42c1;
  --_c-request-failure: #b35900; --_c-server-failure: #c62828; --_c-global-failure: #8e1b5a; --_c-invalid: #57606a; }
@media (prefers-color-scheme: dark) { :host(:not([theme="light"])) { --_c-provisional: #4c9aff; --_c-success: #3fb950;
  --_c-redirection: #bc8cff; --_c-request-failure: #f0883e; --_c-server-failure: #ff7b72; --_c-global-failure: #f778ba; --_c-invalid: #9ea7b3; } }
:host([theme="dark"]) { --_c-provisional: #4c9aff; --_c-success: #3fb950; --_c-redirection: #bc8cff;
  --_c-request-failure: #f0883e; --_c-server-failure: #ff7b72; --_c-global-failure: #f778ba; --_c-invalid: #9ea7b3; }
:host { display: block; font-family: var(--siplens-font, system-ui, sans-serif); line-height: 1.45;
  color: var(--_fg); background: var(--_bg); border: 1px solid var(--_border); border-radius: 8px; padding: 0.75rem 1rem; }
:host([hidden]) { display: none; }
:host([no-input]) .input { display: none; }
h2 { font-size: 1.05rem; margin: 0.8rem 0 0.3rem; }
.input textarea { box-sizing: border-box; width: 100%; min-height: 7rem; font-family: var(--siplens-mono, ui-monospace, monospace);
  font-size: 0.8rem; color: var(--_fg); background: var(--_raw-bg); border: 1px solid var(--_border); border-radius: 6px; padding: 0.4rem; }
.input.dragging textarea { outline: 2px dashed var(--_accent); }
.row { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 0.3rem 0; }
button { font: inherit; color: var(--_fg); background: var(--_raw-bg); border: 1px solid var(--_border); border-radius: 6px; padding: 0.15rem 0.6rem; cursor: pointer; }
button.link { border: 0; background: none; padding: 0; color: var(--_accent); text-decoration: underline; }
input, select { font: inherit; color: var(--_fg); background: var(--_bg); border: 1px solid var(--_border); border-radius: 4px; }
.muted { color: var(--_muted); }
.error { color: var(--_error); }
.badge { border: 1px solid var(--_border); border-radius: 1rem; padding: 0 0.5rem; font-size: 0.8rem; }
.sev-error.badge { color: var(--_error); border-color: currentColor; }
.sev-warning.badge { color: var(--_warning); border-color: currentColor; }
.findings { list-style: none; padding: 0; margin: 0; }
.finding { margin: 0.2rem 0; overflow-wrap: anywhere; }
.finding-where { display: block; font-size: 0.8rem; }
.table-wrap { overflow: auto; max-height: 18rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
th, td { text-align: left; vertical-align: top; padding: 0.2rem 0.4rem; border-top: 1px solid var(--_border); white-space: nowrap; }
td.call-id { max-width: 14rem; overflow: hidden; text-overflow: ellipsis; }
tr.selected { background: color-mix(in srgb, var(--_mark) 45%, transparent); }
.ladder-wrap { overflow: auto; max-height: 32rem; border: 1px solid var(--_border); border-radius: 6px; }
svg.ladder { display: block; }
svg.ladder text { fill: var(--_fg); }
svg.ladder .arrow-time, svg.ladder .arrow-delta { fill: var(--_muted); }
svg.ladder .lifeline { stroke: var(--_border); }
svg.ladder .arrow { cursor: pointer; }
svg.ladder .arrow:focus { outline: none; }
svg.ladder .arrow:focus-visible .arrow-line, svg.ladder .arrow.selected .arrow-line { stroke-width: 3.5; }
svg.ladder .arrow.selected .arrow-label { font-weight: 700; text-decoration: underline; }
svg.ladder .arrow-line { stroke: var(--cls, var(--_fg)); }
svg.ladder .arrow-label { fill: var(--cls, var(--_fg)); }
svg.ladder .head { fill: var(--cls, var(--_fg)); }
svg.ladder .hit { stroke: none; }
.cls-request { --cls: var(--_c-request); } .cls-provisional { --cls: var(--_c-provisional); }
.cls-success { --cls: var(--_c-success); } .cls-redirection { --cls: var(--_c-redirection); }
.cls-request-failure { --cls: var(--_c-request-failure); } .cls-server-failure { --cls: var(--_c-server-failure); }
.cls-global-failure { --cls: var(--_c-global-failure); } .cls-invalid { --cls: var(--_c-invalid); }
siplens-decoder { margin-top: 0.3rem; }
:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
`;

let sheet = null;
function styles() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
}

const DEFAULT_LIMIT = 2000;
/** Bytes per TraceStream.push, and the time spent pushing before yielding to the page. */
const SLICE = 32 * 1024;
const BUDGET_MS = 12;

/** Back to the event loop (input, rendering, requestAnimationFrame), then on. A task, not
 * scheduler.yield(): its continuations run ahead of rendering (8 frames against 49 during one
 * decode of tests/page/trace-element-big.test.mjs). */
const yieldToPage = () => new Promise((r) => setTimeout(r, 0));
const now = () => (typeof performance === "undefined" ? Date.now() : performance.now());

/** What a wrong argument is, for a TypeError (the same words as the module's). */
function describe(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return v[Symbol.toStringTag] ?? "an object";
  return typeof v === "undefined" ? "undefined" : `a ${typeof v}`;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) if (v !== null && v !== undefined) e.setAttribute(k, String(v));
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

export class SiplensTrace extends SiplensElement {
  static observedAttributes = ["trace", "theme", "ladder-limit"];

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = [styles()];
    this._textarea = el("textarea", { "aria-label": "SIP trace text", spellcheck: "false", placeholder: "Paste a SIP trace or log here, or drop a pcap/pcapng capture" });
    this._file = el("input", { type: "file", "aria-label": "Open a capture or a text trace", accept: ".pcap,.pcapng,.cap,.txt,.log,.sip" });
    const decodeButton = el("button", { type: "button", "data-action": "decode" }, "Decode");
    this._input = el("div", { class: "input", part: "input" }, this._textarea, el("div", { class: "row" }, decodeButton, this._file));
    this._status = el("p", { class: "muted status", role: "status", part: "summary" });
    this._findings = el("div", { part: "findings" });
    this._calls = el("div", { part: "calls" });
    this._ladderBar = el("div", { class: "row ladder-bar" });
    this._ladder = el("div", { class: "ladder-wrap", part: "ladder" });
    this._decodeHead = el("h2", { tabindex: "-1" });
    this._decoder = document.createElement("siplens-decoder");
    this._decoder.setAttribute("part", "decoder");
    this._decode = el("section", { class: "decode", part: "decode", role: "region", "aria-label": "Selected message", hidden: "" }, this._decodeHead, this._decoder);
    this._out = el("div", { part: "result" }, this._status, this._findings, this._calls, this._ladderBar, this._ladder, this._decode);
    root.append(this._input, this._out);

    this._result = null;
    this._text = null; // set by the `text` property (or the paste box); null: read the attribute
    this._bytes = null; // a capture set by `capture` or load()
    this._selected = null;
    this._dialog = null;
    this._seq = 0;
    this._wire(decodeButton);
  }

  _wire(decodeButton) {
    decodeButton.addEventListener("click", () => {
      this.text = this._textarea.value;
    });
    this._file.addEventListener("change", () => {
      const f = this._file.files?.[0];
      if (f) this.load(f).catch(() => {});
    });
    // Drop a file anywhere on the element.
    this.addEventListener("dragover", (e) => {
      if (this.noInput || !e.dataTransfer?.types?.includes("Files")) return;
      e.preventDefault();
      this._input.classList.add("dragging");
    });
    this.addEventListener("dragleave", () => this._input.classList.remove("dragging"));
    this.addEventListener("drop", (e) => {
      this._input.classList.remove("dragging");
      const f = e.dataTransfer?.files?.[0];
      if (this.noInput || !f) return;
      e.preventDefault();
      this.load(f).catch(() => {});
    });
    // The inner decoder's events stay inside: this element reports siplens-select.
    for (const type of ["siplens-decoded", "siplens-error"]) this._decoder.addEventListener(type, (e) => e.stopPropagation());
    this._out.addEventListener("click", (e) => {
      const t = e.target instanceof Element ? e.target : null;
      if (!t) return;
      const pick = t.closest("[data-pick]");
      if (pick) {
        const id = Number(pick.getAttribute("data-pick"));
        this.dialog = this._dialog === id ? null : id;
        return;
      }
      if (t.closest("[data-action=all]")) {
        this.dialog = null;
        return;
      }
      const link = t.closest("[data-msg]");
      if (link) {
        this.selected = Number(link.getAttribute("data-msg"));
        return;
      }
      const arrow = t.closest("g.arrow");
      if (arrow) this.selected = Number(arrow.getAttribute("data-index"));
    });
    this._out.addEventListener("keydown", (e) => {
      const arrow = e.target instanceof Element ? e.target.closest("g.arrow") : null;
      if (arrow && (e.key === "Enter" || e.key === " ")) {
        e.preventDefault();
        this.selected = Number(arrow.getAttribute("data-index"));
      }
    });
    const filter = () => {
      const section = this._calls.firstElementChild;
      if (section) filterDialogRows(section, section.querySelector("#dialog-search")?.value ?? "", section.querySelector("#dialog-outcome")?.value ?? "");
    };
    this._calls.addEventListener("input", filter);
    this._calls.addEventListener("change", filter);
  }

  /** The trace text: the exact text set as the property (or decoded from the paste box), else the attribute's. */
  get text() {
    if (this._text !== null) return this._text;
    const a = this.getAttribute("trace");
    return a === null ? "" : fromAttribute(a);
  }
  set text(value) {
    if (value !== null && value !== undefined && typeof value !== "string") {
      throw new TypeError(`siplens-trace: text must be a string, got ${describe(value)}`);
    }
    this._text = value ?? null; // null: back to the attribute (none: nothing shown)
    this._bytes = null;
    if (this._textarea.value !== this.text) this._textarea.value = this.text;
    if (this.isConnected) this._render();
  }
  /** The capture last decoded (a Uint8Array), or null; set a pcap/pcapng Uint8Array or ArrayBuffer to decode it. */
  get capture() {
    return this._bytes;
  }
  set capture(value) {
    if (value === null || value === undefined) {
      this._bytes = null;
    } else if (value instanceof Uint8Array || value?.[Symbol.toStringTag] === "Uint8Array") {
      this._bytes = value;
    } else if (value instanceof ArrayBuffer || value?.[Symbol.toStringTag] === "ArrayBuffer") {
      this._bytes = new Uint8Array(value);
    } else {
      throw new TypeError(`siplens-trace: capture must be a Uint8Array or an ArrayBuffer, got ${describe(value)}`);
    }
    if (this.isConnected) this._render();
  }
  /** The last Trace, or null. */
  get result() {
    return this._result;
  }
  /** The selected message's index, or null. */
  get selected() {
    return this._selected;
  }
  set selected(index) {
    if (index !== null && index !== undefined && !Number.isInteger(index)) {
      throw new TypeError(`siplens-trace: selected must be a message index (an integer) or null, got ${describe(index)}`);
    }
    this._select(index ?? null, true);
  }
  /** The dialog shown alone in the ladder (a `dialogs` index), or null for every message. */
  get dialog() {
    return this._dialog;
  }
  set dialog(id) {
    if (id !== null && id !== undefined && !Number.isInteger(id)) {
      throw new TypeError(`siplens-trace: dialog must be a dialog index (an integer) or null, got ${describe(id)}`);
    }
    this._dialog = id !== null && id !== undefined && this._result?.dialogs[id] ? id : null;
    if (this._result) this._draw();
  }
  /** No paste box, file picker or drop (mirrors the `no-input` attribute). */
  get noInput() {
    return this.hasAttribute("no-input");
  }
  set noInput(on) {
    this.toggleAttribute("no-input", Boolean(on));
  }
  /** Arrows drawn at most (the `ladder-limit` attribute; default 2000). */
  get ladderLimit() {
    const n = Number(this.getAttribute("ladder-limit"));
    return Number.isInteger(n) && n > 0 ? n : DEFAULT_LIMIT;
  }
  set ladderLimit(n) {
    this.setAttribute("ladder-limit", String(n));
  }

  /** Reads a File or Blob (a pcap/pcapng capture, else text) and decodes it; resolves with the Trace. */
  async load(file) {
    if (!(file instanceof Blob)) throw new TypeError(`siplens-trace: load(file) needs a File or a Blob, got ${describe(file)}`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    await load();
    if (captureFormat(bytes)) {
      this._text = null;
      this.capture = bytes;
    } else {
      this.text = new TextDecoder().decode(bytes);
    }
    await this._pending;
    return this._result;
  }

  connectedCallback() {
    this._adoptProperties(["text", "capture", "selected", "dialog", "noInput", "theme", "ladderLimit"]);
    if (!this._result) this._render();
  }

  attributeChangedCallback(name) {
    if (name === "theme") {
      this._decoder.setAttribute("theme", this.theme);
      return;
    }
    if (name === "ladder-limit") {
      if (this._result) this._draw();
      return;
    }
    if (name === "trace") {
      this._text = null; // a new attribute value wins over an older property
      this._bytes = null;
    }
    if (this.isConnected) this._render();
  }

  _render() {
    this._pending = this._decodeNow();
    return this._pending;
  }

  async _decodeNow() {
    const mine = ++this._seq;
    const bytes = this._bytes;
    const empty = !bytes && this._text === null && !this.hasAttribute("trace");
    try {
      await load();
    } catch (err) {
      if (mine === this._seq) this._fail(`could not load siplens_trace_bg.wasm (${err instanceof Error ? err.message : String(err)}); serve it as application/wasm and allow 'wasm-unsafe-eval' in the CSP script-src`);
      return;
    }
    if (mine !== this._seq) return;
    if (empty) {
      this._clear();
      return;
    }
    let trace;
    try {
      trace = await this._stream(mine, bytes);
    } catch (err) {
      if (mine === this._seq) this._fail(err instanceof Error ? err.message : String(err));
      return;
    }
    if (trace === null) return; // a newer input took over
    this._busy(false);
    this._result = trace;
    this._selected = null;
    this._dialog = null;
    this._status.className = "muted status";
    this._status.setAttribute("role", "status");
    this._status.textContent = traceSummary(trace);
    this._findings.replaceChildren(renderFlowFindings(document, trace));
    this._decode.hidden = true;
    this._draw();
    this.dispatchEvent(new CustomEvent("siplens-trace", { detail: trace, bubbles: true, composed: true }));
  }

  /**
   * The Trace of a capture (`bytes`) or of the text, the same object `decodeCapture` /
   * `decodeTrace` return, decoded through a TraceStream a slice at a time: between slices the
   * page runs (a frame, input) and the status shows the progress. Null when a newer input
   * started meanwhile.
   */
  async _stream(mine, bytes) {
    const input = bytes ?? new TextEncoder().encode(this.text);
    // A text whose first bytes read as a capture's magic number: the stream would take it for a
    // capture, so it is decoded as text in one go (decodeTrace reads text only).
    if (!bytes && captureFormat(input)) return decodeTrace(this.text);
    const stream = new TraceStream();
    const messages = [];
    try {
      let at = 0;
      while (at < input.length) {
        const start = now();
        do {
          const end = Math.min(at + SLICE, input.length);
          for (const m of stream.push(input.subarray(at, end))) messages.push(m);
          at = end;
        } while (at < input.length && now() - start < BUDGET_MS);
        if (at < input.length) {
          this._progress(at, input.length, messages.length);
          await yieldToPage();
          if (mine !== this._seq) return null;
        }
      }
      const end = stream.finish();
      for (const m of end.messages) messages.push(m);
      return assembleTrace(messages, end);
    } finally {
      stream.free();
    }
  }

  /** The status line while a big input decodes, and a `siplens-progress` event. */
  _progress(read, total, count) {
    this._busy(true);
    this._status.className = "muted status";
    this._status.setAttribute("role", "status");
    this._status.textContent = `Decoding… ${count} message${count === 1 ? "" : "s"}, ${Math.floor((read / total) * 100)} % read`;
    this.dispatchEvent(new CustomEvent("siplens-progress", { detail: { read, total, messages: count }, bubbles: true, composed: true }));
  }

  _busy(on) {
    if (on) this._out.setAttribute("aria-busy", "true");
    else this._out.removeAttribute("aria-busy");
  }

  /** The call list and the ladder (all messages, or the selected dialog's). */
  _draw() {
    const trace = this._result;
    const dg = this._dialog === null ? null : trace.dialogs[this._dialog];
    this._calls.replaceChildren(renderDialogs(document, trace, this._dialog));
    // The core's ladder (`trace.ladder`); a dialog alone is the package's filterLadder (its
    // messages and its transactions', as the page and the CLI's --dialog show it).
    const model = dg ? filterLadder(ladderOf(trace), { dialog: this._dialog }) : ladderOf(trace);
    const total = model.arrows.length;
    const limit = this.ladderLimit;
    const head = el("h2", null, dg ? `Ladder: dialog ${dg.id + 1} (${total} messages)` : `Ladder (${total} messages${total > limit ? `, the first ${limit} drawn` : ""})`);
    const all = dg ? el("button", { type: "button", "data-action": "all" }, "Show every message") : null;
    this._ladderBar.replaceChildren(...[head, all].filter(Boolean));
    this._ladder.replaceChildren(renderLadder(document, trace, limit, { model }));
    this._mark();
  }

  _mark() {
    for (const g of this._ladder.querySelectorAll("g.arrow.selected")) g.classList.remove("selected");
    if (this._selected === null) return;
    this._ladder.querySelector(`g.arrow[data-index="${this._selected}"]`)?.classList.add("selected");
  }

  _select(index, announce) {
    const m = index === null ? null : this._result?.messages[index];
    this._selected = m ? index : null;
    if (!m) {
      this._decode.hidden = true;
      this._mark();
      return;
    }
    this._decodeHead.textContent = `Message ${m.no}: ${m.label}${m.timestamp ? ` · ${m.timestamp}` : ""}${m.src || m.dst ? ` · ${m.src ?? "?"} → ${m.dst ?? "?"}` : ""}`;
    this._decoder.setAttribute("theme", this.theme);
    this._decoder.message = m.raw;
    this._decode.hidden = false;
    this._mark();
    if (announce) this.dispatchEvent(new CustomEvent("siplens-select", { detail: { index, message: m }, bubbles: true, composed: true }));
  }

  _clear() {
    this._busy(false);
    this._result = null;
    this._selected = null;
    this._dialog = null;
    this._status.textContent = "";
    for (const part of [this._findings, this._calls, this._ladderBar, this._ladder]) part.replaceChildren();
    this._decode.hidden = true;
  }

  _fail(message) {
    this._clear();
    this._status.className = "error status";
    this._status.setAttribute("role", "alert");
    this._status.textContent = message;
    this.dispatchEvent(new CustomEvent("siplens-error", { detail: { message }, bubbles: true, composed: true }));
  }
}

if (!customElements.get("siplens-trace")) customElements.define("siplens-trace", SiplensTrace);
