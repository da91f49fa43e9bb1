// The CodeMirror editors from the page's side: their bundle (site/editor)
// loaded once it is wanted, and the caret put in a textarea where they
// did not load.

// loadEditors loads the CodeMirror bundle, which defines
// globalThis.FieldbookEditor.
export function loadEditors(url) {
  return new Promise((resolve, reject) => {
    if (!url) return reject(new Error('no editor bundle'));
    const script = document.createElement('script');
    script.src = url;
    script.onload = () => (globalThis.FieldbookEditor ? resolve(globalThis.FieldbookEditor) : reject(new Error('no editors')));
    script.onerror = reject;
    document.head.append(script);
  });
}

// jumpTo puts the caret at a 1-based line and column (in characters).
export function jumpTo(textarea, line, column) {
  const lines = textarea.value.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  offset += Array.from(lines[line - 1] || '').slice(0, column - 1).join('').length;
  textarea.focus();
  textarea.setSelectionRange(offset, offset + 1);
  const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 18;
  textarea.scrollTop = Math.max(0, (line - 3) * lineHeight);
}
