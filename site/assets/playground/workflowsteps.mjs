// A workflow step on the page: its controls (built here, every text set as
// textContent), what it holds as the engine's run takes it, and its place
// (number, move and remove buttons). What a run gave is shown by
// workflowshow.mjs.

import { el } from './show.mjs';
import { resultText } from './workflowstate.mjs';

let serial = 0; // ids of the steps' elements, unique on the page

const NOUN = { filter: 'Filter', wait: 'Wait', action: 'Action' };
const WANTS = {
  filter: 'Expression: true or false',
  wait: 'Expression: a timestamp to wait until, or a duration to wait for',
};

function button(text, hook) {
  const b = el('button', '', text);
  b.type = 'button';
  b.dataset.fb = hook;
  return b;
}

// A textarea for an expression (data-editor="cel") or JSON ("json"), which
// the page puts an editor over once the editors have loaded.
function textarea(id, hook, editor, rows = 2) {
  const t = el('textarea');
  t.id = id;
  t.rows = rows;
  t.spellcheck = false;
  t.autocomplete = 'off';
  t.setAttribute('autocapitalize', 'off');
  t.dataset.fb = hook;
  t.dataset.editor = editor;
  return t;
}

// StepView is one step's element (li) and its controls. ctx is the page's:
// { actions (by id), actionList, attach(textarea, step) }, attach putting
// an editor over a textarea once the editors have loaded.
export class StepView {
  constructor(kind, ctx, step = {}) {
    this.kind = kind;
    this.ctx = ctx;
    this.id = `wf-step-${++serial}`;
    const li = el('li', 'wf-step');
    li.dataset.fb = 'wf-step';
    li.dataset.kind = kind;
    li.view = this;
    this.li = li;
    this.heading = el('h3');
    this.heading.id = `${this.id}-h`;
    this.status = el('span', 'wf-status');
    this.status.dataset.fb = 'wf-status';
    this.up = button('Move up', 'wf-up');
    this.down = button('Move down', 'wf-down');
    this.remove = button('Remove', 'wf-remove');
    const tools = el('span', 'wf-step-tools');
    tools.append(this.up, this.down, this.remove);
    const head = el('div', 'wf-step-head');
    head.append(this.heading, this.status, tools);
    li.append(head);
    if (kind === 'action') this.buildAction(step);
    else this.buildExpression(step);
    this.out = el('div', 'wf-out');
    this.out.dataset.fb = 'wf-out';
    li.append(this.out);
  }

  buildExpression(step) {
    this.expression = textarea(`${this.id}-expression`, 'wf-expression', 'cel');
    this.expression.value = step.expression ?? '';
    const label = el('label', '', WANTS[this.kind]);
    label.htmlFor = this.expression.id;
    this.li.append(label, this.expression);
    this.ctx.attach(this.expression, this);
  }

  buildAction(step) {
    const { actions, actionList } = this.ctx;
    const select = el('select');
    select.id = `${this.id}-action`;
    select.dataset.fb = 'wf-action';
    const groups = new Map();
    for (const a of actionList) {
      if (!groups.has(a.destination)) {
        const group = el('optgroup');
        group.label = a.destination;
        groups.set(a.destination, group);
        select.append(group);
      }
      const option = el('option', '', a.title);
      option.value = a.id;
      groups.get(a.destination).append(option);
    }
    select.value = step.action;
    this.select = select;
    const label = el('label', '', 'Action');
    label.htmlFor = select.id;
    this.actionNote = el('p', 'muted wf-action-note');
    this.key = el('input');
    this.key.type = 'text';
    this.key.id = `${this.id}-key`;
    this.key.dataset.fb = 'wf-key';
    this.key.spellcheck = false;
    this.key.autocomplete = 'off';
    this.keyHelp = el('span', 'muted wf-key-help');
    this.keyHelp.id = `${this.id}-key-help`;
    this.key.setAttribute('aria-describedby', this.keyHelp.id);
    const keyLabel = el('label', '', 'Result key');
    keyLabel.htmlFor = this.key.id;
    const keyRow = el('p', 'wf-key-row');
    keyRow.append(keyLabel, this.key, ' ', this.keyHelp);
    this.params = el('div', 'wf-params');
    this.params.dataset.fb = 'wf-params';
    this.paramRows = new Map(); // parameter key -> { row, input, out }
    // The result the action returns in this run: the documented example
    // unless the reader gives one.
    this.result = textarea(`${this.id}-result`, 'wf-result', 'json', 6);
    this.result.placeholder = "Empty: the example on the action's page";
    this.result.value = resultText(step.result);
    const resultLabel = el('label', '', 'Result (JSON)');
    resultLabel.htmlFor = this.result.id;
    this.resultUsed = el('pre', 'json wf-result-used');
    this.resultUsed.tabIndex = 0; // it may scroll
    this.resultUsed.setAttribute('role', 'region');
    this.resultUsed.setAttribute('aria-label', 'The result this run used, under its key');
    this.resultUsed.dataset.fb = 'wf-result-used';
    this.resultUsed.hidden = true; // until a run used one
    this.resultDiagnostics = el('div', 'wf-result-diagnostics');
    const details = el('details', 'wf-result-box');
    details.append(el('summary', '', 'Result: the documented example, unless you give one'), resultLabel, this.result, this.resultDiagnostics, this.resultUsed);
    details.open = step.result !== undefined;
    this.li.append(label, select, this.actionNote, keyRow, this.params, details);
    this.ctx.attach(this.result, this);
    this.setAction(step.action, step.params ?? {});
    this.key.value = step.key ?? this.action.key;
  }

