// siplens page: decodes large messages off the main thread. Message in: { id, text };
// message out: { id, result } or { id, error }.
import init, { decode } from "../pkg/siplens.js";

const ready = init();

self.addEventListener("message", async (event) => {
  const { id, text } = event.data;
  try {
    await ready;
    self.postMessage({ id, result: decode(text) });
  } catch (err) {
    self.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
