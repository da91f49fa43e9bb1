// The playground: as the reader types, it sends the payload and the
// expressions to the engine's Web Worker and shows what comes back. Nothing
// typed here is sent over the network: the only place state leaves the
// page is a share link, and only its fragment (after #), which browsers do
// not send. Everything from a payload or a result is set as text
// (textContent), never as markup.
//
// Marks for the benchmarks: performance.mark('fieldbook:intent'),
// 'fieldbook:engine-start', 'fieldbook:engine-compiled' (from the worker),
// 'fieldbook:engine-ready', 'fieldbook:first-result', and a
// 'fieldbook:batch' measure around each batch run.

const root = document.querySelector('[data-fb="playground"]');
// begin starts the playground (the engine and the editors), once.
let begin = () => {};
if (root) {
  let begun = false;
  begin = () => {
    if (begun) return;
    begun = true;
    performance.mark('fieldbook:intent');
    start(root);
  };
  if (root.dataset.start === 'intent' && !location.hash.startsWith('#s=')) {
    // Most visits to a payload page only read: the 25 MiB module is
    // fetched when the reader shows they mean to use the playground.
    onIntent(root, begin);
    // A share link to this page opened in this tab changes only the
    // fragment: the reader came to use the playground.
    window.addEventListener('hashchange', () => {
      if (location.hash.startsWith('#s=')) begin();
    });
  } else {
    // /playground/, or a share link: the reader came to use it. Start
    // after the first frame is painted.
    requestAnimationFrame(() => setTimeout(begin, 0));
  }
}
wireFieldButtons();

// onIntent calls go when the reader shows intent to use the playground:
// it comes within a screen's height of the viewport, or something in it
// gets the focus (Tab, a click, a screen reader: focus comes before the
// scroll it causes). A Try or Copy button counts too (wireFieldButtons).
// The pointer resting on the playground needs no watching: it can rest
// there only once the playground is in view, which is intent already.
function onIntent(root, go) {
  const near = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) fire();
  }, { rootMargin: '100% 0px' });
  function fire() {
    near.disconnect();
    root.removeEventListener('focusin', fire);
    go();
  }
  near.observe(root);
  root.addEventListener('focusin', fire);
}

// An evaluation that runs longer than this is stopped and the engine
// restarted; data-timeout on the playground overrides it (in milliseconds).
// A call's time counts from when the engine starts it. The first call on a
// fresh engine also pays for its start (1.3 to 1.7 s on a slow machine's
// shared core), so it gets COLD_START_MS more.
const EVALUATION_LIMIT_MS = 2000;
const BATCH_LIMIT_MS = 120000;
const COLD_START_MS = 3000;

// The engine's bounds that the page applies before it calls the engine: a
// payload of at most 5 MiB (MaxPayloadBytes in wasm/engine) and at most 20
// expressions (maxBatchExpressions). A batch run sends its payloads in
// calls that fit the engine's bounds on a call (below, runBatch).
const MiB = 1 << 20;
const PAYLOAD_LIMIT_BYTES = 5 * MiB;
const MAX_EXPRESSIONS = 20;
// A share link's state is its JSON: the payload (escaped as a JSON string)
// and the rest, 1 MiB at most. A link that decompresses to more is refused
// as soon as it passes that. Deflate cannot make data more than a little
// longer, so a link longer than base64 of that bound is refused unread.
const LINK_STATE_LIMIT_BYTES = PAYLOAD_LIMIT_BYTES + MiB;
const LINK_LIMIT_CHARS = Math.ceil((LINK_STATE_LIMIT_BYTES * 1.01 + 1024) * 4 / 3);

// What the page shows of a text that may be long: an expression's result,
// a cell of the batch table, an error message, the inferred schema. Laying
// out text costs about its length (a 6.4-million-character result held the
// main thread for seconds, issue 17), so a longer text is shown cut at its
// bound, with a note of how much there is: "the first 5,000 of 6,400,256
// characters". Each bound, in UTF-16 units, keeps its rendering to a few
// milliseconds; the batch table has up to 200 rows of 20 cells.
const RESULT_SHOWN_CHARS = 5000;
const CELL_SHOWN_CHARS = 200;
const MESSAGE_SHOWN_CHARS = 1000;
const INFERRED_SHOWN_CHARS = 50000;

