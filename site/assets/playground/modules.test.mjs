// Unit tests of the page's modules that need no page: names and key
// renaming, offsets, share links. Run by ./build.sh test (node --test);
// the browser tests (site/e2e) drive the rest in Chromium.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { LINK_STATE_LIMIT_BYTES } from './limits.mjs';
import { isCELName, renameKey } from './names.mjs';
import { toCodePoints, toUTF16, utf16Offsets } from './offsets.mjs';
import { LinkRefused, pack, stateProblem, unpack } from './share.mjs';

test('a result key must be a name CEL can read', () => {
  for (const ok of ['sms', '_x', 'card2', 'In']) assert.ok(isCELName(ok), ok);
  for (const bad of ['', '2card', 'a-b', 'a.b', 'in', 'null', 'namespace', 'é']) assert.ok(!isCELName(bad), bad);
});

test('renaming a key renames its reads, and neither fields, strings nor comments', () => {
  const cases = [
    ['sms.id != ""', 'sms.id != ""'.replace('sms', 'text')],
    ['sms_2 + xsms + sms', 'sms_2 + xsms + text'],
    ['x.sms + x. sms + x .sms + m.?sms + sms', 'x.sms + x. sms + x .sms + m.?sms + text'],
    ['"sms" + \'sms\' + sms', '"sms" + \'sms\' + text'],
    ['"a \\"sms\\" b" + sms', '"a \\"sms\\" b" + text'],
    ['"""a "sms" b""" + sms.id', '"""a "sms" b""" + text.id'],
    ["'''it's sms''' + sms", "'''it's sms''' + text"],
    // In a raw string a backslash is a backslash: the string ends at the quote after it.
    ['r"\\" + sms.id', 'r"\\" + text.id'],
    ['b"sms" + rb"sms" + BR\'sms\' + sms', 'b"sms" + rb"sms" + BR\'sms\' + text'],
    ['sms.id // sms, not here', 'text.id // sms, not here'],
    ['{sms: sms}["sms"] + 1.5e3', '{text: text}["sms"] + 1.5e3'],
    ['sms.exists(s, s == sms)', 'text.exists(s, s == text)'],
    ['"left open sms', '"left open sms'],
  ];
  for (const [from, want] of cases) assert.equal(renameKey(from, 'sms', 'text'), want, from);
});

test('offsets convert between UTF-16 units and characters', () => {
  const text = 'a😀b "é" 🎉';
  assert.equal(toCodePoints(text, 3), 2); // after the emoji: 3 units, 2 characters
  assert.equal(toUTF16(text, 2), 3);
  const at = utf16Offsets(text);
  for (let n = 0; n <= Array.from(text).length; n++) {
    assert.equal(toCodePoints(text, at(n)), n);
  }
  assert.equal(at(1000), text.length); // past the end: the end
  const plain = utf16Offsets('abc');
  assert.equal(plain(2), 2);
  assert.equal(plain(9), 3);
});

test('a share link holds its state and gives it back', async () => {
  const state = { v: 1, schema: 'elation/appointment', expressions: ['mode == "VIDEO"', 'é😀'], payload: '{"a":1}' };
  const link = await pack(new TextEncoder().encode(JSON.stringify(state)));
  assert.match(link, /^[A-Za-z0-9_-]+$/); // base64url: nothing a fragment escapes
  assert.deepEqual(await unpack(link), state);
});

test('a link that holds more than the page takes is refused while it is read', async () => {
  const json = new TextEncoder().encode(JSON.stringify({ payload: ' '.repeat(LINK_STATE_LIMIT_BYTES) }));
  const link = await pack(json); // a few KB: spaces compress well
  assert.ok(link.length < 20000, `${link.length} characters`);
  await assert.rejects(unpack(link), LinkRefused);
  await assert.rejects(unpack('A'.repeat(20_000_000)), LinkRefused); // longer than any link the page makes: not read
});

test('a state of the wrong shape is named', () => {
  const known = { dialects: ['morf', 'cel'], schemas: ['elation/appointment'] };
  assert.equal(stateProblem({ schema: 'elation/appointment', expressions: ['x'] }, known), '');
  assert.match(stateProblem([], known), /not an object/);
  assert.match(stateProblem({ v: 2 }, known), /version 2/);
  assert.match(stateProblem({ expressions: 'x' }, known), /not a list of strings/);
  assert.match(stateProblem({ dialect: 'sql' }, known), /dialect/);
  assert.match(stateProblem({ key: 'a-b' }, known), /result key/);
  assert.match(stateProblem({ schema: 'nope/x' }, known), /not one this site has/);
});
