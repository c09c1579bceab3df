// <siplens-decoder>: the siplens decoder as a custom element, for portals and wikis.
//   <script type="module" src=".../siplens/element.js"></script>
//   <siplens-decoder message="SIP/2.0 486 Busy Here&#13;&#10;CSeq: 1 INVITE&#13;&#10;&#13;&#10;"></siplens-decoder>
// or, with a bundler: `import "siplens/element"` (the element loads the .wasm itself).
//
// Attributes: `message` (the SIP message; line ends in the attribute, and the two-character
// escapes `\r\n` and `\n`, are read as CR LF, since an attribute cannot carry a CR), `compact`
// (summary and headline only), `theme` (`light`, `dark`, or `auto` = prefers-color-scheme).
// Properties: `message` (exact text, never rewritten), `compact`, `theme`, `result` (read-only,
// the last Decoded or null). Events (bubbling, composed): `siplens-decoded` (detail: the Decoded)
// and `siplens-error` (detail: { message }). Types: element.d.ts.
//
// The full view shows the summary, diagnosis, findings, headers and the raw message; pointing at
// (hover, focus, click) a finding or a header highlights its bytes in the raw message.
// Styles live in the shadow root as a constructable stylesheet (allowed under a CSP
// `style-src 'self'`), themeable with --siplens-* custom properties. Message text reaches the DOM
// only through textContent / text nodes (render.js); never innerHTML.
import init, { decode } from "./siplens.js";
import { byteToUtf16Map, renderDiagnosis, renderFindings, renderHeaders, renderRaw, renderSummary, spanToRange } from "./render.js";

let ready = null;
const load = () => (ready ??= init());

// Two palettes; a --siplens-* property set by the host wins over both.
const LIGHT = `
  --_bg: var(--siplens-bg, #ffffff); --_fg: var(--siplens-fg, #1b1f24); --_muted: var(--siplens-muted, #57606a);
  --_border: var(--siplens-border, #d0d7de); --_accent: var(--siplens-accent, #0b5cad);
  --_error: var(--siplens-error, #c62828); --_warning: var(--siplens-warning, #9a6700);
  --_mark: var(--siplens-mark, #fff2a8); --_raw-bg: var(--siplens-raw-bg, #f6f8fa); color-scheme: light;`;
const DARK = `
  --_bg: var(--siplens-bg, #0d1117); --_fg: var(--siplens-fg, #e6edf3); --_muted: var(--siplens-muted, #9ea7b3);
  --_border: var(--siplens-border, #3d444d); --_accent: var(--siplens-accent, #58a6ff);
  --_error: var(--siplens-error, #ff7b72); --_warning: var(--siplens-warning, #d29922);
  --_mark: var(--siplens-mark, #6e5a00); --_raw-bg: var(--siplens-raw-bg, #161b22); color-scheme: dark;`;

/** The palette rules of a siplens element's :host (the `theme` attribute, prefers-color-scheme,
 * --siplens-* overrides); <siplens-trace> shares them. */
export const THEME_CSS = `
:host { ${LIGHT} }
@media (prefers-color-scheme: dark) { :host(:not([theme="light"])) { ${DARK} } }
:host([theme="dark"]) { ${DARK} }
`;

