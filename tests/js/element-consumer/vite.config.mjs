// Plain Vite app build (no plugins), as a host page would bundle the element.
import { fileURLToPath } from "node:url";

export default {
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  logLevel: "warn",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    // Two pages: <siplens-decoder> (index.html) and <siplens-trace> (trace.html).
    rollupOptions: { input: { main: fileURLToPath(new URL("./index.html", import.meta.url)), trace: fileURLToPath(new URL("./trace.html", import.meta.url)) } },
  },
};
