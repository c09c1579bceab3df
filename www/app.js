// siplens page: the one wiring file: element handles, a handlers table, URL-hash state.
// Rendering lives in render.js and trace-render.js (pure functions). Message text reaches the
// DOM only through createTextNode / textContent; the serialisations (the HTML download, the
// ladder's SVG export) use XMLSerializer on nodes built the same way.
// Two modules (README, "Package layout"): the core (one message, code lookups, knowledge base)
// is loaded at once; the trace module (traces, captures, redaction, export) by `traceModule()`,
// the first time one is asked for.
import init, * as siplens from "../pkg/siplens.js";
import * as R from "./render.js";
import * as T from "./trace-render.js";
import * as RX from "./redact.js";
import { EXAMPLES } from "./examples.js";

const $ = (id) => document.getElementById(id);
const el = {
  message: $("message"),
  example: $("example"),
  decode: $("decode"),
  share: $("share"),
  shareRow: $("share-row"),
  shareLink: $("share-link"),
  copyJson: $("copy-json"),
  downloadHtml: $("download-html"),
  downloadMd: $("download-md"),
  status: $("status"),
  result: $("result"),
  summary: $("summary"),
  diagnosis: $("diagnosis"),
  findings: $("findings"),
  headers: $("headers"),
  raw: $("raw"),
  theme: $("theme"),
  version: $("version"),
  views: { decode: $("view-decode"), codes: $("view-codes"), compare: $("view-compare") },
  nav: { decode: $("nav-decode"), codes: $("nav-codes"), compare: $("nav-compare") },
  codeSearch: $("code-search"),
  codeList: $("code-list"),
  codePage: $("code-page"),
  cmpA: $("cmp-a"),
  cmpB: $("cmp-b"),
  compare: $("compare"),
  comparison: $("comparison"),
  captureFile: $("capture-file"),
  traceResult: $("trace-result"),
  traceSummary: $("trace-summary"),
  ladder: $("ladder-svg"),
  traceMessage: $("trace-message"),
  traceMessageBody: $("trace-message-body"),
  dialogs: $("dialogs"),
  flowFindings: $("flow-findings"),
  progress: $("progress"),
  ladderMore: $("ladder-more"),
  ladderMoreRow: $("ladder-more-row"),
  exportSvg: $("export-svg"),
  exportMermaid: $("export-mermaid"),
  downloadCapture: $("download-capture"),
  redact: $("redact"),
  redactLevel: $("redact-level"),
  redactKinds: $("redact-kinds"),
  espCk: $("esp-ck"),
  espIk: $("esp-ik"),
  espSa: $("esp-sa"),
  aliases: $("aliases"),
  source: $("source"),
  triage: $("triage"),
  codeKind: $("code-kind"),
  traceHtml: $("trace-html"),
  traceMd: $("trace-md"),
  ladderAll: $("ladder-all"),
  ladderScope: $("ladder-scope"),
  exportCall: $("export-call"),
  exportCallPcap: $("export-call-pcap"),
  traceMessageEmpty: $("trace-message-empty"),
};

const WORKER_THRESHOLD = 64 * 1024; // bytes of UTF-8 input
const PROGRESS_THRESHOLD = 1024 * 1024; // capture bytes above which the status shows progress
const DEBOUNCE_MS = 150;
const LADDER_STEP = 1000; // arrows drawn at first, and added by each "Show more"
const THEME_KEY = "siplens-theme";

/** The current result: { text, d, map } (map: byte → UTF-16 index), or null. */
let current = null;
/** The current trace: { trace, text, shown, dialog } (text: the pasted trace, null for a capture;
 * shown: arrows drawn; dialog: the dialog shown alone in the ladder, or null), or null. */
let currentTrace = null;
/** The trace message shown below the ladder: { index, text, d, map } (map: byte → UTF-16 index), or null. */
let traceSel = null;
let selectSeq = 0;
let seq = 0;
let workerIds = 0;
let debounceTimer = 0;
let worker = null;
let codeGroups = null;
const pending = new Map();
/** Redact settings ({ on, level }); `redactSeq` orders redactions like `seq` orders decodes. */
let redaction = RX.loadSettings(storage());
let redactSeq = 0;
/** The capture file last opened (re-opened when Redact changes), or null after text. */
let lastCapture = null;

// A textarea's value turns every CRLF into LF, but SIP needs the exact bytes. `exact` keeps
// the text last set from an example, a share link or a paste; while the box still shows it,
// that text is decoded. After an edit, line ends follow the last source: CRLF unless a paste
// had LF only (then the LF-only leniency finding is the truth about the pasted text).
let exact = "";
let lineEnd = "\r\n";
/** What the box holds, said next to its label: an example, a file, a share link, your text. */
function setSource(label) {
  el.source.textContent = label ?? "";
}
const sizeText = (n) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} kB` : R.plural(n, "byte"));
const normalizeNewlines = (t) => t.replace(/\r\n?/g, "\n");

function setMessage(text) {
  exact = text;
  lineEnd = text.includes("\r\n") || !text.includes("\n") ? "\r\n" : "\n";
  el.message.value = text;
}

function messageText() {
  const v = el.message.value;
  if (v === normalizeNewlines(exact)) return exact;
  return lineEnd === "\r\n" ? v.replace(/\n/g, "\r\n") : v;
}

// ---- decoding -----------------------------------------------------------------------------

/** The IPsec ESP keys typed in (null when none): they go to the worker with the capture and
 * nowhere else (never the URL, the share link or an export). */
function espKeys() {
  const ck = el.espCk.value.trim();
  const ik = el.espIk.value.trim();
  const espSa = el.espSa.value.split("\n").map((l) => l.trim()).filter(Boolean);
  if (!ck && !ik && espSa.length === 0) return null;
  const keys = { espSa };
  if (ck || ik) Object.assign(keys, { ck, ik });
  return keys;
}

/** Runs `job` ({ kind, text } or { kind: "capture", bytes }) in the worker; progress messages
 * ({ progress: text, done, total }) go to onProgress. */
function decodeInWorker(job, onProgress) {
  if (!worker) {
    worker = new Worker(new URL("worker.js", import.meta.url), { type: "module" });
    worker.addEventListener("message", (e) => {
      const t = performance.now();
      const data = e.data; // deserialised here, on the main thread
      if (data.result !== undefined) performance.measure("siplens-worker-receive", { start: t });
      const p = pending.get(data.id);
      if (!p) return;
      if (data.progress !== undefined) return p.onProgress?.(data);
      pending.delete(data.id);
      data.error ? p.reject(new Error(data.error)) : p.resolve(data.result);
    });
  }
  const id = ++workerIds;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, onProgress });
    worker.postMessage({ id, ...job }, job.bytes ? [job.bytes.buffer] : []);
  });
}

/** The trace module (`siplens/trace`), fetched and instantiated on first use; the same
 * promise after that. `<html data-trace-module>` says "loading", then "ready". */
let traceLoad = null;
function traceModule() {
  if (!traceLoad) {
    document.documentElement.setAttribute("data-trace-module", "loading");
    traceLoad = import("../pkg/siplens_trace.js").then(async (m) => {
      await m.default();
      document.documentElement.setAttribute("data-trace-module", "ready");
      return m;
    });
    // A failed load (offline, a 404) is tried again on the next trace.
    traceLoad.catch(() => {
      traceLoad = null;
      document.documentElement.removeAttribute("data-trace-module");
    });
  }
  return traceLoad;
}

/** One SIP message from its first line on (what `triage` would call `sipMessage`, with nothing
 * to extract): decoded by the core alone, without loading the trace module for triage. */
const ONE_MESSAGE = /^\s*(?:[A-Za-z][A-Za-z0-9.!%*_+`'~-]* [^ \r\n]+ SIP\/2\.0[ \t]*\r?\n|SIP\/2\.0 [0-9]{3}(?: [^\r\n]*)?\r?\n)/;

