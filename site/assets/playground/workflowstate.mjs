// A workflow as the workflow page keeps, shares and exports it, without
// the page: the shape a share link's state must have, the engine's run
// request, and the test file `go run ./site test` reads.
//
// The state is { v: 1, workflow: { trigger: { schema, event?, condition? },
// steps: [...] }, now?, dialect?, payload? }, the steps as the engine's run
// takes them ({ kind: 'filter' | 'wait', expression } or { kind: 'action',
// action, key?, params?, result? }), except that a result is the text the
// reader typed.

// The engine runs at most this many steps after the trigger.
export const MAX_STEPS = 50;
export const KINDS = ['filter', 'wait', 'action'];

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const quoted = (v, n = 40) => JSON.stringify(String(v).slice(0, n));

// workflowProblem says what is wrong with the shape of a kept or shared
// state, or '' when nothing is: triggers are the payloads a workflow may
// start from, actions the ids of the documented actions, dialects the
// page's.
export function workflowProblem(state, { triggers, actions, dialects }) {
  if (!isObject(state)) return 'what it holds is not an object';
  if (state.v !== undefined && state.v !== 1) return `it is of version ${quoted(JSON.stringify(state.v), 20)}, and this page reads version 1`;
  for (const key of ['now', 'dialect', 'payload']) {
    if (state[key] !== undefined && typeof state[key] !== 'string') return `its ${key} is not a string`;
  }
  if (state.dialect !== undefined && !dialects.includes(state.dialect)) return `its dialect, ${quoted(state.dialect)}, is not one this page has`;
  const w = state.workflow;
  if (!isObject(w)) return 'it holds no workflow';
  const t = w.trigger;
  if (!isObject(t) || typeof t.schema !== 'string') return 'its workflow names no trigger payload';
  if (!triggers.includes(t.schema)) return `its trigger payload, ${quoted(t.schema, 60)}, is not one this site documents`;
  for (const key of ['event', 'condition']) {
    if (t[key] !== undefined && typeof t[key] !== 'string') return `its trigger's ${key} is not a string`;
  }
  if (w.steps !== undefined && !Array.isArray(w.steps)) return 'its steps are not a list';
  for (const [i, step] of (w.steps ?? []).entries()) {
    const problem = stepProblem(step, actions);
    if (problem) return `its step ${i + 1} ${problem}`;
  }
  return '';
}

function stepProblem(s, actions) {
  if (!isObject(s)) return 'is not an object';
  if (!KINDS.includes(s.kind)) return `is of a kind this page does not build, ${quoted(s.kind, 20)}`;
  if (s.kind !== 'action') {
    return s.expression !== undefined && typeof s.expression !== 'string' ? 'has an expression that is not a string' : '';
  }
  if (!actions.includes(s.action)) return `names an action this site does not document, ${quoted(s.action, 60)}`;
  if (s.key !== undefined && typeof s.key !== 'string') return 'has a result key that is not a string';
  if (s.params !== undefined && !(isObject(s.params) && Object.values(s.params).every((v) => typeof v === 'string'))) {
    return 'has parameters that are not expressions (strings)';
  }
  return '';
}

// resultText is a step's result as the page edits it: its text, or a JSON
// value (as a test file holds it) written out.
export function resultText(result) {
  if (result === undefined) return '';
  return typeof result === 'string' ? result : JSON.stringify(result, null, 2);
}

// runRequest is the engine's run request for a state: a result goes as its
// text, so that its diagnostics place their lines and columns in it.
export function runRequest(state) {
  const req = { workflow: state.workflow, payload: state.payload ?? '' };
  if (state.now) req.now = state.now;
  if (state.dialect) req.dialect = state.dialect;
  return req;
}

// testFile is the test file of a run: the workflow as the run took it
// (a result as JSON where its text is JSON), the payload (a JSON object;
// only when included), the clock it started at, the dialect where it is
// not Morf's, and what each step gave, as the file's expectations.
export function testFile(request, response, { includePayload }) {
  const file = { workflow: fileWorkflow(request.workflow) };
  if (includePayload) file.payload = JSON.parse(request.payload);
  file.now = response.now;
  if (response.dialect && response.dialect !== 'morf') file.dialect = response.dialect;
  file.expect = {
    outcome: response.outcome,
    trigger: { status: response.trigger.status },
    steps: response.steps.map(expectOf),
  };
  return file;
}

function fileWorkflow(w) {
  return {
    trigger: w.trigger,
    steps: w.steps.map((s) => {
      if (s.result === undefined) return s;
      try {
        return { ...s, result: JSON.parse(s.result) };
      } catch {
        return s; // its text, which the run reads and places its error in
      }
    }),
  };
}

// expectOf is what a step is expected to give: its status, a filter's or a
// wait's value, an action's parameters' values.
function expectOf(s) {
  const e = { status: s.status };
  if ((s.kind === 'filter' || s.kind === 'wait') && s.value !== undefined) e.value = s.value;
  if (s.kind === 'action' && s.params && Object.keys(s.params).length > 0) {
    e.params = Object.fromEntries(Object.entries(s.params).map(([key, p]) => [key, p.value]));
  }
  return e;
}

// testFileName names a test file after its trigger payload.
export function testFileName(schema) {
  return `${schema.replaceAll('/', '-')}.workflow.json`;
}

// uniqueKey is key, or key_2, key_3…: one no other step keeps its result
// under.
export function uniqueKey(key, taken) {
  if (!taken.includes(key)) return key;
  for (let n = 2; ; n++) {
    if (!taken.includes(`${key}_${n}`)) return `${key}_${n}`;
  }
}
