// The playground's script. This module, the entry, starts the playground
// when the reader shows they mean to use it, and shows the Copy and Try
// buttons of a payload page; esbuild (./build.sh) bundles it with the
// modules it imports into the one script the pages load, playground.js.
//
// As the reader types, the playground sends the payload and the
// expressions to the engine's Web Worker and shows what comes back. Nothing
// typed here is sent over the network: the only place state leaves the
// page is a share link, and only its fragment (after #), which browsers do
// not send. Everything from a payload or a result is set as text
// (textContent), never as markup.
//
// Marks for the benchmarks: performance.mark('fieldbook:intent'),
// 'fieldbook:engine-start', 'fieldbook:engine-compiled' (from the worker),
// 'fieldbook:engine-ready', 'fieldbook:first-result', a 'fieldbook:batch'
// measure around each batch run, and a 'fieldbook:explain' one around the
// last explanation shown (explain.mjs).
//
// The modules: playground.mjs (the playground's state: the payload, the
// expressions and their results, the dialect, the event, the clock, share
// links, what this browser keeps, Reset and Clear), engine.mjs (the engine's Web Worker, called by message),
// share.mjs (a share link's state in the URL fragment), show.mjs (results
// and long texts as the page shows them), batch.mjs (a batch run and its
// tables), batchrun.mjs (the run, call by call), payloads.mjs (payloads
// read a piece at a time from a file), limits.mjs (the page's bounds),
// editors.mjs (the editors' bundle, loaded when wanted), names.mjs (CEL
// names, and a result key renamed in an expression), explain.mjs (why an
// expression gave its answer, the workflow page's too), offsets.mjs
// (character offsets as UTF-16 ones, the editors' too).

import { keptKey, start } from './playground.mjs';

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
  if (root.dataset.start === 'intent' && !location.hash.startsWith('#s=') && !keptHere()) {
    // Most visits to a payload page only read: the 25 MiB module is
    // fetched when the reader shows they mean to use the playground.
    onIntent(root, begin);
    // A share link to this page opened in this tab changes only the
    // fragment: the reader came to use the playground.
    window.addEventListener('hashchange', () => {
      if (location.hash.startsWith('#s=')) begin();
    });
  } else {
    // /playground/, a share link, or a page whose playground the reader
    // used before (this browser kept their expressions): the reader came
    // to use it. Start after the first frame is painted.
    requestAnimationFrame(() => setTimeout(begin, 0));
  }
}
wireFieldButtons();
// Renaming an action's result key is meant for the playground too: it
// starts, and follows the new name.
document.querySelector('[data-fb="result-key"]')?.addEventListener('focus', () => begin());

// keptHere tells whether this browser kept the reader's work on this page
// (playground.mjs, keep).
function keptHere() {
  try {
    return localStorage.getItem(keptKey()) !== null;
  } catch {
    return false;
  }
}

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
      playground.dispatchEvent(new CustomEvent('fieldbook:try', { detail: { expression: button.dataset.try, now: button.dataset.now || '' } }));
    });
  }
}
