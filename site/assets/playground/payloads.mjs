// Payloads read a piece at a time: a file as UTF-8 text, and text cut
// into payloads as the engine reads a batch.

import { PAYLOAD_LIMIT_BYTES } from './limits.mjs';
import { mib } from './show.mjs';

// NotUTF8 is a file that is not UTF-8, with the line of its first bytes
// that are not.
export class NotUTF8 extends Error {
  constructor(line) {
    super(`line ${line} is not UTF-8`);
    this.line = line;
  }
}

// textPieces reads a file as UTF-8 text a piece at a time, as the browser
// hands it over (some tens of KiB): { text, bytes }. It throws NotUTF8 at
// the first bytes that are not UTF-8.
export async function* textPieces(file) {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const reader = file.stream().getReader();
  let line = 1;
  let done = false;
  let cut = new Uint8Array(); // a character the last piece began and did not end
  try {
    while (!done) {
      const next = await reader.read();
      done = next.done;
      const bytes = next.value ?? new Uint8Array();
      const read = cut.length ? joined(cut, bytes) : bytes; // the piece, from the start of its first character
      let text;
      try {
        text = done ? decoder.decode() : decoder.decode(bytes, { stream: true });
      } catch {
        throw new NotUTF8(line - 1 + lineOfInvalidUTF8(read));
      }
      cut = unfinished(read);
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) line++;
      yield { text, bytes: bytes.byteLength };
    }
  } finally {
    if (!done) reader.cancel().catch(() => {});
  }
}

// PayloadSplitter cuts text, given a piece at a time, into payloads, as the
// engine reads a batch: a JSON array of payloads (when the text starts with
// "["), or else NDJSON, one payload a line, blank lines skipped. Each
// payload goes to take as { text, line } (line: its line in NDJSON) or,
// when the page can tell it cannot be read, { error, line }. A payload's
// text is kept only up to the engine's limit on a payload: a file of one
// endless line costs no more memory than that.
export class PayloadSplitter {
  constructor() {
    this.mode = null; // 'ndjson' or 'array', from the first character that is not a space
    this.parts = []; // the payload being read
    this.length = 0;
    this.over = false; // it is past the limit: its text is no longer kept
    this.line = 1; // NDJSON: the line being read
    // A JSON array: how deep in it the reader is (1: between payloads), and
    // whether in a string and just after a backslash there.
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.broken = ''; // why the payload being read cannot be read
    this.ended = false; // the array was closed
  }

  push(text, take) {
    if (!this.mode) {
      const first = text.search(/\S/);
      if (first < 0) return;
      this.mode = text[first] === '[' ? 'array' : 'ndjson';
    }
    if (this.mode === 'ndjson') this.pushLines(text, take);
    else this.pushArray(text, take);
  }

  end(take) {
    if (this.mode === 'ndjson') {
      this.endPayload(take, this.line);
    } else if (this.mode === 'array' && this.depth > 0) {
      this.broken ||= 'the JSON array ends before this payload does: the file may be cut short';
      this.endPayload(take, 0);
    }
  }

  // keep adds text to the payload being read, up to the limit.
  keep(text) {
    this.length += text.length;
    if (this.length > PAYLOAD_LIMIT_BYTES) {
      this.over = true;
      this.parts = [];
    } else if (text) {
      this.parts.push(text);
    }
  }

  endPayload(take, line) {
    const text = this.over ? '' : this.parts.join('');
    const over = this.over;
    const broken = this.broken;
    this.parts = [];
    this.length = 0;
    this.over = false;
    this.broken = '';
    if (over) take({ line, error: `the payload holds more than ${mib(PAYLOAD_LIMIT_BYTES)}, the most a payload may be` });
    else if (broken) take({ line, error: broken });
    else if (text.trim()) take({ line, text });
  }

  pushLines(text, take) {
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      this.keep(text.slice(from, nl));
      this.endPayload(take, this.line);
      this.line++;
      from = nl + 1;
    }
    this.keep(text.slice(from));
  }

  // pushArray reads the array's payloads. Each is sent to the engine as one
  // line: a line break between its tokens becomes a space; one inside a
  // string (which JSON does not allow) makes it unreadable.
  pushArray(text, take) {
    let from = 0; // the start of the payload text not yet kept
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true; // \
        else if (c === 0x22) this.inString = false; // "
        else if (c === 0x0a || c === 0x0d) this.broken ||= 'a string in it holds a line break, which JSON does not allow';
        continue;
      }
      if (this.ended) {
        if (!/\s/.test(text[i])) {
          // Text after the array: as the engine, refuse it.
          this.broken = 'text follows the JSON array of payloads';
          this.endPayload(take, 0);
          this.ended = false;
          this.depth = -1; // nothing after this is read
        }
        continue;
      }
      if (this.depth < 0) return;
      switch (c) {
        case 0x22: this.inString = true; break;
        case 0x5b: case 0x7b: // [ {
          if (this.depth++ === 0) from = i + 1; // the array's own bracket
          break;
        case 0x5d: case 0x7d: // ] }
          if (--this.depth === 0) {
            this.keep(text.slice(from, i));
            this.endPayload(take, 0);
            this.ended = true;
            from = i + 1;
          }
          break;
        case 0x2c: // ,
          if (this.depth === 1) {
            this.keep(text.slice(from, i));
            this.endPayload(take, 0);
            from = i + 1;
          }
          break;
        case 0x0a: case 0x0d:
          if (this.depth > 0) {
            this.keep(text.slice(from, i) + ' ');
            from = i + 1;
          }
          break;
      }
    }
    if (this.depth > 0 && !this.ended) this.keep(text.slice(from));
  }
}

// unfinished is the end of bytes that begins a character and does not end
// it (empty where they end on a whole one): a piece may stop inside one.
function unfinished(bytes) {
  for (let k = 1; k <= Math.min(3, bytes.length); k++) {
    const b = bytes[bytes.length - k];
    if (b < 0x80) break;
    if (b >= 0xc0) return (b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2) > k ? bytes.slice(bytes.length - k) : new Uint8Array();
  }
  return new Uint8Array();
}

function joined(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

// lineOfInvalidUTF8 is the line (from 1) of the first byte sequence that is
// not UTF-8, as TextDecoder judges it: no overlong forms, no surrogates,
// nothing past U+10FFFF, nothing cut short at the end.
function lineOfInvalidUTF8(bytes) {
  let line = 1;
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    if (b < 0x80) {
      if (b === 0x0a) line++;
      i++;
      continue;
    }
    let n;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) n = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return line;
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return line;
    }
    i += n + 1;
  }
  return line;
}