const CSS = `${THEME_CSS}
:host { display: block; font-family: var(--siplens-font, system-ui, sans-serif); line-height: 1.45;
  color: var(--_fg); background: var(--_bg);
  border: 1px solid var(--_border); border-radius: 8px; padding: 0.75rem 1rem; }
:host([hidden]) { display: none; }
h2 { font-size: 1.05rem; margin: 0.8rem 0 0.3rem; }
h3 { font-size: 0.95rem; margin: 0.7rem 0 0.2rem; }
.summary { border-left: 6px solid var(--_accent); padding-left: 0.75rem; }
.summary.class-request-failure, .summary.class-server-failure, .summary.class-global-failure { border-left-color: var(--_error); }
.summary-top { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: baseline; }
.code { font-size: 1.8rem; font-weight: 700; }
.reason { font-size: 1.15rem; font-weight: 600; }
.headline { margin: 0.3rem 0; }
.badges { display: flex; flex-wrap: wrap; gap: 0.3rem; margin: 0.2rem 0; }
.badge { border: 1px solid var(--_border); border-radius: 1rem; padding: 0 0.5rem; font-size: 0.8rem; }
.sev-error.badge, .badge-error { color: var(--_error); border-color: currentColor; }
.sev-warning.badge, .badge-warning { color: var(--_warning); border-color: currentColor; }
.muted { color: var(--_muted); }
a { color: var(--_accent); }
.findings { list-style: none; padding: 0; }
.finding { margin: 0.2rem 0; overflow-wrap: anywhere; }
.finding-where { display: block; font-size: 0.8rem; }
dl.kv { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.1rem 0.7rem; }
dl.kv dt { font-weight: 600; } dl.kv dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
th, td { text-align: left; vertical-align: top; padding: 0.25rem 0.4rem; border-top: 1px solid var(--_border); overflow-wrap: anywhere; }
th[scope="row"] { overflow-wrap: normal; } /* a header name breaks at its hyphens, not mid-word */
dl.fields { margin: 0.2rem 0 0; font-size: 0.8rem; color: var(--_muted); }
dl.fields dt, dl.fields dd { display: inline; margin: 0; }
dl.fields dt::after { content: "="; }
dl.fields dd { color: var(--_fg); }
dl.fields dd:not(:last-child)::after { content: ";"; color: var(--_muted); margin-right: 0.45rem; }
.table-wrap { overflow-x: auto; }
[data-span] { cursor: pointer; }
[data-span].active { background: color-mix(in srgb, var(--_mark) 55%, transparent); }
pre.raw { font-family: var(--siplens-mono, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace); font-size: 0.8rem;
  background: var(--_raw-bg); border: 1px solid var(--_border); border-radius: 6px; padding: 0.5rem 0.6rem;
  margin: 0; max-height: 24rem; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
mark.hl { background: var(--_mark); color: inherit; outline: 1px solid var(--_accent); border-radius: 2px; }
:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
.error { color: var(--_error); }
`;

let sheet = null;
function styles() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
}

/** An attribute value as message text: its line ends and `\r\n` / `\n` escapes become CR LF. */
export function fromAttribute(value) {
  return value.replace(/\\r\\n|\\n|\r\n|\r|\n/g, "\r\n");
}

const THEMES = ["light", "dark", "auto"];

/**
 * What both siplens elements share (`<siplens-decoder>`, `<siplens-trace>`): the `theme`
 * property mirroring its attribute, and taking over properties set before the class was defined.
 */
export class SiplensElement extends HTMLElement {
  /** `light`, `dark` or `auto` (mirrors the `theme` attribute; default `auto`). */
  get theme() {
    const t = this.getAttribute("theme");
    return THEMES.includes(t) ? t : "auto";
  }
  set theme(value) {
    this.setAttribute("theme", THEMES.includes(value) ? value : "auto");
  }
  /**
   * A property set on the element before its class was defined (a framework, a lazy import) is
   * an own data property shadowing the accessor: take each of `names` over.
   */
  _adoptProperties(names) {
    for (const name of names) {
      if (Object.prototype.hasOwnProperty.call(this, name)) {
        const value = this[name];
        delete this[name];
        this[name] = value;
      }
    }
  }
}

export class SiplensDecoder extends SiplensElement {
  static observedAttributes = ["message", "compact", "theme"];

  constructor() {
    super();
    this.attachShadow({ mode: "open" }).adoptedStyleSheets = [styles()];
    this._out = document.createElement("div");
    this._out.setAttribute("part", "result");
    this.shadowRoot.appendChild(this._out);
    this._result = null;
    this._text = null; // set by the `message` property; null: read the attribute
    this._raw = null; // { pre, text, map } of the raw view, when shown
    this._active = null;
    this._seq = 0;
    const point = (event) => {
      const item = event.target instanceof Element ? event.target.closest("[data-span]") : null;
      if (item && item !== this._active && this._out.contains(item)) this._highlight(item);
    };
    for (const type of ["pointerover", "focusin", "click"]) this._out.addEventListener(type, point);
  }

