// Writes the site's search index with Pagefind. The Go build
// (site/generate/search.go) makes the records and pipes them here as a JSON
// array of {url, content}: content is a small HTML document, whose elements
// carry Pagefind's weights, metadata and filters, and url is where a result
// leads (a field's anchor). The one argument is the directory to write,
// dist/pagefind. The built pages are not crawled: each payload page has a
// record, and each field one of its own, at its anchor, which crawling the
// pages would not give.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as pagefind from 'pagefind';

const out = process.argv[2];
if (!out) {
  console.error('usage: node site/search/index.mjs <output directory> < records.json');
  process.exit(2);
}
const records = JSON.parse(readFileSync(0, 'utf8'));

const fail = async (what, errors) => {
  console.error(`pagefind: ${what}: ${errors.join('; ')}`);
  await pagefind.close();
  process.exit(1);
};

const { index, errors } = await pagefind.createIndex({});
if (errors.length) await fail('createIndex', errors);
for (const r of records) {
  const res = await index.addHTMLFile(r);
  if (res.errors.length) await fail(r.url, res.errors);
}
const written = await index.writeFiles({ outputPath: out });
if (written.errors.length) await fail('writeFiles', written.errors);
await pagefind.close();

// Pagefind also writes its ready-made search interfaces; the site has its own
// (site/assets/search.js), so they would only be dead weight in dist/.
for (const name of ['pagefind-ui.js', 'pagefind-ui.css', 'pagefind-modular-ui.js', 'pagefind-modular-ui.css',
  'pagefind-component-ui.js', 'pagefind-component-ui.css', 'pagefind-highlight.js']) {
  rmSync(join(out, name), { force: true });
}
