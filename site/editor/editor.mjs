// Fieldbook's editors: CodeMirror 6 over the playground's textareas, which
// stay the source of truth (and keep their data-fb hooks): the editor
// writes each change back and fires the textarea's input event, and takes
// the textarea's text when the page sets it. Without JavaScript the
// textareas are what the reader sees.
//
// Bundled by esbuild (./build.sh) into one script, which defines
// globalThis.FieldbookEditor = { attach, sync, setDiagnostics, reveal, focus,
// relabel }.
import { Compartment, EditorState } from '@codemirror/state';
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection, hoverTooltip, placeholder,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import {
  StreamLanguage, foldGutter, foldKeymap, syntaxHighlighting, HighlightStyle, bracketMatching,
} from '@codemirror/language';
import { autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { setDiagnostics as cmSetDiagnostics, lintGutter } from '@codemirror/lint';
import { json } from '@codemirror/lang-json';
import { tags } from '@lezer/highlight';
import { toCodePoints, toUTF16 } from '../assets/playground/offsets.mjs';

// The CEL language mode: keywords, strings, bytes, numbers, operators,
// macros, and fields after a dot.
const keywords = new Set(['true', 'false', 'null', 'in']);
const macros = new Set([
  'has', 'all', 'exists', 'exists_one', 'existsOne', 'map', 'filter', 'transformList',
  'transformMap', 'transformMapEntry', 'optMap', 'optFlatMap', 'sortBy', 'bind',
]);
export const cel = StreamLanguage.define({
  name: 'cel',
  startState: () => ({ afterDot: false }),
  token(stream, state) {
    if (stream.eatSpace()) return null;
    const afterDot = state.afterDot;
    state.afterDot = false;
    if (stream.match(/^\/\/.*/)) return 'comment';
    if (stream.match(/^[rRbB]{0,2}("""|''')/)) {
      const close = stream.current().slice(-3);
      while (!stream.eol() && !stream.match(close)) stream.next();
      return 'string';
    }
    if (stream.match(/^[rRbB]{0,2}"(?:[^"\\\n]|\\.)*"?/) || stream.match(/^[rRbB]{0,2}'(?:[^'\\\n]|\\.)*'?/)) return 'string';
    if (stream.match(/^(?:0x[0-9a-fA-F]+u?|\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+u?)/)) return 'number';
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) {
      const word = stream.current();
      if (afterDot) return macros.has(word) && stream.peek() === '(' ? 'macroName' : 'propertyName';
      if (keywords.has(word)) return 'keyword';
      if (macros.has(word) && stream.peek() === '(') return 'macroName';
      return stream.peek() === '(' ? 'function' : 'variableName';
    }
    if (stream.match(/^\.\??/)) {
      state.afterDot = true;
      return 'punctuation';
    }
    if (stream.match(/^(?:&&|\|\||==|!=|<=|>=|[-+*/%<>!?:])/)) return 'operator';
    stream.next();
    return 'punctuation';
  },
  tokenTable: { macroName: tags.macroName, function: tags.function(tags.variableName) },
  languageData: { closeBrackets: { brackets: ['(', '[', '{', '"', "'"] } },
});

// Colours from the site's stylesheet, so dark mode follows it.
const highlight = HighlightStyle.define([
  { tag: [tags.keyword, tags.bool, tags.null], color: 'var(--hl-keyword)', fontWeight: '600' },
  { tag: tags.string, color: 'var(--hl-string)' },
  { tag: tags.number, color: 'var(--hl-number)' },
  { tag: [tags.macroName, tags.function(tags.variableName)], color: 'var(--hl-function)' },
  { tag: tags.propertyName, color: 'var(--hl-property)' },
  { tag: tags.operator, color: 'var(--hl-operator)' },
  { tag: tags.comment, color: 'var(--muted)', fontStyle: 'italic' },
]);

const kinds = {
  field: 'property', variable: 'variable', function: 'function', macro: 'macro',
  constant: 'constant', keyword: 'keyword', namespace: 'namespace',
};

// A completion's label longer than this (a payload's key may be of any
// length) shows its first part in the list, with an ellipsis; accepting it
// inserts it whole.
const LABEL_SHOWN_CHARS = 200;

// shortLabel is a long label's first part, never cut inside a surrogate
// pair, or undefined for a label that shows whole.
function shortLabel(label) {
  if (label.length <= LABEL_SHOWN_CHARS) return undefined;
  const last = label.charCodeAt(LABEL_SHOWN_CHARS - 1);
  return `${label.slice(0, last >= 0xd800 && last <= 0xdbff ? LABEL_SHOWN_CHARS - 1 : LABEL_SHOWN_CHARS)}…`;
}

// completionSource asks the engine what fits at the cursor.
function completionSource(complete) {
  return async (context) => {
    const word = context.matchBefore(/[A-Za-z_][A-Za-z0-9_]*/);
    const before = context.state.sliceDoc(context.pos - 1, context.pos);
    if (!context.explicit && !word && before !== '.') return null;
    const text = context.state.doc.toString();
    const r = await complete(text, toCodePoints(text, context.pos));
    if (!r || !r.items || !r.items.length) return null;
    return {
      from: toUTF16(text, r.from),
      options: r.items.map((it) => ({
        label: it.label,
        displayLabel: shortLabel(it.label),
        type: kinds[it.kind] || it.kind,
        detail: it.type || undefined,
        info: it.detail || undefined,
        // A map key that is no identifier replaces the dot before it with
        // an index: answers["First Name"].
        apply: it.insert === undefined ? undefined : (view, completion, from, to) => {
          const at = toUTF16(text, it.at);
          view.dispatch({ changes: { from: at, to, insert: it.insert }, selection: { anchor: at + it.insert.length } });
        },
      })),
      validFor: /^[A-Za-z0-9_]*$/,
    };
  };
}

// hoverSource shows a name's type and description, as completion at the
// end of the name knows them.
function hoverSource(complete) {
  return hoverTooltip(async (view, pos) => {
    const text = view.state.doc.toString();
    let start = pos;
    let end = pos;
    while (start > 0 && /\w/.test(text[start - 1])) start--;
    while (end < text.length && /\w/.test(text[end])) end++;
    if (start === end) return null;
    const word = text.slice(start, end);
    const r = await complete(text, toCodePoints(text, end));
    const item = r && r.items && r.items.find((it) => it.label === word);
    if (!item) return null;
    return {
      pos: start,
      end,
      above: true,
      create() {
        const dom = document.createElement('div');
        dom.className = 'fb-hover';
        const head = document.createElement('code');
        head.textContent = item.type ? `${word}: ${item.type}` : word;
        dom.append(head);
        if (item.detail) {
          const p = document.createElement('p');
          p.textContent = item.detail;
          dom.append(p);
        }
        return { dom };
      },
    };
  }, { hoverTime: 250 });
}

// Each editor lives in a shadow root: there CodeMirror's styles go into an
// adopted stylesheet, which the site's Content-Security-Policy allows,
// where in the document they would be a <style> element, which it forbids.
// The site's colours (CSS custom properties) inherit into it.
const theme = EditorView.theme({
  '&': { border: '1px solid var(--line)', borderRadius: '6px', background: 'var(--bg)', color: 'var(--fg)', fontSize: '0.9rem' },
  '&.cm-focused': { outline: '3px solid var(--accent)', outlineOffset: '1px' },
  '.cm-content': { fontFamily: 'var(--mono)', caretColor: 'var(--fg)' },
  '.cm-gutters': { background: 'var(--code-bg)', color: 'var(--muted)', borderRight: '1px solid var(--line)' },
  '.cm-placeholder': { color: 'var(--muted)' },
  '.cm-activeLine, .cm-activeLineGutter': { background: 'transparent' },
  '&.fb-json': { height: '26rem' },
  '&.fb-json.fb-compact': { height: '12rem' },
  '&.fb-json .cm-scroller': { overflow: 'auto' },
  '&.fb-cel .cm-content': { minHeight: '2.6rem' },
  '.cm-tooltip': { background: 'var(--panel)', color: 'var(--fg)', border: '1px solid var(--line)' },
  '.cm-tooltip-autocomplete ul li[aria-selected]': { background: 'var(--accent)', color: 'var(--accent-fg)' },
  '.cm-completionDetail': { color: 'inherit', opacity: '0.75', marginLeft: '0.5rem', fontStyle: 'normal' },
  '.fb-hover': { padding: '0.3rem 0.5rem', maxWidth: '28rem', fontSize: '0.85rem' },
  '.fb-hover code': { fontFamily: 'var(--mono)' },
  '.fb-hover p': { margin: '0.2rem 0 0' },
  '.cm-diagnostic': { fontSize: '0.85rem' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--err)' },
  '.cm-diagnostic-warning': { borderLeftColor: 'var(--warn-line)' },
  // Icons in glyphs every font here has: CodeMirror gives a keyword a key
  // emoji, an empty box where no font draws it, and a macro nothing.
  '.cm-completionIcon-macro:after': { content: "'∀'" },
  '.cm-completionIcon-keyword:after': { content: "'k'" },
});

const views = new WeakMap(); // textarea -> EditorView
// The editor's label, in a compartment of its own: a page whose editors
// change place (the workflow page's steps, reordered) relabels them.
const labels = new WeakMap(); // textarea -> Compartment
const contentAttributes = (label) => EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '0', spellcheck: 'false', autocapitalize: 'off' });

// attach puts an editor over a textarea. options: { language: 'json' |
// 'cel', label, complete(text, offset) -> Promise<complete() response>,
// compact (a JSON editor half as tall) }.
function attach(textarea, options) {
  let fromEditor = false;
  const label = new Compartment();
  const extensions = [
    history(),
    drawSelection(),
    highlightActiveLine(),
    bracketMatching(),
    closeBrackets(),
    syntaxHighlighting(highlight),
    theme,
    lintGutter(),
    EditorView.lineWrapping,
    label.of(contentAttributes(options.label)),
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...foldKeymap, ...completionKeymap]),
    EditorView.updateListener.of((u) => {
      if (!u.docChanged) return;
      fromEditor = true;
      textarea.value = u.state.doc.toString();
      textarea.dispatchEvent(new Event('input', { bubbles: true }));
      fromEditor = false;
    }),
  ];
  // The textarea's placeholder shows in the empty editor, where it says
  // what an empty text means.
  if (textarea.placeholder) extensions.push(placeholder(textarea.placeholder));
  if (options.language === 'json') {
    extensions.push(json(), lineNumbers(), foldGutter());
  } else {
    extensions.push(cel);
    if (options.complete) {
      extensions.push(
        autocompletion({ override: [completionSource(options.complete)], activateOnTyping: true }),
        hoverSource(options.complete),
      );
    }
  }
  const host = document.createElement('div');
  host.className = `fb-editor fb-editor-${options.language}`;
  const shadow = host.attachShadow({ mode: 'open' });
  const view = new EditorView({
    state: EditorState.create({ doc: textarea.value, extensions }),
    root: shadow,
  });
  view.dom.classList.add(`fb-${options.language}`);
  if (options.compact) view.dom.classList.add('fb-compact');
  shadow.append(view.dom);
  textarea.after(host);
  textarea.hidden = true;
  // The page (or a test) may set the textarea's text: take it over.
  textarea.addEventListener('input', () => {
    if (!fromEditor) sync(textarea);
  });
  views.set(textarea, view);
  labels.set(textarea, label);
  return view;
}

// relabel gives a textarea's editor another label.
function relabel(textarea, text) {
  const view = views.get(textarea);
  if (view) view.dispatch({ effects: labels.get(textarea).reconfigure(contentAttributes(text)) });
}

// sync makes the editor show its textarea's text.
function sync(textarea) {
  const view = views.get(textarea);
  if (!view || view.state.doc.toString() === textarea.value) return;
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: textarea.value } });
}

// setDiagnostics marks the engine's diagnostics (1-based line and column,
// in characters) in the editor of a textarea; hovering a mark shows its
// message.
function setDiagnostics(textarea, diagnostics) {
  const view = views.get(textarea);
  if (!view) return;
  const doc = view.state.doc;
  const marks = [];
  for (const d of diagnostics) {
    if (!d.line || d.line > doc.lines) continue;
    const line = doc.line(d.line);
    const from = line.from + toUTF16(line.text, d.column - 1);
    const rest = line.text.slice(from - line.from);
    const token = /^("(?:[^"\\]|\\.)*"|[^\s,\]}]+)/.exec(rest);
    const to = Math.min(line.to, from + Math.max(1, token ? token[0].length : 1));
    marks.push({ from: Math.min(from, line.to), to: Math.max(to, Math.min(from, line.to)), severity: d.severity === 'warning' ? 'warning' : 'error', message: d.message });
  }
  view.dispatch(cmSetDiagnostics(view.state, marks));
}

// reveal puts the cursor at a 1-based line and column (in characters) of a
// textarea's editor, and focuses it.
function reveal(textarea, line, column) {
  const view = views.get(textarea);
  if (!view) return false;
  const doc = view.state.doc;
  const l = doc.line(Math.max(1, Math.min(line, doc.lines)));
  const pos = Math.min(l.to, l.from + toUTF16(l.text, column - 1));
  view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
  view.focus();
  return true;
}

// focus moves the keyboard to a textarea's editor.
function focus(textarea) {
  const view = views.get(textarea);
  if (view) view.focus();
  else textarea.focus();
}

globalThis.FieldbookEditor = { attach, sync, setDiagnostics, reveal, focus, relabel };
