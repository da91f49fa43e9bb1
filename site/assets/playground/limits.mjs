// The playground's bounds: how long a call may run, what the page takes
// before it calls the engine, and how much of a long text it shows.

// An evaluation that runs longer than this is stopped and the engine
// restarted; data-timeout on the playground overrides it (in milliseconds).
// A call's time counts from when the engine starts it. The first call on a
// fresh engine also pays for its start (1.3 to 1.7 s on a slow machine's
// shared core), so it gets COLD_START_MS more.
export const EVALUATION_LIMIT_MS = 2000;
export const BATCH_LIMIT_MS = 120000;
export const COLD_START_MS = 3000;

// The engine's bounds that the page applies before it calls the engine: a
// payload of at most 5 MiB (MaxPayloadBytes in wasm/engine) and at most 20
// expressions (maxBatchExpressions). A batch run sends its payloads in
// calls that fit the engine's bounds on a call (runBatch, batchrun.mjs).
export const MiB = 1 << 20;
export const PAYLOAD_LIMIT_BYTES = 5 * MiB;
export const MAX_EXPRESSIONS = 20;
// A share link's state is its JSON: the payload (escaped as a JSON string)
// and the rest, 1 MiB at most. A link that decompresses to more is refused
// as soon as it passes that. Deflate cannot make data more than a little
// longer, so a link longer than base64 of that bound is refused unread.
export const LINK_STATE_LIMIT_BYTES = PAYLOAD_LIMIT_BYTES + MiB;
export const LINK_LIMIT_CHARS = Math.ceil((LINK_STATE_LIMIT_BYTES * 1.01 + 1024) * 4 / 3);

// What the page shows of a text that may be long: an expression's result,
// a cell of the batch table, an error message, the inferred schema. Laying
// out text costs about its length (a 6.4-million-character result held the
// main thread for seconds, issue 17), so a longer text is shown cut at its
// bound, with a note of how much there is: "the first 5,000 of 6,400,256
// characters". Each bound, in UTF-16 units, keeps its rendering to a few
// milliseconds; the batch table has up to 200 rows of 20 cells.
export const RESULT_SHOWN_CHARS = 5000;
export const CELL_SHOWN_CHARS = 200;
export const MESSAGE_SHOWN_CHARS = 1000;
export const INFERRED_SHOWN_CHARS = 50000;
// A part of an expression, in an explanation's names and detail (its
// value is cut by the engine): as long as the engine's sentence quotes it.
export const EXPLAINED_PART_SHOWN_CHARS = 60;
