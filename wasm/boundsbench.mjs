// boundsbench.mjs times the cases of wasm/testdata/bounds.json (the
// expressions that held a call for seconds, issue 17) in the shipped
// module in Node, as a page's worker runs it (wasm_exec.js without a
// filesystem), warm: each case once untimed, then RUNS (5) times; it
// prints each case's median and slowest call in ms, and the slowest of all.
//
//   RUNS=5 node wasm/boundsbench.mjs build/fieldbook.opt.wasm
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import process from 'node:process';

const wasmPath = process.argv[2];
if (!wasmPath) {
  console.error('usage: RUNS=5 node wasm/boundsbench.mjs module.wasm');
  process.exit(2);
}
const wasmExec = process.env.FIELDBOOK_WASM_EXEC ??
  `${execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim()}/lib/wasm/wasm_exec.js`;
const runs = Number(process.env.RUNS ?? 5);

createRequire(import.meta.url)(wasmExec);
const go = new globalThis.Go();
const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), go.importObject);
go.run(instance);
const fb = globalThis.fieldbook;

// The expression as the Go tests grow it (wasm/boundscases).
function expression(c) {
  let e = `cel.bind(x0, ${c.base || '[0, 0]'}, `;
  for (let i = 1; i <= c.levels; i++) {
    e += c.grow === 'concat' ? `cel.bind(x${i}, x${i - 1} + x${i - 1}, ` : `cel.bind(x${i}, [x${i - 1}, x${i - 1}], `;
  }
  return e + c.body.replaceAll('X', `x${c.levels}`) + ')'.repeat(c.levels + 1);
}

const { cases } = JSON.parse(readFileSync(new URL('./testdata/bounds.json', import.meta.url)));
let slowest = 0;
for (const [i, c] of cases.entries()) {
  const req = { schema: '', dialect: c.dialect, payload: JSON.stringify({ s: 'a'.repeat(c.payloadString || 0) }), expression: expression(c) };
  fb.evaluate(req);
  const times = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const out = fb.evaluate(req);
    times.push(performance.now() - t0);
    if (out.ok !== (c.want === 'ok')) throw new Error(`${c.name}: ${JSON.stringify(out).slice(0, 300)}`);
  }
  times.sort((a, b) => a - b);
  slowest = Math.max(slowest, times.at(-1));
  console.log(`${String(i + 1).padStart(2)} ${c.want.padEnd(9)} median ${times[runs >> 1].toFixed(1).padStart(7)} ms, slowest ${times.at(-1).toFixed(1).padStart(7)} ms  ${c.name}`);
}
console.log(`slowest call of all: ${slowest.toFixed(1)} ms`);
