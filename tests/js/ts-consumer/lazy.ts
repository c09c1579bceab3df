// The lazy entry's declared types (tsc --strict): accessors are `T | undefined` where a
// message may lack the field, `diagnose()` is the same `Decoded` union as `decode`.
import { parse, SipMessage, type Decoded, type SipCSeq } from "siplens";

const m: SipMessage = parse("SIP/2.0 486 Busy Here\r\nCSeq: 1 INVITE\r\n\r\n");
const kind: "request" | "response" | "invalid" = m.kind;
const method: string | undefined = m.method;
const uri: string | undefined = m.requestUri;
const code: number | undefined = m.statusCode;
const reason: string | undefined = m.reasonPhrase;
const callId: string | undefined = m.callId;
const cseq: SipCSeq | undefined = m.cseq;
const seq: number | null | undefined = cseq?.seq;
const first: string | undefined = m.header("i");
const all: string[] = m.headers("Via");
const count: number = m.headerCount;
const body: string = m.body;
const bytes: Uint8Array = m.bodyBytes;
const d: Decoded = m.diagnose();
if (d.kind === "response") void d.status.code;
// @ts-expect-error a response has no method for sure: `string | undefined`
const sure: string = m.method;
// @ts-expect-error parse takes text only
parse(new Uint8Array());
m.free();
export const usedLazy = [kind, method, uri, code, reason, callId, seq, first, all, count, body, bytes, sure];
