// siplens/stream under Node: the trace module's node entry instantiates it first (no fetch),
// then the same helpers as stream.js.
import "./trace-node.js";

export * from "./stream.js";
