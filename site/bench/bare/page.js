// The bare page's script: it starts the engine's worker on intent and shows
// the first result, with the marks Fieldbook's playground sets
// (site/assets/playground: main.mjs, engine.mjs, playground.mjs), so that
// the page benchmark times both alike: 'fieldbook:intent',
// 'fieldbook:engine-compiled' (from the worker), 'fieldbook:engine-ready'
// and 'fieldbook:first-result'.
const root = document.querySelector('[data-fb="playground"]');
const status = document.querySelector('[data-fb="status"]');

// Intent as Fieldbook's (main.mjs, onIntent): the playground comes within
// a screen's height of the viewport, or something in it gets the focus.
const near = new IntersectionObserver((entries) => {
  if (entries.some((e) => e.isIntersecting)) start();
}, { rootMargin: '100% 0px' });
near.observe(root);
root.addEventListener('focusin', start);

let started = false;
function start() {
  if (started) return;
  started = true;
  near.disconnect();
  performance.mark('fieldbook:intent');
  status.textContent = 'Loading the engine…';
  const worker = new Worker('/assets/worker.js');
  worker.onmessage = ({ data }) => {
    switch (data.type) {
      case 'ready':
        performance.mark('fieldbook:engine-compiled', { startTime: data.compiledAt - performance.timeOrigin });
        performance.mark('fieldbook:engine-ready');
        worker.postMessage({
          payload: document.querySelector('[data-fb="payload"]').value,
          expression: document.querySelector('[data-fb="expression"]').value,
        });
        break;
      case 'failed':
        status.textContent = `The engine could not start: ${data.message}`;
        break;
      case 'response': {
        const r = data.response;
        document.querySelector('[data-fb="result"]').textContent = r.ok ? r.display : r.error;
        status.textContent = '';
        performance.mark('fieldbook:first-result');
        break;
      }
    }
  };
}
