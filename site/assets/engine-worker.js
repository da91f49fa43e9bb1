// The engine's Web Worker: it compiles and runs the WebAssembly module off
// the page's main thread, and answers the page's calls with the module's
// globalThis.fieldbook. Its only requests are for the two static files
// below; payloads arrive by postMessage and never leave the browser.
//
// The site generator writes the hashed URLs in place of the placeholders.
importScripts('__WASM_EXEC_URL__');

const go = new Go();
const ready = WebAssembly.instantiateStreaming(fetch('__WASM_URL__'), go.importObject)
  .then(({ instance }) => {
    go.run(instance); // returns once main waits for calls: fieldbook is defined
    return globalThis.fieldbook.version();
  });

ready.then(
  (version) => postMessage({ type: 'ready', version }),
  (err) => postMessage({ type: 'failed', message: String(err && err.message || err) }),
);

onmessage = async ({ data }) => {
  const { id, method, request } = data;
  try {
    await ready;
  } catch {
    return; // 'failed' was posted already
  }
  let response;
  const fn = globalThis.fieldbook[method];
  if (typeof fn !== 'function') {
    response = { ok: false, diagnostics: [{ severity: 'error', message: `unknown method ${method}`, line: 0, column: 0, source: 'request' }] };
  } else {
    response = fn(request); // never throws: the module answers errors as objects
  }
  postMessage({ type: 'response', id, response });
};