function start(root) {
  const $ = (hook) => root.querySelector(`[data-fb="${hook}"]`);
  const payloadEl = $('payload');
  const statusEl = $('status');
  const diagList = $('diagnostics');
  const exprList = $('expressions');
  const clockEl = $('clock');
  const clockShown = $('clock-shown');
  const picker = $('schema');
  const dialectPicker = $('dialect');
  let schema = root.dataset.schema || '';
  // The CEL dialect: the schema's own (Morf's workflows for its event
  // sources), which the reader may switch.
  let dialect = root.dataset.dialect || 'morf';
  let loadedExample = payloadEl.value;
  // The CodeMirror editors arrive after the first result (below);
  // until then the textareas are the editors.
  let editors = null;
  // setText sets a textarea's text, and its editor's.
  const setText = (el, text) => {
    el.value = text;
    editors?.sync(el);
  };

  statusEl.textContent = 'Loading the engine…';
  performance.mark('fieldbook:engine-start');
  const engine = createEngine(root.dataset.worker, (why) => {
    statusEl.textContent = brief(why);
  });
  // complete asks the engine what fits at an offset of an expression; the
  // editors use it for completion and hover.
  const complete = (expression, offset) => engine.call('complete', {
    schema, dialect, expression, offset, payload: schema ? undefined : payloadEl.value,
  }, limit());
  const attachExpression = (input) => editors?.attach(input, {
    language: 'cel', label: input.labels[0]?.textContent || 'Expression', complete,
  });
  // The CodeMirror editors load once the first result is on screen: their
  // script's work on the main thread would otherwise compete with the
  // engine's start (BENCHMARKS.md).
  const attachEditors = () => loadEditors(root.dataset.editor).then((loaded) => {
    editors = loaded;
    // A textarea the reader is typing in hands its focus and caret to its
    // editor.
    const typing = document.activeElement?.matches?.('[data-fb="payload"], [data-fb="expression"]') ? document.activeElement : null;
    editors.attach(payloadEl, { language: 'json', label: 'Payload (JSON)' });
    exprList.querySelectorAll('[data-fb="expression"]').forEach(attachExpression);
    if (typing) {
      const before = typing.value.slice(0, typing.selectionStart).split('\n');
      editors.reveal(typing, before.length, Array.from(before.at(-1)).length + 1);
    }
    if (root.dataset.ready === 'true') run(); // mark what is already shown
  }, () => { /* the textareas stay: everything works without the editors */ });
  engine.ready().then(
    () => {
      performance.mark('fieldbook:engine-ready');
      run();
    },
    (err) => { statusEl.textContent = brief(`The engine could not start: ${err.message}`); },
  );

  let timer;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  };
  let generation = 0;
  let firstResult = true;
  const limit = () => Number(root.dataset.timeout) || EVALUATION_LIMIT_MS;

  // now is the clock the reader set, or the real time.
  function now() {
    return clockEl.value.trim() || new Date().toISOString();
  }

  // run evaluates the expressions, then validates the payload: values come
  // first, as they are what the reader is waiting for.
  async function run() {
    // A run scheduled by typing is covered by this one, which reads the
    // same text: setting an editor's text (a share link, Try, Clear) types
    // into it, and the second run would cross the engine's answer again.
    clearTimeout(timer);
    const gen = ++generation;
    // A call of this run that the engine has not started by the time the
    // reader has typed on is dropped: nobody would see its answer.
    const stale = () => gen !== generation;
    const payload = payloadEl.value;
    const clock = now();
    clockShown.textContent = brief(`now() is ${clock}${clockEl.value.trim() ? '' : ' (your clock)'}`);
    for (const row of exprList.querySelectorAll('.expression')) {
      const expression = row.querySelector('[data-fb="expression"]').value;
      const out = row.querySelector('[data-fb="result"]');
      if (!expression.trim()) {
        out.replaceChildren();
        continue;
      }
      const result = await engine.call('evaluate', { schema, dialect, payload, expression, now: clock }, limit(), stale, RESULT_SHOWN_CHARS);
      if (gen !== generation) return; // the reader typed on; a newer run follows
      showResult(out, result);
      editors?.setDiagnostics(row.querySelector('[data-fb="expression"]'), result.ok ? [] : briefly(result.diagnostics.filter((d) => d.source === 'expression')));
    }
    if (firstResult) {
      firstResult = false;
      performance.mark('fieldbook:first-result');
      attachEditors();
    }
    const validation = await engine.call('validate', { schema, payload }, limit(), stale);
    if (gen !== generation) return;
    showValidation(validation);
    editors?.setDiagnostics(payloadEl, briefly(validation.diagnostics));
    await showInferred(payload, gen, stale);
    root.dataset.ready = 'true';
  }

  function showValidation(v) {
    const errors = v.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = v.diagnostics.length - errors;
    const parts = [];
    if (errors) parts.push(`${errors} ${errors === 1 ? 'error' : 'errors'}`);
    if (warnings) parts.push(`${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`);
    statusEl.textContent = v.ok
      ? (warnings ? `Valid, with ${parts.join(' and ')}` : (schema ? 'Valid' : 'Well-formed JSON (no schema)'))
      : `Not valid: ${parts.join(' and ')}`;
    diagList.replaceChildren(...v.diagnostics.map((d) => {
      const li = document.createElement('li');
      li.className = d.severity;
      const jump = document.createElement('button');
      jump.type = 'button';
      jump.className = 'jump';
      jump.textContent = d.line ? `${d.line}:${d.column}` : '–';
      jump.setAttribute('aria-label', d.line ? `${d.line}:${d.column}, go to line ${d.line}, column ${d.column}` : 'no position');
      jump.disabled = !d.line;
      jump.addEventListener('click', () => {
        if (!editors?.reveal(payloadEl, d.line, d.column)) jumpTo(payloadEl, d.line, d.column);
      });
      li.append(jump, ' ', span('severity', d.severity), ' ', message('message', d.message));
      if (d.pointer) li.append(' ', ...shownIn(code('pointer', ''), d.pointer, MESSAGE_SHOWN_CHARS));
      return li;
    }));
  }

  // showResult shows an evaluation: its value as CEL, or its errors. A
  // long value shows its first RESULT_SHOWN_CHARS, and a note; so does a
  // result the engine found too large to send whole (ok false, truncated,
  // display its first part).
  function showResult(out, r) {
    const parts = [];
    if (r.ok) {
      parts.push(...shownIn(code('value', ''), r.display ?? '', RESULT_SHOWN_CHARS, { total: r.displayChars }), ' ',
        span('result-meta', `${r.type} · cost ${r.cost} · ${r.dialect}`), span('fit', fitFor(r.type)));
    } else {
      for (const d of r.diagnostics) {
        const where = d.line ? `${d.source === 'payload' ? 'payload ' : ''}${d.line}:${d.column} ` : '';
        parts.push(message('error', where + d.message));
      }
      if (r.truncated && typeof r.display === 'string') {
        parts.push(...shownIn(code('value', ''), r.display, RESULT_SHOWN_CHARS, { truncated: true }));
      }
    }
    out.classList.toggle('failed', !r.ok);
    out.replaceChildren(...parts);
  }

  // The inferred schema, shown (and downloadable) when there is no schema.
  const inferredBox = $('inferred');
  let inferredURL;
  async function showInferred(payload, gen, stale) {
    inferredBox.hidden = schema !== '';
    if (schema !== '') return;
    const r = await engine.call('infer', { payload }, limit(), stale);
    if (gen !== generation || !r.ok) return;
    // The download holds the whole schema; the page shows its first part.
    const text = JSON.stringify(r.schema, null, 2);
    const { shown, note } = part(text, INFERRED_SHOWN_CHARS);
    $('inferred-schema').replaceChildren(shown, ...(note ? ['\n', note] : []));
    if (inferredURL) URL.revokeObjectURL(inferredURL);
    inferredURL = URL.createObjectURL(new Blob([text], { type: 'application/schema+json' }));
    $('inferred-download').href = inferredURL;
  }

  payloadEl.addEventListener('input', schedule);
  exprList.addEventListener('input', schedule);
  clockEl.addEventListener('input', schedule);

  const addButton = $('add-expression');
  addButton.hidden = false;
  addButton.addEventListener('click', () => {
    const input = addExpression('');
    if (editors) editors.focus(input);
    else input.focus();
  });
  function addExpression(text) {
    const n = exprList.querySelectorAll('.expression').length + 1;
    const li = document.createElement('li');
    li.className = 'expression';
    const label = document.createElement('label');
    label.htmlFor = `expression-${n}`;
    label.textContent = `Expression ${n}`;
    const input = document.createElement('textarea');
    input.id = `expression-${n}`;
    input.rows = 2;
    input.spellcheck = false;
    input.dataset.fb = 'expression';
    input.value = text;
    const out = document.createElement('output');
    out.dataset.fb = 'result';
    out.htmlFor = input.id;
    out.setAttribute('aria-live', 'polite');
    li.append(label, input, out);
    exprList.append(li);
    attachExpression(input);
    limitExpressions();
    return input;
  }
  // limitExpressions stops adding at the engine's limit of expressions a
  // run takes (a batch refuses more).
  function limitExpressions() {
    const full = exprList.querySelectorAll('.expression').length >= MAX_EXPRESSIONS;
    addButton.disabled = full;
    addButton.title = full ? `At most ${MAX_EXPRESSIONS} expressions` : '';
  }
  const expressions = () => [...exprList.querySelectorAll('[data-fb="expression"]')].map((e) => e.value);
  function setExpressions(list) {
    exprList.querySelectorAll('.expression').forEach((row, i) => { if (i > 0) row.remove(); });
    limitExpressions();
    const [first = '', ...rest] = list;
    setText(exprList.querySelector('[data-fb="expression"]'), first);
    exprList.querySelector('[data-fb="result"]').replaceChildren();
    rest.forEach(addExpression);
  }

  // setDialect switches the dialect the expressions run in.
  function setDialect(name) {
    if (![...dialectPicker.options].some((o) => o.value === name)) return false;
    dialect = name;
    dialectPicker.value = name;
    return true;
  }
  dialectPicker.addEventListener('change', () => {
    dialect = dialectPicker.value;
    run();
  });

  if (picker) {
    picker.addEventListener('change', async () => {
      schema = picker.value;
      setDialect(picker.selectedOptions[0]?.dataset.dialect || 'morf');
      // Swap in the new schema's example, unless the reader pasted their own.
      if (schema && payloadEl.value === loadedExample) {
        const doc = await fetch(`/schemas/${schema}.json`).then((r) => r.json());
        loadedExample = JSON.stringify(doc.examples[0], null, 2);
        setText(payloadEl, loadedExample);
      }
      run();
    });
  }

  // "Try" on a field or an example: its expression goes into the first
  // expression and runs.
  root.addEventListener('fieldbook:try', (e) => {
    const input = exprList.querySelector('[data-fb="expression"]');
    setText(input, e.detail);
    root.scrollIntoView({ block: 'start' });
    if (editors) editors.focus(input);
    else input.focus();
    run();
  });

  // Share links and Clear.
  $('tools').hidden = false;
  const shareButton = $('share');
  const sharePanel = $('share-panel');
  shareButton.addEventListener('click', () => {
    sharePanel.hidden = !sharePanel.hidden;
    shareButton.setAttribute('aria-expanded', String(!sharePanel.hidden));
  });
  $('share-copy').addEventListener('click', async () => {
    const state = { v: 1, schema, dialect, expressions: expressions(), now: clockEl.value.trim() };
    if ($('share-payload').checked) state.payload = payloadEl.value;
    const json = new TextEncoder().encode(JSON.stringify(state));
    if (json.length > LINK_STATE_LIMIT_BYTES) {
      // A link the playground would refuse to open.
      statusEl.textContent = `No link made: with the payload it would hold ${mib(json.length)}, more than a link takes (${mib(LINK_STATE_LIMIT_BYTES)}).`;
      return;
    }
    const url = `${location.origin}${location.pathname}#s=${await pack(json)}`;
    const field = $('share-url');
    field.value = url;
    history.replaceState(null, '', url);
    try {
      await navigator.clipboard.writeText(url);
      statusEl.textContent = state.payload === undefined ? 'Link copied, without the payload' : 'Link copied, with the payload';
    } catch {
      field.select();
      statusEl.textContent = 'Link made: copy it from the box';
    }
  });
  $('clear').addEventListener('click', () => {
    showLinkNote('');
    setText(payloadEl, '');
    clockEl.value = '';
    setExpressions(['']);
    $('share-url').value = '';
    $('share-payload').checked = false;
    history.replaceState(null, '', location.pathname + location.search);
    // Nothing else is kept: the playground stores nothing in the browser.
    diagList.replaceChildren();
    run();
  });
  // What a share link did not restore, or why it was refused, stays on
  // show (the payload's status changes with every run) until the next link
  // or Clear.
  const linkNote = $('link-status');
  function showLinkNote(text) {
    linkNote.textContent = text;
    linkNote.hidden = !text;
  }

  let linkGeneration = 0; // the latest link being read
  restoreFromLink();
  // A link to this same page differs only in its fragment: no reload.
  window.addEventListener('hashchange', restoreFromLink);

  async function restoreFromLink() {
    if (!location.hash.startsWith('#s=')) return;
    const gen = ++linkGeneration;
    showLinkNote('');
    let state;
    try {
      state = await unpack(location.hash.slice(3));
    } catch (err) {
      if (gen !== linkGeneration) return;
      showLinkNote(err instanceof LinkRefused ? err.message : 'This link could not be read: it may be cut short.');
      return;
    }
    if (gen !== linkGeneration) return; // a newer link arrived meanwhile
    const problem = stateProblem(state, {
      dialects: [...dialectPicker.options].map((o) => o.value),
      schemas: picker ? [...picker.options].map((o) => o.value) : null,
    });
    if (problem) {
      showLinkNote(`This link could not be used: ${problem}. Nothing was changed.`);
      return;
    }
    if (state.schema !== undefined) {
      schema = state.schema;
      if (picker) picker.value = schema;
    }
    if (state.dialect !== undefined) setDialect(state.dialect);
    if (state.payload !== undefined) setText(payloadEl, state.payload);
    if (state.expressions !== undefined) {
      const n = state.expressions.length;
      setExpressions(state.expressions.slice(0, MAX_EXPRESSIONS));
      if (n > MAX_EXPRESSIONS) {
        showLinkNote(`This link holds ${n} expressions: the first ${MAX_EXPRESSIONS} were restored, as the playground runs at most ${MAX_EXPRESSIONS}.`);
      }
    }
    if (state.now !== undefined) clockEl.value = state.now;
    run();
  }

  wireBatch($, engine, () => ({ schema, dialect, expressions: expressions().filter((e) => e.trim()), now: now() }));
}

