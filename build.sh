#!/usr/bin/env bash
# Every build, run and test entry point of Fieldbook.
#
#   ./build.sh              build everything: templates, the shipped wasm module, the site in dist/
#   ./build.sh wasm         the engine as WebAssembly, unoptimised (fast; for development)
#   ./build.sh release-wasm the shipped module: wasm-opt -Oz of the above (about a minute)
#   ./build.sh test         every test: Go natively and under js/wasm, fuzzing, Node
#   ./build.sh bench        the engine's benchmarks, natively and in wasm, and module sizes
#   ./build.sh serve        build, then serve the site on 127.0.0.1:8080
set -euo pipefail
cd "$(dirname "$0")"

GOROOT_WASM="$(go env GOROOT)/lib/wasm"
export PATH="$PATH:$GOROOT_WASM" # go_js_wasm_exec, for go test under GOOS=js
BUILD=build
DEV_WASM=$BUILD/fieldbook.wasm
SHIPPED_WASM=$BUILD/fieldbook.opt.wasm

wasm() {
  mkdir -p "$BUILD"
  GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o "$DEV_WASM" ./wasm
}

# release_wasm optimises the module for size. It is slow, so the result is
# kept beside the hash of its input and reused while the input is the same
# (go build -trimpath is reproducible).
release_wasm() {
  wasm
  local sum
  sum=$(sha256sum "$DEV_WASM" | cut -d' ' -f1)
  if [[ -f "$SHIPPED_WASM" && -f "$SHIPPED_WASM.input" && "$(cat "$SHIPPED_WASM.input")" == "$sum" ]]; then
    return
  fi
  command -v wasm-opt >/dev/null || { echo "wasm-opt not found: apt-get install binaryen (see README)" >&2; exit 1; }
  echo "wasm-opt -Oz (about a minute)..." >&2
  wasm-opt -Oz --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
    "$DEV_WASM" -o "$SHIPPED_WASM.tmp"
  mv "$SHIPPED_WASM.tmp" "$SHIPPED_WASM"
  echo "$sum" >"$SHIPPED_WASM.input"
}

# generate regenerates the templ components' Go code.
generate() {
  go tool templ generate -log-level error
}

site() {
  generate
  release_wasm
  go run ./site build -out dist -wasm "$SHIPPED_WASM"
}

test_all() {
  echo "== generated code is up to date" >&2
  check_generated
  echo "== go vet" >&2
  go vet ./...
  GOOS=js GOARCH=wasm go vet ./wasm/...
  echo "== gofmt" >&2
  local unformatted
  unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
  [[ -z "$unformatted" ]] || { echo "not gofmt'd: $unformatted" >&2; exit 1; }
  echo "== the shipped module" >&2
  release_wasm
  echo "== go test (native; the site's tests drive headless Chromium)" >&2
  FIELDBOOK_WASM="$PWD/$SHIPPED_WASM" go test -count=1 ./...
  echo "== go test (GOOS=js GOARCH=wasm, in Node)" >&2
  GOOS=js GOARCH=wasm go test -count=1 ./schemas/ ./wasm/...
  echo "== fuzz (short)" >&2
  go test -run '^$' -fuzz '^FuzzValidate$' -fuzztime "${FUZZTIME:-10s}" ./wasm/engine/
  go test -run '^$' -fuzz '^FuzzEvaluate$' -fuzztime "${FUZZTIME:-10s}" ./wasm/engine/
  go test -run '^$' -fuzz '^FuzzParseAgreesWithEncodingJSON$' -fuzztime "${FUZZTIME:-10s}" ./wasm/jsonpos/
  echo "== globalThis.fieldbook (Node, shipped module)" >&2
  FIELDBOOK_WASM="$SHIPPED_WASM" FIELDBOOK_WASM_EXEC="$GOROOT_WASM/wasm_exec.js" \
    node --test wasm/fieldbook.test.mjs
}

# check_generated fails when the committed templ output differs from what
# templ generates: a template edited without regenerating.
check_generated() {
  local before after
  before=$(cat templates/*_templ.go | sha256sum)
  generate
  after=$(cat templates/*_templ.go | sha256sum)
  if [[ "$before" != "$after" ]]; then
    echo "templates/*_templ.go were out of date with the .templ files: regenerated now; commit them" >&2
    exit 1
  fi
}

bench() {
  release_wasm
  echo "== engine benchmarks, native" >&2
  go test -run '^$' -bench . -benchmem -count "${COUNT:-5}" ./wasm/engine/ | tee "$BUILD/bench-native.txt"
  echo "== engine benchmarks, GOOS=js GOARCH=wasm in Node" >&2
  GOOS=js GOARCH=wasm go test -run '^$' -bench . -benchmem -count "${COUNT:-5}" ./wasm/engine/ | tee "$BUILD/bench-wasm.txt"
  echo "== module sizes (bytes)" >&2
  for f in "$DEV_WASM" "$SHIPPED_WASM"; do
    printf '%s raw %d gzip-9 %d brotli-11 %d\n' "$f" "$(stat -c %s "$f")" \
      "$(gzip -9 -c "$f" | wc -c)" "$(brotli -q 11 -c "$f" | wc -c)"
  done
}

case "${1:-all}" in
  all) site ;;
  generate) generate ;;
  site) site ;;
  wasm) wasm ;;
  release-wasm) release_wasm ;;
  test) test_all ;;
  bench) bench ;;
  serve) site && exec go run ./site serve -dir dist -addr "${ADDR:-127.0.0.1:8080}" ;;
  *) sed -n '2,10p' "$0" >&2; exit 2 ;;
esac
