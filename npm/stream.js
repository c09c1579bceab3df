// siplens/stream: the streaming trace decoder with Web Streams.
//
//   import { traceTransform, assembleTrace } from "siplens/stream";
//   const t = traceTransform();
//   for await (const m of file.stream().pipeThrough(t)) console.log(m.no, m.label);
//   const end = await t.end; // dialogs, calls, flow findings, every message's lanes
//
// `traceTransform()` is a TransformStream: chunks in (Uint8Array, ArrayBuffer or string), one
// TraceMessage out per message as soon as it is complete; its `end` promise resolves with the
// StreamEnd when the input ends (and rejects when the stream errors); `traceTransform(keys)`
// takes the keys of decodeCaptureKeys for SIP inside IPsec ESP. It runs on the trace
// module (`siplens/trace`, siplens_trace.js), never the core: under Node its node entry is
// loaded first (./stream-node.js imports ./trace-node.js), in a browser or bundler the trace
// module is fetched and initialised on the stream's start (the same init() as the default
// export of `siplens/trace`).
import init, { TraceStream } from "./siplens_trace.js";

export { TraceStream };

/**
 * A TransformStream from input chunks to TraceMessages; `end` resolves with the StreamEnd.
 * `keys` (optional): keys for SIP inside IPsec ESP in a capture, the object decodeCaptureKeys
 * takes (`{ espSa, ck, ik }`); they stay in the stream. Bad keys throw at once.
 * @param {import("./siplens_trace.js").EspKeyTexts | null} [keys]
 * @returns {TransformStream & { end: Promise<import("./siplens_trace.js").StreamEnd> }}
 */
export function traceTransform(keys) {
  // Checked now (a TypeError or Error from the constructor), used once the module is ready.
  if (keys !== undefined && keys !== null && (typeof keys !== "object" || Array.isArray(keys))) {
    throw new TypeError(`traceTransform: keys must be an object { espSa?, ck?, ik? }, got ${describe(keys)}`);
  }
  let stream = null;
  let settle;
  const end = new Promise((resolve, reject) => (settle = { resolve, reject }));
  // Unobserved rejections are the stream's own error; do not report them twice.
  end.catch(() => {});
  const fail = (err) => {
    stream?.free();
    stream = null;
    settle.reject(err);
  };
  const t = new TransformStream({
    async start() {
      await init();
      stream = new TraceStream(keys);
    },
    transform(chunk, controller) {
      try {
        for (const m of stream.push(chunk)) controller.enqueue(m);
      } catch (err) {
        fail(err);
        throw err;
      }
    },
    flush(controller) {
      try {
        const e = stream.finish();
        for (const m of e.messages) controller.enqueue(m);
        stream.free();
        stream = null;
        settle.resolve(e);
      } catch (err) {
        fail(err);
        throw err;
      }
    },
    cancel(reason) {
      fail(reason);
    },
  });
  return Object.assign(t, { end });
}

/**
 * The whole Trace of streamed messages and their StreamEnd: the same object as
 * decodeTrace/decodeCapture of the whole input (each message gets its `from` and `to`).
 */
export function assembleTrace(messages, end) {
  if (!Array.isArray(messages)) throw new TypeError(`assembleTrace: messages must be an array of TraceMessage, got ${describe(messages)}`);
  if (end === null || typeof end !== "object" || !Array.isArray(end.lanes)) {
    throw new TypeError(`assembleTrace: end must be the StreamEnd that finish() returns, got ${describe(end)}`);
  }
  if (messages.length !== end.lanes.length) {
    throw new RangeError(`assembleTrace: ${messages.length} messages for a trace of ${end.lanes.length}`);
  }
  const all = messages.map((m, i) => ({ ...m, from: end.lanes[i][0], to: end.lanes[i][1] }));
  return {
    schemaVersion: end.schemaVersion,
    source: end.source,
    frames: end.frames,
    messages: all,
    participants: end.participants,
    transactions: end.transactions,
    dialogs: end.dialogs,
    calls: end.calls,
    findings: end.findings,
    findingGroups: end.findingGroups,
    captureFindings: end.captureFindings,
    media: end.media ?? null,
    espSas: end.espSas,
    ladder: end.ladder,
  };
}

function describe(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return v[Symbol.toStringTag] ?? "an object";
  return typeof v === "undefined" ? "undefined" : `a ${typeof v}`;
}