/**
 * What the input is, from the core's `triage(input)` when the package has it ({ kind, note,
 * extracted }): SIP read out of a Wireshark copy or a hex dump is decoded instead of the input,
 * and the note says what was pasted. Without triage, the input as it is.
 */
async function triaged(input) {
  el.triage.hidden = true;
  el.triage.textContent = "";
  if (!input.trim() || (ONE_MESSAGE.test(input) && T.countStartLines(input) === 1)) return { text: input, note: null };
  try {
    const m = await traceModule();
    return T.triageInput(m.triage(input), input);
  } catch {
    return { text: input, note: null };
  }
}

/** Shows the triage note (what was pasted) above the result, when there is one to say. */
function showTriage(tr, d) {
  // A note is shown when SIP was read out of the input, or the input decodes as no SIP message.
  const say = tr.note && (tr.extracted || d?.kind === "invalid");
  el.triage.hidden = !say;
  el.triage.textContent = say ? (tr.extracted ? `${tr.note} The SIP read out of it is decoded below.` : tr.note) : "";
}

async function run(input) {
  lastCapture = null;
  const tr = await triaged(input);
  input = tr.text;
  if (tr.noSip) {
    // No SIP in it (text, binary data, a copy or dump without SIP): say what it is, decode nothing.
    ++seq;
    showError(new Error(tr.note));
    el.triage.textContent = tr.note;
    el.triage.hidden = false;
    return;
  }
  const red = await prepared(input);
  if (!red) return; // a newer decode started meanwhile, or redaction failed (the status says)
  const text = red.text;
  if (T.countStartLines(text) > 1) {
    await runTrace(text, red.report);
    showTriage(tr, null);
    return;
  }
  const mine = ++seq;
  const t0 = performance.now();
  let d;
  try {
    const big = text.length > WORKER_THRESHOLD / 3 && new TextEncoder().encode(text).length > WORKER_THRESHOLD;
    if (big) el.status.textContent = "Decoding a large message in the background…";
    d = big ? await decodeInWorker({ kind: "decode", text }) : siplens.decode(text);
  } catch (err) {
    if (mine !== seq) return;
    showError(err);
    return;
  }
  if (mine !== seq) return; // a newer decode started meanwhile
  current = { text, d, map: R.byteToUtf16Map(text), report: red.report };
  renderResult();
  const ms = performance.now() - t0;
  el.result.setAttribute("data-render-ms", ms.toFixed(1));
  el.result.setAttribute("data-seq", String(mine));
  performance.mark("siplens-rendered");
  el.status.textContent = `Decoded ${R.plural(new TextEncoder().encode(text).length, "byte")} in ${ms.toFixed(1)} ms.`;
  showRedaction(red.report);
  showTriage(tr, d);
}

async function runTrace(text, report) {
  const mine = ++seq;
  const t0 = performance.now();
  let trace;
  try {
    const bytes = new TextEncoder().encode(text).length;
    const big = bytes > WORKER_THRESHOLD;
    if (big) el.status.textContent = "Decoding a large trace in the background…";
    trace = big ? await decodeInWorker({ kind: "trace", text }) : (await traceModule()).decodeTrace(text);
  } catch (err) {
    if (mine === seq) showError(err);
    return;
  }
  if (mine === seq) {
    showTrace(trace, text, mine, t0);
    showRedaction(report);
  }
}

/** Decodes a capture (pcap/pcapng bytes) in the worker; a dropped text file decodes as text. */
async function openCapture(file) {
  const mine = ++seq;
  const t0 = performance.now();
  const big = file.size > PROGRESS_THRESHOLD;
  const mb = (file.size / 1048576).toFixed(1);
  if (big) el.status.textContent = `Reading ${file.name} (${mb} MB) on this computer (nothing is uploaded)…`;
  el.example.value = "";
  let trace;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (!isCapture(bytes)) {
      const text = new TextDecoder().decode(bytes);
      setMessage(text);
      setSource(`File: ${file.name} (${sizeText(file.size)})`);
      return run(text);
    }
    lastCapture = file;
    // The box no longer shows what is decoded: it is emptied, and the file is named beside it.
    setMessage("");
    setSource(`Capture: ${file.name} (${sizeText(file.size)})`);
    if (big) {
      el.progress.removeAttribute("value"); // indeterminate until the worker reports
      el.progress.hidden = false;
    }
    // With Redact on, the worker redacts the capture and decodes only the redacted bytes.
    const redact = redaction.on ? RX.redactOptions(redaction) : null;
    trace = await decodeInWorker({ kind: "capture", bytes, redact, keys: espKeys() }, (p) => {
      if (!big || mine !== seq) return;
      el.status.textContent = `${file.name} (${mb} MB): ${p.progress}`;
      if (p.total) el.progress.value = p.done / p.total;
      else el.progress.removeAttribute("value");
    });
  } catch (err) {
    el.progress.hidden = true;
    if (mine === seq) showError(err);
    return;
  }
  el.progress.hidden = true;
  if (mine !== seq) return;
  if (location.hash) history.replaceState(null, "", location.pathname);
  showTrace(trace, null, mine, t0);
  showRedaction(trace.redaction?.report ?? null);
  el.downloadCapture.hidden = !trace.redaction;
  if (trace.redaction) {
    el.downloadCapture.dataset.name = file.name.replace(/(\.pcapng|\.pcap)?$/i, (ext) => `-redacted${ext || ".pcap"}`);
    const p = trace.redaction.packets;
    if (p.nonSipDropped) el.status.textContent += ` ${R.plural(p.nonSipDropped, "packet")} without SIP ${p.nonSipDropped === 1 ? "was" : "were"} left out of the redacted capture.`;
    if (p.espDropped) el.status.textContent += ` ${R.plural(p.espDropped, "IPsec ESP packet")} ${p.espDropped === 1 ? "was" : "were"} left out (ESP may hold SIP that cannot be rewritten).`;
  }
}

