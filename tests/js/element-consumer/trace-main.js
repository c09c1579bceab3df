// What a bundler user writes for the trace-level element: import it for its side effect (it
// loads the .wasm itself), then hand it text or a capture, or let the reader paste or drop one.
import "siplens/trace-element";

window.__events = [];
for (const type of ["siplens-trace", "siplens-select", "siplens-error", "siplens-decoded"]) {
  document.addEventListener(type, (e) => window.__events.push({ type, id: e.target.id, index: e.detail?.index ?? null, messages: e.detail?.messages?.length ?? null }));
}
window.__ready = true;
