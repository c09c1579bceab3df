// <siplens-trace>'s types (siplens/trace-element): the class, its properties, the tag name map
// and the typed events; compiled with the rest under `tsc --strict`.
import { SiplensTrace, type SiplensProgressDetail, type SiplensSelectDetail, type SiplensTraceEventMap } from "siplens/trace-element";
import type { Trace, TraceMessage } from "siplens/trace";

const el: SiplensTrace = document.createElement("siplens-trace");
el.text = "OPTIONS sip:x SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n";
el.text = null;
el.capture = new Uint8Array(24);
el.capture = new ArrayBuffer(24);
const bytes: Uint8Array | null = el.capture;
const text: string = el.text;
el.selected = 0;
el.dialog = null;
el.noInput = true;
el.theme = "dark";
el.ladderLimit = 500;
const last: Trace | null = el.result;
const picked: number | null = el.selected;
el.addEventListener("siplens-trace", (e) => void e.detail.dialogs.length);
el.addEventListener("siplens-select", (e) => {
  const d: SiplensSelectDetail = e.detail;
  const m: TraceMessage = d.message;
  void m.decoded.findings.length;
});
el.addEventListener("siplens-error", (e) => void e.detail.message.toUpperCase());
el.addEventListener("siplens-progress", (e) => {
  const p: SiplensProgressDetail = e.detail;
  void (p.read / p.total + p.messages);
});
document.addEventListener("siplens-select", (e) => void e.detail.index.toFixed());
const loaded: Promise<Trace | null> = el.load(new Blob(["x"]));
const q: SiplensTrace | null = document.querySelector("siplens-trace");
type Detail = SiplensTraceEventMap["siplens-trace"]["detail"];
const detail: Detail | null = last;

// @ts-expect-error a capture is bytes
el.capture = "pcap";
// @ts-expect-error result is read-only
el.result = null;
// @ts-expect-error load takes a Blob
void el.load("file.pcap");

export const usedTrace = [bytes, text, picked, loaded, q, detail, new SiplensTrace()];