/** A pcap or pcapng magic number, as the core tells it (`captureFormat`). */
function isCapture(b) {
  return siplens.captureFormat(b) !== undefined;
}

function showTrace(trace, text, mine, t0) {
  const start = performance.now();
  el.downloadCapture.hidden = true;
  current = null;
  traceSel = null;
  currentTrace = { trace, text, shown: 0, dialog: null };
  el.result.hidden = true;
  // The single-message view is rebuilt on its next decode; emptying it keeps element IDs unique.
  for (const c of [el.summary, el.diagnosis, el.findings, el.headers, el.raw]) c.replaceChildren();
  const summary = T.traceSummary(trace);
  el.traceSummary.textContent = summary;
  el.dialogs.replaceChildren(T.renderDialogs(document, trace));
  showLadder(LADDER_STEP);
  el.traceMessageEmpty.hidden = false;
  el.traceMessageBody.replaceChildren();
  document.getElementById("trace-message-h").textContent = "Selected message";
  el.flowFindings.replaceChildren(T.renderFlowFindings(document, trace), ...[T.renderEspSas(document, trace)].filter(Boolean));
  el.traceResult.hidden = false;
  for (const b of [el.copyJson]) b.disabled = false;
  for (const b of [el.downloadHtml, el.downloadMd]) b.disabled = true;
  // The worker cuts a capture's packets with the trace module's exportCallPcap.
  el.exportCallPcap.dataset.available = String(text === null);
  el.share.disabled = text === null;
  const ms = performance.now() - t0;
  el.traceResult.setAttribute("data-render-ms", ms.toFixed(1));
  el.traceResult.setAttribute("data-seq", String(mine));
  el.result.setAttribute("data-seq", String(mine));
  el.status.textContent = `Decoded a trace: ${summary} in ${ms.toFixed(1)} ms.`;
  performance.measure("siplens-show-trace", { start });
}

/**
 * The ladder shown: the core's model of the whole trace (`trace.ladder`), or of the dialog shown
 * alone (the package's `filterLadder`, the CLI's `--dialog`: its messages and its transactions'),
 * kept until another dialog is chosen.
 */
function currentLadder() {
  const { trace, dialog } = currentTrace;
  return dialog === null ? T.ladderOf(trace) : currentTrace.ladder.model;
}

/** Draws the first `count` arrows of the current trace; a long trace gets a "Show more" button. */
function showLadder(count) {
  const { trace, dialog } = currentTrace;
  const dg = dialog === null ? null : trace.dialogs[dialog];
  const model = currentLadder();
  const total = model.arrows.length;
  const shown = Math.min(count, total);
  currentTrace.shown = shown;
  // The participant names are a separate SVG that stays on top (sticky) while the ladder scrolls.
  // On a phone the gutter is narrow (time over Δt), so two lanes fit beside it.
  const compact = matchMedia("(max-width: 40rem)").matches;
  el.ladder.replaceChildren(T.renderLadderHead(document, model, { compact }), T.renderLadder(document, trace, shown, { names: false, compact, model }));
  const rest = total - shown;
  el.ladderMoreRow.hidden = rest === 0;
  el.ladderMore.textContent = `Show ${R.plural(Math.min(rest, LADDER_STEP), "more message", "more messages")} (${shown} of ${total} shown)`;
  el.ladderScope.textContent = dg
    ? `Dialog ${dg.id + 1} alone (${R.plural(total, "message")}; Call-ID ${dg.callId}).`
    : `All ${R.plural(trace.messages.length, "message")}.`;
  el.ladderAll.hidden = !dg;
  el.exportCall.hidden = !dg;
  el.exportCallPcap.hidden = !dg || el.exportCallPcap.dataset.available !== "true";
  for (const tr of el.dialogs.querySelectorAll("tr[data-dialog]")) {
    const on = dg !== null && tr.getAttribute("data-dialog") === String(dg.id);
    tr.classList.toggle("selected", on);
    if (on) tr.setAttribute("aria-current", "true");
    else tr.removeAttribute("aria-current");
  }
}

/** Shows dialog `id` alone in the ladder (null: every message). */
async function selectDialog(id) {
  const shown = currentTrace;
  if (!shown) return;
  if (id !== null && shown.ladder?.dialog !== id) {
    // filterLadder is in the trace module: loaded already for a trace decoded here, fetched now
    // for one the worker decoded.
    const m = await traceModule();
    if (currentTrace !== shown) return;
    shown.ladder = { dialog: id, model: m.filterLadder(T.ladderOf(shown.trace), { dialog: id }) };
  }
  shown.dialog = id;
  showLadder(LADDER_STEP);
}

/** Shows message `index` of the current trace below the ladder, with the single-message views.
 * A capture's whole messages stay in the worker (see worker.js): the selected one is fetched. */
