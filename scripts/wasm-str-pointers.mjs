// Estimates what the `&'static str` pointer tables in a .wasm's data cost: counts the
// aligned (pointer, length) word pairs that point at text inside the data (the knowledge
// base's `&'static str` fields, 8 bytes each on wasm32), and gzips the data with and without
// them. The difference is the upper bound of what a string table with offsets could save
// (the offsets it needs instead cost part of it back). A heuristic: a pair of other words
// that happens to look like an address and a length counts too.
// Usage: node scripts/wasm-str-pointers.mjs pkg/siplens_bg.wasm
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const buf = readFileSync(process.argv[2] ?? "pkg/siplens_bg.wasm");
let pos = 8;
const leb = () => {
  let result = 0, shift = 0, b;
  do { b = buf[pos++]; result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
  return result;
};
const sleb = () => {
  let result = 0, shift = 0, b;
  do { b = buf[pos++]; result |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
  if (shift < 32 && (b & 0x40)) result |= -1 << shift;
  return result;
};
const segments = [];
while (pos < buf.length) {
  const id = buf[pos++];
  const end = leb() + pos;
  if (id === 11) {
    for (let n = leb(); n > 0; n--) {
      // Active segments of memory 0 with an `i32.const` offset: what rustc and wasm-opt emit.
      if (leb() !== 0 || buf[pos++] !== 0x41) throw new Error("unexpected data segment form");
      const offset = sleb();
      if (buf[pos++] !== 0x0b) throw new Error("unexpected data segment offset");
      const size = leb();
      segments.push({ offset, bytes: buf.subarray(pos, pos + size) });
      pos += size;
    }
  }
  pos = end;
}
const lo = Math.min(...segments.map((s) => s.offset));
const hi = Math.max(...segments.map((s) => s.offset + s.bytes.length));
const data = Buffer.alloc(hi - lo);
for (const s of segments) s.bytes.copy(data, s.offset - lo);
const masked = Buffer.from(data);
let pairs = 0;
for (let i = (4 - (lo % 4)) % 4; i + 8 <= data.length; i += 4) {
  const addr = data.readUInt32LE(i), len = data.readUInt32LE(i + 4);
  if (addr < lo || len === 0 || len >= 4096 || addr + len > hi) continue;
  const text = data.subarray(addr - lo, addr - lo + len);
  if (text.some((c) => c < 0x20 && c !== 0x0a)) continue;
  pairs++;
  masked.fill(0, i, i + 8);
  i += 4;
}
const gz = (b) => gzipSync(b, { level: 9 }).length;
console.log(`data: ${data.length} bytes in ${segments.length} segments, ${gz(data)} gzip -9`);
console.log(`(pointer, length) pairs to text: ${pairs} (${pairs * 8} bytes); ` +
  `data gzip -9 with them zeroed: ${gz(masked)} (${gz(data) - gz(masked)} less)`);
