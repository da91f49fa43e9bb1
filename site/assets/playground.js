// The playground: as the reader types, it sends the payload and the
// expressions to the engine's Web Worker and shows what comes back. Nothing
// typed here is sent over the network. Everything from a payload or a
// result is set as text (textContent), never as markup.
//
// Marks for the load benchmark: performance.mark('fieldbook:engine-start'),
// 'fieldbook:engine-ready' and 'fieldbook:first-result'.

const root = document.querySelector('[data-fb="playground"]');
if (root) {
  // Start the engine after the first frame is painted: the page reads
  // before the 25 MiB module is fetched and compiled.
  requestAnimationFrame(() => setTimeout(() => start(root), 0));
}
wireFieldButtons();

function start(root) {
  const payloadEl = root.querySelector('[data-fb="payload"]');
  const statusEl = root.querySelector('[data-fb="status"]');
  const diagList = root.querySelector('[data-fb="diagnostics"]');
  const exprList = root.querySelector('[data-fb="expressions"]');
  const addButton = root.querySelector('[data-fb="add-expression"]');
  const picker = root.querySelector('[data-fb="schema"]');
  let schema = root.dataset.schema || '';
  let loadedExample = payloadEl.value;

  statusEl.textContent = 'Loading the engine…';
  performance.mark('fieldbook:engine-start');
  const engine = startEngine(root.dataset.worker, {
    ready() {
      performance.mark('fieldbook:engine-ready');
      run();
    },
    failed(message) {
      statusEl.textContent = `The engine could not start: ${message}`;
    },
  });

  let timer;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  };
  let generation = 0;
  let firstResult = true;

  // run evaluates the expressions, then validates the payload: values come
  // first, as they are what the reader is waiting for.
  async function run() {
    if (!engine.ready) return;
    const gen = ++generation;
    const payload = payloadEl.value;
    for (const row of exprList.querySelectorAll('.expression')) {
      const expression = row.querySelector('[data-fb="expression"]').value;
      const out = row.querySelector('[data-fb="result"]');
      if (!expression.trim()) {
        out.replaceChildren();
        continue;
      }
      const result = await engine.call('evaluate', { schema, payload, expression });
      if (gen !== generation) return;
      showResult(out, result);
    }
    if (firstResult) {
      firstResult = false;
      performance.mark('fieldbook:first-result');
    }
    const validation = await engine.call('validate', { schema, payload });
    if (gen !== generation) return; // the reader typed on; a newer run follows
    showValidation(validation);
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
      jump.title = d.line ? `Go to line ${d.line}, column ${d.column}` : '';
      jump.disabled = !d.line;
      jump.addEventListener('click', () => jumpTo(payloadEl, d.line, d.column));
      const sev = document.createElement('span');
      sev.className = 'severity';
      sev.textContent = d.severity;
      const msg = document.createElement('span');
      msg.className = 'message';
      msg.textContent = d.message;
      li.append(jump, ' ', sev, ' ', msg);
      if (d.pointer) {
        const ptr = document.createElement('code');
        ptr.className = 'pointer';
        ptr.textContent = d.pointer;
        li.append(' ', ptr);
      }
      return li;
    }));
  }

  function showResult(out, r) {
    const parts = [];
    if (r.ok) {
      const value = document.createElement('code');
      value.className = 'value';
      value.textContent = r.display;
      const meta = document.createElement('span');
      meta.className = 'result-meta';
      meta.textContent = `${r.type} · cost ${r.cost}`;
      parts.push(value, ' ', meta);
    } else {
      for (const d of r.diagnostics) {
        const err = document.createElement('span');
        err.className = 'error';
        const where = d.line ? `${d.source === 'payload' ? 'payload ' : ''}${d.line}:${d.column} ` : '';
        err.textContent = where + d.message;
        parts.push(err);
      }
    }
    out.classList.toggle('failed', !r.ok);
    out.replaceChildren(...parts);
  }

  payloadEl.addEventListener('input', schedule);
  exprList.addEventListener('input', schedule);

  addButton.hidden = false;
  addButton.addEventListener('click', () => {
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
    const out = document.createElement('output');
    out.dataset.fb = 'result';
    out.htmlFor = input.id;
    out.setAttribute('aria-live', 'polite');
    li.append(label, input, out);
    exprList.append(li);
    input.focus();
  });

  if (picker) {
    picker.addEventListener('change', async () => {
      schema = picker.value;
      // Swap in the new schema's example, unless the reader pasted their own.
      if (schema && payloadEl.value === loadedExample) {
        const doc = await fetch(`/schemas/${schema}.json`).then((r) => r.json());
        payloadEl.value = loadedExample = JSON.stringify(doc.examples[0], null, 2);
      }
      run();
    });
  }

  // "Try" on a field: its expression goes into the first expression and runs.
  root.addEventListener('fieldbook:try', (e) => {
    const input = exprList.querySelector('[data-fb="expression"]');
    input.value = e.detail;
    root.scrollIntoView({ block: 'start' });
    input.focus();
    run();
  });
}

// startEngine runs the engine in a Web Worker and calls it by message.
function startEngine(url, { ready, failed }) {
  const worker = new Worker(url);
  const pending = new Map();
  let nextId = 1;
  const engine = {
    ready: false,
    call(method, request) {
      return new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        worker.postMessage({ id, method, request });
      });
    },
  };
  worker.onmessage = ({ data }) => {
    if (data.type === 'ready') {
      engine.ready = true;
      ready();
    } else if (data.type === 'failed') {
      failed(data.message);
    } else if (data.type === 'response') {
      pending.get(data.id)?.(data.response);
      pending.delete(data.id);
    }
  };
  worker.onerror = (e) => failed(e.message || 'the worker failed');
  return engine;
}

// jumpTo puts the caret at a 1-based line and column (in characters).
function jumpTo(textarea, line, column) {
  const lines = textarea.value.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  const chars = Array.from(lines[line - 1] || '').slice(0, column - 1).join('');
  offset += chars.length;
  textarea.focus();
  textarea.setSelectionRange(offset, offset + 1);
  const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 18;
  textarea.scrollTop = Math.max(0, (line - 3) * lineHeight);
}

// wireFieldButtons shows the Copy and Try buttons of the field details,
// which need JavaScript.
function wireFieldButtons() {
  for (const button of document.querySelectorAll('[data-copy]')) {
    button.hidden = false;
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(button.dataset.copy);
        button.textContent = 'Copied';
      } catch {
        button.textContent = 'Select and copy';
        const code = button.parentElement.querySelector('code');
        getSelection().selectAllChildren(code);
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
