// Unit tests of the page's modules that need no page: names and key
// renaming, offsets, share links, a batch cut into payloads, a workflow
// kept and exported. Run by ./build.sh test (node --test);
// the browser tests (site/e2e) drive the rest in Chromium.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { LINK_STATE_LIMIT_BYTES } from './limits.mjs';
import { isCELName, renameKey } from './names.mjs';
import { NotUTF8, PayloadSplitter, textPieces } from './payloads.mjs';
import { toCodePoints, toUTF16, utf16Offsets } from './offsets.mjs';
import { LinkRefused, pack, stateProblem, unpack } from './share.mjs';
import { runRequest, testFile, testFileName, uniqueKey, workflowProblem } from './workflowstate.mjs';

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

// split cuts text into payloads as the batch panel does, given in pieces
// cut at the offsets given.
function split(text, cuts = []) {
  const s = new PayloadSplitter();
  const got = [];
  const take = (p) => got.push(p);
  let from = 0;
  for (const at of [...cuts, text.length]) {
    s.push(text.slice(from, at), take);
    from = at;
  }
  s.end(take);
  return got;
}

test('a batch is cut into payloads: NDJSON, or a JSON array', () => {
  assert.deepEqual(split('{"a":1}\n\n  \n{"b":"x\\ny"}\r\n{"c":2}'), [
    { line: 1, text: '{"a":1}' }, { line: 4, text: '{"b":"x\\ny"}\r' }, { line: 5, text: '{"c":2}' },
  ]);
  assert.deepEqual(split(' [ {"a":"],[{"},\n {"b":[1,2]} ,{"c":"\\"}"}]\n'), [
    { line: 0, text: ' {"a":"],[{"}' }, { line: 0, text: '  {"b":[1,2]} ' }, { line: 0, text: '{"c":"\\"}"}' },
  ]);
  assert.deepEqual(split('[{"a":1}] {"b":2}'), [
    { line: 0, text: '{"a":1}' }, { line: 0, error: 'text follows the JSON array of payloads' },
  ]);
  assert.deepEqual(split('[{"a":1},{"b":'), [
    { line: 0, text: '{"a":1}' }, { line: 0, error: 'the JSON array ends before this payload does: the file may be cut short' },
  ]);
  assert.deepEqual(split('[{"a":"x\ny"}]'), [
    { line: 0, error: 'a string in it holds a line break, which JSON does not allow' },
  ]);
});

test('where the pieces of a batch are cut does not change its payloads', () => {
  const texts = [
    '{"a":1}\n{"b":"x\\"y"}\n\n{"c":[1,{"d":"]"}]}\n',
    '[{"a":"\\\\"},{"b":"\\"],"},\n{"c":{"d":[1,2,3]}}]  ',
    '[{"a":1},\r\n{"b":2}] trailing',
  ];
  let seed = 7;
  const random = (n) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (const text of texts) {
    const whole = split(text);
    for (let round = 0; round < 200; round++) {
      const cuts = [...new Set(Array.from({ length: 1 + random(6) }, () => random(text.length + 1)))].sort((a, b) => a - b);
      assert.deepEqual(split(text, cuts), whole, `${JSON.stringify(text)} cut at ${cuts}`);
    }
  }
});

test('a file that is not UTF-8 is refused at its line, wherever its pieces are cut', async () => {
  const utf8 = (text) => new TextEncoder().encode(text);
  const files = [
    [new Uint8Array([...utf8('{"a":"é😀"}\n{"b":1}\n{"c":"'), 0xc3, 0x28, ...utf8('"}\n')]), 3],
    [new Uint8Array([...utf8('{"a":"😀"}\n{"b":"'), 0xed, 0xa0, 0x80, ...utf8('"}\n')]), 2], // a surrogate
    [new Uint8Array([...utf8('{"a":"😀"}\n{"b":"x"}\n'), 0xe2, 0x82]), 3], // cut short at the end
  ];
  for (const [bytes, line] of files) {
    for (let i = 1; i < bytes.length; i++) {
      for (let j = i; j < bytes.length; j++) { // three pieces (two where i == j)
        const file = { stream: () => new ReadableStream({ start(c) { for (const p of [bytes.slice(0, i), bytes.slice(i, j), bytes.slice(j)]) c.enqueue(p); c.close(); } }) };
        await assert.rejects(async () => { for await (const _ of textPieces(file)) { /* read on */ } },
          (err) => err instanceof NotUTF8 && err.line === line, `${bytes} cut at ${i} and ${j}`);
      }
    }
  }
  const good = { stream: () => new Blob(['{"a":"é"}\n', '{"b":1}\n']).stream() };
  let text = '';
  for await (const piece of textPieces(good)) text += piece.text;
  assert.equal(text, '{"a":"é"}\n{"b":1}\n');
});

