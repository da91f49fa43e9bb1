// Offsets into a text: the engine counts characters (code points), the
// page's strings and CodeMirror UTF-16 units; the two differ only around
// characters beyond the BMP, which take two units. The editors' bundle
// (site/editor) and the playground's share these.

// toCodePoints is a UTF-16 offset into text, in characters.
export function toCodePoints(text, utf16) {
  return Array.from(text.slice(0, utf16)).length;
}

// toUTF16 is a character offset into text, in UTF-16 units. It walks only
// the text before the offset, allocating nothing: an explanation converts
// up to a thousand offsets into the one expression.
export function toUTF16(text, codePoints) {
  let i = 0;
  for (let n = 0; n < codePoints && i < text.length; n++) {
    const pair = isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1));
    i += pair ? 2 : 1;
  }
  return i;
}

const isHigh = (c) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c) => c >= 0xdc00 && c <= 0xdfff;
