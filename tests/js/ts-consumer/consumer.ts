// Uses every export of the whole API (`siplens/trace`) and reads typed fields; compiled with `tsc --strict --noEmit`.
// The @ts-expect-error lines prove the types are exact (nullable where serde emits null,
// closed unions where the contract is closed); they fail the build if the error vanishes.
import {
  catalog,
  searchCodes,
  triage,
  exportCallText,
  exportCallPcap,
  type Catalog,
  type Triage,
  compareCodes,
  decode,
  decodeBytes,
  decodeCapture,
  decodeCaptureProgress,
  listQ850,
  listWarnings,
  listReasonProtocols,
  listReleaseCauses,
  listSipToQ850,
  listQ850ToSip,
  type SipToQ850,
  type Q850ToSip,
  type DecodedResponse,
  type DecodedRequest,
  type DecodedInvalid,
  type Q850Cause,
  type WarningInfo,
  type ReasonProtocol,
  type ReleaseCause,
  type StatusDto,
  type RequestDto,
  decodeTrace,
  filterLadder,
  listCodes,
  lookupCode,
  redact,
  redactCapture,
  redactionKinds,
  version,
  type RedactedCapture,
  type AliasEntry,
  type KindCount,
  type KindInfo,
  type Level,
  type RedactedText,
  type RedactOptions,
  type Report,
  type CodeGroup,
  type CodeLookup,
  type Comparison,
  type Decoded,
  type Dialog,
  type FindingDto,
  type FlowFinding,
  type Severity,
  type Trace,
  type TraceMessage,
  type Transaction,
  type Ladder,
  type Lane,
  type Arrow,
  type ArrowClass,
  type LadderFilter,
} from "siplens/trace";

const d: Decoded = decode("SIP/2.0 503 Service Unavailable\r\nRetry-After: 30\r\n\r\n");
const after: number | undefined = d.diagnosis.retry?.afterSeconds ?? undefined;
const isFinal: boolean | undefined = d.status?.final;
const where: string | undefined = d.diagnosis.retry?.where;
const kind: "response" | "request" | "invalid" = d.kind;
const bodyKind: "empty" | "sdp" | "multipart" | "xml" | "text" | "binary" = d.body.kind;
const aka: boolean | undefined = d.diagnosis.challenge?.aka;
const senders: string[] | undefined = d.diagnosis.ims?.senders;
const severities: Severity[] = d.findings.map((f: FindingDto) => f.severity);
const lines: number[] = d.findings.map((f) => f.span.line);
const b: Decoded = decodeBytes(new Uint8Array([0x53, 0x49, 0x50]));
const l: CodeLookup = lookupCode(499);
const note: string | null = l.note;
const groups: CodeGroup[] = listCodes();
const c: Comparison = compareCodes(486, 600);
const differing: string[] = c.aspects.filter((a) => a.differs).map((a) => a.aspect);
const v: string = version();

const t: Trace = decodeTrace("INVITE sip:b@c SIP/2.0\r\n\r\nSIP/2.0 200 OK\r\n\r\n");
const source: "text" | "pcap" | "pcapng" | "unknown" = t.source;
const first: TraceMessage | undefined = t.messages[0];
const firstDecoded: Decoded | undefined = first?.decoded;
const src: string | null | undefined = first?.src;
const time: number | null | undefined = first?.time;
const retrans: boolean | undefined = first?.retransmission;
const dialogOf: number | null | undefined = first?.dialogId;
const states: Dialog["state"][] = t.dialogs.map((dg: Dialog) => dg.state);
const finals: (number | null)[] = t.dialogs.map((dg) => dg.finalCode);
const pdd: (number | null)[] = t.dialogs.map((dg) => dg.postDialDelayMs);
const setup: (number | null)[] = t.dialogs.map((dg) => dg.setupTimeMs);
const txFinal: (number | null)[] = t.transactions.map((tx: Transaction) => tx.finalCode);
const flow: Severity[] = t.findings.map((f: FlowFinding) => f.severity);
const frames: (number | null)[] = t.captureFindings.map((f) => f.frame);
const callIds: string[][] = t.calls.map((c) => c.callIds);
const cap: Trace = decodeCapture(new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1]));
// The core's ladder model, and one dialog's (the CLI's --dialog).
const ladder: Ladder = t.ladder;
const oneDialog: LadderFilter = { dialog: 0 };
const narrowed: Ladder = filterLadder(ladder, oneDialog);
const byCallId: Ladder = filterLadder(ladder, { callId: "x" });
const arrow: Arrow | undefined = narrowed.arrows[0];
const arrowClass: ArrowClass | undefined = arrow?.class;
const offer: "offer" | "answer" | null | undefined = arrow?.sdp;
const lane: Lane | undefined = byCallId.lanes[0];
const laneRole: string | null | undefined = lane?.role;

