// The playground: as the reader types, it sends the payload and the
// expressions to the engine's Web Worker and shows what comes back. Nothing
// typed here is sent over the network: the only place state leaves the
// page is a share link, and only its fragment (after #), which browsers do
// not send. Everything from a payload or a result is set as text
// (textContent), never as markup.
//
// Marks for the benchmarks: performance.mark('fieldbook:engine-start'),
// 'fieldbook:engine-ready', 'fieldbook:first-result', and a
// 'fieldbook:batch' measure around each batch run.

const root = document.querySelector('[data-fb="playground"]');
if (root) {
  // Start the engine after the first frame is painted: the page reads
  // before the 25 MiB module is fetched and compiled.
  requestAnimationFrame(() => setTimeout(() => start(root), 0));
}
wireFieldButtons();

// An evaluation that runs longer than this is stopped and the engine
// restarted; data-timeout on the playground overrides it (in milliseconds).
const EVALUATION_LIMIT_MS = 2000;
const BATCH_LIMIT_MS = 120000;

function start(root) {
  const $ = (hook) => root.querySelector(`[data-fb="${hook}"]`);
  const payloadEl = $('payload');
  const statusEl = $('status');
  const diagList = $('diagnostics');
  const exprList = $('expressions');
  const clockEl = $('clock');
  const clockShown = $('clock-shown');
  const picker = $('schema');
  const dialectPicker = $('dialect');
  let schema = root.dataset.schema || '';
  // The CEL dialect: the schema's own (Morf's workflows for its event
  // sources), which the reader may switch.
  let dialect = root.dataset.dialect || 'morf';
  let loadedExample = payloadEl.value;
  // The CodeMirror editors arrive after the engine has started (below);
  // until then the textareas are the editors.
  let editors = null;
  // setText sets a textarea's text, and its editor's.
  const setText = (el, text) => {
    el.value = text;
    editors?.sync(el);
  };

  statusEl.textContent = 'Loading the engine…';
  performance.mark('fieldbook:engine-start');
  const engine = createEngine(root.dataset.worker, () => {
    statusEl.textContent = 'The engine was restarted.';
  });
  // complete asks the engine what fits at an offset of an expression; the
  // editors use it for completion and hover.
  const complete = (expression, offset) => engine.call('complete', {
    schema, dialect, expression, offset, payload: schema ? undefined : payloadEl.value,
  }, limit());
  const attachExpression = (input) => editors?.attach(input, {
    language: 'cel', label: input.labels[0]?.textContent || 'Expression', complete,
  });
  loadEditors(root.dataset.editor).then((loaded) => {
    editors = loaded;
    editors.attach(payloadEl, { language: 'json', label: 'Payload (JSON)' });
    exprList.querySelectorAll('[data-fb="expression"]').forEach(attachExpression);
    if (root.dataset.ready === 'true') run(); // mark what is already shown
  }, () => { /* the textareas stay: everything works without the editors */ });
  engine.ready().then(
    () => {
      performance.mark('fieldbook:engine-ready');
      run();
    },
    (err) => { statusEl.textContent = `The engine could not start: ${err.message}`; },
  );

  let timer;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  };
  let generation = 0;
  let firstResult = true;
  const limit = () => Number(root.dataset.timeout) || EVALUATION_LIMIT_MS;

  // now is the clock the reader set, or the real time.
  function now() {
    return clockEl.value.trim() || new Date().toISOString();
  }

  // run evaluates the expressions, then validates the payload: values come
  // first, as they are what the reader is waiting for.
  async function run() {
    const gen = ++generation;
    const payload = payloadEl.value;
    const clock = now();
    clockShown.textContent = `now() is ${clock}${clockEl.value.trim() ? '' : ' (your clock)'}`;
    for (const row of exprList.querySelectorAll('.expression')) {
      const expression = row.querySelector('[data-fb="expression"]').value;
      const out = row.querySelector('[data-fb="result"]');
      if (!expression.trim()) {
        out.replaceChildren();
        continue;
      }
      const result = await engine.call('evaluate', { schema, dialect, payload, expression, now: clock }, limit());
      if (gen !== generation) return; // the reader typed on; a newer run follows
      showResult(out, result);
      editors?.setDiagnostics(row.querySelector('[data-fb="expression"]'), result.ok ? [] : result.diagnostics.filter((d) => d.source === 'expression'));
    }
    if (firstResult) {
      firstResult = false;
      performance.mark('fieldbook:first-result');
    }
    const validation = await engine.call('validate', { schema, payload }, limit());
    if (gen !== generation) return;
    showValidation(validation);
    editors?.setDiagnostics(payloadEl, validation.diagnostics);
    await showInferred(payload, gen);
    root.dataset.ready = 'true';
  }

  function showValidation(v) {
    const errors = v.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = v.diagnostics.length - errors;
    const parts = [];
    if (errors) parts.push(`${errors} ${errors === 1 ? 'error' : 'errors'}`);
    if (warnings) parts.push(`${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`);
    statusEl.textContent = v.ok
      ? (warnings ? `Valid, with ${parts.join(' and ')}` : (schema ? 'Valid' : 'Well-formed JSON (no schema)'))
      : `Not valid: ${parts.join(' and ')}`;
    diagList.replaceChildren(...v.diagnostics.map((d) => {
      const li = document.createElement('li');
      li.className = d.severity;
      const jump = document.createElement('button');
      jump.type = 'button';
      jump.className = 'jump';
      jump.textContent = d.line ? `${d.line}:${d.column}` : '–';
      jump.setAttribute('aria-label', d.line ? `${d.line}:${d.column}, go to line ${d.line}, column ${d.column}` : 'no position');
      jump.disabled = !d.line;
      jump.addEventListener('click', () => {
        if (!editors?.reveal(payloadEl, d.line, d.column)) jumpTo(payloadEl, d.line, d.column);
      });
      li.append(jump, ' ', span('severity', d.severity), ' ', span('message', d.message));
      if (d.pointer) li.append(' ', code('pointer', d.pointer));
      return li;
    }));
  }

  function showResult(out, r) {
    const parts = [];
    if (r.ok) {
      parts.push(code('value', r.display), ' ', span('result-meta', `${r.type} · cost ${r.cost} · ${r.dialect}`),
        span('fit', fitFor(r.type)));
    } else {
      for (const d of r.diagnostics) {
        const where = d.line ? `${d.source === 'payload' ? 'payload ' : ''}${d.line}:${d.column} ` : '';
        const err = span('error', where + d.message);
        parts.push(err);
      }
    }
    out.classList.toggle('failed', !r.ok);
    out.replaceChildren(...parts);
  }

  // The inferred schema, shown (and downloadable) when there is no schema.
  const inferredBox = $('inferred');
  let inferredURL;
  async function showInferred(payload, gen) {
    inferredBox.hidden = schema !== '';
    if (schema !== '') return;
    const r = await engine.call('infer', { payload }, limit());
    if (gen !== generation || !r.ok) return;
    const text = JSON.stringify(r.schema, null, 2);
    $('inferred-schema').textContent = text;
    if (inferredURL) URL.revokeObjectURL(inferredURL);
    inferredURL = URL.createObjectURL(new Blob([text], { type: 'application/schema+json' }));
    $('inferred-download').href = inferredURL;
  }

  payloadEl.addEventListener('input', schedule);
  exprList.addEventListener('input', schedule);
  clockEl.addEventListener('input', schedule);

  const addButton = $('add-expression');
  addButton.hidden = false;
  addButton.addEventListener('click', () => {
    const input = addExpression('');
    if (editors) editors.focus(input);
    else input.focus();
  });
  function addExpression(text) {
    const n = exprList.querySelectorAll('.expression').length + 1;
    const li = document.createElement('li');
    li.className = 'expression';
    const label = document.createElement('label');
    label.htmlFor = `expression-${n}`;
    label.textContent = `Expression ${n}`;
    const input = document.createElement('textarea');
    input.id = `expression-${n}`;
    input.rows = 2;
    input.spellcheck = false;
    input.dataset.fb = 'expression';
    input.value = text;
    const out = document.createElement('output');
    out.dataset.fb = 'result';
    out.htmlFor = input.id;
    out.setAttribute('aria-live', 'polite');
    li.append(label, input, out);
    exprList.append(li);
    attachExpression(input);
    return input;
  }
  const expressions = () => [...exprList.querySelectorAll('[data-fb="expression"]')].map((e) => e.value);
  function setExpressions(list) {
    exprList.querySelectorAll('.expression').forEach((row, i) => { if (i > 0) row.remove(); });
    const [first = '', ...rest] = list;
    setText(exprList.querySelector('[data-fb="expression"]'), first);
    exprList.querySelector('[data-fb="result"]').replaceChildren();
    rest.forEach(addExpression);
  }

  // setDialect switches the dialect the expressions run in.
  function setDialect(name) {
    if (![...dialectPicker.options].some((o) => o.value === name)) return false;
    dialect = name;
    dialectPicker.value = name;
    return true;
  }
  dialectPicker.addEventListener('change', () => {
    dialect = dialectPicker.value;
    run();
  });

  if (picker) {
    picker.addEventListener('change', async () => {
      schema = picker.value;
      setDialect(picker.selectedOptions[0]?.dataset.dialect || 'morf');
      // Swap in the new schema's example, unless the reader pasted their own.
      if (schema && payloadEl.value === loadedExample) {
        const doc = await fetch(`/schemas/${schema}.json`).then((r) => r.json());
        loadedExample = JSON.stringify(doc.examples[0], null, 2);
        setText(payloadEl, loadedExample);
      }
      run();
    });
  }

  // "Try" on a field or an example: its expression goes into the first
  // expression and runs.
  root.addEventListener('fieldbook:try', (e) => {
    const input = exprList.querySelector('[data-fb="expression"]');
    setText(input, e.detail);
    root.scrollIntoView({ block: 'start' });
    if (editors) editors.focus(input);
    else input.focus();
    run();
  });

  // Share links and Clear.
  $('tools').hidden = false;
  const shareButton = $('share');
  const sharePanel = $('share-panel');
  shareButton.addEventListener('click', () => {
    sharePanel.hidden = !sharePanel.hidden;
    shareButton.setAttribute('aria-expanded', String(!sharePanel.hidden));
  });
  $('share-copy').addEventListener('click', async () => {
    const state = { v: 1, schema, dialect, expressions: expressions(), now: clockEl.value.trim() };
    if ($('share-payload').checked) state.payload = payloadEl.value;
    const url = `${location.origin}${location.pathname}#s=${await pack(state)}`;
    const field = $('share-url');
    field.value = url;
    history.replaceState(null, '', url);
    try {
      await navigator.clipboard.writeText(url);
      statusEl.textContent = state.payload === undefined ? 'Link copied, without the payload' : 'Link copied, with the payload';
    } catch {
      field.select();
      statusEl.textContent = 'Link made: copy it from the box';
    }
  });
  $('clear').addEventListener('click', () => {
    setText(payloadEl, '');
    clockEl.value = '';
    setExpressions(['']);
    $('share-url').value = '';
    $('share-payload').checked = false;
    history.replaceState(null, '', location.pathname + location.search);
    // Nothing else is kept: the playground stores nothing in the browser.
    diagList.replaceChildren();
    run();
  });
  restoreFromLink();
  // A link to this same page differs only in its fragment: no reload.
  window.addEventListener('hashchange', restoreFromLink);

  async function restoreFromLink() {
    if (!location.hash.startsWith('#s=')) return;
    try {
      const state = await unpack(location.hash.slice(3));
      if (typeof state.schema === 'string') {
        schema = state.schema;
        if (picker) picker.value = schema;
      }
      if (typeof state.dialect === 'string') setDialect(state.dialect);
      if (typeof state.payload === 'string') setText(payloadEl, state.payload);
      if (Array.isArray(state.expressions)) setExpressions(state.expressions.map(String));
      if (typeof state.now === 'string') clockEl.value = state.now;
      run();
    } catch {
      statusEl.textContent = 'This link could not be read: it may be cut short.';
    }
  }

  wireBatch($, engine, () => ({ schema, dialect, expressions: expressions().filter((e) => e.trim()), now: now() }));
}

