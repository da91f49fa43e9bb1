// The bare page's engine worker, started as Fieldbook's is
// (site/assets/engine-worker.js): the module's request first, then
// wasm_exec.js, then the module compiled as it streams in. It answers
// 'ready' (with when the module was compiled), and each evaluate.
const wasmResponse = fetch('/assets/bare.wasm');
importScripts('/assets/wasm_exec.js');

const go = new Go();
let compiledAt;
const ready = WebAssembly.instantiateStreaming(wasmResponse, go.importObject)
  .then(({ instance }) => {
    compiledAt = performance.timeOrigin + performance.now();
    go.run(instance); // returns once main waits for calls: bare is defined
  });

ready.then(
  () => postMessage({ type: 'ready', compiledAt }),
  (err) => postMessage({ type: 'failed', message: String(err && err.message || err) }),
);

onmessage = async ({ data }) => {
  await ready;
  postMessage({ type: 'response', response: globalThis.bare.evaluate(data) });
};
