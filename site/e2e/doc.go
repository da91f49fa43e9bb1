// Package e2e holds the site's browser tests: its TestMain builds the site
// (site/generate, with the engine module named in FIELDBOOK_WASM and the
// bundles built by ./build.sh), serves it as local serve does
// (site/static), and the tests drive it in headless Chromium
// (site/headless). ./build.sh test runs them; go test ./site, the command
// line's tests, needs no browser.
package e2e
