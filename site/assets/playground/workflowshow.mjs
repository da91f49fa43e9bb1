// What a run gave, shown at its steps: each step's status, its value and
// the clock after it, an action's parameters and result, and each
// diagnostic at its step, at its parameter, and marked in the expression
// where it has a line and column, and why each expression gave its value
// (explain.mjs). Always as text, never as markup.

import { showExplanation } from './explain.mjs';
import { MESSAGE_SHOWN_CHARS, RESULT_SHOWN_CHARS } from './limits.mjs';
import { briefly, code, el, message, shownIn, span } from './show.mjs';

// What a status says beside the step's heading.
const STATUS_WORDS = {
  passed: 'passed', stopped: 'stopped here', waited: 'waited', done: 'done',
  skipped: 'skipped', failed: 'failed', invalid: 'has errors',
};
const STATUSES = Object.keys(STATUS_WORDS);

// mark sets a step's status on its element (li or section) and its badge;
// '' clears it.
export function mark(box, badge, status) {
  for (const s of STATUSES) box.classList.toggle(`wf-${s}`, s === status);
  badge.textContent = STATUS_WORDS[status] ?? '';
}

// showTrigger shows the trigger's part of a run; condition is the text
// the run was given. marker marks diagnostics in an editor:
// marker(textarea, diagnostics).
export function showTrigger(trigger, r, marker, condition) {
  mark(trigger.box, trigger.status, r.status);
  const parts = [];
  if (r.status === 'stopped') parts.push(el('p', 'wf-stop-note', "Stopped here: the condition gave false, so no step runs."));
  if (r.value !== undefined && trigger.condition.value.trim()) parts.push(valueLine(r));
  if (condition) parts.push(why(condition, r.explanation, "The trigger's condition"));
  if (r.now) parts.push(el('p', 'muted wf-clock', `The clock: ${r.now}`));
  parts.push(diagnosticList(r.diagnostics, trigger.condition, marker));
  trigger.out.replaceChildren(...parts);
  marker(trigger.condition, r.diagnostics.filter((d) => d.source === 'expression'));
}

// showStep shows a step's part of a run; skipped says why a skipped step
// did not run, step is the step as the run was given it.
export function showStep(view, r, marker, skipped, step) {
  mark(view.li, view.status, r.status);
  const parts = [];
  if (r.status === 'stopped') parts.push(el('p', 'wf-stop-note', 'Stopped here: the filter gave false, so the steps after it do not run.'));
  if (r.status === 'skipped') parts.push(el('p', 'muted wf-skip-note', `Skipped: ${skipped}.`));
  if (view.kind !== 'action' && r.value !== undefined) parts.push(valueLine(r));
  if (view.kind !== 'action') parts.push(why(step.expression, r.explanation, view.label(view.expression)));
  if (r.now && r.status !== 'skipped') {
    const clock = view.kind === 'wait' && r.status === 'waited' ? `The clock after the wait: ${r.now}` : `The clock: ${r.now}`;
    parts.push(el('p', 'muted wf-clock', clock));
  }
  if (view.kind !== 'action') {
    parts.push(diagnosticList(r.diagnostics, view.expression, marker));
    marker(view.expression, r.diagnostics.filter((d) => d.source === 'expression'));
    view.out.replaceChildren(...parts);
    return;
  }
  if (r.status === 'done') parts.push(el('p', 'muted', `Its result is under ${r.key} for the steps after it.`));
  showParams(view, r, marker, step.params ?? {});
  const given = showResultUsed(view, r, marker);
  // The step's own: those of no parameter it shows, and those of a result
  // it does not give (the documented example's).
  const own = r.diagnostics.filter((d) => (!d.param || !view.paramRows.has(d.param)) && !(d.source === 'result' && given));
  parts.push(diagnosticList(own, null, marker));
  view.out.replaceChildren(...parts);
}

// clearStep empties what an earlier run showed at a step (the engine did
// not get as far as the steps: a payload that is not JSON, say).
export function clearStep(view, marker) {
  mark(view.li, view.status, '');
  view.out.replaceChildren();
  for (const t of view.expressions()) marker(t, []);
  if (view.kind === 'action') {
    for (const { out } of view.paramRows.values()) out.replaceChildren();
    view.resultUsed.replaceChildren();
    view.resultUsed.hidden = true;
    view.resultDiagnostics.replaceChildren();
    marker(view.result, []);
  }
}

// showParams shows each parameter's value and type, why it has that
// value, and its diagnostics; texts are the parameters' expressions as the
// run was given them.
function showParams(view, r, marker, texts) {
  for (const [key, { input, out }] of view.paramRows) {
    const diags = r.diagnostics.filter((d) => d.param === key);
    const parts = [];
    const p = r.params?.[key];
    if (p) {
      parts.push(el('span', 'muted', 'gives '), ...shownIn(code('value', ''), p.display, RESULT_SHOWN_CHARS), ' ', span('result-meta', p.type));
      if (texts[key]) parts.push(why(texts[key], p.explanation, view.label(input)));
    }
    parts.push(diagnosticList(diags, input, marker));
    out.replaceChildren(...parts);
    marker(input, diags.filter((d) => d.source === 'expression'));
  }
}

// showResultUsed shows the result the action returned in this run, and
// the diagnostics of a result the reader gave, in its editor too; it
// tells whether the reader gave one.
function showResultUsed(view, r, marker) {
  const given = view.result.value.trim() !== '';
  const diags = given ? r.diagnostics.filter((d) => d.source === 'result') : [];
  const text = r.result === undefined ? '' : JSON.stringify({ [r.key]: r.result }, null, 2);
  view.resultUsed.replaceChildren(...(text ? shownIn(code('', ''), text, RESULT_SHOWN_CHARS) : []));
  view.resultUsed.hidden = !text;
  view.resultDiagnostics.replaceChildren(diagnosticList(diags, view.result, marker));
  marker(view.result, diags);
  return given;
}

// why is the explanation of an expression a run was given, in a box of
// its own (empty where there is none); label names the expression.
function why(text, explanation, label) {
  const box = el('div', 'xp');
  showExplanation(box, text, explanation, label);
  return box;
}

// valueLine is a filter's or a wait's value, as CEL writes it, and its type.
function valueLine(r) {
  const p = el('p', 'wf-value');
  p.append(el('span', 'muted', 'gives '), ...shownIn(code('value', ''), r.display ?? JSON.stringify(r.value), RESULT_SHOWN_CHARS), ' ', span('result-meta', r.type ?? ''));
  return p;
}

// diagnosticList lists diagnostics; one with a place in an expression
// (textarea) has a button that takes the caret there.
export function diagnosticList(diagnostics, textarea, marker) {
  const ul = el('ul', 'diagnostics');
  for (const d of briefly(diagnostics)) {
    const li = el('li', d.severity === 'warning' ? 'warning' : 'error');
    if (d.line && textarea && marker.reveal) {
      const jump = el('button', 'jump', `${d.line}:${d.column}`);
      jump.type = 'button';
      jump.setAttribute('aria-label', `${d.line}:${d.column}, go to line ${d.line}, column ${d.column}`);
      jump.addEventListener('click', () => marker.reveal(textarea, d.line, d.column));
      li.append(jump, ' ');
    }
    li.append(span('severity', d.severity), ' ', message('message', d.message, MESSAGE_SHOWN_CHARS));
    ul.append(li);
  }
  return ul;
}