async function selectArrow(index) {
  if (!currentTrace) return;
  const shown = currentTrace;
  let m = shown.trace.messages[index];
  if (!m) return;
  // A message outside the dialog shown alone (a finding's link) brings every message back.
  if (shown.dialog !== null && !currentLadder().arrows.some((a) => a.index === index)) selectDialog(null);
  if (index >= shown.shown) showLadder(index + 1);
  for (const g of el.ladder.querySelectorAll("g.arrow.selected")) {
    g.classList.remove("selected");
    g.removeAttribute("aria-pressed");
  }
  const g = el.ladder.querySelector(`g.arrow[data-index="${index}"]`);
  g?.classList.add("selected");
  g?.setAttribute("aria-pressed", "true");
  const want = ++selectSeq;
  if (m.slim) {
    try {
      m = await decodeInWorker({ kind: "message", held: shown.trace.held, index });
    } catch (err) {
      if (want === selectSeq) el.status.textContent = `Could not show message ${index + 1}: ${err instanceof Error ? err.message : String(err)}`;
      return;
    }
    if (want !== selectSeq || currentTrace !== shown) return; // another arrow or trace meanwhile
  }
  // `raw` is the message text its spans point into; bytes that were not UTF-8 became U+FFFD,
  // which shifts every later offset, so such a message is decoded again from the text shown.
  const text = m.raw;
  const d = m.rawLossy ? siplens.decode(text) : m.decoded;
  traceSel = { index, text, d, map: R.byteToUtf16Map(text) };
  const actions = R.h(
    document,
    "div",
    { class: "actions" },
    R.h(document, "button", { type: "button", class: "secondary", "data-action": "open" }, "Open in the message view"),
    R.h(document, "button", { type: "button", class: "secondary", "data-action": "share" }, "Share this message"),
  );
  const raw = R.h(
    document,
    "section",
    { class: "panel", "aria-label": `Message ${index + 1} raw` },
    R.h(document, "p", { class: "muted" }, "Click a byte to select the finding or header there."),
    R.h(document, "pre", { class: "raw", id: "trace-raw", tabindex: "0", "aria-label": `Message ${index + 1} as captured` }),
  );
  raw.lastChild.appendChild(R.renderRaw(document, text, null));
  el.traceMessageBody.replaceChildren(actions, R.renderSummary(document, d), raw, R.renderDiagnosis(document, d), R.renderFindings(document, d), R.renderHeaders(document, d));
  el.traceMessageEmpty.hidden = true;
  el.traceMessageBody.setAttribute("data-index", String(index));
  document.getElementById("trace-message-h").textContent = `Message ${index + 1}: ${T.messageLabel(m)}`;
}

/** Highlights `span` of the selected trace message in its raw view. */
function traceHighlight(span, scroll) {
  const pre = document.getElementById("trace-raw");
  if (!traceSel || !pre) return;
  pre.replaceChildren(R.renderRaw(document, traceSel.text, R.spanToRange(traceSel.map, span)));
  pre.setAttribute("data-highlight", `${span.start}-${span.end}`);
  if (scroll) revealMark(pre);
}

function traceSelect(item) {
  for (const s of el.traceMessageBody.querySelectorAll(".selected")) {
    s.classList.remove("selected");
    s.removeAttribute("aria-current");
  }
  if (!item) return;
  item.classList.add("selected");
  item.setAttribute("aria-current", "true");
  traceHighlight(parseSpan(item.getAttribute("data-span")), true);
}

function showError(err) {
  current = null;
  currentTrace = null;
  showRedaction(null);
  el.traceResult.hidden = true;
  el.result.hidden = true;
  setActionsEnabled(false);
  el.status.textContent = `Nothing to decode: ${err instanceof Error ? err.message : String(err)}`;
}

function setActionsEnabled(on) {
  for (const b of [el.share, el.copyJson, el.downloadHtml, el.downloadMd]) b.disabled = !on;
}

function renderResult() {
  const { d, text } = current;
  el.summary.replaceChildren(R.renderSummary(document, d));
  el.diagnosis.replaceChildren(R.renderDiagnosis(document, d));
  el.findings.replaceChildren(R.renderFindings(document, d));
  el.headers.replaceChildren(R.renderHeaders(document, d));
  el.raw.replaceChildren(R.renderRaw(document, text, null));
  currentTrace = null;
  el.traceResult.hidden = true;
  el.result.hidden = false;
  setActionsEnabled(true);
}

// ---- redaction ----------------------------------------------------------------------------

function storage() {
  try {
    return localStorage;
  } catch {
    return null;
  }
}

const isBig = (text) => text.length > WORKER_THRESHOLD / 3 && new TextEncoder().encode(text).length > WORKER_THRESHOLD;

/** `text` redacted under the current settings: { text, report } (in the worker when big). */
async function redactText(text) {
  const options = RX.redactOptions(redaction);
  return isBig(text) ? decodeInWorker({ kind: "redact", text, options }) : (await traceModule()).redact(text, options);
}

/**
 * What to decode: { text, report }, the input itself (report null) or, when Redact is on, its
 * redaction, so nothing shown, shared or exported derives from the original. Null when a newer
 * decode started meanwhile or the redaction failed (then the status says why).
 */
async function prepared(input) {
  if (!redaction.on) return { text: input, report: null };
  const mine = ++redactSeq;
  const before = seq;
  const fresh = () => mine === redactSeq && before === seq;
  try {
    const r = await redactText(input);
    return fresh() ? r : null;
  } catch (err) {
    if (fresh()) showError(err);
    return null;
  }
}

/** The Aliases panel for `report` (hidden when null) and its line in the status. */
function showRedaction(report) {
  for (const r of [el.result, el.traceResult]) {
    if (report) r.setAttribute("data-redacted", report.level);
    else r.removeAttribute("data-redacted");
  }
  el.aliases.hidden = !report;
  if (!report) return el.aliases.replaceChildren();
  el.aliases.replaceChildren(RX.renderAliases(document, report));
  el.status.textContent += ` ${RX.reportSummary(report)}`;
}

/** The controls show the settings. */
function applyRedaction() {
  el.redact.checked = redaction.on;
  el.redactLevel.value = redaction.level;
}

// ---- highlighting -------------------------------------------------------------------------

function parseSpan(attr) {
  const [start, end] = attr.split("-").map(Number);
  return { start, end };
}

function highlight(span, scroll) {
  if (!current) return;
  const range = R.spanToRange(current.map, span);
  el.raw.replaceChildren(R.renderRaw(document, current.text, range));
  el.raw.setAttribute("data-highlight", `${span.start}-${span.end}`);
  if (scroll) revealMark(el.raw);
}

/**
 * Scrolls the raw view's own box (not the page) to show its highlighted range; the page scrolls
 * only when the raw view is entirely out of sight (one column on a phone). Scrolling the page
 * under the pointer would hover, and highlight, another item.
 */
function revealMark(pre) {
  const mark = document.getElementById("raw-mark");
  if (!mark || !pre.contains(mark)) return;
  const p = pre.getBoundingClientRect();
  const m = mark.getBoundingClientRect();
  if (m.top < p.top || m.bottom > p.bottom) pre.scrollTop += m.top - p.top - pre.clientHeight / 3;
  if (m.left < p.left || m.right > p.right) pre.scrollLeft += m.left - p.left - 16;
  const q = pre.getBoundingClientRect();
  if (q.bottom < 0 || q.top > innerHeight) pre.scrollIntoView({ block: "nearest" });
}

