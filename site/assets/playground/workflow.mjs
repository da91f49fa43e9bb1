// The workflow page's script (/workflows/): esbuild bundles it, beside the
// playground's, into workflow.js (./build.sh playground).
//
// The reader picks a trigger (a payload and its event type), adds filters,
// waits and actions, and writes each expression in the playground's
// editors; as they type, the page sends the workflow and the payload to
// the engine's Web Worker (`run`) and shows each step's status, value and
// clock at the step. Nothing typed here is sent over the network: the
// workflow leaves the page only in a share link's fragment (the payload
// only when ticked) or a file the reader downloads. Everything from a
// payload, a result or an answer is set as text, never as markup.
//
// The modules: workflowsteps.mjs (a step's controls), workflowshow.mjs
// (a run shown at the steps), workflowstate.mjs (the workflow's state, its
// run request and test file), workflowlink.mjs (links into this page from
// the others); and the playground's engine.mjs, editors.mjs, names.mjs,
// share.mjs, show.mjs, explain.mjs and limits.mjs.

import { loadEditors, jumpTo } from './editors.mjs';
import { createEngine } from './engine.mjs';
import { EVALUATION_LIMIT_MS } from './limits.mjs';
import { isCELName, renameKey } from './names.mjs';
import { LinkRefused, shareLink, unpack } from './share.mjs';
import { brief, briefly } from './show.mjs';
import { readAddition } from './workflowlink.mjs';
import { clearStep, diagnosticList, mark, showStep, showTrigger } from './workflowshow.mjs';
import { MAX_STEPS, runRequest, testFile, testFileName, uniqueKey, workflowProblem } from './workflowstate.mjs';
import { StepView } from './workflowsteps.mjs';

// KEPT names what this browser keeps of the workflow (localStorage): the
// workflow, its dialect and clock, never the payload.
const KEPT = 'fieldbook:workflow';

const page = document.querySelector('[data-fb="workflow"]');
// The reader came to use the page: start after the first frame is painted.
if (page) requestAnimationFrame(() => setTimeout(() => start(page), 0));

