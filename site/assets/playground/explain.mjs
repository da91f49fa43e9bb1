// Why an expression gave its answer, as the engine explains it (evaluate
// and run with explain: true; wasm/explain): its sentence, and the
// expression written once with every part the engine explained in it. The
// parts that decided a boolean are marked; pointing at a part, or focusing
// it, shows its value and type. The playground and the workflow page show
// it the same way.
//
// For the keyboard and screen readers the written expression is a
// toolbar: one tab stop, the arrow keys (and Home, End) moving between its
// parts. Each part is a button on its operator, call or field name, named
// by the part's text and what it gave ("mode == "IN_PERSON" gives false
// (bool); it decided the answer"): what the marks show, the names say in
// words. Everything from the expression and the engine is set as text.

import { EXPLAINED_PART_SHOWN_CHARS, MESSAGE_SHOWN_CHARS } from './limits.mjs';
import { utf16Offsets } from './offsets.mjs';
import { brief, code, cut, el, span } from './show.mjs';

// showExplanation fills box with why expression gave its answer: x is the
// engine's explanation (none empties box), label names the expression
// ("Expression 1"). An explanation that says no more than the result (one
// part, no sentence) is not shown. The time it took is the measure
// fieldbook:explain, the last one's only.
export function showExplanation(box, expression, x, label) {
  if (!x?.parts?.length || (!x.summary && x.parts.length < 2)) {
    box.replaceChildren();
    return;
  }
  const start = performance.now();
  // A run while the keyboard is on a part (the editors arriving run the
  // expressions again) leaves it on the part of the same place.
  const focused = box.contains(document.activeElement) ? partOf.get(document.activeElement) : undefined;
  const shown = [];
  if (x.summary || x.truncated) shown.push(summaryLine(x));
  const detail = el('p', 'xp-detail');
  const bar = written(expression, x.parts, label, detail);
  shown.push(bar, detail);
  box.replaceChildren(...shown);
  if (focused !== undefined) [...bar.querySelectorAll('.xp-at')].find((b) => partOf.get(b) === focused)?.focus();
  performance.clearMeasures('fieldbook:explain');
  performance.measure('fieldbook:explain', { start });
}

// partOf is the index of the part an element (a part's span or button)
// shows.
const partOf = new WeakMap();

// summaryLine is the engine's sentence, its backquoted parts as code.
function summaryLine(x) {
  const p = el('p', 'xp-summary');
  p.append(el('strong', '', 'Why: '));
  brief(x.summary ?? '').split('`').forEach((piece, i) => {
    if (piece) p.append(i % 2 ? code('', piece) : piece);
  });
  if (x.truncated) p.append(' ', span('muted', '(The expression is long: only its first parts are explained.)'));
  return p;
}