function select(item) {
  for (const s of el.result.querySelectorAll(".selected")) {
    s.classList.remove("selected");
    s.removeAttribute("aria-current");
  }
  if (!item) return;
  item.classList.add("selected");
  item.setAttribute("aria-current", "true");
  highlight(parseSpan(item.getAttribute("data-span")), true);
}

/** The UTF-16 index of a click inside `pre` (the raw view), from the caret position under the pointer. */
function rawIndexAt(event, pre = el.raw) {
  let node;
  let offset;
  if (document.caretPositionFromPoint) {
    const p = document.caretPositionFromPoint(event.clientX, event.clientY);
    if (p) [node, offset] = [p.offsetNode, p.offset];
  } else if (document.caretRangeFromPoint) {
    const r = document.caretRangeFromPoint(event.clientX, event.clientY);
    if (r) [node, offset] = [r.startContainer, r.startOffset];
  }
  if (!node || !pre.contains(node)) return null;
  let index = 0;
  const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    if (t === node) return index + offset;
    index += t.data.length;
  }
  return null;
}

// ---- sharing and export -------------------------------------------------------------------

function toBase64Url(bytes) {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(s) {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

async function pipe(bytes, stream) {
  return new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(stream)).arrayBuffer());
}

async function packMessage(text) {
  return toBase64Url(await pipe(new TextEncoder().encode(text), new CompressionStream("deflate-raw")));
}

async function unpackMessage(packed) {
  return new TextDecoder().decode(await pipe(fromBase64Url(packed), new DecompressionStream("deflate-raw")));
}

function download(name, type, content) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const REPORT_CSS = `body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#1b1f24}
pre{white-space:pre-wrap;overflow-wrap:anywhere;border:1px solid #d0d7de;padding:.6rem;border-radius:6px}
.badge{display:inline-block;border:1px solid #d0d7de;border-radius:1rem;padding:0 .5rem;margin-right:.3rem;font-size:.85em}
.summary{border:1px solid #d0d7de;border-left:6px solid #57606a;padding:.5rem 1rem;border-radius:6px}
.code{font-size:2rem;font-weight:700;margin-right:.5rem}.reason{font-size:1.3rem}
.muted{color:#57606a}table{border-collapse:collapse;width:100%}th,td{border-top:1px solid #d0d7de;text-align:left;vertical-align:top;padding:.3rem}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem}dt{font-weight:600}dd{margin:0}
dl.fields{margin:.2rem 0 0;font-size:.85em}dl.fields dt,dl.fields dd{display:inline;margin:0 .3rem 0 0}`;

/** Version, date and redaction level for a report. */
function reportMeta() {
  const level = current?.report?.level ?? currentTrace?.trace?.redaction?.report?.level ?? (el.result.getAttribute("data-redacted") || el.traceResult.getAttribute("data-redacted") || null);
  return { version: siplens.version(), date: new Date().toISOString(), redacted: level };
}

/**
 * A self-contained HTML report: `body(rdoc)` builds its content in a new document with
 * createElement + textContent; XMLSerializer escapes the text once.
 */
function reportDocument(title, body) {
  const rdoc = document.implementation.createHTMLDocument(title);
  const meta = rdoc.createElement("meta");
  meta.setAttribute("charset", "utf-8");
  const csp = rdoc.createElement("meta");
  csp.setAttribute("http-equiv", "Content-Security-Policy");
  csp.setAttribute("content", "default-src 'none'; style-src 'unsafe-inline'");
  // No <style> element in this DOM: the new document shares this page's CSP, under which even
  // an empty one is a blocked inline style. The constant REPORT_CSS goes in after serialisation.
  rdoc.head.prepend(meta, csp);
  rdoc.title = title;
  rdoc.body.appendChild(body(rdoc));
  // The documented serialisation: a DOM built with createElement + textContent, escaped by
  // the serializer. No script element exists in it, and its CSP forbids scripts anyway.
  // Message text is escaped by the serializer (< becomes &lt;), so the only literal "<head>"
  // is the element's own tag; it receives the constant CSS, never message text.
  const html = new XMLSerializer().serializeToString(rdoc).replace("<head>", `<head><style>${REPORT_CSS}</style>`);
  return `<!doctype html>\n${html}`;
}

function reportHtml() {
  return reportDocument(`siplens report: ${current.d.diagnosis.headline}`, (rdoc) => R.renderReport(rdoc, current.d, current.text, { version: siplens.version(), date: new Date().toISOString(), redacted: current.report?.level }));
}

/** Puts `text` in a share link (the fragment, never sent to a server) and copies it. */
async function shareText(text) {
  const link = `${location.origin}${location.pathname}#m=${await packMessage(text)}`;
  history.replaceState(null, "", link);
  el.shareRow.hidden = false;
  el.shareLink.value = link;
  el.shareLink.select();
  try {
    await navigator.clipboard.writeText(link);
    el.status.textContent = "Share link copied. The message travels in the fragment (#), which is never sent to a server.";
  } catch {
    el.status.textContent = "Share link ready below. The message travels in the fragment (#), which is never sent to a server.";
  }
}

/** "Open in the message view": the selected trace message becomes the message being decoded. */
function openSelected() {
  const { text, index } = traceSel;
  if (location.hash) history.replaceState(null, "", location.pathname);
  setMessage(text);
  el.example.value = "";
  setSource(`Message ${index + 1} of the trace`);
  showView("decode");
  return run(text).then(() => el.message.focus());
}

/** "Share this message": a share link of the selected trace message alone. */
function shareSelected() {
  return shareText(traceSel.text);
}

// ---- views and URL-hash state -------------------------------------------------------------

function hashState() {
  return new URLSearchParams(location.hash.slice(1));
}

function showView(name) {
  for (const [k, v] of Object.entries(el.views)) v.hidden = k !== name;
  for (const [k, v] of Object.entries(el.nav)) {
    if (k === name) v.setAttribute("aria-current", "page");
    else v.removeAttribute("aria-current");
  }
}

/** Code → everything its knowledge page says (for the search), built once. */
let codeTexts = null;

/** A KB list from the package (`listQ850`…), or null when this build has no such export. */
function kbList(fn) {
  if (typeof siplens[fn] !== "function") return null;
  try {
    return siplens[fn]();
  } catch {
    return null;
  }
}

