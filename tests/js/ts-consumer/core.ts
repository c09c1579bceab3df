// The two modules' declarations: `siplens` (the core) declares the one-message API and the
// knowledge base only; the trace API is `siplens/trace`, loaded when needed (a dynamic import).
import init, {
  decode,
  decodeBytes,
  lookupCode,
  listCodes,
  compareCodes,
  searchCodes,
  catalog,
  captureFormat,
  redactionKinds,
  version,
  type Decoded,
  type CodeLookup,
} from "siplens";
// @ts-expect-error the core has no trace API (it is in siplens/trace)
import { decodeTrace } from "siplens";
import type { Trace } from "siplens/trace";

const d: Decoded = decode("SIP/2.0 486 Busy Here\r\n\r\n");
const l: CodeLookup = lookupCode(486);
const format: "pcap" | "pcapng" | undefined = captureFormat(new Uint8Array(4));
export const core = [d.kind, l.info.reason, format, listCodes().length, compareCodes(1, 2).a.code, searchCodes("busy").length,
  catalog().q850.length, redactionKinds().length, version(), decodeBytes(new Uint8Array(0)).kind, decodeTrace, init];

/** The trace module, fetched only when a trace is asked for. */
export async function traceOf(text: string): Promise<Trace> {
  const t = await import("siplens/trace");
  await t.default();
  return t.decodeTrace(text);
}
