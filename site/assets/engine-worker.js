// The engine's Web Worker: it compiles and runs the WebAssembly module off
// the page's main thread, and answers the page's calls with the module's
// globalThis.fieldbook. Its only requests are for the two static files
// below; payloads arrive by postMessage and never leave the browser.
//
// Messages to the page: 'ready' (with the engine's version and when the
// module was compiled) or 'failed'
// (it could not start); 'response' for each call; 'exited' when the Go
// program has ended (a fatal error in the runtime, or a call that threw),
// after which the worker answers nothing: the page starts a fresh one.
//
// A call may say how much of a result the page shows (shown, in UTF-16
// units): an evaluate whose display is longer crosses to the page in part,
// its display cut there (never inside a surrogate pair), displayChars the
// whole display's length in characters, and no value, which the page does
// not show. A result of megabytes would otherwise be copied onto the
// page's main thread whole (issue 17: 12.8 MB, display and value, for a
// share link of 64 copies of a 100,000-character string).
//
// The site generator writes the hashed URLs in place of the placeholders.
//
// The module's request goes out first, so that it downloads while
// wasm_exec.js is fetched and run. It is compiled as it streams in, from a
// response the browser caches for good (a hashed URL), which is what lets
// Chromium keep the compiled code for the next visit.
const wasmResponse = fetch('__WASM_URL__');
importScripts('__WASM_EXEC_URL__');

const go = new Go();
let exitCode = null;
go.exit = (code) => { exitCode = code; }; // wasm_exec.js calls it as the program ends

let exitPosted = false;
function postExited(message) {
  if (exitPosted) return;
  exitPosted = true;
  postMessage({ type: 'exited', code: exitCode, message });
}

// compiledAt is when the module was compiled and instantiated, as a time
// the page can place on its own timeline (performance.timeOrigin + now).
let compiledAt;
const ready = WebAssembly.instantiateStreaming(wasmResponse, go.importObject)
  .then(({ instance }) => {
    compiledAt = performance.timeOrigin + performance.now();
    // run returns a promise that settles when the Go program ends; the
    // call itself returns once main waits for calls: fieldbook is defined.
    go.run(instance).then(
      () => postExited(''),
      (err) => postExited(String(err && err.message || err)),
    );
    return globalThis.fieldbook.version();
  });

ready.then(
  (version) => postMessage({ type: 'ready', version, compiledAt }),
  (err) => postMessage({ type: 'failed', message: String(err && err.message || err) }),
);

onmessage = async ({ data }) => {
  const { id, method, request, shown } = data;
  try {
    await ready;
  } catch {
    return; // 'failed' was posted already
  }
  if (go.exited) {
    postExited('');
    return;
  }
  let response;
  if (!Object.hasOwn(globalThis.fieldbook, method) || typeof globalThis.fieldbook[method] !== 'function') {
    response = { ok: false, diagnostics: [{ severity: 'error', message: `unknown method ${method}`, line: 0, column: 0, source: 'request' }] };
  } else {
    try {
      response = globalThis.fieldbook[method](request); // the module answers errors as objects
    } catch (err) {
      // Only a broken module throws (a trap, or a program that ended): it
      // cannot be trusted with another call.
      postExited(String(err && err.message || err));
      return;
    }
    if (go.exited) { // the program ended during the call: there is no answer
      postExited('');
      return;
    }
  }
  if (shown && method === 'evaluate') response = inPart(response, shown);
  postMessage({ type: 'response', id, response });
};

// inPart answers an evaluate response with its display cut at max UTF-16
// units (one fewer where that would split a surrogate pair), its length in
// characters (code points) as displayChars, and without its value; a
// display no longer than max leaves it as it is. A display the engine sent
// in part already (truncated) keeps its flag and gets no displayChars: its
// whole length is not known here.
function inPart(response, max) {
  const display = response.display;
  if (typeof display !== 'string' || display.length <= max) return response;
  const last = display.charCodeAt(max - 1);
  const rest = { ...response };
  delete rest.value;
  rest.display = display.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
  if (!response.truncated) {
    let n = display.length;
    const pairs = /[\ud800-\udbff][\udc00-\udfff]/g;
    while (pairs.exec(display)) n--;
    rest.displayChars = n;
  }
  return rest;
}
