// What a bundler user writes: the web entry, one init() (the .wasm is an asset the
// bundler emits and rewrites the URL of), then plain calls.
import init, { decode, decodeBytes, lookupCode, version } from "siplens";

await init();
const d = decode("SIP/2.0 503 Service Unavailable\r\nRetry-After: 30\r\nCSeq: 1 INVITE\r\nCall-ID: v\r\n\r\n");
const result = {
  version: version(),
  code: d.status.code,
  afterSeconds: d.diagnosis.retry.afterSeconds,
  reason: lookupCode(486).info.reason,
};
// The argument checks live in the module, so the web entry has them too.
for (const [name, call] of [["decode", () => decode(42)], ["decodeBytes", () => decodeBytes("text")]]) {
  try {
    call();
    result[name] = "no error";
  } catch (e) {
    result[name] = `${e.constructor.name}: ${e.message}`;
  }
}
globalThis.siplensViteResult = result;
if (typeof document !== "undefined") {
  document.getElementById("out").textContent = JSON.stringify(result, null, 2);
}

// The trace module: a dynamic import, so the bundler makes it a separate chunk and its .wasm is
// fetched only when this runs (bundle.test.mjs calls it after checking the core loaded alone).
globalThis.siplensViteTrace = async (text) => {
  const trace = await import("siplens/trace");
  await trace.default();
  return trace.decodeTrace(text).messages.length;
};

// The streaming API through the bundle (siplens/stream runs on the trace module, so it is
// imported when needed too): a Web Streams pipe of text chunks gives the messages as they
// complete and the same Trace as decodeTrace of the whole text.
globalThis.siplensViteStream = async () => {
  const { assembleTrace, traceTransform, TraceStream } = await import("siplens/stream");
  const { decodeTrace } = await import("siplens/trace");
  const result = {};
  const TRACE = "OPTIONS sip:b@example.com SIP/2.0\r\nCSeq: 1 OPTIONS\r\nCall-ID: v-2\r\n\r\nSIP/2.0 200 OK\r\nCSeq: 1 OPTIONS\r\nCall-ID: v-2\r\n\r\n";
  const t = traceTransform();
  const chunks = new ReadableStream({
    start(c) {
      for (let i = 0; i < TRACE.length; i += 9) c.enqueue(new TextEncoder().encode(TRACE.slice(i, i + 9)));
      c.close();
    },
  });
  const messages = [];
  for await (const m of chunks.pipeThrough(t)) messages.push(m);
  const streamed = messages.map((m) => m.label);
  const assembled = assembleTrace(messages, await t.end);
  // The class itself, in two pushes.
  const s = new TraceStream();
  const direct = [...s.push(TRACE.slice(0, 40)), ...s.push(TRACE.slice(40))];
  direct.push(...s.finish().messages);
  s.free();
  result.direct = direct.length;
  result.streamed = streamed;
  result.streamEqual = JSON.stringify(assembled) === JSON.stringify(decodeTrace(TRACE));
  return result;
};