/** The RFC 3398 §7.2.4.1 SIP → Q.850 rows for Compare: the package's `listSipToQ850()` or
 * `catalog().sipToQ850`, else the Q.850 list's `sip` mapping, or null (Compare then says so). */
function q850Table() {
  const direct = kbList("listSipToQ850");
  if (Array.isArray(direct)) return direct;
  const catalog = kbList("catalog");
  if (Array.isArray(catalog?.sipToQ850)) return catalog.sipToQ850;
  const causes = kbList("listQ850");
  if (!Array.isArray(causes) || !causes.some((c) => c.sip !== undefined)) return null;
  return causes.filter((c) => c.sip !== null && c.sip !== undefined).map((c) => ({ sip: c.sip, cause: c.cause, causeText: c.name }));
}

function renderCodes(query) {
  const kind = el.codeKind.value;
  if (kind !== "sip") {
    el.codeList.replaceChildren(R.renderKbList(document, kind, kbList(R.KB_LISTS[kind].fn), query));
    return;
  }
  codeGroups ??= siplens.listCodes();
  if (!codeTexts) {
    codeTexts = new Map();
    for (const g of codeGroups) {
      for (const c of g.codes) {
        try {
          codeTexts.set(c.code, R.codeSearchText(siplens.lookupCode(c.code).info));
        } catch {
          /* a code without a page is searched by its list text only */
        }
      }
    }
  }
  el.codeList.replaceChildren(R.renderCodeList(document, codeGroups, query, codeTexts));
}

function renderCompare(a, b) {
  try {
    el.comparison.replaceChildren(R.renderComparison(document, siplens.compareCodes(a, b), q850Table()));
  } catch (err) {
    el.comparison.textContent = err instanceof Error ? err.message : String(err);
  }
}

async function route() {
  const s = hashState();
  if (s.has("m")) {
    showView("decode");
    try {
      const text = await unpackMessage(s.get("m"));
      setMessage(text);
      el.example.value = "";
      setSource("From a share link");
      await run(text);
    } catch {
      el.status.textContent = "The shared link is damaged: its message could not be restored.";
    }
    return;
  }
  if (s.has("code")) {
    showView("codes");
    const code = Number(s.get("code"));
    try {
      el.codePage.replaceChildren(R.renderCodePage(document, siplens.lookupCode(code)));
    } catch (err) {
      el.codePage.textContent = err instanceof Error ? err.message : String(err);
    }
    renderCodes(el.codeSearch.value);
    document.getElementById("code-page-h")?.focus?.();
    return;
  }
  if (s.has("compare")) {
    showView("compare");
    const [a, b] = s.get("compare").split(",").map(Number);
    el.cmpA.value = String(a);
    el.cmpB.value = String(b);
    renderCompare(a, b);
    return;
  }
  const view = s.get("view");
  if (view === "codes") {
    showView("codes");
    el.codePage.replaceChildren();
    renderCodes(el.codeSearch.value);
  } else if (view === "compare") {
    showView("compare");
    renderCompare(Number(el.cmpA.value), Number(el.cmpB.value));
  } else showView("decode");
}

// ---- theme --------------------------------------------------------------------------------

