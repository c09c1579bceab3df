// What a bundler user writes: the web entry, one init() (the .wasm is an asset the
// bundler emits and rewrites the URL of), then plain calls.
import init, { decode, lookupCode, version } from "siplens";

await init();
const d = decode("SIP/2.0 503 Service Unavailable\r\nRetry-After: 30\r\nCSeq: 1 INVITE\r\nCall-ID: v\r\n\r\n");
const result = {
  version: version(),
  code: d.status.code,
  afterSeconds: d.diagnosis.retry.afterSeconds,
  reason: lookupCode(486).info.reason,
};
globalThis.siplensViteResult = result;
if (typeof document !== "undefined") {
  document.getElementById("out").textContent = JSON.stringify(result, null, 2);
}