  // setAction shows an action's parameters, each with the text it had
  // (params, by key); a parameter of the old action the new one also has
  // keeps its expression.
  setAction(id, params) {
    const a = this.ctx.actions.get(id);
    this.action = a;
    this.select.value = id;
    const link = el('a', '', `${a.destination} ${a.title}`);
    link.href = a.url;
    this.actionNote.replaceChildren(link, ` (${a.id}): ${a.parameters.length === 1 ? '1 parameter' : `${a.parameters.length} parameters`}, its result under its key.`);
    if (a.partial) this.actionNote.append(' ', el('span', 'wf-partial', `Its parameters are cut short (${a.partial}): one not shown runs untyped.`));
    this.keyHelpText = `Later steps read the result under this name (the action's own: ${a.key}); renaming it renames their reads.`;
    this.keyHelp.textContent = this.keyHelpText;
    const rows = [];
    this.paramRows = new Map();
    for (const p of a.parameters) rows.push(this.paramRow(p, params[p.key] ?? ''));
    // A parameter the action's page does not list (from a link, or a
    // partial list): shown, so that the engine's word on it has a place.
    for (const [key, text] of Object.entries(params)) {
      if (!a.parameters.some((p) => p.key === key)) rows.push(this.paramRow({ key, cel: 'dyn', required: 'not shown on the action page' }, text));
    }
    this.params.replaceChildren(...rows);
    if (a.parameters.length === 0) this.params.append(el('p', 'muted', "The action's page shows no parameter."));
  }

  paramRow(p, text) {
    const row = el('div', 'wf-param');
    row.dataset.param = p.key;
    const input = textarea(`${this.id}-param-${this.paramRows.size + 1}`, 'wf-param', 'cel');
    input.value = text;
    input.dataset.param = p.key;
    const label = el('label');
    label.htmlFor = input.id;
    label.append(el('code', '', p.key));
    if (p.name && p.name !== p.key) label.append(` (${p.name})`);
    label.append(' ', el('span', 'muted', p.cel));
    const badge = el('span', `badge ${p.required === 'required' ? 'required' : ''}`, p.required);
    label.append(' ', badge);
    row.append(label);
    const facts = [];
    if (p.description) facts.push(p.description);
    if (p.type) facts.push(`Morf's type: ${p.type}.`);
    if (p.enum?.length) facts.push(`Values: ${p.enum.join(', ')}.`);
    if (p.default) facts.push(`Default: ${p.default}.`);
    if (facts.length) {
      const note = el('p', 'muted wf-param-note', facts.join(' '));
      note.id = `${input.id}-note`;
      input.setAttribute('aria-describedby', note.id);
      row.append(note);
    }
    const out = el('div', 'wf-param-out');
    out.dataset.fb = 'wf-param-out';
    row.append(input, out);
    this.paramRows.set(p.key, { row, input, out, label: p.key });
    this.ctx.attach(input, this);
    return row;
  }

  // effectiveKey is the key the step's result is under: the reader's, or
  // the action's own.
  effectiveKey() {
    return this.kind === 'action' ? (this.key.value.trim() || this.action.key) : '';
  }

  // read is the step as the engine's run takes it (a result as its text).
  read() {
    if (this.kind !== 'action') return { kind: this.kind, expression: this.expression.value };
    const step = { kind: 'action', action: this.action.id };
    const key = this.key.value.trim();
    if (key) step.key = key;
    const params = {};
    for (const [k, { input }] of this.paramRows) if (input.value.trim()) params[k] = input.value;
    step.params = params;
    if (this.result.value.trim()) step.result = this.result.value;
    return step;
  }

  // expressions are the step's CEL textareas: its expression, or its
  // parameters'.
  expressions() {
    return this.kind === 'action' ? [...this.paramRows.values()].map((r) => r.input) : [this.expression];
  }

  // textareas are all that the page puts editors over.
  textareas() {
    return this.kind === 'action' ? [...this.expressions(), this.result] : [this.expression];
  }

  // label is an editor's label: what it is, and where.
  label(textarea) {
    const where = `Step ${this.number ?? ''}`;
    if (textarea === this.expression) return `${where}, ${this.kind}: expression`;
    if (textarea === this.result) return `${where}, result (JSON)`;
    return `${where}, parameter ${textarea.dataset.param}`;
  }

  // place numbers the step (from 1) among n steps.
  place(number, n) {
    this.number = number;
    this.heading.textContent = `Step ${number} · ${NOUN[this.kind]}`;
    // Each name begins with the button's text, as a voice user says it.
    const what = `step ${number}, ${this.kind}`;
    this.up.setAttribute('aria-label', `Move up: ${what}`);
    this.down.setAttribute('aria-label', `Move down: ${what}`);
    this.remove.setAttribute('aria-label', `Remove: ${what}`);
    // aria-disabled, not disabled: a button that is pressed to the end
    // keeps the keyboard's focus.
    this.up.setAttribute('aria-disabled', String(number === 1));
    this.down.setAttribute('aria-disabled', String(number === n));
  }
}