// loadEditors loads the CodeMirror bundle, which defines
// globalThis.FieldbookEditor.
function loadEditors(url) {
  return new Promise((resolve, reject) => {
    if (!url) return reject(new Error('no editor bundle'));
    const script = document.createElement('script');
    script.src = url;
    script.onload = () => (globalThis.FieldbookEditor ? resolve(globalThis.FieldbookEditor) : reject(new Error('no editors')));
    script.onerror = reject;
    document.head.append(script);
  });
}

// createEngine runs the engine in a Web Worker and calls it by message. A
// call that outlasts its limit ends the worker (the module cannot be
// interrupted from outside) and starts a fresh one; the call answers with
// an error, and the next call waits for the new engine.
function createEngine(url, onRestart) {
  let worker;
  let ready;
  const pending = new Map();
  let nextId = 1;
  function boot() {
    worker = new Worker(url);
    let resolve;
    let reject;
    ready = new Promise((res, rej) => { resolve = res; reject = rej; });
    worker.onmessage = ({ data }) => {
      if (data.type === 'ready') resolve();
      else if (data.type === 'failed') reject(new Error(data.message));
      else if (data.type === 'response') {
        const call = pending.get(data.id);
        if (!call) return;
        clearTimeout(call.timer);
        pending.delete(data.id);
        call.resolve(data.response);
      }
    };
    worker.onerror = (e) => reject(new Error(e.message || 'the worker failed'));
  }
  boot();
  return {
    ready: () => ready,
    async call(method, request, limitMs) {
      await ready;
      return new Promise((resolve) => {
        const id = nextId++;
        const timer = setTimeout(() => {
          worker.terminate();
          for (const call of pending.values()) {
            clearTimeout(call.timer);
            call.resolve(stopped(limitMs));
          }
          pending.clear();
          boot();
          onRestart();
        }, limitMs);
        pending.set(id, { resolve, timer });
        worker.postMessage({ id, method, request });
      });
    },
  };
}