function effectiveTheme() {
  return document.documentElement.getAttribute("data-theme") ?? (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
}

function applyTheme(theme) {
  if (theme) document.documentElement.setAttribute("data-theme", theme);
  el.theme.textContent = effectiveTheme() === "dark" ? "Light theme" : "Dark theme";
}

function storedTheme() {
  try {
    return localStorage.getItem(THEME_KEY);
  } catch {
    return null;
  }
}

// ---- handlers -----------------------------------------------------------------------------

function spanItem(event, within = el.result) {
  const t = event.target instanceof Element ? event.target.closest("[data-span]") : null;
  return t && within.contains(t) ? t : null;
}

const handlers = {
  input() {
    // The box no longer holds the example (or file) named before.
    if (el.example.value) el.example.value = "";
    setSource(el.message.value ? "Your text" : "");
    clearTimeout(debounceTimer);
    debounceTimer = setTimeout(() => handlers.decode(), DEBOUNCE_MS);
  },
  decode() {
    clearTimeout(debounceTimer);
    return run(messageText());
  },
  paste(event) {
    // Remember the pasted text's line ends (the textarea will show LF either way).
    const t = event.clipboardData?.getData("text/plain") ?? "";
    const whole = el.message.selectionStart === 0 && el.message.selectionEnd === el.message.value.length;
    if (whole && t) {
      exact = t;
      lineEnd = t.includes("\r\n") || !t.includes("\n") ? "\r\n" : "\n";
    } else if (t.includes("\n")) lineEnd = t.includes("\r\n") ? "\r\n" : "\n";
  },
  keydown(event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      handlers.decode();
    }
  },
  example() {
    const ex = EXAMPLES.find((e) => e.id === el.example.value);
    if (!ex) return;
    setMessage(ex.text);
    setSource(`Example: ${ex.title}`);
    if (location.hash) history.replaceState(null, "", location.pathname);
    handlers.decode();
  },
  resultClick(event) {
    const item = spanItem(event);
    if (item) select(item);
  },
  resultKey(event) {
    if (event.key !== "Enter" && event.key !== " ") return;
    const item = spanItem(event);
    if (!item) return;
    event.preventDefault();
    select(item);
  },
  resultHover(event) {
    const item = spanItem(event);
    if (item) highlight(parseSpan(item.getAttribute("data-span")), false);
  },
  rawClick(event) {
    if (!current) return;
    const index = rawIndexAt(event);
    if (index === null) return;
    const hit = R.itemAtOffset(current.d, R.utf16ToByte(current.map, index));
    if (!hit) return;
    const sel = hit.kind === "finding" ? `[data-finding="${hit.index}"]` : `[data-header="${hit.index}"]`;
    const item = el.result.querySelector(sel);
    select(item);
    item?.scrollIntoView({ block: "nearest" });
  },
  async share() {
    let text = messageText();
    if (redaction.on) {
      try {
        text = (await redactText(text)).text;
      } catch (err) {
        el.status.textContent = `No share link: ${err instanceof Error ? err.message : String(err)}`;
        return;
      }
    }
    await shareText(text);
    if (redaction.on) el.status.textContent += " It holds the redacted message.";
  },
  async copyJson() {
    const data = current?.d ?? currentTrace?.trace;
    if (!data) return;
    // A capture's whole Trace is in the worker, which writes its JSON.
    let json;
    try {
      json = data.held ? await decodeInWorker({ kind: "json", held: data.held }) : JSON.stringify(data, null, 2);
    } catch (err) {
      el.status.textContent = `Could not copy the JSON: ${err instanceof Error ? err.message : String(err)}`;
      return;
    }
    try {
      await navigator.clipboard.writeText(json);
      el.status.textContent = "JSON copied.";
    } catch {
      download("siplens.json", "application/json", json);
      el.status.textContent = "The clipboard is not available: JSON downloaded instead.";
    }
  },
  downloadHtml() {
    if (current) download("siplens-report.html", "text/html", reportHtml());
  },
  downloadMd() {
    if (current) download("siplens-report.md", "text/markdown", R.toMarkdown(current.d, current.text, { version: siplens.version(), redacted: current.report?.level }));
  },
  theme() {
    const next = effectiveTheme() === "dark" ? "light" : "dark";
    try {
      localStorage.setItem(THEME_KEY, next);
    } catch {
      /* private mode: the toggle still works for this page */
    }
    applyTheme(next);
  },
  codeSearch() {
    renderCodes(el.codeSearch.value);
  },
  traceHtml() {
    if (!currentTrace) return;
    download("siplens-trace-report.html", "text/html", reportDocument(`siplens trace report`, (rdoc) => T.renderTraceReport(rdoc, currentTrace.trace, reportMeta())));
  },
  traceMd() {
    if (currentTrace) download("siplens-trace-report.md", "text/markdown", T.traceToMarkdown(currentTrace.trace, reportMeta()));
  },
  dialogsClick(event) {
    const pick = event.target instanceof Element ? event.target.closest("tr[data-dialog]") : null;
    if (!pick || !currentTrace || event.target.closest("input, select, label")) return;
    selectDialog(Number(pick.getAttribute("data-dialog")));
    el.ladder.scrollIntoView?.({ block: "nearest" });
  },
  dialogsFilter() {
    const section = el.dialogs.firstElementChild;
    if (!section) return;
    T.filterDialogRows(section, document.getElementById("dialog-search")?.value ?? "", document.getElementById("dialog-outcome")?.value ?? "");
  },
  ladderAll() {
    selectDialog(null);
  },
  /** The dialog shown alone, its messages as text (a capture's raw texts come from the worker). */
  async exportCall() {
    const t = currentTrace;
    const dg = t?.dialog === null || !t ? null : t.trace.dialogs[t.dialog];
    if (!dg) return;
    let raws = {};
    if (t.trace.held) {
      try {
        const list = await decodeInWorker({ kind: "raws", held: t.trace.held, indices: dg.messages });
        dg.messages.forEach((i, k) => (raws[i] = list[k]));
      } catch (err) {
        el.status.textContent = `Could not export the call: ${err instanceof Error ? err.message : String(err)}`;
        return;
      }
    } else raws = Object.fromEntries(dg.messages.map((i) => [i, t.trace.messages[i].raw]));
    download(`siplens-dialog-${dg.id + 1}.txt`, "text/plain", T.callText(t.trace, dg, raws));
  },
  /** The dialog shown alone, its packets as a pcap: the capture's own bytes (the package's exportCallPcap, in the worker). */
  async exportCallPcap() {
    const t = currentTrace;
    const dg = t?.dialog === null || !t ? null : t.trace.dialogs[t.dialog];
    if (!dg || !t.trace.held) return;
    try {
      const bytes = await decodeInWorker({ kind: "callPcap", held: t.trace.held, indices: dg.messages });
      download(`siplens-dialog-${dg.id + 1}.pcap`, "application/vnd.tcpdump.pcap", bytes);
    } catch (err) {
      el.status.textContent = `Could not export the call's packets: ${err instanceof Error ? err.message : String(err)}`;
    }
  },
  flowFindingsClick(event) {
    const link = event.target instanceof Element ? event.target.closest("button[data-msg]") : null;
    if (!link) return;
    const index = Number(link.getAttribute("data-msg"));
    selectArrow(index).then(() => {
      const g = el.ladder.querySelector(`g.arrow[data-index="${index}"]`);
      g?.scrollIntoView?.({ block: "center" });
      g?.focus?.();
    });
  },
  compare() {
    location.hash = `compare=${Number(el.cmpA.value)},${Number(el.cmpB.value)}`;
  },
  compareKey(event) {
    if (event.key === "Enter") handlers.compare();
  },
  captureFile() {
    const file = el.captureFile.files?.[0];
    if (file) openCapture(file);
    el.captureFile.value = ""; // choosing the same file again decodes it again
  },
  dragover(event) {
    if (!event.dataTransfer?.types?.includes("Files")) return;
    event.preventDefault();
    document.body.classList.add("dragging");
  },
  dragleave(event) {
    if (event.relatedTarget === null) document.body.classList.remove("dragging");
  },
  drop(event) {
    document.body.classList.remove("dragging");
    const file = event.dataTransfer?.files?.[0];
    if (!file) return;
    event.preventDefault();
    showView("decode");
    openCapture(file);
  },
  traceMessageClick(event) {
    const action = event.target instanceof Element ? event.target.closest("button[data-action]") : null;
    if (action && traceSel) return action.getAttribute("data-action") === "open" ? openSelected() : shareSelected();
    const pre = document.getElementById("trace-raw");
    if (traceSel && pre && event.target instanceof Node && pre.contains(event.target)) {
      const index = rawIndexAt(event, pre);
      if (index === null) return;
      const hit = R.itemAtOffset(traceSel.d, R.utf16ToByte(traceSel.map, index));
      if (!hit) return;
      const sel = hit.kind === "finding" ? `[data-finding="${hit.index}"]` : `[data-header="${hit.index}"]`;
      const item = el.traceMessageBody.querySelector(sel);
      traceSelect(item);
      item?.scrollIntoView({ block: "nearest" });
      return;
    }
    const item = spanItem(event, el.traceMessageBody);
    if (item) traceSelect(item);
  },
  traceMessageKey(event) {
    if (event.key !== "Enter" && event.key !== " ") return;
    const item = spanItem(event, el.traceMessageBody);
    if (!item) return;
    event.preventDefault();
    traceSelect(item);
  },
  traceMessageHover(event) {
    const item = spanItem(event, el.traceMessageBody);
    if (item) traceHighlight(parseSpan(item.getAttribute("data-span")), false);
  },
  ladderMore() {
    if (currentTrace) showLadder(currentTrace.shown + LADDER_STEP);
  },
  codeKind() {
    renderCodes(el.codeSearch.value);
  },
  ladderClick(event) {
    const g = event.target instanceof Element ? event.target.closest("g.arrow") : null;
    if (g) selectArrow(Number(g.getAttribute("data-index")));
  },
  ladderKey(event) {
    if (event.key !== "Enter" && event.key !== " ") return;
    const g = event.target instanceof Element ? event.target.closest("g.arrow") : null;
    if (!g) return;
    event.preventDefault();
    selectArrow(Number(g.getAttribute("data-index")));
  },
  exportSvg() {
    if (!currentTrace) return;
    // A fresh ladder (no selection); its text nodes are escaped by the serializer.
    const xml = new XMLSerializer().serializeToString(T.renderLadder(document, currentTrace.trace, Infinity, { model: currentLadder() }));
    download("siplens-ladder.svg", "image/svg+xml", `<?xml version="1.0" encoding="UTF-8"?>\n${xml}\n`);
  },
  /** The redacted capture (pcap/pcapng bytes held by the worker), as a file. */
  async downloadCapture() {
    const held = currentTrace?.trace?.held;
    if (!held || !currentTrace.trace.redaction) return;
    try {
      const bytes = await decodeInWorker({ kind: "redactedCapture", held });
      download(el.downloadCapture.dataset.name || "redacted.pcap", "application/vnd.tcpdump.pcap", bytes);
    } catch (err) {
      el.status.textContent = `Could not download the redacted capture: ${err instanceof Error ? err.message : String(err)}`;
    }
  },
  exportMermaid() {
    if (!currentTrace) return;
    download("siplens-ladder.mmd", "text/plain", T.toMermaid(currentLadder()));
  },
  redact() {
    const was = redaction;
    redaction = { on: el.redact.checked, level: el.redactLevel.value };
    RX.saveSettings(storage(), redaction);
    if (!was.on && !redaction.on) return;
    // A link made before, in the box or in the address bar, may hold the original text.
    el.shareRow.hidden = true;
    el.shareLink.value = "";
    if (redaction.on && hashState().has("m")) history.replaceState(null, "", location.pathname);
    if (lastCapture) openCapture(lastCapture);
    else if (current || currentTrace) handlers.decode();
  },
};

