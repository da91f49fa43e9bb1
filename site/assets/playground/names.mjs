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
// name: the key as a name of its own, not a field (x.key) nor inside a
// string.
export function renameKey(expression, from, to) {
  let out = '';
  let quote = '';
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (quote) {
      out += c;
      if (c === '\\') out += expression[++i] ?? '';
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      out += c;
      continue;
    }
    const before = expression[i - 1] ?? '';
    if (expression.startsWith(from, i) && !/[\w.]/.test(before) && !/\w/.test(expression[i + from.length] ?? '')) {
      out += to;
      i += from.length - 1;
      continue;
    }
    out += c;
  }
  return out;
}
