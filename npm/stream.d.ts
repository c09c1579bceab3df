// Types of `siplens/stream`: the streaming trace decoder with Web Streams (stream.js).
// They are those of the trace module (`siplens/trace`), which the stream runs on.
import type { EspKeyTexts, StreamEnd, Trace, TraceMessage } from "./siplens_trace.js";
import { TraceStream } from "./siplens_trace.js";

export { TraceStream };
export type { EspKeyTexts, StreamEnd };

/** A TransformStream from input chunks to messages, with the end of the trace as a promise. */
export interface TraceTransform extends TransformStream<Uint8Array | ArrayBuffer | string, TraceMessage> {
    /**
     * The StreamEnd (dialogs, calls, flow findings, every message's lanes) once the input has
     * ended; rejects with the stream's error.
     */
    readonly end: Promise<StreamEnd>;
}

/**
 * A TransformStream: chunks of a trace in (a Uint8Array, an ArrayBuffer or a string, in any
 * cuts), one TraceMessage out per message as soon as it is complete. A chunk of another type
 * errors the stream with a TypeError. `keys`: for SIP inside IPsec ESP in a capture, the object
 * `decodeCaptureKeys` takes (`{ espSa?, ck?, ik? }`); they stay in the stream, nothing of them
 * is in what it gives. Keys that are not an object throw a TypeError at once; keys that do not
 * read error the stream.
 */
export declare function traceTransform(keys?: EspKeyTexts | null): TraceTransform;

/**
 * The whole Trace of the streamed `messages` (all of them, in order, those of `end.messages`
 * included) and their `end`: the same object as `decodeTrace`/`decodeCapture` of the whole input.
 */
export declare function assembleTrace(messages: readonly TraceMessage[], end: StreamEnd): Trace;
