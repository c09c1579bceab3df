// <siplens-decoder>: the siplens decoder as a custom element, for portals.
//   <script type="module" src=".../siplens/element.js"></script>
//   <siplens-decoder message="SIP/2.0 486 Busy Here&#13;&#10;CSeq: 1 INVITE&#13;&#10;&#13;&#10;"></siplens-decoder>
// Attributes: `message` (the SIP message; also the `message` property), `compact` (summary and
// diagnosis headline only, no findings or headers). Styles live in the shadow root, as a
// constructable stylesheet (allowed under a CSP `style-src 'self'`), themeable with
// --siplens-bg, --siplens-fg, --siplens-muted, --siplens-border, --siplens-accent,
// --siplens-error, --siplens-warning, --siplens-font. Fires `siplens-decoded` (detail: the
// decode result) after each decode, and `siplens-error` (detail: { message }) when it throws.
// Message text reaches the DOM only through textContent (render.js).
import init, { decode } from "./siplens.js";
import { renderSummary, renderDiagnosis, renderFindings, renderHeaders } from "./render.js";

let ready = null;
const load = () => (ready ??= init());

const CSS = `
:host { display: block; font-family: var(--siplens-font, system-ui, sans-serif); line-height: 1.45;
  color: var(--siplens-fg, #1b1f24); background: var(--siplens-bg, #ffffff);
  border: 1px solid var(--siplens-border, #d0d7de); border-radius: 8px; padding: 0.75rem 1rem; }
:host([hidden]) { display: none; }
h2 { font-size: 1.05rem; margin: 0.8rem 0 0.3rem; }
h3 { font-size: 0.95rem; margin: 0.7rem 0 0.2rem; }
.summary { border-left: 6px solid var(--siplens-accent, #0b5cad); padding-left: 0.75rem; }
.summary.class-request-failure, .summary.class-server-failure, .summary.class-global-failure { border-left-color: var(--siplens-error, #c62828); }
.summary-top { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: baseline; }
.code { font-size: 1.8rem; font-weight: 700; }
.reason { font-size: 1.15rem; font-weight: 600; }
.headline { margin: 0.3rem 0; }
.badges { display: flex; flex-wrap: wrap; gap: 0.3rem; margin: 0.2rem 0; }
.badge { border: 1px solid var(--siplens-border, #d0d7de); border-radius: 1rem; padding: 0 0.5rem; font-size: 0.8rem; }
.sev-error.badge, .badge-error { color: var(--siplens-error, #c62828); border-color: currentColor; }
.sev-warning.badge, .badge-warning { color: var(--siplens-warning, #9a6700); border-color: currentColor; }
.muted { color: var(--siplens-muted, #57606a); }
.findings { list-style: none; padding: 0; }
.finding { margin: 0.2rem 0; overflow-wrap: anywhere; }
.finding-where { display: block; font-size: 0.8rem; }
dl.kv { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.1rem 0.7rem; }
dl.kv dt { font-weight: 600; } dl.kv dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
th, td { text-align: left; vertical-align: top; padding: 0.25rem 0.4rem; border-top: 1px solid var(--siplens-border, #d0d7de); overflow-wrap: anywhere; }
dl.fields dt, dl.fields dd { display: inline; margin: 0 0.3rem 0 0; font-size: 0.8rem; }
.table-wrap { overflow-x: auto; }
[data-span] { cursor: default; }
:focus-visible { outline: 2px solid var(--siplens-accent, #0b5cad); outline-offset: 2px; }
.error { color: var(--siplens-error, #c62828); }
`;

let sheet = null;
function styles() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
}

export class SiplensDecoder extends HTMLElement {
  static observedAttributes = ["message", "compact"];

  constructor() {
    super();
    this.attachShadow({ mode: "open" }).adoptedStyleSheets = [styles()];
    this._out = document.createElement("div");
    this._out.setAttribute("part", "result");
    this.shadowRoot.appendChild(this._out);
    this._result = null;
    this._seq = 0;
  }

  /** The message to decode (mirrors the `message` attribute). */
  get message() {
    return this.getAttribute("message") ?? "";
  }
  set message(text) {
    this.setAttribute("message", text);
  }
  /** The last decode result, or null. */
  get result() {
    return this._result;
  }

  connectedCallback() {
    this._render();
  }

  attributeChangedCallback() {
    if (this.isConnected) this._render();
  }

  async _render() {
    const mine = ++this._seq;
    await load();
    if (mine !== this._seq) return;
    // Attribute values cannot hold a raw CR/LF pair reliably in every authoring tool, so a
    // literal "\r\n" or "\n" escape in the attribute is read as a line end too.
    const text = this.message.replace(/\\r\\n|\\n/g, "\r\n");
    const doc = document;
    try {
      const d = decode(text);
      this._result = d;
      const parts = [renderSummary(doc, d)];
      if (!this.hasAttribute("compact")) parts.push(renderDiagnosis(doc, d), renderFindings(doc, d), renderHeaders(doc, d));
      this._out.replaceChildren(...parts);
      this.dispatchEvent(new CustomEvent("siplens-decoded", { detail: d, bubbles: true, composed: true }));
    } catch (err) {
      this._result = null;
      const p = doc.createElement("p");
      p.className = "error";
      p.textContent = err instanceof Error ? err.message : String(err);
      this._out.replaceChildren(p);
      this.dispatchEvent(new CustomEvent("siplens-error", { detail: { message: p.textContent }, bubbles: true, composed: true }));
    }
  }
}

if (!customElements.get("siplens-decoder")) customElements.define("siplens-decoder", SiplensDecoder);
