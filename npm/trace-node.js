// siplens/trace for Node.js (ESM): the whole API (traces, captures, redaction, export, and
// everything the core has), ready on import. Reads siplens_trace_bg.wasm next to this file
// and instantiates it synchronously, so `import { decodeTrace } from "siplens/trace"` needs
// no init() call.
import { readFileSync } from "node:fs";
import { initSync } from "./siplens_trace.js";

initSync({ module: readFileSync(new URL("./siplens_trace_bg.wasm", import.meta.url)) });

export * from "./siplens_trace.js";

/** Already initialised on import; kept so code written for the web entry runs unchanged. */
export default async function init() {}
