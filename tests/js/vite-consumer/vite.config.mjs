// Plain Vite app build (no plugins). base "./" keeps asset URLs relative, so the
// bundle can be loaded from dist/ by bundle.test.mjs as well as served anywhere.
import { fileURLToPath } from "node:url";

export default {
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  logLevel: "warn",
  // No modulepreload (neither the polyfill nor the preload of a dynamic import's dependencies,
  // here siplens/stream's on the trace module): both touch `document`, which Node lacks.
  build: { outDir: "dist", emptyOutDir: true, assetsInlineLimit: 0, modulePreload: false },
};