// written is the expression with its parts in it, each a span (a mark
// where it decided the answer) holding its own text and its parts', and a
// button on the token its value belongs to; detail shows the part pointed
// at or focused.
function written(expression, parts, label, detail) {
  const at = utf16Offsets(expression);
  const spans = parts.map((p) => ({ from: at(p.from), to: at(p.to), at: at(p.at) }));
  const kids = parts.map(() => []);
  parts.forEach((p, i) => { if (i > 0 && p.parent >= 0 && p.parent < i) kids[p.parent].push(i); });
  const textOf = (i) => expression.slice(spans[i].from, spans[i].to);
  const els = [];
  const buttons = [];

  // build makes part i's element; a part not inside its parent, or
  // overlapping the part before it, is left out with its own parts.
  function build(i) {
    const p = parts[i];
    const { from, to } = spans[i];
    const box = el(p.decided ? 'mark' : 'span', 'xp-part');
    partOf.set(box, i);
    els[i] = box;
    const inner = [];
    const gaps = []; // the part's own text, between its parts
    let pos = from;
    for (const k of kids[i]) {
      const c = spans[k];
      if (c.from < pos || c.to > to) continue;
      gaps.push([pos, c.from]);
      inner.push(k);
      pos = c.to;
    }
    gaps.push([pos, to]);
    const token = tokenOf(expression, spans[i].at, gaps);
    gaps.forEach(([a, b], g) => {
      if (token && token[0] >= a && token[1] <= b) {
        const button = el('button', 'xp-at', expression.slice(token[0], token[1]));
        button.type = 'button';
        button.tabIndex = -1;
        partOf.set(button, i);
        button.setAttribute('aria-label', `${shortText(textOf(i))} ${said(p)}`);
        buttons.push(button);
        box.append(expression.slice(a, token[0]), button, expression.slice(token[1], b));
      } else {
        box.append(expression.slice(a, b));
      }
      if (g < inner.length) box.append(build(inner[g]));
    });
    return box;
  }
  const line = el('code', 'xp-expr');
  line.append(expression.slice(0, spans[0].from), build(0), expression.slice(spans[0].to));
  const bar = el('div', 'xp-bar');
  bar.setAttribute('role', 'toolbar');
  bar.setAttribute('aria-label', `${label}, part by part`);
  bar.append(line);

  // The one tab stop: the first part that decided the answer, else the
  // whole expression's, else the first.
  const first = buttons.find((b) => parts[partOf.get(b)].decided) ?? buttons.find((b) => partOf.get(b) === 0) ?? buttons[0];
  if (first) first.tabIndex = 0;
  const hint = () => {
    const marked = parts.some((p) => p.decided) ? 'Marked: the parts that decided it. ' : '';
    detail.replaceChildren(`${marked}Point at a part, or Tab to it and use the arrow keys, to see its value.`);
  };
  hint();

  let on = null; // the part highlighted
  function show(i) {
    if (on !== null) els[on].classList.remove('xp-on');
    on = i;
    if (i === null) {
      hint();
      return;
    }
    els[i].classList.add('xp-on');
    const p = parts[i];
    detail.replaceChildren(code('', shortText(textOf(i))), ` ${said(p)}`);
  }
  const focused = () => (bar.contains(document.activeElement) ? partOf.get(document.activeElement) ?? null : null);
  line.addEventListener('mouseover', (e) => {
    const part = e.target.closest('.xp-part');
    if (part) show(partOf.get(part));
  });
  line.addEventListener('mouseleave', () => show(focused()));
  bar.addEventListener('focusin', (e) => {
    for (const b of buttons) b.tabIndex = b === e.target ? 0 : -1;
    show(partOf.get(e.target));
  });
  bar.addEventListener('focusout', (e) => {
    if (!bar.contains(e.relatedTarget)) show(null);
  });
  bar.addEventListener('keydown', (e) => {
    const i = buttons.indexOf(document.activeElement);
    const j = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: buttons.length - 1 }[e.key];
    if (i < 0 || j === undefined) return;
    e.preventDefault();
    buttons[Math.max(0, Math.min(buttons.length - 1, j))].focus();
  });
  return bar;
}

// A token a part's value belongs to: a name, a two-character operator, or
// one character.
const TOKEN = /[A-Za-z_][A-Za-z0-9_]*|&&|\|\||==|!=|<=|>=|\S/y;

// tokenOf is where a part's button goes, [from, to) in UTF-16 units: the
// token at its place (at) where that is its own text (gaps), else its own
// text's first token; null where it has none.
function tokenOf(text, at, gaps) {
  const gap = gaps.find(([a, b]) => at >= a && at < b);
  const tries = gap ? [[at, gap[1]]] : gaps;
  for (const [a, b] of tries) {
    for (let i = a; i < b; i++) {
      TOKEN.lastIndex = i;
      const m = TOKEN.exec(text);
      if (m && m.index === i) return [i, Math.min(b, i + m[0].length)];
    }
  }
  return null;
}

// said is what a part gave, in words.
function said(p) {
  const decided = p.decided ? '; it decided the answer' : '';
  switch (p.state) {
    case 'value': return `gives ${p.display}${p.cut ? '…' : ''} (${p.type})${decided}`;
    case 'error': return `fails: ${brief(p.error ?? '', MESSAGE_SHOWN_CHARS)}${decided}`;
    case 'absent': return `is absent from this payload${decided}`;
    case 'skipped': return 'was not evaluated: the parts before it decided';
    case 'each': return 'is evaluated once per element: it has no single value';
    default: return p.state;
  }
}

// shortText is a part's text for its name and detail: its spaces
// collapsed, and cut where long.
function shortText(text) {
  const one = text.replace(/\s+/g, ' ').trim();
  const shown = cut(one, EXPLAINED_PART_SHOWN_CHARS);
  return shown.length < one.length ? `${shown}…` : shown;
}