test("a kept or shared workflow of the wrong shape is named, at its step", () => {
  const known = { triggers: ['healthie/appointment'], actions: ['open-phone/v1/send-text-message'], dialects: ['morf', 'cel'] };
  const trigger = { schema: 'healthie/appointment' };
  const ok = { v: 1, workflow: { trigger, steps: [{ kind: 'filter', expression: 'x' }, { kind: 'action', action: 'open-phone/v1/send-text-message', key: 'sms', params: { to: '"+1"' } }] } };
  assert.equal(workflowProblem(ok, known), '');
  const cases = [
    [null, /not an object/],
    [{ v: 3, workflow: { trigger } }, /of version "3"/],
    [{ workflow: { trigger }, payload: {} }, /payload is not a string/],
    [{ workflow: { trigger }, dialect: 'sql' }, /dialect/],
    [{}, /no workflow/],
    [{ workflow: { trigger: { schema: 'nope/x' } } }, /not one this site documents/],
    [{ workflow: { trigger: { ...trigger, condition: 1 } } }, /condition is not a string/],
    [{ workflow: { trigger, steps: {} } }, /not a list/],
    [{ workflow: { trigger, steps: [{ kind: 'filter' }, { kind: 'loop' }] } }, /step 2 is of a kind/],
    [{ workflow: { trigger, steps: [{ kind: 'action', action: 'stripe/v1/x' }] } }, /step 1 names an action/],
    [{ workflow: { trigger, steps: [{ kind: 'action', action: 'open-phone/v1/send-text-message', params: { to: 1 } }] } }, /not expressions/],
  ];
  for (const [state, want] of cases) assert.match(workflowProblem(state, known), want, JSON.stringify(state));
});

test('a run is exported as a test file of its expectations', () => {
  const workflow = { trigger: { schema: 'healthie/appointment' }, steps: [
    { kind: 'filter', expression: 'true' },
    { kind: 'action', action: 'a/v1/b', key: 'k', params: { p: '"x"' }, result: '{"id": "1"}' },
    { kind: 'action', action: 'a/v1/b', result: 'not JSON' },
  ] };
  const request = runRequest({ workflow, payload: '{"a": 1}', now: '2024-01-01T00:00:00Z', dialect: 'cel' });
  assert.deepEqual(request, { workflow, payload: '{"a": 1}', now: '2024-01-01T00:00:00Z', dialect: 'cel' });
  const response = { outcome: 'completed', now: '2024-01-01T00:00:00Z', dialect: 'cel', trigger: { status: 'passed' }, steps: [
    { kind: 'filter', status: 'passed', value: true },
    { kind: 'action', status: 'done', params: { p: { value: 'x', type: 'string' } } },
    { kind: 'action', status: 'failed', params: {} },
  ] };
  const file = testFile(request, response, { includePayload: false });
  assert.equal(file.payload, undefined); // only when the reader ticks it
  assert.deepEqual(file.workflow.steps[1].result, { id: '1' }); // JSON where its text is JSON
  assert.equal(file.workflow.steps[2].result, 'not JSON'); // else its text, where the run places its error
  assert.equal(file.dialect, 'cel');
  assert.deepEqual(file.expect, { outcome: 'completed', trigger: { status: 'passed' }, steps: [
    { status: 'passed', value: true }, { status: 'done', params: { p: 'x' } }, { status: 'failed' },
  ] });
  assert.deepEqual(testFile(request, response, { includePayload: true }).payload, { a: 1 });
  assert.equal(testFileName('healthie/appointment'), 'healthie-appointment.workflow.json');
  assert.equal(uniqueKey('sms', ['card']), 'sms');
  assert.equal(uniqueKey('sms', ['sms', 'sms_2']), 'sms_3');
});
