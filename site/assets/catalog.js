// The catalog's filter box: hides the sources and destinations that do not
// match, and a section left with none of them, heading and all. Without
// JavaScript the box stays hidden and everything is listed.
const box = document.querySelector('[data-fb="filter"]');
if (box) {
  const input = box.querySelector('input');
  const count = box.querySelector('.filter-count');
  const items = [...document.querySelectorAll('[data-filter]')];
  box.hidden = false;
  input.addEventListener('input', () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const item of items) {
      const text = item.dataset.filter.toLowerCase();
      const match = words.every((w) => text.includes(w));
      item.hidden = !match;
      if (match) shown++;
    }
    for (const section of document.querySelectorAll('main section')) {
      const own = [...section.querySelectorAll('[data-filter]')];
      if (own.length) section.hidden = own.every((item) => item.hidden);
    }
    count.textContent = words.length ? `${shown} of ${items.length} shown` : '';
  });
}
