// Batch runs: the expressions over many payloads, and their results as
// tables and as NDJSON for download.

import { runBatch } from './batchrun.mjs';
import { CELL_SHOWN_CHARS } from './limits.mjs';
import { NotUTF8, textPieces } from './payloads.mjs';
import { brief, code, mib, shownIn, span } from './show.mjs';

// wireBatch runs the expressions over many payloads, pasted or from a local
// file. A file is never read whole: the run reads it a piece at a time, in
// this page, and sends the engine batches of payloads that fit its bounds,
// so a file of any size runs in bounded memory; nothing is uploaded. The
// page keeps the counts, the first rows and errors, and every payload's
// results as NDJSON for download.
export function wireBatch($, engine, current) {
  const box = $('batch');
  box.hidden = false;
  const input = $('batch-input');
  const fileInput = $('batch-file');
  const runButton = $('batch-run');
  const statusEl = $('batch-status');
  const progressBox = $('batch-progress');
  const bar = $('batch-bar');
  const rateEl = $('batch-rate');
  const download = $('batch-download');
  const results = $('batch-results');
  let file = null; // the file chosen, read when a run starts
  // refusal says why the file last opened will not run; it holds until the
  // reader opens another or edits the payloads.
  let refusal = '';
  let job = null; // the run in progress
  let downloadURL;
  const refuse = (text) => {
    refusal = text;
    file = null;
    results.replaceChildren();
    statusEl.textContent = text;
  };
  input.addEventListener('input', () => {
    refusal = '';
    file = null;
    fileInput.value = '';
  });
  fileInput.addEventListener('change', async () => {
    const chosen = fileInput.files[0];
    if (!chosen) return;
    refusal = '';
    file = null;
    input.value = '';
    results.replaceChildren();
    // As the command line does, refuse a file that is not UTF-8 before
    // anything runs, rather than run it with U+FFFD in place of its bytes.
    statusEl.textContent = 'Checking the file…';
    let problem = '';
    try {
      for await (const piece of textPieces(chosen)) void piece;
    } catch (err) {
      problem = err instanceof NotUTF8
        ? `${chosen.name} is not valid UTF-8: line ${err.line} holds bytes that are not UTF-8. Save it as UTF-8 and open it again; it was not run.`
        : `${chosen.name} could not be read: ${err.message}`;
    }
    if (fileInput.files[0] !== chosen) return; // another was chosen meanwhile
    if (problem) {
      refuse(problem);
      return;
    }
    file = chosen;
    statusEl.textContent = `${chosen.name} (${mib(chosen.size)}) is ready: a run reads it in this page, a piece at a time.`;
  });
  $('batch-cancel').addEventListener('click', () => {
    if (job) job.cancelled = true;
  });
  runButton.addEventListener('click', async () => {
    if (refusal) {
      statusEl.textContent = refusal;
      return;
    }
    const { schema, dialect, event, expressions, now } = current();
    if (!expressions.length) {
      statusEl.textContent = 'Write an expression above first.';
      return;
    }
    const source = file || input.value;
    job = { cancelled: false };
    runButton.disabled = true;
    statusEl.textContent = file ? `Running over ${file.name}…` : 'Running…';
    results.replaceChildren();
    download.hidden = true;
    if (downloadURL) URL.revokeObjectURL(downloadURL);
    bar.value = 0;
    rateEl.textContent = '';
    progressBox.hidden = false;
    performance.mark('fieldbook:batch-start');
    let r;
    try {
      r = await runBatch(engine, source, { schema, dialect, event, expressions, now, checkAll: $('batch-check-all').checked }, job, showProgress);
    } catch (err) {
      r = {
        failed: err instanceof NotUTF8
          ? `${source.name} is not valid UTF-8: line ${err.line} holds bytes that are not UTF-8. Nothing was kept.`
          : `The run stopped: ${err.message}`,
      };
    } finally {
      job = null;
      runButton.disabled = false;
      progressBox.hidden = true;
    }
    performance.measure('fieldbook:batch', 'fieldbook:batch-start');
    if (r.failed) {
      statusEl.textContent = brief(r.failed);
      return;
    }
    let what = `${r.total.toLocaleString('en-US')} ${r.total === 1 ? 'payload' : 'payloads'}`;
    if (r.invalid) {
      const n = r.invalid.toLocaleString('en-US');
      const verb = r.invalid === 1 ? 'does' : 'do';
      what += r.checkedAll
        ? `; ${n} of them ${verb} not match the schema (see the rows and the first errors)`
        : `; of those an expression failed on, ${n} ${verb} not match the schema (see the rows and the first errors)`;
    }
    statusEl.textContent = r.cancelled ? `Cancelled after ${what}: the results below are of those.` : what;
    downloadURL = URL.createObjectURL(r.download);
    download.href = downloadURL;
    download.hidden = false;
    results.append(countsTable(r), ...r.counts.flatMap(conditionsTable), rowsTable(r));
    if (r.errors.length) {
      const h = document.createElement('h4');
      h.textContent = 'First errors';
      const ul = document.createElement('ul');
      for (const e of r.errors) {
        const li = document.createElement('li');
        const where = e.line ? `line ${e.line}` : `payload ${e.index + 1}`;
        li.textContent = brief(`${where}, ${e.expression < 0 ? 'payload' : `expression ${e.expression + 1}`}: ${e.message}`);
        ul.append(li);
      }
      results.append(h, ul);
    }
  });

  // showProgress shows how far a run is: the share of the input read (and
  // run), the payloads done, their rate and the time left at that rate.
  function showProgress({ done, fraction, seconds }) {
    bar.value = fraction;
    const rate = seconds > 0 ? done / seconds : 0;
    const left = fraction > 0 ? seconds * (1 - fraction) / fraction : 0;
    rateEl.textContent = `${done.toLocaleString('en-US')} payloads · ${Math.round(rate).toLocaleString('en-US')} a second · about ${Math.ceil(left)} s left`;
  }
}
function countsTable(r) {
  const t = table(['Expression', 'true', 'false', 'other value', 'error']);
  for (const c of r.counts) {
    row(t, [brief(c.expression), c.true, c.false, c.other, c.error]);
  }
  t.dataset.fb = 'batch-counts';
  return t;
}

