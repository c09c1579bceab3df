// Plain Vite app build (no plugins), as a host page would bundle the element.
import { fileURLToPath } from "node:url";

export default {
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  logLevel: "warn",
  build: { outDir: "dist", emptyOutDir: true, assetsInlineLimit: 0 },
};
