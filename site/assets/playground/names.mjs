// CEL names: which names CEL can read as a variable (a result key must
// be one), and an expression's reads of a name written under another.

// CEL's reserved words, which no name may be.
const RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if',
  'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

// isCELName tells whether a name is one CEL can read as a variable, as an
// action's result key must be: letters, digits and _, not first a digit,
// and not a reserved word.
export function isCELName(name) {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name);
}

// renameKey writes an expression's reads of the result key under another
// name: the key as a name of its own, not a field (x.key, x.?key, even
// with spaces after the dot), and nothing inside a string or a comment.
// It reads the text as CEL's lexer does: strings single- or triple-quoted,
// raw (r"...", where a backslash is only a backslash) or not, with a byte
// prefix or without.
export function renameKey(expression, from, to) {
  let out = '';
  let afterDot = false; // the last token was . or .?: a name now is a field
  for (let i = 0; i < expression.length;) {
    const rest = expression.slice(i);
    const string = /^([rRbB]{0,2})("""|'''|"|')/.exec(rest);
    if (string && !/\w/.test(expression[i - 1] ?? '')) {
      const end = stringEnd(expression, i + string[0].length, string[2], /[rR]/.test(string[1]));
      out += expression.slice(i, end);
      i = end;
      afterDot = false;
      continue;
    }
    const word = /^\w+/.exec(rest);
    if (word) {
      out += word[0] === from && !afterDot ? to : word[0];
      i += word[0].length;
      afterDot = false;
      continue;
    }
    const skip = /^(\/\/[^\n]*|\s+)/.exec(rest); // a comment or spaces: the last token stays the last
    if (skip) {
      out += skip[0];
      i += skip[0].length;
      continue;
    }
    const token = rest.startsWith('.?') ? '.?' : rest[0];
    afterDot = token[0] === '.';
    out += token;
    i += token.length;
  }
  return out;
}

// stringEnd is where the string literal whose text starts at i ends, just
// after its closing quote; for one left open, the end of the expression.
function stringEnd(expression, i, quote, raw) {
  while (i < expression.length) {
    if (expression.startsWith(quote, i)) return i + quote.length;
    i += !raw && expression[i] === '\\' ? 2 : 1;
  }
  return expression.length;
}
