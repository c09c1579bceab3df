// The streaming API's types: TraceStream (push → TraceMessage[], finish → StreamEnd) and
// siplens/stream (a typed TransformStream with its `end` promise; assembleTrace → Trace).
import { TraceStream, type StreamEnd, type Trace, type TraceMessage } from "siplens/trace";
import { assembleTrace, traceTransform, type TraceTransform } from "siplens/stream";

const s = new TraceStream();
const got: TraceMessage[] = s.push("OPTIONS sip:x SIP/2.0\r\n");
got.push(...s.push(new Uint8Array([13, 10])), ...s.push(new ArrayBuffer(0)));
const end: StreamEnd = s.finish();
const lanes: [number, number][] = end.lanes;
const source: "text" | "pcap" | "pcapng" = end.source;
const trace: Trace = assembleTrace([...got, ...end.messages], end);
s.free();

const t: TraceTransform = traceTransform();
// Keys for SIP inside IPsec ESP, as decodeCaptureKeys takes them.
const keyed = new TraceStream({ espSa: ["spi=0x1000,enc=null,auth=none"], ck: "00", ik: "00" });
keyed.free();
const tk: TraceTransform = traceTransform({ espSa: [] });
const tn: TraceTransform = traceTransform(null);
// @ts-expect-error keys are an EspKeyTexts object
traceTransform(["spi=1"]);
const readable: ReadableStream<TraceMessage> = t.readable;
const writable: WritableStream<Uint8Array | ArrayBuffer | string> = t.writable;
const ended: Promise<StreamEnd> = t.end;
async function drain(input: ReadableStream<Uint8Array>): Promise<Trace> {
  const tt = traceTransform();
  const all: TraceMessage[] = [];
  for await (const m of input.pipeThrough(tt) as unknown as AsyncIterable<TraceMessage>) all.push(m);
  return assembleTrace(all, await tt.end);
}

// @ts-expect-error a chunk is bytes or text
s.push(42);
// @ts-expect-error an assembled Trace has no lanes (they became each message's from and to)
const wrong = trace.lanes;

export const usedStream = [lanes, source, trace, readable, writable, ended, drain, wrong];
