// The static server the Chromium tests load the page from: scripts/serve.mjs (what `make serve`
// runs: the .wasm sent brotli- or gzip-compressed from its precompressed copies) on a free port
// of 127.0.0.1, serving the crate root (so /www/ and /pkg/ resolve as with `make serve`).
import { serve } from "../../scripts/serve.mjs";

/** Starts the server on `root`; resolves to { server, base } (`server.kill()` stops it). */
export async function startServer(root) {
  const http = await serve(root, { host: "127.0.0.1", port: 0 });
  const base = `http://127.0.0.1:${http.address().port}`;
  // Chromium keeps connections alive: drop them, or close() would wait for them.
  const server = { kill: () => (http.closeAllConnections(), http.close()), http };
  return { server, base };
}