function start(root) {
  const $ = (hook) => root.querySelector(`[data-fb="${hook}"]`);
  const data = JSON.parse(document.getElementById('wf-data').textContent);
  const actions = new Map(data.actions.map((a) => [a.id, a]));
  const schemaPicker = $('wf-schema');
  const eventRow = $('wf-event-row');
  const eventPicker = $('wf-event');
  const dialectPicker = $('wf-dialect');
  const clockEl = $('wf-clock');
  const payloadEl = $('wf-payload');
  const stepList = $('wf-steps');
  const outcomeEl = $('wf-outcome');
  const diagList = $('wf-diagnostics');
  const sayEl = $('wf-say');
  const toolsStatus = $('wf-tools-status');
  const linkNote = $('wf-link-status');
  const payloadStatus = $('wf-payload-status');
  const payloadDiags = $('wf-payload-diagnostics');
  const triggerBox = $('wf-trigger');
  const trigger = {
    box: triggerBox,
    status: triggerBox.querySelector('[data-fb="wf-status"]'),
    out: triggerBox.querySelector('[data-fb="wf-out"]'),
    condition: $('wf-condition'),
  };
  const limit = () => Number(root.dataset.timeout) || EVALUATION_LIMIT_MS;
  const views = () => [...stepList.children].map((li) => li.view);
  const say = (text) => { sayEl.textContent = text; };

  // The editors arrive after the first result; until then the textareas
  // are the editors.
  let editors = null;
  const attached = new WeakSet();
  const setText = (el, text) => {
    el.value = text;
    editors?.sync(el);
  };
  // marker marks diagnostics that have a place in an editor; reveal takes
  // the caret to a place, in the editor or its textarea.
  const marker = (textarea, diags) => editors?.setDiagnostics(textarea, briefly(diags.filter((d) => d.line)));
  marker.reveal = (textarea, line, column) => {
    if (!editors?.reveal(textarea, line, column)) jumpTo(textarea, line, column);
  };

  outcomeEl.textContent = 'Loading the engine…';
  performance.mark('fieldbook:engine-start');
  const engine = createEngine(root.dataset.worker, (why) => { outcomeEl.textContent = brief(why); });

  // resultsBefore are the keyed actions before a step, whose results its
  // expressions read: what completion offers beside the payload's fields.
  // A key CEL cannot read, or one taken twice, is left out (the run says
  // what is wrong with it).
  function resultsBefore(view) {
    const out = [];
    for (const v of views()) {
      if (v === view) break;
      const key = v.kind === 'action' ? v.effectiveKey() : '';
      if (isCELName(key) && !out.some((r) => r.key === key)) out.push({ key, action: v.action.id });
    }
    return out;
  }
  // attach puts an editor over a textarea, once; view is its step (none
  // for the trigger's condition and the payload).
  function attach(textarea, view) {
    if (!editors || attached.has(textarea)) return;
    attached.add(textarea);
    if (textarea.dataset.editor === 'json') {
      editors.attach(textarea, { language: 'json', label: labelOf(textarea, view), compact: textarea !== payloadEl });
      return;
    }
    editors.attach(textarea, {
      language: 'cel',
      label: labelOf(textarea, view),
      complete: (expression, offset) => engine.call('complete', {
        schema: schemaPicker.value, dialect: dialectPicker.value, expression, offset, results: view ? resultsBefore(view) : [],
      }, limit()),
    });
  }
  function labelOf(textarea, view) {
    if (view) return view.label(textarea);
    return textarea === payloadEl ? 'Trigger payload (JSON)' : "The trigger's condition";
  }
  const attachEditors = () => loadEditors(root.dataset.editor).then((loaded) => {
    editors = loaded;
    // A textarea the reader is typing in hands its focus and caret to its
    // editor.
    const typing = document.activeElement?.matches?.('textarea[data-editor]') ? document.activeElement : null;
    for (const t of root.querySelectorAll('textarea[data-editor]')) attach(t, t.closest('[data-fb="wf-step"]')?.view);
    if (typing) {
      const before = typing.value.slice(0, typing.selectionStart).split('\n');
      editors.reveal(typing, before.length, Array.from(before.at(-1)).length + 1);
    }
    if (root.dataset.ready === 'true') run(); // mark what is already shown
  }, () => { /* the textareas stay: everything works without the editors */ });

  // The trigger: its payload's events, and its documented example, which
  // the payload is unless the reader pasted their own.
  function setEvents(text) {
    const list = text ? text.split('\n') : [];
    eventPicker.replaceChildren(...list.map((name) => {
      const option = document.createElement('option');
      option.value = option.textContent = name;
      return option;
    }));
    eventRow.hidden = list.length === 0;
  }
  // The page holds its opening trigger's example as the payload's own text
  // (a reload may have left the reader's in the textarea).
  const examples = new Map([[[...schemaPicker.options].find((o) => o.defaultSelected)?.value, payloadEl.defaultValue]]);
  async function example(schema) {
    if (!examples.has(schema)) {
      const doc = await fetch(`/schemas/${schema}.json`).then((r) => r.json());
      examples.set(schema, JSON.stringify(doc.examples[0], null, 2));
    }
    return examples.get(schema);
  }
  // showExample puts the trigger's example in the payload, unless the
  // reader's own is there (the payload is no example).
  async function showExample(force) {
    const schema = schemaPicker.value;
    if (!force && ![...examples.values()].includes(payloadEl.value)) return;
    let text;
    try {
      text = await example(schema);
    } catch {
      showLinkNote("The trigger payload's documented example could not be loaded: paste a payload.");
      return;
    }
    if (schema === schemaPicker.value) setText(payloadEl, text);
  }
  schemaPicker.addEventListener('change', async () => {
    setEvents(schemaPicker.selectedOptions[0]?.dataset.events);
    await showExample(false);
    run();
  });
  const resetPayload = $('wf-reset-payload');
  resetPayload.hidden = false;
  resetPayload.addEventListener('click', async () => {
    await showExample(true);
    run();
  });
  eventPicker.addEventListener('change', () => run());
  dialectPicker.addEventListener('change', () => run());

  // The steps.
  const ctx = { actions, actionList: data.actions, attach };
  const addRow = $('wf-add');
  addRow.hidden = false;
  function addStep(kind, step = {}) {
    const view = new StepView(kind, ctx, step);
    stepList.append(view.li);
    wireStep(view);
    return view;
  }
  // renumber numbers the steps after a change of their order.
  function renumber() {
    const list = views();
    list.forEach((v, i) => {
      v.place(i + 1, list.length);
      for (const t of v.textareas()) if (attached.has(t)) editors.relabel(t, v.label(t));
    });
    for (const b of addRow.querySelectorAll('button')) {
      b.disabled = list.length >= MAX_STEPS;
      b.title = b.disabled ? `At most ${MAX_STEPS} steps` : '';
    }
  }
  const takenKeys = (except) => views().filter((v) => v !== except && v.kind === 'action').map((v) => v.effectiveKey());
  function addAction(id, key) {
    const a = actions.get(id);
    return addStep('action', { action: id, key: uniqueKey(key || a.key, takenKeys()), params: {} });
  }
  for (const kind of ['filter', 'wait', 'action']) {
    $(`wf-add-${kind}`).addEventListener('click', () => {
      const view = kind === 'action' ? addAction(data.newAction) : addStep(kind);
      renumber();
      say(`Step ${view.number} (${kind}) added.`);
      if (kind === 'action') view.select.focus();
      else if (editors) editors.focus(view.expression);
      else view.expression.focus();
      edited();
    });
  }

  function wireStep(view) {
    view.up.addEventListener('click', () => move(view, -1));
    view.down.addEventListener('click', () => move(view, 1));
    view.remove.addEventListener('click', () => removeStep(view));
    if (view.kind !== 'action') return;
    view.readKey = view.effectiveKey();
    view.select.addEventListener('change', () => {
      const before = view.action;
      const next = actions.get(view.select.value);
      // A parameter of the old action the new one also has keeps its text.
      const texts = new Map([...view.paramRows].map(([k, r]) => [k, r.input.value]));
      view.setAction(next.id, Object.fromEntries(next.parameters.filter((p) => texts.get(p.key)?.trim()).map((p) => [p.key, texts.get(p.key)])));
      // A key left as the old action's own becomes the new one's, and the
      // later steps' reads follow it.
      if (!view.key.value.trim() || view.key.value.trim() === before.key) {
        view.key.value = uniqueKey(next.key, takenKeys(view));
        snapshot(view).rename(view.effectiveKey());
      }
      renumber();
      edited();
    });
    // Renaming the key renames its reads in the later steps: from the texts
    // as they were when the renaming began, so that a name passed through
    // on the way (s, on the way from sms to sx) takes nothing with it. A
    // renaming ends when the key loses the focus, or when the later steps
    // changed meanwhile.
    let renaming = null;
    view.key.addEventListener('input', () => {
      const next = view.effectiveKey();
      if (!isCELName(next)) {
        view.key.setAttribute('aria-invalid', 'true');
        view.keyHelp.textContent = `"${next}" is not a name CEL can read: letters, digits and _, not first a digit, and not a reserved word.`;
        return;
      }
      view.key.removeAttribute('aria-invalid');
      view.keyHelp.textContent = view.keyHelpText;
      if (renaming && !renaming.holds()) renaming = null;
      renaming ??= snapshot(view);
      renaming.rename(next);
    });
    view.key.addEventListener('change', () => { renaming = null; });
    view.key.addEventListener('blur', () => { renaming = null; });
  }
  // snapshot is the later steps' expressions as they are, and the name
  // they read a step's result under: rename(to) writes them with the
  // other name, holds() tells whether they are still as it left them.
  function snapshot(view) {
    const later = () => views().slice(views().indexOf(view) + 1).flatMap((v) => v.expressions());
    const inputs = later();
    const texts = inputs.map((t) => t.value);
    const from = view.readKey;
    let written = texts;
    return {
      rename(to) {
        written = texts.map((text) => renameKey(text, from, to));
        inputs.forEach((t, i) => { if (t.value !== written[i]) setText(t, written[i]); });
        view.readKey = to;
      },
      holds: () => {
        const now = later();
        return now.length === inputs.length && now.every((t, i) => t === inputs[i] && t.value === written[i]);
      },
    };
  }

  // move moves a step up (-1) or down (1). The step beside it moves
  // instead, so that the button pressed keeps the keyboard's focus.
  function move(view, delta) {
    const list = views();
    const i = list.indexOf(view);
    const j = i + delta;
    if (j < 0 || j >= list.length) {
      say(`Step ${i + 1} is already the ${delta < 0 ? 'first' : 'last'}.`);
      return;
    }
    const other = list[j];
    if (delta < 0) stepList.insertBefore(other.li, view.li.nextSibling);
    else stepList.insertBefore(other.li, view.li);
    renumber();
    say(`Step ${i + 1} (${view.kind}) is now step ${j + 1}.`);
    edited();
  }
  // removeStep removes a step; the keyboard goes to the step that took its
  // place, or the one before, or the buttons that add one.
  function removeStep(view) {
    const i = views().indexOf(view);
    view.li.remove();
    renumber();
    const next = views()[i] ?? views()[i - 1];
    if (next) {
      next.heading.tabIndex = -1;
      next.heading.focus();
    } else {
      $('wf-add-filter').focus();
    }
    say(`Step ${i + 1} (${view.kind}) removed.`);
    edited();
  }

  // Running: as the reader types (debounced like the playground), and at
  // once after a change of the steps or a picker.
  let timer;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  };
  let generation = 0;
  let firstResult = true;
  // gather is the workflow as the page shows it, without the payload.
  function gather() {
    const t = { schema: schemaPicker.value };
    if (!eventRow.hidden && eventPicker.value) t.event = eventPicker.value;
    if (trigger.condition.value.trim()) t.condition = trigger.condition.value;
    const state = { v: 1, workflow: { trigger: t, steps: views().map((v) => v.read()) } };
    if (clockEl.value.trim()) state.now = clockEl.value.trim();
    if (dialectPicker.value !== 'morf') state.dialect = dialectPicker.value;
    return state;
  }
  async function run() {
    keep();
    clearTimeout(timer);
    const gen = ++generation;
    const stale = () => gen !== generation;
    const state = gather();
    state.payload = payloadEl.value;
    if (!state.payload.trim()) {
      clearRun();
      payloadStatus.textContent = '';
      payloadDiags.replaceChildren();
      outcomeEl.textContent = 'No payload: paste one, or reset to the example.';
      root.dataset.ready = 'true';
      return;
    }
    const r = await engine.call('run', { ...runRequest(state), explain: true }, limit(), stale);
    if (stale()) return; // the reader typed on; a newer run follows
    showRun(r, state.workflow);
    if (firstResult) {
      firstResult = false;
      performance.mark('fieldbook:first-result');
      attachEditors();
    }
    const v = await engine.call('validate', { schema: state.workflow.trigger.schema, payload: state.payload }, limit(), stale);
    if (stale()) return;
    showValidation(v);
    root.dataset.ready = 'true';
  }

  function clearRun() {
    mark(trigger.box, trigger.status, '');
    trigger.out.replaceChildren();
    marker(trigger.condition, []);
    for (const v of views()) clearStep(v, marker);
    diagList.replaceChildren();
  }

  // showRun shows a run of workflow, the workflow as the run was given it:
  // an explanation's places are in the texts the run read.
  function showRun(r, workflow) {
    // The payload's own errors are the validation's to show, beside it.
    const diags = (r.diagnostics ?? []).filter((d) => d.source !== 'payload');
    if (!r.trigger) {
      // The engine did not get as far as the steps.
      clearRun();
      const payload = (r.diagnostics ?? []).some((d) => d.source === 'payload');
      outcomeEl.textContent = payload ? 'Not run: the payload cannot be read (its error is shown beside it).' : 'Not run: the request has an error.';
      diagList.replaceChildren(...diagnosticList(diags, null, marker).children);
      return;
    }
    showTrigger(trigger, r.trigger, marker, workflow.trigger.condition);
    const skipped = skipReason(r);
    views().forEach((v, i) => (r.steps[i] ? showStep(v, r.steps[i], marker, skipped, workflow.steps[i]) : clearStep(v, marker)));
    outcomeEl.textContent = outcomeText(r);
    diagList.replaceChildren(...diagnosticList(diags, null, marker).children);
  }

  function showValidation(v) {
    const errors = v.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = v.diagnostics.length - errors;
    payloadStatus.textContent = v.ok
      ? (warnings ? `Valid, with ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}` : 'Valid')
      : `Not valid: ${errors} ${errors === 1 ? 'error' : 'errors'}`;
    payloadDiags.replaceChildren(...diagnosticList(v.diagnostics, payloadEl, marker).children);
    marker(payloadEl, v.diagnostics);
  }

  // What this browser keeps: the workflow as the reader leaves it, once
  // they have changed something, without the payload.
  let changed = false;
  function keep() {
    if (!changed) return;
    try {
      localStorage.setItem(KEPT, JSON.stringify(gather()));
    } catch { /* storage full or refused: nothing is kept */ }
  }
  function kept() {
    try {
      const state = JSON.parse(localStorage.getItem(KEPT) || 'null');
      return state && !problemOf(state) ? state : null;
    } catch {
      return null;
    }
  }
  // edited follows a change the reader made: kept, and run.
  function edited() {
    changed = true;
    run();
  }
  root.addEventListener('input', () => {
    changed = true;
    keep();
    schedule();
  });
  root.addEventListener('change', () => {
    changed = true;
    keep();
  });
  $('wf-forget').addEventListener('click', () => {
    changed = false;
    try {
      localStorage.removeItem(KEPT);
    } catch { /* nothing was kept */ }
    toolsStatus.textContent = 'Forgotten: this browser keeps nothing of this page.';
  });

  // Share links and the test file.
  $('wf-tools').hidden = false;
  for (const [button, panel] of [['wf-share', 'wf-share-panel'], ['wf-export', 'wf-export-panel']]) {
    $(button).addEventListener('click', () => {
      $(panel).hidden = !$(panel).hidden;
      $(button).setAttribute('aria-expanded', String(!$(panel).hidden));
    });
  }
  $('wf-share-copy').addEventListener('click', async () => {
    const state = gather();
    if ($('wf-share-payload').checked) state.payload = payloadEl.value;
    toolsStatus.textContent = await shareLink(state, $('wf-share-url'), 'it');
  });
  // The test file holds what a run gives now: the workflow is run afresh,
  // over the payload the file will hold (without it, the documented
  // example, which the file's test will run over).
  $('wf-export-download').addEventListener('click', async () => {
    const includePayload = $('wf-export-payload').checked;
    const state = gather();
    state.payload = includePayload ? payloadEl.value : await example(state.workflow.trigger.schema);
    if (includePayload) {
      let value;
      try {
        value = JSON.parse(state.payload);
      } catch { /* said below */ }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        toolsStatus.textContent = 'No file made: the payload is not a JSON object.';
        return;
      }
    }
    const request = runRequest(state);
    const r = await engine.call('run', request, limit());
    if (!r.trigger) {
      toolsStatus.textContent = brief(`No file made: the workflow could not run: ${(r.diagnostics ?? []).map((d) => d.message).join('; ')}`);
      return;
    }
    const name = testFileName(state.workflow.trigger.schema);
    download(`${JSON.stringify(testFile(request, r, { includePayload }), null, 2)}\n`, name);
    toolsStatus.textContent = `${name} downloaded: the run ${r.outcome}, ${includePayload ? 'over your payload' : "over the payload's documented example"}.`;
  });

  // Share links, links from the other pages, and what this browser kept.
  function problemOf(state) {
    return workflowProblem(state, {
      triggers: [...schemaPicker.options].map((o) => o.value),
      actions: [...actions.keys()],
      dialects: [...dialectPicker.options].map((o) => o.value),
    });
  }
  function showLinkNote(text) {
    linkNote.textContent = text;
    linkNote.hidden = !text;
  }
  // applyState shows a workflow; a state without a payload shows the
  // trigger's documented example.
  async function applyState(state) {
    shown = true;
    const w = state.workflow;
    schemaPicker.value = w.trigger.schema;
    setEvents(schemaPicker.selectedOptions[0]?.dataset.events);
    if (w.trigger.event !== undefined) {
      if ([...eventPicker.options].some((o) => o.value === w.trigger.event)) eventPicker.value = w.trigger.event;
      else showLinkNote(`The workflow names the event ${JSON.stringify(w.trigger.event.slice(0, 60))}, which its payload does not have: the first of its events is used.`);
    }
    setText(trigger.condition, w.trigger.condition ?? '');
    dialectPicker.value = state.dialect ?? 'morf';
    clockEl.value = state.now ?? '';
    for (const v of views()) v.li.remove();
    const steps = w.steps ?? [];
    for (const step of steps.slice(0, MAX_STEPS)) addStep(step.kind, step);
    if (steps.length > MAX_STEPS) showLinkNote(`The workflow has ${steps.length} steps: the first ${MAX_STEPS} were restored, as a workflow runs at most ${MAX_STEPS}.`);
    renumber();
    if (state.payload !== undefined) setText(payloadEl, state.payload);
    else await showExample(true);
  }
  let linkGeneration = 0; // the latest link being read
  let shown = false; // a workflow is on the page
  async function restoreFromLink() {
    const gen = ++linkGeneration;
    showLinkNote('');
    let state;
    let problem;
    try {
      state = await unpack(location.hash.slice(3));
      problem = problemOf(state);
    } catch (err) {
      problem = err instanceof LinkRefused ? err.message : 'This link could not be read: it may be cut short.';
    }
    if (gen !== linkGeneration) return; // a newer link arrived meanwhile
    if (problem) {
      showLinkNote(state === undefined ? problem : `This link could not be used: ${problem}. ${shown ? 'Nothing was changed.' : 'The page opened without it.'}`);
      // A page opened by the link shows what it would have without it.
      if (!shown) await restoreOwn();
      return;
    }
    await applyState(state);
    // A playground's link may carry the reader's payload: once read, it
    // leaves the address bar and the history.
    if (state.from === 'playground') history.replaceState(null, '', location.pathname + location.search);
    edited();
  }
  // addFromLink adds an action page's action to the workflow this browser
  // kept, or to a fresh one whose payload the reader then chooses.
  async function addFromLink(addition) {
    history.replaceState(null, '', location.pathname + location.search);
    if (!actions.has(addition.action)) {
      showLinkNote(`This link adds an action this site does not document, ${JSON.stringify(addition.action.slice(0, 60))}: nothing was added.`);
      return;
    }
    const state = kept();
    await applyState(state ?? { workflow: { trigger: { schema: schemaPicker.value }, steps: [] } });
    if (views().length >= MAX_STEPS) {
      showLinkNote(`The workflow already has ${MAX_STEPS} steps, the most it may have: nothing was added.`);
      return;
    }
    const view = addAction(addition.action, isCELName(addition.key) ? addition.key : '');
    renumber();
    const what = `${view.action.destination} ${view.action.title}`;
    if (state) {
      showLinkNote(`${what} was added as step ${view.number} of the workflow this browser kept.`);
      view.heading.tabIndex = -1;
      view.heading.focus();
    } else {
      showLinkNote(`${what} was added to a new workflow: choose the payload that starts it.`);
      schemaPicker.focus();
    }
    edited();
  }
  function restore() {
    const addition = readAddition(location.hash);
    if (addition) return addFromLink(addition);
    if (location.hash.startsWith('#s=')) return restoreFromLink();
    return restoreOwn();
  }
  // restoreOwn shows the workflow this browser kept, or the opening one.
  async function restoreOwn() {
    const state = kept();
    if (state) changed = true;
    await applyState(state ?? data.opening);
    run();
  }
  restore();
  // A link to this same page differs only in its fragment: no reload.
  window.addEventListener('hashchange', () => {
    if (location.hash.startsWith('#s=') || location.hash.startsWith('#add=')) restore();
  });

  engine.ready().then(
    () => {
      performance.mark('fieldbook:engine-ready');
      run();
    },
    (err) => { outcomeEl.textContent = brief(`The engine could not start: ${err.message}`); },
  );
}