// conditionsTable breaks down the payloads a chain of && (a filter's
// conditions) was false on by the condition that stopped each, the first
// false one: which condition a filter's misses come from. None for another
// expression, or one that was never false. The table is in a box of its
// own, so that the rows stay the second table of the results.
function conditionsTable(c, i) {
  if (!c.conditions || !c.false) return [];
  const t = table(['Condition', 'Payloads it stopped', 'Share of the false']);
  t.dataset.fb = 'batch-conditions';
  const caption = document.createElement('caption');
  caption.textContent = `Expression ${i + 1} was false on ${c.false} ${c.false === 1 ? 'payload' : 'payloads'}: the condition that stopped each`;
  t.prepend(caption);
  const share = (n) => (n / c.false).toLocaleString('en-US', { style: 'percent', maximumFractionDigits: 1 });
  const add = (label, n) => {
    const tr = row(t, [n, share(n)]);
    const th = document.createElement('th');
    th.scope = 'row';
    th.append(label);
    tr.prepend(th);
  };
  for (const k of c.conditions) add(code('', brief(k.text)), k.stopped);
  // The engine finds the condition by running the expression again; where
  // that run failed (its time limit stopped it), the payload is in no row
  // above, and the rows still add up to the false ones.
  const told = c.conditions.reduce((n, k) => n + k.stopped, 0);
  if (told < c.false) add('not told (running it again to find the condition failed)', c.false - told);
  const box = document.createElement('div');
  box.className = 'batch-conditions';
  box.append(t);
  return [box];
}

// stoppedBy says, in a false cell of a chain of &&, the condition that
// made it false: in words, not only the colour of the cell.
function stoppedBy(text) {
  const el = span('stopped-by', 'stopped by ');
  el.append(code('', brief(text)));
  return el;
}

// rowsTable shows the first rows (as shownRow, in batchrun.mjs, keeps
// them): a cell shows at most CELL_SHOWN_CHARS of its text, and a note when
// that is not all.
// Where some payload breaks the schema, a column says where, for each row:
// the reason an expression over that field failed.
function rowsTable(r) {
  const schemaColumn = r.invalid > 0;
  const t = table(['#', ...(schemaColumn ? ['Schema'] : []), ...r.counts.map((_, i) => `Expression ${i + 1}`)]);
  t.dataset.fb = 'batch-rows';
  const shown = (c) => shownIn(document.createElement('span'), c.text, CELL_SHOWN_CHARS, { total: c.total, truncated: c.truncated });
  for (const rw of r.rows) {
    const cells = [[rw.line ? `line ${rw.line}` : rw.index + 1]];
    if (schemaColumn && !rw.error) cells.push(rw.invalid ? [shown(rw.invalid), 'error'] : ['matches']);
    if (rw.error) cells.push([shown(rw.error), 'error']);
    else cells.push(...rw.values.map((v) => [v.stoppedBy ? [...shown(v), ' ', stoppedBy(v.stoppedBy)] : shown(v), v.ok ? '' : 'error']));
    const tr = row(t, cells.map(([text]) => text), cells.map(([, cls]) => cls));
    // A payload that is not JSON has one error for the schema and all the
    // expressions.
    if (rw.error) tr.lastChild.colSpan = r.counts.length + (schemaColumn ? 1 : 0);
  }
  const caption = document.createElement('caption');
  caption.textContent = r.rows.length < r.total ? `The first ${r.rows.length} of ${r.total} payloads` : `All ${r.total} payloads`;
  t.prepend(caption);
  return t;
}

function table(headers) {
  const t = document.createElement('table');
  const tr = document.createElement('tr');
  for (const h of headers) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    tr.append(th);
  }
  t.append(tr);
  return t;
}

// row adds a row of cells to t: each a text, or the nodes to show.
function row(t, values, classes = []) {
  const tr = document.createElement('tr');
  values.forEach((v, i) => {
    const td = document.createElement('td');
    if (Array.isArray(v)) td.append(...v);
    else td.textContent = String(v);
    if (classes[i]) td.className = classes[i];
    tr.append(td);
  });
  t.append(tr);
  return tr;
}
