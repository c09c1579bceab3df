// siplens page: decodes large inputs off the main thread. Messages in:
// - { id, kind: "decode" | "trace", text }: one message, or a pasted trace → { id, result };
// - { id, kind: "redact", text, options } → { id, result: { text, report } };
// - { id, kind: "capture", bytes, redact } (the buffer is transferred, not copied): when
//   `redact` holds redaction options the capture is first redacted (`redactCapture`) and only
//   the redacted bytes are decoded; progress messages { id, progress: text, done, total }
//   (`done` of `total` bytes read), then { id, result } where result is the Trace with each
//   message slimmed to what the ladder, the dialog list and the exports read (`slimTrace`),
//   `held` set to the job's id and, when redacted, `redaction: { report, packets, notes }`;
//   the whole Trace (and the redacted bytes) stay here, because copying thousands of full
//   decodes to the page would stop its main thread for a second or more;
// - { id, kind: "message", held, index } → { id, result }: one whole message of that capture;
// - { id, kind: "json", held } → { id, result }: that capture's whole Trace as JSON text;
// - { id, kind: "redactedCapture", held } → { id, result: Uint8Array }: its redacted bytes;
// - { id, kind: "raws", held, indices } → { id, result: string[] }: those messages' raw texts;
// - { id, kind: "callPcap", held, indices } → { id, result: Uint8Array }: those messages' packets
//   as a pcap, cut from the capture's own bytes by the package's exportCallPcap(bytes, indices)
// Failures answer { id, error }.
// A big single message is decoded by the core module; everything else needs the trace module
// (`siplens/trace`), imported the first time such a job arrives.
import init, { decode } from "../pkg/siplens.js";

const ready = init();
/** The trace module, once a job needed it. */
let traceLoad = null;
const traceModule = () =>
  (traceLoad ??= import("../pkg/siplens_trace.js").then(async (m) => {
    await m.default();
    return m;
  }));
/** The whole Trace of the last capture decoded here, and the id of its job. */
let held = null;
let heldId = 0;
/** The redacted bytes of that capture, when it was redacted. */
let heldBytes = null;
/** The bytes that capture was decoded from (the redacted ones when redacted). */
let heldInput = null;

/** A message reduced to the fields the page's list views read (see trace-render.js). */
function slimMessage(m) {
  const d = m.decoded;
  return {
    ...m,
    raw: "",
    slim: true,
    decoded: {
      kind: d.kind,
      status: d.status,
      request: d.request,
      cseq: d.cseq,
      via: d.via.slice(0, 1),
      from: d.from,
      to: d.to,
      body: d.body ? { kind: d.body.kind, contentType: d.body.contentType ?? null } : null,
      media: d.media ? {} : null,
      diagnosis: { reasons: d.diagnosis.reasons },
    },
  };
}

function slimTrace(trace, id) {
  return { ...trace, held: id, messages: trace.messages.map(slimMessage) };
}

self.addEventListener("message", async (event) => {
  const { id, kind, text, bytes, index } = event.data;
  const mine = () => {
    if (!held || event.data.held !== heldId) throw new Error("that capture is no longer held by the worker");
    return held;
  };
  try {
    await ready;
    // A namespace: exports a build may lack (exportCallPcap) are looked up, never linked.
    const S = kind === "decode" ? null : await traceModule();
    let result;
    if (kind === "capture") {
      held = null;
      heldBytes = null;
      heldInput = null;
      heldId = id;
      let input = bytes;
      let redaction = null;
      if (event.data.redact) {
        self.postMessage({ id, progress: `Redacting ${bytes.length} bytes of capture in the background…`, done: 0, total: bytes.length });
        const r = S.redactCapture(bytes, event.data.redact);
        input = r.bytes;
        heldBytes = r.bytes;
        redaction = { report: r.report, packets: r.packets, notes: r.notes, complete: r.complete, format: r.format };
      }
      heldInput = input;
      self.postMessage({ id, progress: `Reading ${input.length} bytes of capture in the background…`, done: 0, total: input.length });
      // IPsec ESP keys typed in the page: used here, kept nowhere.
      held = event.data.keys
        ? S.decodeCaptureKeys(input, event.data.keys)
        : S.decodeCaptureProgress(input, (done, total) => {
            self.postMessage({ id, progress: `Read ${Math.floor((100 * done) / total)} % of the capture…`, done, total });
          });
      self.postMessage({ id, progress: `Decoded ${held.messages.length} SIP message${held.messages.length === 1 ? "" : "s"}; drawing ${held.messages.length === 1 ? "it" : "them"}…` });
      result = { ...slimTrace(held, id), redaction };
    } else if (kind === "message") {
      result = mine().messages[index];
      if (!result) throw new Error(`no message ${index} in the capture`);
    } else if (kind === "json") {
      result = JSON.stringify(mine(), null, 2);
    } else if (kind === "redactedCapture") {
      mine();
      if (!heldBytes) throw new Error("that capture was not redacted");
      result = heldBytes;
    } else if (kind === "raws") {
      const t = mine();
      result = event.data.indices.map((i) => t.messages[i]?.raw ?? "");
    } else if (kind === "callPcap") {
      mine();
      if (typeof S.exportCallPcap !== "function") throw new Error("this build of the package cannot export packets");
      // The core finds every frame of those messages (and, on a TCP connection, the frames
      // between them) and cuts them out of the capture's own bytes.
      result = S.exportCallPcap(heldInput, event.data.indices);
    } else if (kind === "redact") result = S.redact(text, event.data.options);
    else result = kind === "trace" ? S.decodeTrace(text) : decode(text);
    self.postMessage({ id, result });
  } catch (err) {
    self.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
