// Offsets into a text: the engine counts characters (code points), the
// page's strings and CodeMirror UTF-16 units; the two differ only around
// characters beyond the BMP, which take two units. The editors' bundle
// (site/editor) and the playground's share these.

// toCodePoints is a UTF-16 offset into text, in characters.
export function toCodePoints(text, utf16) {
  return Array.from(text.slice(0, utf16)).length;
}

// toUTF16 is a character offset into text, in UTF-16 units.
export function toUTF16(text, codePoints) {
  return utf16Offsets(text)(codePoints);
}

// utf16Offsets answers a function from character offsets into text to
// UTF-16 ones. It reads the text once, for the hundreds of offsets of an
// explanation; a text with no character beyond the BMP needs no table.
export function utf16Offsets(text) {
  if (!/[\ud800-\udfff]/.test(text)) return (n) => Math.min(n, text.length);
  const units = [0];
  for (const ch of text) units.push(units[units.length - 1] + ch.length);
  return (n) => units[Math.min(n, units.length - 1)];
}