// invalidSteps counts the steps (the trigger too) the check before the run
// found errors in.
const invalidSteps = (r) => [r.trigger, ...r.steps].filter((s) => s.status === 'invalid').length;

// where names the first step of a status: "step 3", "the trigger's
// condition".
function where(r, status) {
  if (r.trigger.status === status) return "the trigger's condition";
  return `step ${r.steps.findIndex((s) => s.status === status) + 1}`;
}

// skipReason says why the skipped steps of a run did not run.
function skipReason(r) {
  if (invalidSteps(r)) return 'the workflow has errors, so no step ran';
  if (r.outcome === 'stopped') return `${where(r, 'stopped')} stopped the workflow before this step`;
  return `${where(r, 'failed')} failed before this step`;
}

// outcomeText says how a run ended, and where.
function outcomeText(r) {
  const invalid = invalidSteps(r);
  if (invalid) return `Not run: ${invalid === 1 ? 'a step has errors' : `${invalid} steps have errors`}, shown at ${invalid === 1 ? 'it' : 'each'}; a workflow is checked whole before it runs.`;
  const last = [r.trigger, ...r.steps].filter((s) => s.now).at(-1);
  switch (r.outcome) {
    case 'completed':
      if (r.steps.length === 0) return 'Completed: the trigger passed; add a step.';
      return `Completed: ${r.steps.length === 1 ? 'the step ran' : `all ${r.steps.length} steps ran`}; the clock ends at ${last?.now ?? r.now}.`;
    case 'stopped': return `Stopped at ${where(r, 'stopped')}: it gave false, so the steps after it did not run.`;
    default: return `Failed at ${where(r, 'failed')}: its error is shown there.`;
  }
}

// download saves text as a file, made in this page (a blob URL): nothing
// is sent.
function download(text, name) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
