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
