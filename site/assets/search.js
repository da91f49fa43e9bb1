// The site search: a combobox (the input) over a listbox of results, after
// the ARIA combobox pattern. Results come from the Pagefind index the build
// wrote to /pagefind/; its client is imported only when the reader focuses
// the box or presses "/", so a reader who never searches downloads none of
// it. Without JavaScript the box stays hidden. It is a classic script, like
// the page's others: the block keeps its names out of their global scope.
{
  const root = document.querySelector('[data-fb="search"]');
  if (root) {
    const input = root.querySelector('[data-fb="search-input"]');
    const list = root.querySelector('[data-fb="search-results"]');
    const status = root.querySelector('[data-fb="search-status"]');
    const SHOWN = 10; // results listed at once; the status says how many matched
    const READ = 40; // results read to choose those SHOWN: Pagefind's first, re-ranked
    let pagefind = null; // the import's promise, once started
    let options = []; // the listed results: {url, el}
    let active = -1;
    let asked = 0; // the latest query's number: answers to older ones are dropped

    root.hidden = false;

    const load = () => {
      pagefind ??= import('/pagefind/pagefind.js').then(async (pf) => {
        // Pagefind also searches a record's metadata, and boosts a match
        // in its title by how many of the title's words match, counting
        // each part of a compound: appointment_datetime would outrank the
        // Appointment page for "Appointment". The records weight their
        // words themselves (site/generate/search.go), so metadata adds nothing.
        await pf.options({ ranking: { metaWeights: { title: 0, kind: 0, payload: 0, type: 0, tags: 0, tagsfrom: 0 } } });
        await pf.init();
        return pf;
      }).catch((err) => {
        pagefind = null; // a failed download is tried again on the next key
        throw err;
      });
      return pagefind;
    };

    // say puts text in the status, which a screen reader announces; it is
    // shown too when no list is (no results, or no search at all).
    const say = (text, shown) => {
      status.textContent = text;
      status.classList.toggle('visually-hidden', !shown);
      status.classList.toggle('search-note', shown);
    };

    const open = (yes) => {
      list.hidden = !yes;
      input.setAttribute('aria-expanded', String(yes));
      if (!yes) setActive(-1);
    };

    const setActive = (i) => {
      if (options[active]) options[active].el.setAttribute('aria-selected', 'false');
      active = i;
      if (options[i]) {
        options[i].el.setAttribute('aria-selected', 'true');
        input.setAttribute('aria-activedescendant', options[i].el.id);
        options[i].el.scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    };

    const span = (cls, text) => {
      const el = document.createElement('span');
      el.className = cls;
      el.textContent = text;
      return el;
    };

    // option renders a result as text only: the index holds the schemas'
    // words, and none of it becomes markup.
    const option = (data, i) => {
      const m = data.meta;
      const li = document.createElement('li');
      li.id = `site-search-option-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.className = 'search-option';
      li.dataset.url = data.url;
      const name = span('search-name', '');
      // Fields, functions, macros and operators are code; pages are prose.
      const isCode = m.kind !== 'payload' && m.kind !== 'dialect' && m.kind !== 'action';
      name.append(isCode ? Object.assign(document.createElement('code'), { textContent: m.title }) : m.title);
      // Two lines: what and where, then the type and tags.
      const head = span('search-line', '');
      head.append(name, ' ', span('search-where', m.payload || ''));
      const facts = span('search-line', '');
      facts.append(span('search-type', m.type || ''));
      for (const tag of (m.tags || '').split(' ').filter(Boolean)) {
        // A tag Fieldbook proposed from the field's name is marked so.
        const proposed = m.tagsfrom === 'proposed';
        const badge = span(`badge tag tag-${tag}${proposed ? ' inferred-fact' : ''}`, proposed ? `${tag}?` : tag);
        if (proposed) badge.title = "Proposed by Fieldbook from the field's name";
        facts.append(' ', badge);
      }
      li.append(head, facts);
      return li;
    };

    // exactFirst re-ranks results by their name alone, keeping Pagefind's
    // order within each rank: a name that is the query (a payload titled
    // "Appointment", a field called answers), then one whose own segment
    // has it as a whole part (form_answers, appointment_datetime), then the
    // rest. Pagefind scores by how often a word's stem occurs, so for
    // "answers" the fields inside the answers (ordered_answers[].answer)
    // would come before the field called answers.
    const exactFirst = (results, query) => {
      const q = query.trim().toLowerCase();
      const rank = (d) => {
        const name = (d.meta.title || '').toLowerCase();
        const own = name.slice(name.lastIndexOf('.') + 1).replace(/[[\]{}]/g, '');
        if (name === q || own === q) return 0;
        if (own.split('_').includes(q)) return 1;
        return 2;
      };
      return results.map((d, i) => ({ d, i, r: rank(d) }))
        .sort((a, b) => a.r - b.r || a.i - b.i)
        .map((x) => x.d);
    };

    const show = async (query) => {
      const n = ++asked;
      if (!query.trim()) {
        options = [];
        list.replaceChildren();
        list.dataset.query = query;
        say('', false);
        open(false);
        return;
      }
      const pf = await load();
      // Pagefind's debounce answers null to a query typed over before it
      // ran, so a word typed key by key fetches results for the word, not
      // for each of its beginnings.
      const found = await pf.debouncedSearch(query, {}, 150);
      if (found === null) return;
      const read = await Promise.all(found.results.slice(0, READ).map((r) => r.data()));
      if (n !== asked) return; // the reader has typed on
      const data = exactFirst(read, query).slice(0, SHOWN);
      list.replaceChildren();
      setActive(-1);
      options = data.map((d, i) => ({ url: d.url, el: option(d, i) }));
      list.append(...options.map((o) => o.el));
      list.dataset.query = query; // what the list answers (the tests wait on it)
      const total = found.results.length;
      if (total === 0) say('No results', true);
      else say(total > SHOWN ? `${total} results, the first ${SHOWN} listed` : `${total} result${total === 1 ? '' : 's'}`, false);
      open(options.length > 0);
    };

    // go opens a result. On the same page only the hash changes, so the
    // focus moves to the field's heading link, where reading goes on.
    const go = (url) => {
      open(false);
      const to = new URL(url, location.href);
      const samePage = to.pathname === location.pathname;
      location.assign(to.href);
      if (samePage && to.hash) {
        document.getElementById(decodeURIComponent(to.hash.slice(1)))?.querySelector('a')?.focus();
      }
    };

    input.addEventListener('focus', () => {
      load().catch(() => {});
      if (options.length) open(true);
      else if (status.textContent) say(status.textContent, true);
    });
    input.addEventListener('input', () => {
      show(input.value).catch((err) => {
        say('Search is unavailable', true);
        console.warn('search:', err);
      });
    });
    input.addEventListener('blur', () => {
      open(false);
      say(status.textContent, false);
    });
    input.addEventListener('keydown', (e) => {
      const n = options.length;
      switch (e.key) {
        case 'ArrowDown':
        case 'ArrowUp':
          if (!n) return;
          e.preventDefault();
          if (list.hidden) open(true);
          setActive(e.key === 'ArrowDown' ? (active + 1) % n : (active - 1 + n) % n);
          break;
        case 'Enter':
          if (list.hidden || !n) return;
          e.preventDefault();
          go(options[Math.max(active, 0)].url);
          break;
        case 'Escape':
          // A type="search" input clears itself on Escape: only when the
          // list is already closed.
          if (list.hidden) return;
          e.preventDefault();
          open(false);
          break;
      }
    });
    // mousedown would take the focus from the input and close the list
    // before the click lands.
    list.addEventListener('mousedown', (e) => e.preventDefault());
    list.addEventListener('click', (e) => {
      const li = e.target.closest('[role="option"]');
      if (li) go(li.dataset.url);
    });

    // "/" focuses the box from anywhere but a place where it is typed: an
    // input, a textarea, a select or an editor (CodeMirror's, in a shadow
    // root, is contenteditable: composedPath sees into it).
    document.addEventListener('keydown', (e) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      const el = e.composedPath()[0];
      if (el instanceof Element && (el.isContentEditable || el.closest('input, textarea, select'))) return;
      e.preventDefault();
      input.focus();
      input.select();
    });
  }
}