el.message.addEventListener("input", handlers.input);
el.message.addEventListener("keydown", handlers.keydown);
el.message.addEventListener("paste", handlers.paste);
el.example.addEventListener("change", handlers.example);
el.decode.addEventListener("click", handlers.decode);
el.result.addEventListener("click", handlers.resultClick);
el.result.addEventListener("keydown", handlers.resultKey);
el.result.addEventListener("mouseover", handlers.resultHover);
el.result.addEventListener("focusin", handlers.resultHover);
el.raw.addEventListener("click", handlers.rawClick);
el.share.addEventListener("click", handlers.share);
el.copyJson.addEventListener("click", handlers.copyJson);
el.downloadHtml.addEventListener("click", handlers.downloadHtml);
el.downloadMd.addEventListener("click", handlers.downloadMd);
el.theme.addEventListener("click", handlers.theme);
el.codeSearch.addEventListener("input", handlers.codeSearch);
el.codeKind.addEventListener("change", handlers.codeKind);
el.traceHtml.addEventListener("click", handlers.traceHtml);
el.traceMd.addEventListener("click", handlers.traceMd);
el.dialogs.addEventListener("click", handlers.dialogsClick);
el.dialogs.addEventListener("input", handlers.dialogsFilter);
el.dialogs.addEventListener("change", handlers.dialogsFilter);
el.ladderAll.addEventListener("click", handlers.ladderAll);
el.exportCall.addEventListener("click", handlers.exportCall);
el.exportCallPcap.addEventListener("click", handlers.exportCallPcap);
el.flowFindings.addEventListener("click", handlers.flowFindingsClick);
el.compare.addEventListener("click", handlers.compare);
el.cmpA.addEventListener("keydown", handlers.compareKey);
el.cmpB.addEventListener("keydown", handlers.compareKey);
el.captureFile.addEventListener("change", handlers.captureFile);
el.ladder.addEventListener("click", handlers.ladderClick);
el.ladderMore.addEventListener("click", handlers.ladderMore);
el.traceMessageBody.addEventListener("click", handlers.traceMessageClick);
el.traceMessageBody.addEventListener("keydown", handlers.traceMessageKey);
el.traceMessageBody.addEventListener("mouseover", handlers.traceMessageHover);
el.traceMessageBody.addEventListener("focusin", handlers.traceMessageHover);
el.ladder.addEventListener("keydown", handlers.ladderKey);
el.exportSvg.addEventListener("click", handlers.exportSvg);
el.exportMermaid.addEventListener("click", handlers.exportMermaid);
el.downloadCapture.addEventListener("click", handlers.downloadCapture);
el.redact.addEventListener("change", handlers.redact);
el.redactLevel.addEventListener("change", handlers.redact);
document.addEventListener("dragover", handlers.dragover);
document.addEventListener("dragleave", handlers.dragleave);
document.addEventListener("drop", handlers.drop);
addEventListener("hashchange", route);

applyTheme(storedTheme());
applyRedaction();
for (const group of [...new Set(EXAMPLES.map((e) => e.group))]) {
  const og = document.createElement("optgroup");
  og.label = group;
  for (const e of EXAMPLES.filter((x) => x.group === group)) {
    const o = document.createElement("option");
    o.value = e.id;
    o.textContent = e.title;
    og.appendChild(o);
  }
  el.example.appendChild(og);
}

try {
  await init();
  el.version.textContent = `siplens ${siplens.version()} · WebAssembly, in your browser`;
  el.redactKinds.replaceChildren(RX.renderLevelHelp(document, siplens.redactionKinds()));
  el.decode.disabled = false;
  el.status.textContent = `siplens ${siplens.version()} ready (Ctrl+Enter decodes).`;
  if (!hashState().has("m")) {
    el.example.value = EXAMPLES[0].id;
    setMessage(EXAMPLES[0].text);
    setSource(`Example: ${EXAMPLES[0].title}`);
    await run(exact);
  }
  await route();
  document.documentElement.setAttribute("data-ready", "true");
} catch (err) {
  el.status.textContent = `Could not load the WebAssembly module (${err instanceof Error ? err.message : String(err)}). Build it with "make serve".`;
}