  /** The message to decode: the exact text set as the property, else the attribute's (line ends as CR LF). */
  get message() {
    if (this._text !== null) return this._text;
    const a = this.getAttribute("message");
    return a === null ? "" : fromAttribute(a);
  }
  set message(text) {
    this._text = String(text ?? "");
    if (this.isConnected) this._render();
  }
  /** Summary and headline only (mirrors the `compact` attribute). */
  get compact() {
    return this.hasAttribute("compact");
  }
  set compact(on) {
    this.toggleAttribute("compact", Boolean(on));
  }
  /** The last decode result, or null. */
  get result() {
    return this._result;
  }

  connectedCallback() {
    this._adoptProperties(["message", "compact", "theme"]);
    this._render();
  }

  attributeChangedCallback(name) {
    if (name === "theme") return; // CSS only
    if (name === "message") this._text = null; // a new attribute value wins over an older property
    if (this.isConnected) this._render();
  }

  _highlight(item) {
    if (!this._raw) return;
    const m = /^(\d+)-(\d+)$/.exec(item.getAttribute("data-span") ?? "");
    if (!m) return;
    this._active?.classList.remove("active");
    item.classList.add("active");
    this._active = item;
    const { pre, text, map } = this._raw;
    pre.replaceChildren(renderRaw(document, text, spanToRange(map, { start: Number(m[1]), end: Number(m[2]) })));
    // Bring the mark into the raw view's own scroll box (never scroll the host page).
    const mark = pre.querySelector("mark");
    if (mark) {
      const [mr, pr] = [mark.getBoundingClientRect(), pre.getBoundingClientRect()];
      if (mr.top < pr.top || mr.bottom > pr.bottom) pre.scrollTop += mr.top - pr.top - pre.clientHeight / 3;
    }
  }

  async _render() {
    const mine = ++this._seq;
    const doc = document;
    const noMessage = this._text === null && !this.hasAttribute("message");
    try {
      await load();
    } catch (err) {
      if (mine === this._seq) this._fail(`could not load siplens_bg.wasm (${err instanceof Error ? err.message : String(err)}); serve it as application/wasm and allow 'wasm-unsafe-eval' in the CSP script-src`);
      return;
    }
    if (mine !== this._seq) return;
    this._raw = null;
    this._active = null;
    if (noMessage) {
      // Nothing to decode yet (created, message not set): an empty element, no event.
      this._result = null;
      this._out.replaceChildren();
      return;
    }
    const text = this.message;
    let d;
    try {
      d = decode(text);
    } catch (err) {
      this._fail(err instanceof Error ? err.message : String(err));
      return;
    }
    this._result = d;
    const parts = [renderSummary(doc, d)];
    if (!this.compact) {
      const pre = doc.createElement("pre");
      pre.className = "raw";
      pre.setAttribute("part", "raw");
      pre.setAttribute("tabindex", "0");
      pre.setAttribute("aria-label", "Raw message");
      pre.appendChild(renderRaw(doc, text, null));
      this._raw = { pre, text, map: byteToUtf16Map(text) };
      const raw = doc.createElement("section");
      raw.className = "panel raw-view";
      const h2 = doc.createElement("h2");
      h2.textContent = "Message";
      raw.append(h2, pre);
      parts.push(renderDiagnosis(doc, d), renderFindings(doc, d), renderHeaders(doc, d), raw);
    }
    this._out.replaceChildren(...parts);
    this.dispatchEvent(new CustomEvent("siplens-decoded", { detail: d, bubbles: true, composed: true }));
  }

  _fail(message) {
    this._result = null;
    this._raw = null;
    const p = document.createElement("p");
    p.className = "error";
    p.setAttribute("role", "alert");
    p.textContent = message;
    this._out.replaceChildren(p);
    this.dispatchEvent(new CustomEvent("siplens-error", { detail: { message }, bubbles: true, composed: true }));
  }
}

if (!customElements.get("siplens-decoder")) customElements.define("siplens-decoder", SiplensDecoder);
