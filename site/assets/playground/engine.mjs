// The engine's client: the page's side of the engine's Web Worker
// (site/assets/engine-worker.js).

import { COLD_START_MS } from './limits.mjs';

// createEngine runs the engine in a Web Worker and calls it by message, one
// call at a time: the page keeps the queue, so that a call's limit counts
// from when the engine starts it, not from when it was asked for. A call
// that outlasts its limit ends the worker (the module cannot be interrupted
// from outside) and starts a fresh one: that call answers with an error and
// the calls that were waiting run on the new engine. So too when the
// engine's Go program ends or its worker fails after it was ready: the
// call it was running (if any) answers with an error and a fresh engine
// takes the rest. call(method, request, limitMs, stale, shown) answers
// with the engine's response; a call whose stale() is true when its turn
// comes is not sent, and answers { ok: false, superseded: true }. With
// shown, an evaluate whose display is longer crosses from the worker in
// part (engine-worker.js): its first shown UTF-16 units, the whole's length
// in characters as displayChars, and no value.
export function createEngine(url, onRestart) {
  const queue = []; // calls not yet sent
  let current = null; // the call the engine runs
  let worker;
  let ready; // settles when the current worker is ready, or could not start
  let started = false; // the current worker is ready
  let warm = false; // the current worker has answered a call
  let failure = null; // why the engine could not start: calls reject with it
  let deaths = 0; // ends with no call running since the last answer
  let nextId = 1;
  let boots = 0;

  function boot() {
    const w = new Worker(url);
    const restarted = boots++ > 0;
    worker = w;
    started = false;
    warm = false;
    let resolve;
    let reject;
    ready = new Promise((res, rej) => { resolve = res; reject = rej; });
    ready.catch(() => {}); // a restart's failure is reported through the calls
    const fail = (message) => {
      if (w !== worker || failure) return;
      w.terminate();
      failure = new Error(message);
      reject(failure);
      for (const call of queue.splice(0)) call.reject(failure);
      if (restarted) onRestart(`The engine could not restart: ${message}`);
    };
    w.onmessage = ({ data }) => {
      if (w !== worker) return; // an engine that was replaced
      switch (data.type) {
        case 'ready':
          if (!restarted && data.compiledAt) {
            performance.mark('fieldbook:engine-compiled', { startTime: data.compiledAt - performance.timeOrigin });
          }
          started = true;
          resolve();
          pump();
          break;
        case 'failed':
          fail(data.message);
          break;
        case 'response':
          if (!current || data.id !== current.id) return;
          clearTimeout(current.timer);
          warm = true;
          deaths = 0;
          finish(data.response);
          pump();
          break;
        case 'exited': {
          const how = data.code ? ` (exit code ${data.code})` : '';
          const detail = data.message ? `: ${data.message}` : '';
          if (!started) fail(`the engine ended as it started${how}${detail}`);
          else restart(`The engine stopped${how}${detail} and was restarted.`, ended(`The engine stopped${how} while it ran this call`));
          break;
        }
      }
    };
    w.onerror = (e) => {
      e.preventDefault(); // reported here, not as an uncaught error
      if (w !== worker) return;
      const detail = e.message ? ` (${e.message})` : '';
      if (!started) fail(e.message || 'the worker failed');
      else restart(`The engine's worker failed${detail} and was restarted.`, ended(`The engine's worker failed${detail} while it ran this call`));
    };
  }

  function finish(response) {
    const call = current;
    current = null;
    call.resolve(response);
  }

  // restart replaces the worker; the call it ran answers with answer.
  function restart(why, answer) {
    worker.terminate();
    if (current) {
      clearTimeout(current.timer);
      finish(answer);
    } else if (++deaths > 3) {
      // It ends by itself, again and again: starting it once more would
      // only use the reader's processor.
      worker = null;
      failure = new Error('the engine keeps stopping; reload the page to try again');
      for (const call of queue.splice(0)) call.reject(failure);
      onRestart(`The engine keeps stopping: reload the page to try again.`);
      return;
    }
    boot();
    onRestart(why);
  }

  // pump sends the next call when the engine is free.
  function pump() {
    if (current || !started) return;
    let call;
    while ((call = queue.shift())) {
      if (!call.stale?.()) break;
      call.resolve({ ok: false, superseded: true, diagnostics: [] });
    }
    if (!call) return;
    current = call;
    call.id = nextId++;
    const ms = call.limitMs + (warm ? 0 : COLD_START_MS);
    call.timer = setTimeout(() => {
      if (current === call) restart('The engine was restarted.', stopped(ms));
    }, ms);
    worker.postMessage({ id: call.id, method: call.method, request: call.request, shown: call.shown });
  }

  boot();
  return {
    ready: () => ready,
    call(method, request, limitMs, stale, shown) {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        queue.push({ method, request, limitMs, stale, shown, resolve, reject });
        pump();
      });
    },
  };
}
// ended answers a call the engine was running when it ended.
function ended(what) {
  return {
    ok: false,
    stopped: true,
    diagnostics: [{
      severity: 'error',
      message: `${what}. The engine was restarted; change the expression or the payload to try again.`,
      line: 0, column: 0, source: 'request',
    }],
  };
}

function stopped(ms) {
  return {
    ok: false,
    stopped: true,
    diagnostics: [{
      severity: 'error',
      message: `Stopped: it ran past ${ms / 1000} s. The engine was restarted; change the expression or the payload to try again.`,
      line: 0, column: 0, source: 'request',
    }],
  };
}
