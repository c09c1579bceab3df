// Completes pkg/ after `wasm-pack build --target web`: adds the Node.js entry, the
// <siplens-decoder> and <siplens-trace> elements, the streaming helpers (stream.js) and their types, replaces wasm-pack's copy of the project
// README with the package's own (npm/README.md: for package users), and rewrites
// package.json with conditional exports. Name, version, description, license and
// keywords come from Cargo.toml (via wasm-pack's package.json); no `repository`
// field until the project has a public one (Cargo.toml's is a placeholder).
// Usage: node scripts/pkg.mjs [pkg-dir]
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2] ?? "pkg";
const root = new URL("..", import.meta.url);
const gen = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));

for (const f of ["node.js", "node.d.ts", "element.js", "element.d.ts", "trace-element.js", "trace-element.d.ts", "stream.js", "stream-node.js", "stream.d.ts", "README.md"]) {
  copyFileSync(new URL(`npm/${f}`, root), join(dir, f));
}
// The elements render with the page's pure render functions.
copyFileSync(new URL("www/render.js", root), join(dir, "render.js"));
copyFileSync(new URL("www/trace-render.js", root), join(dir, "trace-render.js"));

// wasm-bindgen declares `[Symbol.dispose](): void` on classes (TraceStream), which only
// compiles with TypeScript's esnext.disposable lib: a consumer on lib es2022 with
// skipLibCheck false would fail on our types. The method stays at run time where the
// engine has Symbol.dispose; `free()` is the declared way to release a stream.
const dts = join(dir, "siplens.d.ts");
writeFileSync(dts, readFileSync(dts, "utf8").replace(/^ *\[Symbol\.dispose\]\(\): void;\n/gm, ""));

const web = { types: "./siplens.d.ts", default: "./siplens.js" };
const pkg = {
  name: gen.name,
  version: gen.version,
  description: gen.description,
  license: gen.license,
  keywords: gen.keywords,
  type: "module",
  engines: { node: ">=20" },
  // Node (ESM) gets an entry initialised on import; browsers and bundlers get
  // wasm-bindgen's web entry, whose default export `init()` fetches the .wasm.
  exports: {
    ".": {
      node: { types: "./node.d.ts", default: "./node.js" },
      browser: web,
      import: web,
      default: web,
    },
    "./web": web,
    // <siplens-decoder>: a custom element (browser only); it imports ./siplens.js and ./render.js.
    "./element": { types: "./element.d.ts", default: "./element.js" },
    // <siplens-trace>: the trace-level element (browser only); it imports ./element.js and ./trace-render.js.
    "./trace-element": { types: "./trace-element.d.ts", default: "./trace-element.js" },
    // The streaming decoder with Web Streams; under Node its entry loads ./node.js first.
    "./stream": {
      types: "./stream.d.ts",
      node: "./stream-node.js",
      default: "./stream.js",
    },
    "./siplens_bg.wasm": "./siplens_bg.wasm",
    "./package.json": "./package.json",
  },
  main: "./node.js",
  module: "./siplens.js",
  types: "./siplens.d.ts",
  files: [
    "siplens.js",
    "siplens.d.ts",
    "siplens_bg.wasm",
    "siplens_bg.wasm.d.ts",
    "node.js",
    "node.d.ts",
    "element.js",
    "element.d.ts",
    "render.js",
    "trace-element.js",
    "trace-element.d.ts",
    "trace-render.js",
    "stream.js",
    "stream-node.js",
    "stream.d.ts",
    "README.md",
    "LICENSE-MIT",
    "LICENSE-APACHE",
  ],
  // node.js instantiates the module on import and element.js defines the custom
  // element; the web entry has no side effects.
  sideEffects: ["./node.js", "./element.js", "./trace-element.js", "./stream-node.js"],
};
writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
console.log(`siplens: ${join(dir, "package.json")} written (${pkg.name}@${pkg.version})`);
