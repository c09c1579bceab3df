// siplens for Node.js (ESM): the same API as siplens.js, ready on import.
// Reads the .wasm next to this file and instantiates it synchronously, so
// `import { decode } from "siplens"` needs no init() call.
import { readFileSync } from "node:fs";
import { initSync } from "./siplens.js";

initSync({ module: readFileSync(new URL("./siplens_bg.wasm", import.meta.url)) });

export * from "./siplens.js";

/** Already initialised on import; kept so code written for the web entry runs unchanged. */
export default async function init() {}