// loadEditors loads the CodeMirror bundle, which defines
// globalThis.FieldbookEditor.
function loadEditors(url) {
  return new Promise((resolve, reject) => {
    if (!url) return reject(new Error('no editor bundle'));
    const script = document.createElement('script');
    script.src = url;
    script.onload = () => (globalThis.FieldbookEditor ? resolve(globalThis.FieldbookEditor) : reject(new Error('no editors')));
    script.onerror = reject;
    document.head.append(script);
  });
}

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
function createEngine(url, onRestart) {
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

// fitFor says what a result's type is fit for in a workflow: a filter must
// be true or false, a wait gives a time or a duration, a field mapping
// takes any value.
function fitFor(type) {
  switch (type) {
    case 'bool': return 'In a workflow: a filter (true or false)';
    case 'google.protobuf.Timestamp': return 'In a workflow: a wait, until this time';
    case 'google.protobuf.Duration': return 'In a workflow: a wait, for this long';
    default: return 'In a workflow: a field mapping (a calculated value); not a filter, which must be true or false';
  }
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

// pack writes a state's JSON (UTF-8 bytes) deflate-raw compressed in
// base64url, for a URL fragment; unpack reads it back.
async function pack(json) {
  const stream = new Blob([json]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// LinkRefused is a link the page will not open, with what to tell the
// reader.
class LinkRefused extends Error {}

async function unpack(text) {
  if (text.length > LINK_LIMIT_CHARS) {
    throw new LinkRefused(`This link is ${mib(text.length)} long, longer than any the playground makes: it was not opened.`);
  }
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  const json = await inflateBounded(bytes, LINK_STATE_LIMIT_BYTES);
  if (json === null) {
    throw new LinkRefused(`This link holds more than ${mib(LINK_STATE_LIMIT_BYTES)}, more than the playground takes (a payload of at most ${mib(PAYLOAD_LIMIT_BYTES)}): it was not opened.`);
  }
  return JSON.parse(json);
}

// inflateBounded decompresses deflate-raw bytes into UTF-8 text, chunk by
// chunk, and stops as soon as the text passes max bytes, answering null: a
// link of a few hundred KB can hold gigabytes. The compressed bytes go in
// 4 KiB at a time, as the decompressor turns each piece it is given into
// all of its output at once (at most about 4 MiB for 4 KiB).
async function inflateBounded(bytes, max) {
  const inflater = new DecompressionStream('deflate-raw');
  const writer = inflater.writable.getWriter();
  const reader = inflater.readable.getReader();
  const feeding = (async () => {
    for (let i = 0; i < bytes.length; i += 4096) await writer.write(bytes.subarray(i, i + 4096));
    await writer.close();
  })();
  feeding.catch(() => {}); // broken input fails the reader too, which reports it
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const parts = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join('');
}

// stateProblem says what is wrong with the shape of a share link's state,
// or '' when nothing is.
function stateProblem(state, { dialects, schemas }) {
  if (state === null || typeof state !== 'object' || Array.isArray(state)) {
    return 'what it holds is not an object';
  }
  if (state.v !== undefined && state.v !== 1) {
    return `it is of version ${JSON.stringify(state.v).slice(0, 20)}, and this page reads version 1`;
  }
  for (const key of ['schema', 'dialect', 'payload', 'now']) {
    if (state[key] !== undefined && typeof state[key] !== 'string') return `its ${key} is not a string`;
  }
  if (state.expressions !== undefined && !(Array.isArray(state.expressions) && state.expressions.every((e) => typeof e === 'string'))) {
    return 'its expressions are not a list of strings';
  }
  if (state.dialect !== undefined && !dialects.includes(state.dialect)) {
    return `its dialect, ${JSON.stringify(state.dialect.slice(0, 40))}, is not one the playground has`;
  }
  if (state.schema !== undefined && schemas && !schemas.includes(state.schema)) {
    return `its schema, ${JSON.stringify(state.schema.slice(0, 60))}, is not one this site has`;
  }
  return '';
}

// mib writes a size in bytes for a reader: "6 MiB", "87 KiB".
function mib(n) {
  if (n >= MiB) return `${Math.round((n / MiB) * 10) / 10} MiB`;
  return `${Math.max(1, Math.round(n / 1024))} KiB`;
}

// wireBatch runs the expressions over many payloads, pasted or from a local
// file. A file is never read whole: the run reads it a piece at a time, in
// this page, and sends the engine batches of payloads that fit its bounds,
// so a file of any size runs in bounded memory; nothing is uploaded. The
// page keeps the counts, the first rows and errors, and every payload's
// results as NDJSON for download.
function wireBatch($, engine, current) {
  const box = $('batch');
  box.hidden = false;
  const input = $('batch-input');
  const fileInput = $('batch-file');
  const runButton = $('batch-run');
  const statusEl = $('batch-status');
  const progressBox = $('batch-progress');
  const bar = $('batch-bar');
  const rateEl = $('batch-rate');
  const download = $('batch-download');
  const results = $('batch-results');
  let file = null; // the file chosen, read when a run starts
  // refusal says why the file last opened will not run; it holds until the
  // reader opens another or edits the payloads.
  let refusal = '';
  let job = null; // the run in progress
  let downloadURL;
  const refuse = (text) => {
    refusal = text;
    file = null;
    results.replaceChildren();
    statusEl.textContent = text;
  };
  input.addEventListener('input', () => {
    refusal = '';
    file = null;
    fileInput.value = '';
  });
  fileInput.addEventListener('change', async () => {
    const chosen = fileInput.files[0];
    if (!chosen) return;
    refusal = '';
    file = null;
    input.value = '';
    results.replaceChildren();
    // As the command line does, refuse a file that is not UTF-8 before
    // anything runs, rather than run it with U+FFFD in place of its bytes.
    statusEl.textContent = 'Checking the file…';
    let problem = '';
    try {
      for await (const piece of textPieces(chosen)) void piece;
    } catch (err) {
      problem = err instanceof NotUTF8
        ? `${chosen.name} is not valid UTF-8: line ${err.line} holds bytes that are not UTF-8. Save it as UTF-8 and open it again; it was not run.`
        : `${chosen.name} could not be read: ${err.message}`;
    }
    if (fileInput.files[0] !== chosen) return; // another was chosen meanwhile
    if (problem) {
      refuse(problem);
      return;
    }
    file = chosen;
    statusEl.textContent = `${chosen.name} (${mib(chosen.size)}) is ready: a run reads it in this page, a piece at a time.`;
  });
  $('batch-cancel').addEventListener('click', () => {
    if (job) job.cancelled = true;
  });
  runButton.addEventListener('click', async () => {
    if (refusal) {
      statusEl.textContent = refusal;
      return;
    }
    const { schema, dialect, expressions, now } = current();
    if (!expressions.length) {
      statusEl.textContent = 'Write an expression above first.';
      return;
    }
    const source = file || input.value;
    job = { cancelled: false };
    runButton.disabled = true;
    statusEl.textContent = file ? `Running over ${file.name}…` : 'Running…';
    results.replaceChildren();
    download.hidden = true;
    if (downloadURL) URL.revokeObjectURL(downloadURL);
    bar.value = 0;
    rateEl.textContent = '';
    progressBox.hidden = false;
    performance.mark('fieldbook:batch-start');
    let r;
    try {
      r = await runBatch(engine, source, { schema, dialect, expressions, now }, job, showProgress);
    } catch (err) {
      r = {
        failed: err instanceof NotUTF8
          ? `${source.name} is not valid UTF-8: line ${err.line} holds bytes that are not UTF-8. Nothing was kept.`
          : `The run stopped: ${err.message}`,
      };
    } finally {
      job = null;
      runButton.disabled = false;
      progressBox.hidden = true;
    }
    performance.measure('fieldbook:batch', 'fieldbook:batch-start');
    if (r.failed) {
      statusEl.textContent = brief(r.failed);
      return;
    }
    const what = `${r.total.toLocaleString('en-US')} ${r.total === 1 ? 'payload' : 'payloads'}`;
    statusEl.textContent = r.cancelled ? `Cancelled after ${what}: the results below are of those.` : what;
    downloadURL = URL.createObjectURL(r.download);
    download.href = downloadURL;
    download.hidden = false;
    results.append(countsTable(r), rowsTable(r));
    if (r.errors.length) {
      const h = document.createElement('h4');
      h.textContent = 'First errors';
      const ul = document.createElement('ul');
      for (const e of r.errors) {
        const li = document.createElement('li');
        const where = e.line ? `line ${e.line}` : `payload ${e.index + 1}`;
        li.textContent = brief(`${where}, ${e.expression < 0 ? 'payload' : `expression ${e.expression + 1}`}: ${e.message}`);
        ul.append(li);
      }
      results.append(h, ul);
    }
  });

  // showProgress shows how far a run is: the share of the input read (and
  // run), the payloads done, their rate and the time left at that rate.
  function showProgress({ done, fraction, seconds }) {
    bar.value = fraction;
    const rate = seconds > 0 ? done / seconds : 0;
    const left = fraction > 0 ? seconds * (1 - fraction) / fraction : 0;
    rateEl.textContent = `${done.toLocaleString('en-US')} payloads · ${Math.round(rate).toLocaleString('en-US')} a second · about ${Math.ceil(left)} s left`;
  }
}

// A batch run sends the engine at most this many payloads, of at most this
// many characters in all, a call: well inside its bounds (100,000 payloads
// and 64 MiB a call, MaxBatchPayloads and maxBatchBytes in wasm/engine,
// even at three bytes a character), and small enough that progress moves
// and Cancel answers within a fraction of a second.
const BATCH_CHUNK_PAYLOADS = 1000;
const BATCH_CHUNK_CHARS = 8 * MiB;
// What a run keeps to show: the first rows and errors.
const BATCH_SHOWN_ROWS = 200;
const BATCH_SHOWN_ERRORS = 20;

// runBatch runs the expressions over the payloads of source (a File or a
// string), in calls of at most BATCH_CHUNK_PAYLOADS. Two calls are in
// flight at a time, so that the engine always has the next one while the
// page takes in the last. It answers { total, counts, rows, errors,
// download (a Blob of NDJSON, one line a payload), cancelled }, or
// { failed } with what to tell the reader.
async function runBatch(engine, source, { schema, dialect, expressions, now }, job, progress) {
  const started = performance.now();
  const size = typeof source === 'string' ? source.length : source.size;
  const out = {
    total: 0,
    counts: expressions.map((expression) => ({ expression, true: 0, false: 0, other: 0, error: 0 })),
    rows: [],
    errors: [],
    cancelled: false,
  };
  const lines = []; // the download, a Blob a call
  const inflight = [];
  let chunk = [];
  let chars = 0;
  let read = 0; // how much of the source was read
  const flush = () => {
    if (!chunk.length) return;
    const items = chunk;
    const texts = items.filter((it) => !it.error).map((it) => it.text);
    chunk = [];
    chars = 0;
    const answer = texts.length
      ? engine.call('batch', { schema, dialect, payloads: texts.join('\n'), expressions, now, rows: texts.length }, BATCH_LIMIT_MS, () => job.cancelled)
      : Promise.resolve({ ok: true, counts: out.counts.map(() => ({ true: 0, false: 0, other: 0, error: 0 })), rows: [], errors: [] });
    inflight.push({ items, answer, read });
  };
  const take = (item) => {
    chunk.push(item);
    chars += item.text?.length ?? 0;
    if (chunk.length >= BATCH_CHUNK_PAYLOADS || chars >= BATCH_CHUNK_CHARS) flush();
  };
  // settle takes in the oldest call's answer; false when the run must end.
  const settle = async () => {
    const { items, answer, read: at } = inflight.shift();
    const r = await answer;
    if (job.cancelled) return false;
    if (!r.ok) {
      out.failed = r.diagnostics.map((d) => (d.line ? `line ${d.line}: ` : '') + d.message).join('; ');
      return false;
    }
    merge(out, items, r, lines);
    progress({ done: out.total, fraction: size ? at / size : 1, seconds: (performance.now() - started) / 1000 });
    return true;
  };
  const splitter = new PayloadSplitter();
  let going = true;
  for await (const piece of typeof source === 'string' ? [{ text: source, bytes: source.length }] : textPieces(source)) {
    read += piece.bytes;
    splitter.push(piece.text, take);
    while (going && inflight.length > 1) going = await settle();
    if (!going || job.cancelled) break;
  }
  if (going && !job.cancelled) {
    splitter.end(take);
    flush();
  }
  while (going && inflight.length && !job.cancelled) going = await settle();
  if (out.failed) return out;
  if (job.cancelled) out.cancelled = true;
  else if (!out.total) return { failed: 'No payloads: paste NDJSON (one JSON object a line) or a JSON array of objects, or open a file of them.' };
  out.download = new Blob(lines, { type: 'application/x-ndjson' });
  return out;
}

// merge adds one call's answer to a run's results. items are the payloads
// of the call, in order: those the page already found unreadable carry
// their error, the others were sent, and the engine's rows answer them in
// the same order.
function merge(out, items, r, lines) {
  const base = out.total;
  const sent = []; // the index in the run of each payload sent
  r.counts.forEach((c, i) => {
    for (const k of ['true', 'false', 'other', 'error']) out.counts[i][k] += c[k];
  });
  const text = [];
  const errors = [];
  items.forEach((it, i) => {
    const index = base + i;
    let row;
    if (it.error) {
      row = { index, line: it.line || undefined, error: it.error };
      for (const c of out.counts) c.error++;
      errors.push({ index, line: it.line, expression: -1, message: it.error });
    } else {
      const engineRow = r.rows[sent.length];
      sent.push(index);
      row = { index, line: it.line || undefined, error: engineRow.error, values: engineRow.values };
    }
    text.push(JSON.stringify(row));
    if (out.rows.length < BATCH_SHOWN_ROWS) out.rows.push(shownRow(row));
  });
  for (const e of r.errors) {
    const index = sent[e.index];
    errors.push({ ...e, index, line: items[index - base].line });
  }
  errors.sort((a, b) => a.index - b.index);
  out.errors.push(...errors.slice(0, BATCH_SHOWN_ERRORS - out.errors.length));
  out.total += items.length;
  text.push('');
  lines.push(new Blob([text.join('\n')]));
}

// shownRow is what a run keeps of a row it shows: each text cut at
// CELL_SHOWN_CHARS, with its whole length in characters, so that the first
// rows do not hold megabytes of results (the download has them whole). A
// cell the engine sent in part is truncated.
function shownRow(row) {
  const keep = (text = '', truncated = false) => ({ text: cut(text, CELL_SHOWN_CHARS), total: chars(text), truncated });
  return {
    index: row.index,
    line: row.line,
    error: row.error === undefined ? undefined : keep(row.error),
    values: row.values?.map((v) => ({ ok: v.ok, ...(v.ok ? keep(v.display, v.truncated === true) : keep(v.error)) })),
  };
}

// NotUTF8 is a file that is not UTF-8, with the line of its first bytes
// that are not.
class NotUTF8 extends Error {
  constructor(line) {
    super(`line ${line} is not UTF-8`);
    this.line = line;
  }
}

// textPieces reads a file as UTF-8 text a piece at a time, as the browser
// hands it over (some tens of KiB): { text, bytes }. It throws NotUTF8 at
// the first bytes that are not UTF-8.
async function* textPieces(file) {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const reader = file.stream().getReader();
  let line = 1;
  let done = false;
  try {
    while (!done) {
      const next = await reader.read();
      done = next.done;
      const bytes = next.value ?? new Uint8Array();
      let text;
      try {
        text = done ? decoder.decode() : decoder.decode(bytes, { stream: true });
      } catch {
        // A sequence cut at the piece's start began on this same line.
        throw new NotUTF8(line - 1 + lineOfInvalidUTF8(bytes));
      }
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
class PayloadSplitter {
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

function countsTable(r) {
  const t = table(['Expression', 'true', 'false', 'other value', 'error']);
  for (const c of r.counts) {
    row(t, [brief(c.expression), c.true, c.false, c.other, c.error]);
  }
  t.dataset.fb = 'batch-counts';
  return t;
}

// rowsTable shows the first rows (as shownRow keeps them): a cell shows
// at most CELL_SHOWN_CHARS of its text, and a note when that is not all.
function rowsTable(r) {
  const t = table(['#', ...r.counts.map((_, i) => `Expression ${i + 1}`)]);
  const shown = (c) => shownIn(document.createElement('span'), c.text, CELL_SHOWN_CHARS, { total: c.total, truncated: c.truncated });
  for (const rw of r.rows) {
    const cells = rw.error
      ? [[rw.line ? `line ${rw.line}` : rw.index + 1], [shown(rw.error), 'error']]
      : [[rw.line ? `line ${rw.line}` : rw.index + 1], ...rw.values.map((v) => [shown(v), v.ok ? '' : 'error'])];
    row(t, cells.map(([text]) => text), cells.map(([, cls]) => cls));
  }
  const caption = document.createElement('caption');
  caption.textContent = r.rows.length < r.total ? `The first ${r.rows.length} of ${r.total} payloads` : `All ${r.total} payloads`;
  t.prepend(caption);
  return t;
}

function table(headers) {
  const t = document.createElement('table');
  const tr = document.createElement('tr');
  for (const h of headers) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    tr.append(th);
  }
  t.append(tr);
  return t;
}

// row adds a row of cells to t: each a text, or the nodes to show.
function row(t, values, classes = []) {
  const tr = document.createElement('tr');
  values.forEach((v, i) => {
    const td = document.createElement('td');
    if (Array.isArray(v)) td.append(...v);
    else td.textContent = String(v);
    if (classes[i]) td.className = classes[i];
    tr.append(td);
  });
  t.append(tr);
}

function span(cls, text) {
  const el = document.createElement('span');
  el.className = cls;
  el.textContent = text;
  return el;
}

function code(cls, text) {
  const el = document.createElement('code');
  el.className = cls;
  el.textContent = text;
  return el;
}

// cut answers the first max UTF-16 units of text, one fewer where the cut
// would fall inside a surrogate pair.
function cut(text, max) {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

// chars counts text's characters (code points), as the engine counts
// columns.
function chars(text) {
  let n = text.length;
  const pairs = /[\ud800-\udbff][\udc00-\udfff]/g;
  while (pairs.exec(text)) n--;
  return n;
}

const count = (n) => n.toLocaleString('en-US');

// part is what the page shows of a text that may be long: { shown, note }.
// shown is at most max UTF-16 units of it; note, when shown is not the
// whole, is an element that says how much it is: "the first 5,000 of
// 6,400,256 characters". A text that is already a part has its whole
// length given as total (in characters), or is truncated: the engine sent
// only its first part, "the result is too large; its first 2,000
// characters:" (the note goes before the text).
function part(text, max, { total, truncated = false } = {}) {
  const shown = cut(text, max);
  if (!truncated && total === undefined && shown.length === text.length) return { shown, note: null };
  const n = chars(shown);
  if (truncated) return { shown, note: span('cut-note', `the result is too large; its first ${count(n)} characters:`) };
  const whole = total ?? chars(text);
  if (whole <= n) return { shown, note: null };
  return { shown, note: span('cut-note', `the first ${count(n)} of ${count(whole)} characters`) };
}

// shownIn puts what the page shows of text in el (a code or a span) and
// answers the nodes to show: el, and the note before or after it.
function shownIn(el, text, max, options) {
  const { shown, note } = part(text, max, options);
  el.textContent = shown;
  if (!note) return [el];
  el.classList.add('cut');
  return options?.truncated ? [note, el] : [el, note];
}

// message is an element of class cls holding a message, cut at max with
// its note inside.
function message(cls, text, max = MESSAGE_SHOWN_CHARS) {
  const el = document.createElement('span');
  el.className = cls;
  const { shown, note } = part(text, max);
  el.textContent = shown;
  if (note) el.append(' ', note);
  return el;
}

// brief is a text for a status line: whole, or cut with its note.
function brief(text, max = MESSAGE_SHOWN_CHARS) {
  const shown = cut(text, max);
  if (shown.length === text.length) return text;
  return `${shown}… (the first ${count(chars(shown))} of ${count(chars(text))} characters)`;
}

// briefly answers diagnostics with their messages brief, for the editors'
// marks.
function briefly(diagnostics) {
  return diagnostics.map((d) => (d.message.length > MESSAGE_SHOWN_CHARS ? { ...d, message: brief(d.message) } : d));
}

// jumpTo puts the caret at a 1-based line and column (in characters).
function jumpTo(textarea, line, column) {
  const lines = textarea.value.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  offset += Array.from(lines[line - 1] || '').slice(0, column - 1).join('').length;
  textarea.focus();
  textarea.setSelectionRange(offset, offset + 1);
  const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 18;
  textarea.scrollTop = Math.max(0, (line - 3) * lineHeight);
}

// wireFieldButtons shows the Copy and Try buttons of the field details and
// examples, which need JavaScript.
function wireFieldButtons() {
  for (const button of document.querySelectorAll('[data-copy]')) {
    button.hidden = false;
    button.addEventListener('click', async () => {
      begin(); // a reader copying an expression may well try it next
      try {
        await navigator.clipboard.writeText(button.dataset.copy);
        button.textContent = 'Copied';
      } catch {
        button.textContent = 'Select and copy';
        getSelection().selectAllChildren(button.parentElement.querySelector('code'));
      }
      setTimeout(() => { button.textContent = 'Copy'; }, 1500);
    });
  }
  const playground = document.querySelector('[data-fb="playground"]');
  for (const button of document.querySelectorAll('[data-try]')) {
    button.hidden = !playground;
    button.addEventListener('click', () => {
      begin();
      playground.dispatchEvent(new CustomEvent('fieldbook:try', { detail: button.dataset.try }));
    });
  }
}
