// The playground: as the reader types, it sends the payload and the
// expressions to the engine's Web Worker and shows what comes back.

import { createEngine } from './engine.mjs';
import { wireBatch } from './batch.mjs';
import {
  EVALUATION_LIMIT_MS, INFERRED_SHOWN_CHARS, MAX_EXPRESSIONS, MESSAGE_SHOWN_CHARS,
  RESULT_SHOWN_CHARS,
} from './limits.mjs';
import { loadEditors, jumpTo } from './editors.mjs';
import { isCELName, renameKey } from './names.mjs';
import { LinkRefused, shareLink, stateProblem, unpack } from './share.mjs';
import { brief, briefly, code, message, part, showResult, shownIn, span } from './show.mjs';
import { showExplanation } from './explain.mjs';
import { addActionURL, openWorkflowURL } from './workflowlink.mjs';

// keptKey names what this browser keeps of this page's playground
// (localStorage); main.mjs reads it to start a playground used before.
export const keptKey = () => `fieldbook:playground:${location.pathname}`;

export function start(root) {
  const $ = (hook) => root.querySelector(`[data-fb="${hook}"]`);
  const payloadEl = $('payload');
  const statusEl = $('status');
  const diagList = $('diagnostics');
  const exprList = $('expressions');
  const clockEl = $('clock');
  const clockShown = $('clock-shown');
  const picker = $('schema');
  const dialectPicker = $('dialect');
  // The event that sent the payload, among the schema's: in the morf
  // dialect, morf_event_type holds it.
  const eventRow = $('event-picker');
  const eventPicker = $('event');
  const event = () => (eventRow.hidden ? undefined : eventPicker.value || undefined);
  // setEvents lists a schema's events (one a line) in the event picker.
  const setEvents = (text) => {
    const list = text ? text.split('\n') : [];
    eventPicker.replaceChildren(...list.map((name) => {
      const option = document.createElement('option');
      option.value = option.textContent = name;
      return option;
    }));
    eventRow.hidden = list.length === 0;
  };
  let schema = root.dataset.schema || '';
  // On an action's page the result sits under a key the reader may rename
  // (the result object key of a Morf workflow): every call names it.
  let key = root.dataset.key || undefined;
  // The CEL dialect: the schema's own (Morf's workflows for its event
  // sources), which the reader may switch.
  let dialect = root.dataset.dialect || 'morf';
  let loadedExample = payloadEl.value;
  // The CodeMirror editors arrive after the first result (below);
  // until then the textareas are the editors.
  let editors = null;
  // setText sets a textarea's text, and its editor's.
  const setText = (el, text) => {
    el.value = text;
    editors?.sync(el);
  };

  statusEl.textContent = 'Loading the engine…';
  performance.mark('fieldbook:engine-start');
  const engine = createEngine(root.dataset.worker, (why) => {
    statusEl.textContent = brief(why);
  });
  // complete asks the engine what fits at an offset of an expression; the
  // editors use it for completion and hover.
  const complete = (expression, offset) => engine.call('complete', {
    schema, key, dialect, expression, offset, payload: schema ? undefined : payloadEl.value,
  }, limit());
  const attachExpression = (input) => editors?.attach(input, {
    language: 'cel', label: input.labels[0]?.textContent || 'Expression', complete,
  });
  // The CodeMirror editors load once the first result is on screen: their
  // script's work on the main thread would otherwise compete with the
  // engine's start (BENCHMARKS.md).
  const attachEditors = () => loadEditors(root.dataset.editor).then((loaded) => {
    editors = loaded;
    // A textarea the reader is typing in hands its focus and caret to its
    // editor.
    const typing = document.activeElement?.matches?.('[data-fb="payload"], [data-fb="expression"]') ? document.activeElement : null;
    editors.attach(payloadEl, { language: 'json', label: 'Payload (JSON)' });
    exprList.querySelectorAll('[data-fb="expression"]').forEach(attachExpression);
    if (typing) {
      const before = typing.value.slice(0, typing.selectionStart).split('\n');
      editors.reveal(typing, before.length, Array.from(before.at(-1)).length + 1);
    }
    if (root.dataset.ready === 'true') run(); // mark what is already shown
  }, () => { /* the textareas stay: everything works without the editors */ });
  engine.ready().then(
    () => {
      performance.mark('fieldbook:engine-ready');
      run();
    },
    (err) => { statusEl.textContent = brief(`The engine could not start: ${err.message}`); },
  );

  let timer;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  };
  let generation = 0;
  let firstResult = true;
  const limit = () => Number(root.dataset.timeout) || EVALUATION_LIMIT_MS;

  // clockSource says where a clock set by the page came from; the reader's
  // own typing clears it.
  let clockSource = '';
  clockEl.addEventListener('input', () => { clockSource = ''; });
  // now is the clock the reader set, or the real time.
  function now() {
    return clockEl.value.trim() || new Date().toISOString();
  }

  // run evaluates the expressions, then validates the payload: values come
  // first, as they are what the reader is waiting for.
  async function run() {
    keep(); // what the reader typed, before the engine answers
    // A run scheduled by typing is covered by this one, which reads the
    // same text: setting an editor's text (a share link, Try, Clear) types
    // into it, and the second run would cross the engine's answer again.
    clearTimeout(timer);
    const gen = ++generation;
    // A call of this run that the engine has not started by the time the
    // reader has typed on is dropped: nobody would see its answer.
    const stale = () => gen !== generation;
    const payload = payloadEl.value;
    if (!payload.trim()) {
      // Nothing to run on yet (after Clear, say): no error to show.
      exprList.querySelectorAll('[data-fb="result"], [data-fb="explain"]').forEach((out) => out.replaceChildren());
      diagList.replaceChildren();
      statusEl.textContent = 'No payload: paste one, or Reset to the example.';
      root.dataset.ready = 'true';
      return;
    }
    const clock = now();
    const from = clockEl.value.trim() ? (clockSource && ` (${clockSource})`) : ' (your clock)';
    clockShown.textContent = brief(`now() is ${clock}${from}`);
    for (const row of exprList.querySelectorAll('.expression')) {
      const input = row.querySelector('[data-fb="expression"]');
      const expression = input.value;
      const out = row.querySelector('[data-fb="result"]');
      const why = row.querySelector('[data-fb="explain"]');
      if (!expression.trim()) {
        out.replaceChildren();
        why.replaceChildren();
        continue;
      }
      const result = await engine.call('evaluate', { schema, key, dialect, payload, expression, now: clock, event: event(), explain: true }, limit(), stale, RESULT_SHOWN_CHARS);
      if (gen !== generation) return; // the reader typed on; a newer run follows
      showResult(out, result);
      showExplanation(why, expression, result.explanation, input.labels[0]?.textContent || 'The expression');
      editors?.setDiagnostics(input, briefly((result.diagnostics ?? []).filter((d) => d.source === 'expression')));
    }
    if (firstResult) {
      firstResult = false;
      performance.mark('fieldbook:first-result');
      attachEditors();
    }
    const validation = await engine.call('validate', { schema, key, payload }, limit(), stale);
    if (gen !== generation) return;
    showValidation(validation);
    editors?.setDiagnostics(payloadEl, briefly(validation.diagnostics));
    await showInferred(payload, gen, stale);
    root.dataset.ready = 'true';
  }

  // What the reader typed is kept in this browser (localStorage, for this
  // page's path) and restored on a reload: the expressions, dialect, event
  // and clock, and the payload only when the reader ticks "Keep the payload
  // too", since it may hold patient data. Nothing is kept before the
  // reader changes something, and Forget and Clear remove it.
  const keepKey = keptKey();
  const keepPayload = $('keep-payload');
  let changed = false;
  function keep() {
    if (!changed) return;
    const state = { v: 1, schema, dialect, event: event(), expressions: expressions(), now: clockEl.value.trim() };
    if (key) state.key = key;
    if (keepPayload.checked) state.payload = payloadEl.value;
    try {
      localStorage.setItem(keepKey, JSON.stringify(state));
    } catch { /* storage full or refused: nothing is kept */ }
  }
  function forget() {
    changed = false;
    try {
      localStorage.removeItem(keepKey);
    } catch { /* nothing was kept */ }
  }
  function kept() {
    try {
      return JSON.parse(localStorage.getItem(keepKey) || 'null');
    } catch {
      return null;
    }
  }
  // Kept as it is typed: a reload right after a key stroke loses nothing.
  root.addEventListener('input', () => { changed = true; keep(); });
  root.addEventListener('change', () => { changed = true; keep(); });
  keepPayload.addEventListener('change', () => { changed = true; keep(); });
  $('forget').addEventListener('click', () => {
    forget();
    keepPayload.checked = false;
    statusEl.textContent = 'Forgotten: this browser keeps nothing of this page.';
  });

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
      li.append(jump, ' ', span('severity', d.severity), ' ', message('message', d.message));
      if (d.pointer) li.append(' ', ...shownIn(code('pointer', ''), d.pointer, MESSAGE_SHOWN_CHARS));
      return li;
    }));
  }

  // The inferred schema, shown (and downloadable) when there is no schema.
  const inferredBox = $('inferred');
  let inferredURL;
  async function showInferred(payload, gen, stale) {
    inferredBox.hidden = schema !== '';
    if (schema !== '') return;
    const r = await engine.call('infer', { payload }, limit(), stale);
    if (gen !== generation || !r.ok) return;
    // The download holds the whole schema; the page shows its first part.
    const text = JSON.stringify(r.schema, null, 2);
    const { shown, note } = part(text, INFERRED_SHOWN_CHARS);
    $('inferred-schema').replaceChildren(shown, ...(note ? ['\n', note] : []));
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
    const why = document.createElement('div');
    why.className = 'xp';
    why.dataset.fb = 'explain';
    li.append(label, input, out, why);
    exprList.append(li);
    attachExpression(input);
    limitExpressions();
    return input;
  }
  // limitExpressions stops adding at the engine's limit of expressions a
  // run takes (a batch refuses more).
  function limitExpressions() {
    const full = exprList.querySelectorAll('.expression').length >= MAX_EXPRESSIONS;
    addButton.disabled = full;
    addButton.title = full ? `At most ${MAX_EXPRESSIONS} expressions` : '';
  }
  const expressions = () => [...exprList.querySelectorAll('[data-fb="expression"]')].map((e) => e.value);
  function setExpressions(list) {
    exprList.querySelectorAll('.expression').forEach((row, i) => { if (i > 0) row.remove(); });
    limitExpressions();
    const [first = '', ...rest] = list;
    setText(exprList.querySelector('[data-fb="expression"]'), first);
    exprList.querySelector('[data-fb="result"]').replaceChildren();
    exprList.querySelector('[data-fb="explain"]').replaceChildren();
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
  eventPicker.addEventListener('change', run);

  if (picker) {
    picker.addEventListener('change', async () => {
      schema = picker.value;
      setDialect(picker.selectedOptions[0]?.dataset.dialect || 'morf');
      setEvents(picker.selectedOptions[0]?.dataset.events);
      showOpenWorkflow();
      // Swap in the new schema's example, unless the reader pasted their own.
      if (schema && payloadEl.value === loadedExample) {
        const doc = await fetch(`/schemas/${schema}.json`).then((r) => r.json());
        loadedExample = JSON.stringify(doc.examples[0], null, 2);
        setText(payloadEl, loadedExample);
      }
      run();
    });
  }

  // "Try" on a field or an example: its expression runs beside the
  // reader's own, in the first empty row or a new one (or where it already
  // is), with the caret at its end; an example's clock becomes now(), as
  // its card says.
  root.addEventListener('fieldbook:try', (e) => {
    const { expression, now: cardNow } = e.detail;
    const inputs = [...exprList.querySelectorAll('[data-fb="expression"]')];
    let input = inputs.find((i) => i.value.trim() === expression.trim()) || inputs.find((i) => !i.value.trim());
    if (!input) input = inputs.length < MAX_EXPRESSIONS ? addExpression('') : inputs.at(-1);
    setText(input, expression);
    if (cardNow) {
      clockEl.value = cardNow;
      clockSource = "the example's clock, set by Try";
    }
    root.scrollIntoView({ block: 'start' });
    caretAtEnd(input);
    run();
  });
  // caretAtEnd focuses an expression with the caret after its last
  // character.
  function caretAtEnd(input) {
    const lines = input.value.split('\n');
    if (editors?.reveal(input, lines.length, Array.from(lines.at(-1)).length + 1)) return;
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }

  // "Open in a workflow": the expression the reader last worked in (or
  // the first one written) becomes the first filter of a workflow over
  // this payload, on /workflows/; the payload goes too where it is the
  // reader's own, not the example. Only for an event source's payload:
  // neither a model nor an action's result starts a workflow.
  const openWorkflow = $('open-workflow');
  let lastRow = null;
  exprList.addEventListener('focusin', (e) => { lastRow = e.target.closest('.expression'); });
  function showOpenWorkflow() {
    const trigger = picker ? picker.selectedOptions[0]?.dataset.trigger : root.dataset.trigger;
    openWorkflow.hidden = trigger !== 'true';
  }
  showOpenWorkflow();
  openWorkflow.addEventListener('click', async (e) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return; // another tab: the page, empty
    e.preventDefault();
    const expression = (lastRow?.isConnected && lastRow.querySelector('[data-fb="expression"]').value) || expressions().find((x) => x.trim()) || '';
    location.assign(await openWorkflowURL({
      schema, event: event(), dialect, now: clockEl.value.trim(), expression,
      payload: payloadEl.value === loadedExample ? undefined : payloadEl.value,
    }));
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
    const state = { v: 1, schema, dialect, event: event(), expressions: expressions(), now: clockEl.value.trim() };
    if (key) state.key = key;
    if ($('share-payload').checked) state.payload = payloadEl.value;
    statusEl.textContent = await shareLink(state, $('share-url'), 'with the payload it');
  });
  // Reset brings back what the page opened with: its example payload
  // (the schema's, on the playground page), expressions and clock.
  const opened = { expressions: expressions() };
  $('reset').addEventListener('click', () => {
    showLinkNote('');
    setText(payloadEl, loadedExample);
    clockEl.value = '';
    clockSource = '';
    setExpressions(opened.expressions);
    if (eventPicker.options.length) eventPicker.selectedIndex = 0;
    diagList.replaceChildren();
    run();
  });
  $('clear').addEventListener('click', () => {
    showLinkNote('');
    setText(payloadEl, '');
    clockEl.value = '';
    clockSource = '';
    setExpressions(['']);
    $('share-url').value = '';
    $('share-payload').checked = false;
    history.replaceState(null, '', location.pathname + location.search);
    // Nor is anything kept in this browser.
    forget();
    keepPayload.checked = false;
    diagList.replaceChildren();
    run();
  });
  // What a share link did not restore, or why it was refused, stays on
  // show (the payload's status changes with every run) until the next link
  // or Clear.
  const linkNote = $('link-status');
  function showLinkNote(text) {
    linkNote.textContent = text;
    linkNote.hidden = !text;
  }

  wireResultKey(() => key, (next) => {
    const from = key;
    key = next;
    // "Add to a workflow" adds the action with its result under this key.
    const add = document.querySelector('[data-fb="add-to-workflow"]');
    if (add) add.href = addActionURL(schema, next === root.dataset.key ? '' : next);
    // The result moves to the new key, and the expressions follow it.
    try {
      const value = JSON.parse(payloadEl.value);
      if (value && typeof value === 'object' && !Array.isArray(value) && from in value) {
        const moved = {};
        for (const [k, v] of Object.entries(value)) moved[k === from ? next : k] = v;
        setText(payloadEl, JSON.stringify(moved, null, 2));
      }
    } catch { /* a payload being typed: the reader renames it */ }
    try {
      // Reset to the example gives the example under the new key.
      const example = JSON.parse(loadedExample);
      if (example && from in example) loadedExample = JSON.stringify({ [next]: example[from] }, null, 2);
    } catch { /* no example to move */ }
    for (const input of exprList.querySelectorAll('[data-fb="expression"]')) {
      setText(input, renameKey(input.value, from, next));
    }
    changed = true;
    keep();
    schedule();
  });

  let linkGeneration = 0; // the latest link being read
  // A share link wins over what this browser kept.
  if (location.hash.startsWith('#s=')) restoreFromLink();
  else restoreKept();
  // A link to this same page differs only in its fragment: no reload.
  window.addEventListener('hashchange', restoreFromLink);

  // problemOf says what is wrong with a kept or shared state for this
  // page's dialects and schemas, or ''.
  function problemOf(state) {
    return stateProblem(state, {
      dialects: [...dialectPicker.options].map((o) => o.value),
      schemas: picker ? [...picker.options].map((o) => o.value) : null,
    });
  }

  // restoreKept brings back what this browser kept of this page.
  function restoreKept() {
    const state = kept();
    if (!state || problemOf(state)) return;
    applyState(state);
    keepPayload.checked = state.payload !== undefined;
    changed = true;
  }

  async function restoreFromLink() {
    if (!location.hash.startsWith('#s=')) return;
    const gen = ++linkGeneration;
    showLinkNote('');
    let state;
    try {
      state = await unpack(location.hash.slice(3));
    } catch (err) {
      if (gen !== linkGeneration) return;
      showLinkNote(err instanceof LinkRefused ? err.message : 'This link could not be read: it may be cut short.');
      return;
    }
    if (gen !== linkGeneration) return; // a newer link arrived meanwhile
    const problem = problemOf(state);
    if (problem) {
      showLinkNote(`This link could not be used: ${problem}. Nothing was changed.`);
      return;
    }
    applyState(state);
    // The link was shared to show the playground: open there.
    root.scrollIntoView({ block: 'start' });
  }

  // applyState sets what a share link or this browser's kept state holds.
  function applyState(state) {
    const keyInput = document.querySelector('[data-fb="result-key"]');
    if (state.key !== undefined && keyInput && state.key !== key) {
      // The result key first: the payload and expressions below use it.
      keyInput.value = state.key;
      keyInput.dispatchEvent(new Event('input'));
    }
    if (state.schema !== undefined) {
      schema = state.schema;
      if (picker) {
        picker.value = schema;
        setEvents(picker.selectedOptions[0]?.dataset.events);
      }
    }
    if (state.event !== undefined) {
      if ([...eventPicker.options].some((o) => o.value === state.event)) eventPicker.value = state.event;
      else showLinkNote(`This link names the event ${JSON.stringify(state.event.slice(0, 60))}, which this payload does not have: the first of its events is used.`);
    }
    if (state.dialect !== undefined) setDialect(state.dialect);
    if (state.payload !== undefined) setText(payloadEl, state.payload);
    if (state.expressions !== undefined) {
      const n = state.expressions.length;
      setExpressions(state.expressions.slice(0, MAX_EXPRESSIONS));
      if (n > MAX_EXPRESSIONS) {
        showLinkNote(`This link holds ${n} expressions: the first ${MAX_EXPRESSIONS} were restored, as the playground runs at most ${MAX_EXPRESSIONS}.`);
      }
    }
    if (state.now !== undefined) {
      clockEl.value = state.now;
      clockSource = '';
    }
    run();
  }

  wireBatch($, engine, () => ({ schema, key, dialect, event: event(), expressions: expressions().filter((e) => e.trim()), now: now() }));
}
// wireResultKey lets the reader rename an action's result key, where the
// page has one: the page's expressions (each field's CEL, its Copy and Try)
// and the playground follow. A name CEL cannot read is refused, and said.
function wireResultKey(current, rename) {
  const input = document.querySelector('[data-fb="result-key"]');
  if (!input) return;
  const help = document.querySelector('[data-fb="result-key-help"]');
  const helpText = help.textContent;
  input.addEventListener('input', () => {
    const next = input.value.trim();
    if (!isCELName(next)) {
      input.setAttribute('aria-invalid', 'true');
      help.textContent = `"${next}" is not a name CEL can read: letters, digits and _, not first a digit, and not a reserved word.`;
      return;
    }
    input.removeAttribute('aria-invalid');
    help.textContent = helpText;
    const from = current();
    if (next === from) return;
    for (const code of document.querySelectorAll('[data-key-cel]')) {
      const cel = renameKey(code.dataset.keyCel, input.defaultValue, next);
      code.textContent = cel;
      const row = code.closest('.cel-row');
      for (const b of row?.querySelectorAll('[data-copy], [data-try]') ?? []) {
        if (b.dataset.copy !== undefined) b.dataset.copy = cel;
        if (b.dataset.try !== undefined) b.dataset.try = cel;
      }
    }
    const example = document.querySelector('[data-fb="result-example"]');
    if (example) {
      try {
        const value = JSON.parse(example.textContent);
        example.textContent = JSON.stringify({ [next]: Object.values(value)[0] }, null, 2);
      } catch { /* left as it is */ }
    }
    rename(next);
  });
}
