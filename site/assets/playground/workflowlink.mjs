// Links into the workflow page (/workflows/) from the other pages: a
// payload's playground opens its expression as a workflow's first filter,
// an action's page adds its action to the workflow kept in this browser.
// What they carry is in the fragment (after #), which browsers never send.

import { pack } from './share.mjs';

export const WORKFLOWS_PATH = '/workflows/';

// openWorkflowURL is a link to a workflow over a payload (its schema's id)
// whose first step filters on expression. The payload's text goes with it
// only when given (the reader's own, not the example), and the workflow
// page drops the fragment once read (from: 'playground'), so that the
// payload stays in neither the address bar nor the history.
export async function openWorkflowURL({ schema, event, dialect, now, expression, payload }) {
  const trigger = { schema };
  if (event) trigger.event = event;
  const state = { v: 1, from: 'playground', workflow: { trigger, steps: expression.trim() ? [{ kind: 'filter', expression }] : [] } };
  if (now) state.now = now;
  if (dialect && dialect !== 'morf') state.dialect = dialect;
  if (payload !== undefined) state.payload = payload;
  return `${WORKFLOWS_PATH}#s=${await pack(new TextEncoder().encode(JSON.stringify(state)))}`;
}

// addActionURL is a link that adds an action (its id) to the workflow as
// a step, its result under key (the action's own when "").
export function addActionURL(action, key) {
  const params = new URLSearchParams({ add: action });
  if (key) params.set('key', key);
  return `${WORKFLOWS_PATH}#${params}`;
}

// readAddition reads an addActionURL's fragment: { action, key } or null.
export function readAddition(hash) {
  if (!hash.startsWith('#add=')) return null;
  const params = new URLSearchParams(hash.slice(1));
  return { action: params.get('add') || '', key: params.get('key') || '' };
}
