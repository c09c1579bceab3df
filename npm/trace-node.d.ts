// Types of the Node.js entry of `siplens/trace`: everything siplens_trace.js exports,
// initialised on import.
export * from "./siplens_trace.js";

/** No-op: the Node.js entry is initialised on import. */
export default function init(): Promise<void>;
