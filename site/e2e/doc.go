// Package e2e holds the site's browser tests. Its TestMain builds the site
// (site/generate) with the engine module named in FIELDBOOK_WASM, the
// editors' bundle in FIELDBOOK_EDITOR (by default build/editor/editor.js)
// and the playground's in FIELDBOOK_PLAYGROUND, with the workflow page's
// workflow.js beside it (without it, ./build.sh playground bundles both
// afresh), serves it as local serve does (site/static), and the tests
// drive it in headless Chromium (site/headless). ./build.sh test runs
// them; go test ./site, the command line's tests, needs no browser.
package e2e
