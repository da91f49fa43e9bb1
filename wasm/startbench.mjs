// startbench.mjs times the engine module's start in Node, as a page's
// worker starts it (wasm_exec.js without a filesystem), with the Go
// runtime's package init trace (GODEBUG=inittrace=1):
//
//   RUNS=5 node wasm/startbench.mjs module.wasm [other.wasm ...]
//
// Each run is a fresh Node process (a child of this one), so nothing is
// warm but the OS's file cache; with several modules the runs alternate
// between them, so that a busy machine weighs on each alike. For each
// module it prints every run's times in ms: compile (WebAssembly.compile
// of the bytes), instantiate, main (go.run, until main has defined
// globalThis.fieldbook: the runtime, every package's init, the schemas,
// the engine), check (the first check call) and first (from the
// instantiate's start to the first check's answer), and their medians;
// then the init trace: its totals (allocations are exact, clock times
// noisy) and the packages that allocate most.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import process from 'node:process';

const [child, wasmPath] = process.argv.slice(2);
if (!child) {
  console.error('usage: RUNS=5 node wasm/startbench.mjs module.wasm [other.wasm ...]');
  process.exit(2);
}
const wasmExec = process.env.FIELDBOOK_WASM_EXEC ??
  `${execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim()}/lib/wasm/wasm_exec.js`;

if (child === '-child') {
  // One start. wasm_exec.js, without globalThis.fs, writes Go's stderr
  // (where the init trace goes) line by line to console.log.
  const trace = [];
  const log = console.log;
  console.log = (line) => (String(line).startsWith('init ') ? trace.push(String(line)) : log(line));
  createRequire(import.meta.url)(wasmExec);
  const bytes = readFileSync(wasmPath);
  const go = new globalThis.Go();
  go.env = { GODEBUG: 'inittrace=1' };
  const t0 = performance.now();
  const module = await WebAssembly.compile(bytes);
  const t1 = performance.now();
  const instance = await WebAssembly.instantiate(module, go.importObject);
  const t2 = performance.now();
  go.run(instance);
  const t3 = performance.now();
  const r = globalThis.fieldbook.check({ schema: 'elation/appointment', expression: 'mode == "VIDEO"' });
  const t4 = performance.now();
  if (!r.ok) throw new Error(`check failed: ${JSON.stringify(r)}`);
  process.stdout.write(JSON.stringify({
    compile: t1 - t0, instantiate: t2 - t1, main: t3 - t2, check: t4 - t3, first: t4 - t1, trace,
  }));
  process.exit(0);
}

const modules = process.argv.slice(2);
const runs = Number(process.env.RUNS ?? 5);
const results = new Map(modules.map((m) => [m, []]));
for (let i = 0; i < runs; i++) {
  for (const m of modules) {
    const p = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '-child', m], { encoding: 'utf8' });
    if (p.status !== 0) throw new Error(`${m}, run ${i + 1}, failed: ${p.stderr}`);
    results.get(m).push(JSON.parse(p.stdout));
  }
}
for (const [m, rs] of results) report(m, rs);

function report(wasmPath, results) {
  const keys = ['compile', 'instantiate', 'main', 'check', 'first'];
  const fmt = (x) => x.toFixed(1).padStart(12);
  console.log(`\n${wasmPath}, ${runs} runs (ms)`);
  console.log(`run ${keys.map((k) => k.padStart(12)).join('')}`);
  results.forEach((r, i) => console.log(`${String(i + 1).padEnd(4)}${keys.map((k) => fmt(r[k])).join('')}`));
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`med ${keys.map((k) => fmt(median(results.map((r) => r[k])))).join('')}`);

  // init internal/bytealg @0.004 ms, 0.001 ms clock, 0 bytes, 0 allocs
  const traces = results.map((r) => r.trace.map((line) => {
    const m = line.match(/^init (\S+) @[\d.]+ ms, ([\d.]+) ms clock, (\d+) bytes, (\d+) allocs/);
    return m && { pkg: m[1], ms: Number(m[2]), bytes: Number(m[3]), allocs: Number(m[4]) };
  }).filter(Boolean));
  const sum = (xs, k) => xs.reduce((t, x) => t + x[k], 0);
  const clocks = traces.map((t) => sum(t, 'ms'));
  const last = traces.at(-1);
  console.log(`init trace: ${last.length} packages, ${sum(last, 'bytes')} bytes, ${sum(last, 'allocs')} allocs; ` +
    `clock ${median(clocks).toFixed(1)} ms (median; runs: ${clocks.map((c) => c.toFixed(0)).join(', ')}); the costliest, by allocations:`);
  for (const x of [...last].sort((a, b) => b.allocs - a.allocs).slice(0, 8)) {
    const med = median(traces.map((t) => t.find((y) => y.pkg === x.pkg)?.ms ?? 0));
    console.log(`${String(x.allocs).padStart(7)} allocs ${String(x.bytes).padStart(9)} bytes ${med.toFixed(1).padStart(8)} ms (median)  ${x.pkg}`);
  }
}
