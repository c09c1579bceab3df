// siplens page: decodes large inputs off the main thread. Message in: { id, kind, text } with
// kind "decode" (one message) or "trace" (pasted trace), or { id, kind: "capture", bytes }.
// Out: { id, progress } while working (captures), then { id, result } or { id, error }.
// { id, kind: "redact", text, options } redacts text (result: { text, report }).
import init, { decode, decodeTrace, decodeCapture, redact } from "../pkg/siplens.js";

const ready = init();

self.addEventListener("message", async (event) => {
  const { id, kind, text, bytes } = event.data;
  try {
    await ready;
    let result;
    if (kind === "capture") {
      self.postMessage({ id, progress: `Decoding ${bytes.length} bytes of capture in the background…` });
      result = decodeCapture(bytes);
      self.postMessage({ id, progress: `Decoded ${result.messages.length} SIP messages; sending them to the page…` });
    } else if (kind === "redact") result = redact(text, event.data.options);
    else result = kind === "trace" ? decodeTrace(text) : decode(text);
    self.postMessage({ id, result });
  } catch (err) {
    self.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
