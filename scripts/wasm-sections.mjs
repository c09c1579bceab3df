// Prints the size of each section of a .wasm (raw and gzip -9), and the largest data
// segments' share: tells code (Rust + serde) from static data (the knowledge base prose).
// Usage: node scripts/wasm-sections.mjs pkg/siplens_bg.wasm
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const buf = readFileSync(process.argv[2] ?? "pkg/siplens_bg.wasm");
const names = ["custom", "type", "import", "function", "table", "memory", "global", "export",
  "start", "element", "code", "data", "datacount"];
let pos = 8;
const leb = () => {
  let result = 0, shift = 0, b;
  do { b = buf[pos++]; result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
  return result;
};
const rows = [];
while (pos < buf.length) {
  const id = buf[pos++];
  const size = leb();
  const body = buf.subarray(pos, pos + size);
  rows.push([names[id] ?? `id ${id}`, size, gzipSync(body, { level: 9 }).length]);
  pos += size;
}
const total = buf.length;
console.log("| section | bytes | share | gzip -9 alone |");
console.log("| --- | ---: | ---: | ---: |");
for (const [name, size, gz] of rows.sort((a, b) => b[1] - a[1])) {
  if (size < 1024) continue;
  console.log(`| ${name} | ${size} | ${((100 * size) / total).toFixed(1)} % | ${gz} |`);
}
