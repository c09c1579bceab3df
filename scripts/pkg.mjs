// Completes pkg/ after `wasm-pack build --target web`: adds the Node.js entry, the
// <siplens-decoder> and <siplens-trace> elements, the streaming helpers (stream.js) and their types, replaces wasm-pack's copy of the project
// README with the package's own (npm/README.md: for package users), and rewrites
// package.json with conditional exports. Name, version, description, license and
// keywords come from Cargo.toml (via wasm-pack's package.json); no `repository`
// field until the project has a public one (Cargo.toml's is a placeholder).
//
// Two modules (README, "Package layout"): the core, wasm-pack's own output in pkg-dir
// (`siplens`: decode, code lookups, knowledge base), and, when trace-dir is given, the full
// module wasm-pack built there with `--out-name siplens_trace`, copied in as `siplens/trace`.
// Each .wasm gets precompressed siblings (`.wasm.br`, `.wasm.gz`) for scripts/serve.mjs; they
// are not in the package's `files`.
// Usage: node scripts/pkg.mjs [pkg-dir] [trace-dir]
import { copyFileSync, cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const dir = process.argv[2] ?? "pkg";
const traceDir = process.argv[3];
const root = new URL("..", import.meta.url);
const gen = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));

for (const f of ["node.js", "node.d.ts", "element.js", "element.d.ts", "trace-element.js", "trace-element.d.ts", "stream.js", "stream-node.js", "stream.d.ts", "README.md"]) {
  copyFileSync(new URL(`npm/${f}`, root), join(dir, f));
}
// The elements render with the page's pure render functions.
copyFileSync(new URL("www/render.js", root), join(dir, "render.js"));
copyFileSync(new URL("www/trace-render.js", root), join(dir, "trace-render.js"));

// wasm-bindgen declares `[Symbol.dispose](): void` on classes (TraceStream, in the trace module), which only
// compiles with TypeScript's esnext.disposable lib: a consumer on lib es2022 with
// skipLibCheck false would fail on our types. The method stays at run time where the
// engine has Symbol.dispose; `free()` is the declared way to release a stream.
const TRACE = ["siplens_trace.js", "siplens_trace.d.ts", "siplens_trace_bg.wasm", "siplens_trace_bg.wasm.d.ts"];
if (traceDir) {
  for (const f of TRACE) copyFileSync(join(traceDir, f), join(dir, f));
  for (const f of ["trace-node.js", "trace-node.d.ts"]) copyFileSync(new URL(`npm/${f}`, root), join(dir, f));
}
const hasTrace = existsSync(join(dir, "siplens_trace_bg.wasm"));
// The lazy entry's SipMessage class is JS (src/lazy.js): wasm-bindgen copies it under
// snippets/ and the glue imports it; re-export it from the glue so `import { SipMessage }`
// and `instanceof SipMessage` work as with a wasm-bindgen class. Both modules' copies are
// kept (the same path when wasm-bindgen names them alike: then one class serves both).
if (traceDir && existsSync(join(traceDir, "snippets"))) cpSync(join(traceDir, "snippets"), join(dir, "snippets"), { recursive: true });
for (const f of ["siplens.js", ...(hasTrace ? ["siplens_trace.js"] : [])]) {
  const glue = join(dir, f);
  const js = readFileSync(glue, "utf8");
  const lazy = js.match(/from ['"](\.\/snippets\/[^'"]+\/src\/lazy\.js)['"]/);
  if (!lazy) throw new Error(`${glue}: no import of src/lazy.js (the lazy entry's SipMessage)`);
  const line = `export { SipMessage } from "${lazy[1]}";\n`;
  if (!js.includes(line)) writeFileSync(glue, js + line);
}
for (const f of ["siplens.d.ts", ...(hasTrace ? ["siplens_trace.d.ts"] : [])]) {
  const dts = join(dir, f);
  writeFileSync(dts, readFileSync(dts, "utf8").replace(/^ *\[Symbol\.dispose\]\(\): void;\n/gm, ""));
}

// Precompressed copies for a static server (brotli quality 11, gzip level 9).
for (const f of ["siplens_bg.wasm", ...(hasTrace ? ["siplens_trace_bg.wasm"] : [])]) {
  const bytes = readFileSync(join(dir, f));
  writeFileSync(join(dir, `${f}.gz`), gzipSync(bytes, { level: 9 }));
  writeFileSync(join(dir, `${f}.br`), brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }));
}

const web = { types: "./siplens.d.ts", default: "./siplens.js" };
const traceWeb = { types: "./siplens_trace.d.ts", default: "./siplens_trace.js" };
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
    // The whole API in the second module (traces, captures, redaction, export, and the core's
    // exports too): import it when a trace is needed; the core never loads it.
    ...(hasTrace && {
      "./trace": {
        node: { types: "./trace-node.d.ts", default: "./trace-node.js" },
        browser: traceWeb,
        import: traceWeb,
        default: traceWeb,
      },
      "./trace/web": traceWeb,
      "./siplens_trace_bg.wasm": "./siplens_trace_bg.wasm",
    }),
    // <siplens-decoder>: a custom element (browser only); it imports ./siplens.js and ./render.js.
    "./element": { types: "./element.d.ts", default: "./element.js" },
    // <siplens-trace>: the trace-level element (browser only); it runs on the trace module
    // (./siplens_trace.js, ./stream.js) and imports ./element.js and ./trace-render.js.
    "./trace-element": { types: "./trace-element.d.ts", default: "./trace-element.js" },
    // The streaming decoder with Web Streams, on the trace module; under Node its entry loads
    // ./trace-node.js first.
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
    "snippets/",
    ...(hasTrace ? [...TRACE, "trace-node.js", "trace-node.d.ts"] : []),
    "README.md",
    "LICENSE-MIT",
    "LICENSE-APACHE",
  ],
  // node.js and trace-node.js (and so stream-node.js) instantiate a module on import, the
  // element files define their custom elements; the web entries have no side effects.
  sideEffects: ["./node.js", "./trace-node.js", "./element.js", "./trace-element.js", "./stream-node.js"],
};
writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
console.log(`siplens: ${join(dir, "package.json")} written (${pkg.name}@${pkg.version})`);
