// Types of the Node.js entry: everything siplens.js exports, initialised on import.
export * from "./siplens.js";

/** No-op: the Node.js entry is initialised on import. */
export default function init(): Promise<void>;