const opts: RedactOptions = { level: "identities", include: ["host"] };
const r: RedactedText = redact("INVITE sip:+15551234567@x SIP/2.0\r\n\r\n", opts);
const redactedText: string = r.text;
const report: Report = redact("x", {}).report;
const level: Level = report.level;
const counts: KindCount[] = report.kinds;
const aliases: AliasEntry[] = r.report.aliases;
const originals: string[] = aliases.map((a) => a.original);
const aliasCounts: number[] = aliases.map((a) => a.count);
const defaults: RedactedText = redact("x");
const kinds: KindInfo[] = redactionKinds();
const kindLevels: Level[] = kinds.map((k) => k.level);
const covers: string[] = kinds.map((k) => `${k.id} ${k.label}: ${k.covers}`);

// @ts-expect-error a level is a closed union
const badLevel: RedactOptions = { level: "everything" };
// @ts-expect-error a misspelt option is not an option
const badOption: RedactOptions = { includes: ["host"] };
// @ts-expect-error redact takes text, not bytes
redact(new Uint8Array([0x53]));

// @ts-expect-error afterSeconds is `number | null`, not `number`
const notNull: number = d.diagnosis.retry!.afterSeconds;
// @ts-expect-error status is `StatusDto | null`
const code: number | null = d.status.code;
// @ts-expect-error kind is a closed union
const bad: Decoded["kind"] = "other";
// @ts-expect-error severity is a closed union
const sev: Severity = "fatal";
// @ts-expect-error a dialog's state is a closed union
const state: Dialog["state"] = "ringing";
// @ts-expect-error finalCode is `number | null`
const fc: number = t.dialogs[0]!.finalCode;
// @ts-expect-error decodeCapture takes bytes, not text
decodeCapture("not bytes");

// redactCapture: bytes in, a typed result with a Uint8Array out.
const rc: RedactedCapture = redactCapture(new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1]), { level: "all" });
const rcBytes: Uint8Array = rc.bytes;
const rcFormat: "pcap" | "pcapng" | "unknown" = rc.format;
const rcDropped: number = rc.packets.nonSipDropped;
const rcComplete: boolean = rc.complete;
const rcNotes: string[] = rc.notes;
// @ts-expect-error redactCapture takes bytes, not text
redactCapture("not bytes");

// `kind` discriminates: a check narrows `status` and `request` with no null check.
function describe(m: Decoded): string {
  switch (m.kind) {
    case "response": {
      const st: StatusDto = m.status;
      const none: null = m.request;
      const resp: DecodedResponse = m;
      return `${st.code ?? "???"} ${st.reasonPhrase} ${none} ${resp.kind}`;
    }
    case "request": {
      const rq: RequestDto = m.request;
      const none: null = m.status;
      const req: DecodedRequest = m;
      return `${rq.method} ${rq.uri} ${none} ${req.kind}`;
    }
    case "invalid": {
      const inv: DecodedInvalid = m;
      // @ts-expect-error an invalid message has no request line
      const method: string = m.request.method;
      return `${inv.findings.length} ${method}`;
    }
  }
}
const described: string = describe(d);
if (d.kind === "response") {
  const narrowed: number | null = d.status.code;
  // @ts-expect-error a response has no Request-Line
  const noUri: string = d.request.uri;
  void [narrowed, noUri];
}
// @ts-expect-error a response's request is null: "response" with a request is not a Decoded
const mismatched: Decoded = { ...d, kind: "response", status: null };
const m0: TraceMessage | undefined = t.messages[0];
const fromTrace: string | undefined = m0 && m0.decoded.kind === "request" ? m0.decoded.request.method : undefined;

