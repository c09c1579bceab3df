// Every name a hand-written module of the packed package exports is declared in the `.d.ts` its
// `exports` entry names, so a TypeScript consumer can import whatever the JavaScript offers
// (`SiplensElement`, `fromAttribute` and `THEME_CSS` were once exported undeclared). The modules
// are read as text: the elements need a DOM, which Node has not.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
// The package lists no "./package.json" export: find its directory from one that it lists.
const root = dirname(require.resolve("siplens/stream"));
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/** Names a module exports: declarations, `export { a, b as c }`, and `export *` followed. */
function exported(file, seen = new Set()) {
  if (seen.has(file)) return new Set();
  seen.add(file);
  const text = readFileSync(join(root, file), "utf8").replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, "");
  const names = new Set();
  const decl = /^export\s+(?:declare\s+)?(?:default\s+)?(?:async\s+)?(?:function\*?|class|const|let|var|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm;
  for (const m of text.matchAll(decl)) names.add(m[1]);
  for (const m of text.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}/gm)) {
    for (const part of m[1].split(",")) {
      const name = part.trim().split(/\s+as\s+/).pop().replace(/^type\s+/, "");
      if (name) names.add(name);
    }
  }
  for (const m of text.matchAll(/^export\s+\*\s+from\s+["']\.\/([^"']+)["']/gm)) {
    let target = m[1];
    if (file.endsWith(".d.ts")) target = target.replace(/\.js$/, ".d.ts");
    for (const n of exported(target, seen)) names.add(n);
  }
  return names;
}

/** Each (`types`, `default`) pair of the manifest's exports map, conditions flattened. */
function pairs(entry, inherited = {}) {
  if (typeof entry === "string") return [];
  const here = { ...inherited, ...("types" in entry ? { types: entry.types } : {}) };
  const out = [];
  for (const [key, value] of Object.entries(entry)) {
    if (key === "types") continue;
    if (typeof value === "string") {
      if (here.types && value.endsWith(".js")) out.push([value.slice(2), here.types.slice(2)]);
    } else out.push(...pairs(value, here));
  }
  return out;
}

test("each JavaScript export of the package is declared in its types", () => {
  const checked = pairs(manifest.exports);
  assert.ok(checked.length >= 8, `too few typed entries found: ${checked.length}`);
  for (const [js, dts] of checked) {
    const declared = exported(dts);
    // wasm-bindgen's own default export (the loader) is declared as `default`.
    const missing = [...exported(js)].filter((n) => n !== "default" && !declared.has(n));
    assert.deepEqual(missing, [], `${js}: exported but not declared in ${dts}`);
  }
});

test("the check sees the element's shared base class", () => {
  assert.ok(exported("element.js").has("SiplensElement"));
  assert.ok(exported("element.d.ts").has("SiplensElement"));
});