// fitFor says what a result's type is fit for in a workflow: a filter must
// be true or false, a wait gives a time or a duration, a field mapping
// takes any value.
function fitFor(type) {
  switch (type) {
    case 'bool': return 'In a workflow: a filter (true or false)';
    case 'google.protobuf.Timestamp': return 'In a workflow: a wait, until this time';
    case 'google.protobuf.Duration': return 'In a workflow: a wait, for this long';
    default: return 'In a workflow: a field mapping (a calculated value); not a filter, which must be true or false';
  }
}

function stopped(ms) {
  return {
    ok: false,
    stopped: true,
    diagnostics: [{
      severity: 'error',
      message: `Stopped: it ran past ${ms / 1000} s. The engine was restarted; change the expression or the payload to try again.`,
      line: 0, column: 0, source: 'request',
    }],
  };
}

// pack writes state as deflate-raw compressed JSON in base64url, for a URL
// fragment; unpack reads it back.
async function pack(state) {
  const data = new TextEncoder().encode(JSON.stringify(state));
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function unpack(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return JSON.parse(await new Response(stream).text());
}

// wireBatch runs the expressions over many payloads, pasted or from a local
// file, which is read here and never uploaded.
function wireBatch($, engine, current) {
  const box = $('batch');
  box.hidden = false;
  const input = $('batch-input');
  const statusEl = $('batch-status');
  const results = $('batch-results');
  $('batch-file').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    input.value = await file.text();
    statusEl.textContent = `Read ${file.name} (${Math.round(file.size / 1024)} KiB) in this page.`;
  });
  $('batch-run').addEventListener('click', async () => {
    const { schema, dialect, expressions, now } = current();
    if (!expressions.length) {
      statusEl.textContent = 'Write an expression above first.';
      return;
    }
    statusEl.textContent = 'Running…';
    results.replaceChildren();
    performance.mark('fieldbook:batch-start');
    const r = await engine.call('batch', { schema, dialect, payloads: input.value, expressions, now, rows: 200 }, BATCH_LIMIT_MS);
    performance.measure('fieldbook:batch', 'fieldbook:batch-start');
    if (!r.ok) {
      statusEl.textContent = r.diagnostics.map((d) => (d.line ? `line ${d.line}: ` : '') + d.message).join('; ');
      return;
    }
    statusEl.textContent = `${r.total} payloads`;
    results.append(countsTable(r), rowsTable(r));
    if (r.errors.length) {
      const h = document.createElement('h4');
      h.textContent = 'First errors';
      const ul = document.createElement('ul');
      for (const e of r.errors) {
        const li = document.createElement('li');
        const where = e.line ? `line ${e.line}` : `payload ${e.index + 1}`;
        li.textContent = `${where}, ${e.expression < 0 ? 'payload' : `expression ${e.expression + 1}`}: ${e.message}`;
        ul.append(li);
      }
      results.append(h, ul);
    }
  });
}