// Arguments: bytes are a Uint8Array or an ArrayBuffer; the progress callback has a signature.
const fromBuffer: Decoded = decodeBytes(new ArrayBuffer(8));
const progress: Trace = decodeCaptureProgress(new Uint8Array(4), (bytesRead: number, totalBytes: number) => {
  const fraction: number = bytesRead / totalBytes;
  void fraction;
});
const noArgs: Trace = decodeCaptureProgress(new ArrayBuffer(4), () => {});
// @ts-expect-error decode takes text, not a number
decode(42);
// @ts-expect-error decode takes text, not bytes
decode(new Uint8Array([0x53]));
// @ts-expect-error decodeBytes takes bytes, not text
decodeBytes("SIP/2.0 200 OK");
// @ts-expect-error lookupCode takes a number, not a string
lookupCode("486");
// @ts-expect-error onProgress is a function, not a string
decodeCaptureProgress(new Uint8Array(4), "progress");
// @ts-expect-error onProgress receives numbers
decodeCaptureProgress(new Uint8Array(4), (read: string) => read.length);
// @ts-expect-error options are an object
redact("x", 42);

// The knowledge tables.
const causes: Q850Cause[] = listQ850();
const causeNames: string[] = causes.map((c) => `${c.cause} ${c.name} ${c.class} ${c.explanation}`);
const warns: WarningInfo[] = listWarnings();
const warnCodes: number[] = warns.map((w) => w.code);
const protocols: ReasonProtocol[] = listReasonProtocols();
const protocolNames: string[] = protocols.map((p) => `${p.name} ${p.spec} ${p.causes} ${p.meaning}`);
const release: ReleaseCause[] = listReleaseCauses();
const releaseTexts: string[] = release.map((r) => `${r.cause} ${r.text} ${r.meaning}`);
const s2q: SipToQ850[] = listSipToQ850();
const s2qCauses: (number | null)[] = s2q.map((r) => r.cause);
const q2s: Q850ToSip[] = listQ850ToSip();
const q2sCodes: (number | null)[] = q2s.map((r) => r.sip);
// @ts-expect-error RFC 3398 gives no cause for some codes: `number | null`
const s2qCause: number = s2q[0]!.cause;

export const used = [s2qCauses, q2sCodes, s2qCause, described, mismatched, fromTrace, fromBuffer, progress, noArgs, causeNames, warnCodes, protocolNames, releaseTexts,rcBytes, rcFormat, rcDropped, rcComplete, rcNotes, after, isFinal, where, kind, bodyKind, aka, senders, severities, lines, b, note,
  groups, differing, v, notNull, code, bad, sev, l.info.ims.typical, c.a.isFinal,
  source, firstDecoded, src, time, retrans, dialogOf, states, finals, pdd, setup, txFinal, flow, frames,
  callIds, cap, state, fc, redactedText, level, counts, originals, aliasCounts, defaults, kindLevels, covers,
  badLevel, badOption];

// triage, searchCodes, catalog and the call exports.
const tr: Triage = triage("hello world");
const trKind: "empty" | "capture" | "sipMessage" | "sipTrace" | "wiresharkDetails" | "hexDump" | "binary" | "notSip" = tr.kind;
const extracted: string | null = tr.extracted;
const found: number = searchCodes("retry-after").length;
const cat: Catalog = catalog();
const complete: boolean = cat.reasonProtocols[0].complete;
const callText: string = exportCallText("", [0]);
const callPcap: Uint8Array = exportCallPcap(new Uint8Array(), new Uint32Array([1]));
// @ts-expect-error: triage takes text or bytes, not a number
triage(42);
void [trKind, extracted, found, complete, callText, callPcap];
