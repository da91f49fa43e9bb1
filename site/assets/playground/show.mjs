// What the page shows of results and of texts that may be long: always as
// text (textContent), never as markup, and cut at a bound with a note of
// how much there is.

import { MESSAGE_SHOWN_CHARS, MiB, RESULT_SHOWN_CHARS } from './limits.mjs';

// showResult shows an evaluation: its value as CEL, or its errors. A
// long value shows its first RESULT_SHOWN_CHARS, and a note; so does a
// result the engine found too large to send whole (ok false, truncated,
// display its first part).
export function showResult(out, r) {
  const parts = [];
  if (r.ok) {
    parts.push(...shownIn(code('value', ''), r.display ?? '', RESULT_SHOWN_CHARS, { total: r.displayChars }), ' ',
      span('result-meta', `${r.type} · cost ${r.cost} · ${r.dialect}`), span('fit', fitFor(r.type)));
  } else {
    for (const d of r.diagnostics) {
      if (d.severity !== 'warning') parts.push(message('error', where(d) + d.message));
    }
    if (r.truncated && typeof r.display === 'string') {
      parts.push(...shownIn(code('value', ''), r.display, RESULT_SHOWN_CHARS, { truncated: true }));
    }
  }
  // What the engine warns of, whether the expression ran or not: a
  // function Morf may not have, a field the payload does not have.
  for (const d of r.diagnostics ?? []) {
    if (d.severity === 'warning') parts.push(message('result-warning', `${where(d)}warning: ${d.message}`));
  }
  out.classList.toggle('failed', !r.ok);
  out.replaceChildren(...parts);
}
// where is a diagnostic's place, before its message: "1:5 ", "payload 3:2 ".
function where(d) {
  return d.line ? `${d.source === 'payload' ? 'payload ' : ''}${d.line}:${d.column} ` : '';
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
// mib writes a size in bytes for a reader: "6 MiB", "87 KiB".
export function mib(n) {
  if (n >= MiB) return `${Math.round((n / MiB) * 10) / 10} MiB`;
  return `${Math.max(1, Math.round(n / 1024))} KiB`;
}
// el makes an element of a tag and class, with text.
export function el(tag, className = '', text = '') {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text) e.textContent = text;
  return e;
}

export function span(cls, text) {
  return el('span', cls, text);
}

export function code(cls, text) {
  return el('code', cls, text);
}

// cut answers the first max UTF-16 units of text, one fewer where the cut
// would fall inside a surrogate pair.
export function cut(text, max) {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

// chars counts text's characters (code points), as the engine counts
// columns.
export function chars(text) {
  let n = text.length;
  const pairs = /[\ud800-\udbff][\udc00-\udfff]/g;
  while (pairs.exec(text)) n--;
  return n;
}

const count = (n) => n.toLocaleString('en-US');

// part is what the page shows of a text that may be long: { shown, note }.
// shown is at most max UTF-16 units of it; note, when shown is not the
// whole, is an element that says how much it is: "the first 5,000 of
// 6,400,256 characters". A text that is already a part has its whole
// length given as total (in characters), or is truncated: the engine sent
// only its first part, "the result is too large; its first 2,000
// characters:" (the note goes before the text).
export function part(text, max, { total, truncated = false } = {}) {
  const shown = cut(text, max);
  if (!truncated && total === undefined && shown.length === text.length) return { shown, note: null };
  const n = chars(shown);
  if (truncated) return { shown, note: span('cut-note', `the result is too large; its first ${count(n)} characters:`) };
  const whole = total ?? chars(text);
  if (whole <= n) return { shown, note: null };
  return { shown, note: span('cut-note', `the first ${count(n)} of ${count(whole)} characters`) };
}

// shownIn puts what the page shows of text in el (a code or a span) and
// answers the nodes to show: el, and the note before or after it.
export function shownIn(el, text, max, options) {
  const { shown, note } = part(text, max, options);
  el.textContent = shown;
  if (!note) return [el];
  el.classList.add('cut');
  return options?.truncated ? [note, el] : [el, note];
}

// message is an element of class cls holding a message, cut at max with
// its note inside.
export function message(cls, text, max = MESSAGE_SHOWN_CHARS) {
  const el = document.createElement('span');
  el.className = cls;
  const { shown, note } = part(text, max);
  el.textContent = shown;
  if (note) el.append(' ', note);
  return el;
}

// brief is a text for a status line: whole, or cut with its note.
export function brief(text, max = MESSAGE_SHOWN_CHARS) {
  const shown = cut(text, max);
  if (shown.length === text.length) return text;
  return `${shown}… (the first ${count(chars(shown))} of ${count(chars(text))} characters)`;
}

// briefly answers diagnostics with their messages brief, for the editors'
// marks.
export function briefly(diagnostics) {
  return diagnostics.map((d) => (d.message.length > MESSAGE_SHOWN_CHARS ? { ...d, message: brief(d.message) } : d));
}
