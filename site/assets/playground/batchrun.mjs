// A batch run, call by call: payloads sent to the engine in calls that fit
// its bounds, their answers merged into what the page keeps.

import { BATCH_LIMIT_MS, CELL_SHOWN_CHARS, MiB } from './limits.mjs';
import { PayloadSplitter, textPieces } from './payloads.mjs';
import { chars, cut } from './show.mjs';

// A batch run sends the engine at most this many payloads, of at most this
// many characters in all, a call: well inside its bounds (100,000 payloads
// and 64 MiB a call, MaxBatchPayloads and maxBatchBytes in wasm/engine,
// even at three bytes a character), and small enough that progress moves
// and Cancel answers within a fraction of a second.
const BATCH_CHUNK_PAYLOADS = 1000;
const BATCH_CHUNK_CHARS = 8 * MiB;
// What a run keeps to show: the first rows and errors.
const BATCH_SHOWN_ROWS = 200;
const BATCH_SHOWN_ERRORS = 20;

// runBatch runs the expressions over the payloads of source (a File or a
// string), in calls of at most BATCH_CHUNK_PAYLOADS. Two calls are in
// flight at a time, so that the engine always has the next one while the
// page takes in the last. It answers { total, invalid (the payloads that
// break the schema, of those checked: every one where checkedAll, else
// those an expression failed on), checkedAll, counts (with, for a chain
// of &&, its conditions and how many payloads each stopped), rows, errors,
// download (a Blob of NDJSON, one line a payload: its index, line, error,
// invalid and values as the engine answers them, a false cell of a chain
// of && with its stoppedBy), cancelled }, or { failed } with what to tell
// the reader.
export async function runBatch(engine, source, { schema, dialect, event, expressions, now, checkAll }, job, progress) {
  const started = performance.now();
  const size = typeof source === 'string' ? source.length : source.size;
  const out = {
    total: 0,
    invalid: 0,
    checkedAll: checkAll === true,
    counts: expressions.map((expression) => ({ expression, true: 0, false: 0, other: 0, error: 0 })),
    rows: [],
    errors: [],
    cancelled: false,
  };
  const lines = []; // the download, a Blob a call
  const inflight = [];
  let chunk = [];
  let chars = 0;
  let read = 0; // how much of the source was read
  const flush = () => {
    if (!chunk.length) return;
    const items = chunk;
    const texts = items.filter((it) => !it.error).map((it) => it.text);
    chunk = [];
    chars = 0;
    const answer = texts.length
      ? engine.call('batch', { schema, dialect, event, payloads: texts.join('\n'), expressions, now, rows: texts.length, checkAll }, BATCH_LIMIT_MS, () => job.cancelled)
      : Promise.resolve({ ok: true, counts: out.counts.map(() => ({ true: 0, false: 0, other: 0, error: 0 })), rows: [], errors: [] });
    inflight.push({ items, answer, read });
  };
  const take = (item) => {
    chunk.push(item);
    chars += item.text?.length ?? 0;
    if (chunk.length >= BATCH_CHUNK_PAYLOADS || chars >= BATCH_CHUNK_CHARS) flush();
  };
  // settle takes in the oldest call's answer; false when the run must end.
  const settle = async () => {
    const { items, answer, read: at } = inflight.shift();
    const r = await answer;
    if (job.cancelled) return false;
    if (!r.ok) {
      out.failed = r.diagnostics.map((d) => (d.line ? `line ${d.line}: ` : '') + d.message).join('; ');
      return false;
    }
    merge(out, items, r, lines);
    progress({ done: out.total, fraction: size ? at / size : 1, seconds: (performance.now() - started) / 1000 });
    return true;
  };
  const splitter = new PayloadSplitter();
  let going = true;
  for await (const piece of typeof source === 'string' ? [{ text: source, bytes: source.length }] : textPieces(source)) {
    read += piece.bytes;
    splitter.push(piece.text, take);
    while (going && inflight.length > 1) going = await settle();
    if (!going || job.cancelled) break;
  }
  if (going && !job.cancelled) {
    splitter.end(take);
    flush();
  }
  while (going && inflight.length && !job.cancelled) going = await settle();
  if (out.failed) return out;
  if (job.cancelled) out.cancelled = true;
  else if (!out.total) return { failed: 'No payloads: paste NDJSON (one JSON object a line) or a JSON array of objects, or open a file of them.' };
  out.download = new Blob(lines, { type: 'application/x-ndjson' });
  return out;
}

// merge adds one call's answer to a run's results. items are the payloads
// of the call, in order: those the page already found unreadable carry
// their error, the others were sent, and the engine's rows answer them in
// the same order.
function merge(out, items, r, lines) {
  const base = out.total;
  const sent = []; // the index in the run of each payload sent
  out.invalid += r.invalid ?? 0;
  out.checkedAll &&= r.checkedAll !== false;
  r.counts.forEach((c, i) => {
    const sum = out.counts[i];
    for (const k of ['true', 'false', 'other', 'error']) sum[k] += c[k];
    // Every call compiles the same expression, so each answers the same
    // conditions in the same order: they add up by position. A call of
    // only unreadable payloads (no engine answer) has none to add.
    if (!c.conditions) return;
    sum.conditions ??= c.conditions.map(({ from, to, text }) => ({ from, to, text, stopped: 0 }));
    c.conditions.forEach((k, j) => { sum.conditions[j].stopped += k.stopped; });
  });
  const text = [];
  const errors = [];
  items.forEach((it, i) => {
    const index = base + i;
    let row;
    if (it.error) {
      row = { index, line: it.line || undefined, error: it.error };
      for (const c of out.counts) c.error++;
      errors.push({ index, line: it.line, expression: -1, message: it.error });
    } else {
      const engineRow = r.rows[sent.length];
      sent.push(index);
      row = { index, line: it.line || undefined, error: engineRow.error, invalid: engineRow.invalid, values: engineRow.values };
    }
    text.push(JSON.stringify(row));
    if (out.rows.length < BATCH_SHOWN_ROWS) out.rows.push(shownRow(row));
  });
  for (const e of r.errors) {
    const index = sent[e.index];
    errors.push({ ...e, index, line: items[index - base].line });
  }
  errors.sort((a, b) => a.index - b.index);
  out.errors.push(...errors.slice(0, BATCH_SHOWN_ERRORS - out.errors.length));
  out.total += items.length;
  text.push('');
  lines.push(new Blob([text.join('\n')]));
}

// shownRow is what a run keeps of a row it shows: each text cut at
// CELL_SHOWN_CHARS, with its whole length in characters, so that the first
// rows do not hold megabytes of results (the download has them whole). A
// cell the engine sent in part is truncated.
function shownRow(row) {
  const keep = (text = '', truncated = false) => ({ text: cut(text, CELL_SHOWN_CHARS), total: chars(text), truncated });
  return {
    index: row.index,
    line: row.line,
    error: row.error === undefined ? undefined : keep(row.error),
    invalid: row.invalid === undefined ? undefined : keep(row.invalid.join('; ')),
    values: row.values?.map((v) => ({ ok: v.ok, stoppedBy: v.stoppedBy, ...(v.ok ? keep(v.display, v.truncated === true) : keep(v.error)) })),
  };
}