function countsTable(r) {
  const t = table(['Expression', 'true', 'false', 'other value', 'error']);
  for (const c of r.counts) {
    row(t, [c.expression, c.true, c.false, c.other, c.error]);
  }
  t.dataset.fb = 'batch-counts';
  return t;
}

function rowsTable(r) {
  const t = table(['#', ...r.counts.map((_, i) => `Expression ${i + 1}`)]);
  for (const rw of r.rows) {
    const cells = rw.error
      ? [[rw.line ? `line ${rw.line}` : rw.index + 1], [rw.error, 'error']]
      : [[rw.line ? `line ${rw.line}` : rw.index + 1], ...rw.values.map((v) => (v.ok ? [v.display] : [v.error, 'error']))];
    row(t, cells.map(([text]) => text), cells.map(([, cls]) => cls));
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

function row(t, values, classes = []) {
  const tr = document.createElement('tr');
  values.forEach((v, i) => {
    const td = document.createElement('td');
    td.textContent = String(v);
    if (classes[i]) td.className = classes[i];
    tr.append(td);
  });
  t.append(tr);
}

function span(cls, text) {
  const el = document.createElement('span');
  el.className = cls;
  el.textContent = text;
  return el;
}

function code(cls, text) {
  const el = document.createElement('code');
  el.className = cls;
  el.textContent = text;
  return el;
}

// jumpTo puts the caret at a 1-based line and column (in characters).
function jumpTo(textarea, line, column) {
  const lines = textarea.value.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  offset += Array.from(lines[line - 1] || '').slice(0, column - 1).join('').length;
  textarea.focus();
  textarea.setSelectionRange(offset, offset + 1);
  const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 18;
  textarea.scrollTop = Math.max(0, (line - 3) * lineHeight);
}

// wireFieldButtons shows the Copy and Try buttons of the field details and
// examples, which need JavaScript.
function wireFieldButtons() {
  for (const button of document.querySelectorAll('[data-copy]')) {
    button.hidden = false;
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(button.dataset.copy);
        button.textContent = 'Copied';
      } catch {
        button.textContent = 'Select and copy';
        getSelection().selectAllChildren(button.parentElement.querySelector('code'));
      }
      setTimeout(() => { button.textContent = 'Copy'; }, 1500);
    });
  }
  const playground = document.querySelector('[data-fb="playground"]');
  for (const button of document.querySelectorAll('[data-try]')) {
    button.hidden = !playground;
    button.addEventListener('click', () => {
      playground.dispatchEvent(new CustomEvent('fieldbook:try', { detail: button.dataset.try }));
    });
  }
}
