#!/usr/bin/env bash
# Every build, run and test entry point of Fieldbook.
#
#   ./build.sh              build everything: templates, the shipped wasm module, the site in dist/
#   ./build.sh wasm         the engine as WebAssembly, unoptimised (fast; for development)
#   ./build.sh release-wasm the shipped module: wasm-opt -Oz of the above (about a minute)
#   ./build.sh test         every test: Go natively and under js/wasm, fuzzing, Node
#   ./build.sh bench        the engine's benchmarks, natively and in wasm, module sizes, and wasm-size
#   ./build.sh wasm-size    where the module's bytes go: its code by Go package (site/bench/wasmsize)
#   ./build.sh wasm-start   the module's start in Node: init trace, instantiate to first check (wasm/startbench.mjs)
#   ./build.sh serve        build, then serve the site on 127.0.0.1:8080
#   ./build.sh worker       build the Cloudflare Worker (the site and the API) into build/worker
#   ./build.sh worker-dev   build it, then run it in wrangler's local workerd on 127.0.0.1:8787
#   ./build.sh deploy       build it, then publish it (needs CLOUDFLARE_API_TOKEN)
#   ./build.sh worker-bench time the Worker's API per request, before and after one-instance-per-isolate
#   ./build.sh worker-soak  send SOAK_N (10000) mixed requests to the Worker, checking the answers and that its memory levels off
set -euo pipefail
cd "$(dirname "$0")"

GOROOT_WASM="$(go env GOROOT)/lib/wasm"
export PATH="$PATH:$GOROOT_WASM" # go_js_wasm_exec, for go test under GOOS=js
# wrangler: no telemetry, no fetches of Cloudflare's request metadata.
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
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

# editor bundles the CodeMirror editors (site/editor) with esbuild.
editor() {
  node_modules/.bin/esbuild --version >/dev/null 2>&1 || npm ci --no-audit --no-fund
  node_modules/.bin/esbuild site/editor/editor.mjs --bundle --format=iife --minify --target=es2020 \
    --log-level=warning --outfile="$BUILD/editor/editor.js"
}

# playground bundles the playground's modules (site/assets/playground) with
# esbuild: from main.mjs the one script the pages with a playground load,
# playground.js, and from workflow.mjs the workflow page's, workflow.js,
# beside it.
playground() {
  node_modules/.bin/esbuild --version >/dev/null 2>&1 || npm ci --no-audit --no-fund
  node_modules/.bin/esbuild playground=site/assets/playground/main.mjs workflow=site/assets/playground/workflow.mjs \
    --bundle --format=iife --minify --target=es2020 --log-level=warning --outdir="$BUILD/playground"
}

# site builds dist/. Its search index is written by Pagefind's Node API
# (site/search/index.mjs, which the Go build runs), from node_modules.
site() {
  generate
  release_wasm
  editor
  playground
  [[ -f node_modules/pagefind/package.json ]] || npm ci --no-audit --no-fund
  go run ./site build -out dist -wasm "$SHIPPED_WASM" -editor "$BUILD/editor/editor.js" \
    -playground "$BUILD/playground/playground.js"
}

# worker builds the Worker: syumai's runtime files, our entry, and the Go
# API compiled for js/wasm; its static assets are dist/.
worker() {
  site
  node_modules/.bin/wrangler --version >/dev/null 2>&1 || npm ci --no-audit --no-fund
  go tool workers-assets-gen -mode=go -o "$BUILD/worker"
  cp site/worker/entry.mjs "$BUILD/worker/entry.mjs"
  GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w ${WORKER_LDFLAGS:-}" -o "$BUILD/worker/app.wasm" ./site/worker
}

wrangler() { node_modules/.bin/wrangler "$@"; }

# worker_test_build builds the Worker again, into build/worker-test, with
# the endpoints only tests use (-X main.testEndpoints=true: /api/v1/test/exit
# and /panic end the Go program, /memory reports it), and writes a wrangler
# config for it. It is never deployed.
worker_test_build() {
  local dir="$BUILD/worker-test"
  go tool workers-assets-gen -mode=go -o "$dir"
  cp site/worker/entry.mjs "$dir/entry.mjs"
  GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w -X main.testEndpoints=true" -o "$dir/app.wasm" ./site/worker
  sed -e 's#"main": "build/worker/entry.mjs"#"main": "worker-test/entry.mjs"#' \
    -e 's#"directory": "dist"#"directory": "../dist"#' -e 's#"node_modules/#"../node_modules/#' \
    wrangler.jsonc >"$BUILD/wrangler.test.jsonc"
}

# start_worker runs wrangler dev in the background on 127.0.0.1:$1 with the
# config $2, and waits until the Worker answers; stop_workers ends them.
start_worker() {
  local port=$1 config=$2
  node_modules/.bin/wrangler dev -c "$config" --ip 127.0.0.1 --port "$port" >"$BUILD/wrangler-$port.log" 2>&1 &
  WORKER_PIDS+=("$!")
  for _ in $(seq 1 120); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/api/v1/schemas" && return 0
    sleep 0.5
  done
  echo "the Worker did not start on port $port; its log:" >&2
  cat "$BUILD/wrangler-$port.log" >&2
  return 1
}
WORKER_PIDS=()
stop_workers() {
  for pid in "${WORKER_PIDS[@]}"; do
    pkill -P "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
  done
  WORKER_PIDS=()
}
trap stop_workers EXIT

# workerd_pids lists the workerd processes of the last start_worker (the
# grandchildren of its wrangler: the entry proxy and the Worker), not every
# workerd on the machine.
workerd_pids() { pgrep -d, -P "$(pgrep -d, -P "${WORKER_PIDS[-1]}")" workerd || true; }

# worker_soak sends SOAK_N requests (10,000, about 35 s on an idle
# machine), a mixed load (evaluate, check, validate, the schemas, 404s, a
# malformed and an oversized body), to the test build of the Worker, already
# running on 127.0.0.1:$1 (the last start_worker), and checks every answer
# and that its memory levels off over the second half: the Go program's live
# heap (a leak there is exact, so the bound is tight) and the Worker's
# workerd resident set (a generous bound: workerd's own allocator grows it by
# 4 to 16 KB a request for a while under wrangler dev). It reports the
# isolate's JavaScript heap too. Its workerd processes are the grandchildren
# of the wrangler it started.
worker_soak() {
  go run ./site/bench/worker -url "http://127.0.0.1:$1" -soak "${SOAK_N:-10000}" -warmup 300 -c "${SOAK_C:-2}" \
    -checkpoints "${CHECKPOINTS:-10}" -pids "$(workerd_pids)" \
    -go-memory -js-heap -max-heap-slope 1024 -max-rss-slope 20480
}

# worker_bench times the API per request under wrangler dev: syumai's
# lifecycle (a Go program per request) against ours (one per isolate).
worker_bench() {
  worker
  local pr="$BUILD/worker-per-request"
  go tool workers-assets-gen -mode=go -o "$pr"
  GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w -X main.perRequest=true" -o "$pr/app.wasm" ./site/worker
  sed -e 's#"main": "build/worker/entry.mjs"#"main": "worker-per-request/worker.mjs"#' \
    -e 's#"directory": "dist"#"directory": "../dist"#' -e 's#"node_modules/#"../node_modules/#' \
    wrangler.jsonc >"$BUILD/wrangler.per-request.jsonc"
  echo "== before: syumai's worker.mjs, a Go program per request" >&2
  start_worker "${BENCH_PORT_BEFORE:-8788}" "$BUILD/wrangler.per-request.jsonc"
  go run ./site/bench/worker -url "http://127.0.0.1:${BENCH_PORT_BEFORE:-8788}" -n "${N:-50}" -warmup 5 -pids "$(workerd_pids)"
  stop_workers
  echo "== after: site/worker/entry.mjs, one Go program per isolate" >&2
  start_worker "${BENCH_PORT_AFTER:-8789}" wrangler.jsonc
  go run ./site/bench/worker -url "http://127.0.0.1:${BENCH_PORT_AFTER:-8789}" -n "${N:-200}" -pids "$(workerd_pids)"
  stop_workers
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
  echo "== the shipped module and the bundles of the editors and the playground" >&2
  release_wasm
  editor
  playground
  echo "== go test (native; the browser tests, site/e2e, drive headless Chromium)" >&2
  FIELDBOOK_WASM="$PWD/$SHIPPED_WASM" FIELDBOOK_EDITOR="$PWD/$BUILD/editor/editor.js" \
    FIELDBOOK_PLAYGROUND="$PWD/$BUILD/playground/playground.js" go test -count=1 -timeout 45m ./...
  echo "== go test (GOOS=js GOARCH=wasm, in Node)" >&2
  GOOS=js GOARCH=wasm go test -count=1 -timeout 45m ./schemas/ ./wasm/...
  echo "== CEL conformance (GOOS=js, in Node without a filesystem)" >&2
  # -run names the one test: the fuzz targets would read their corpora.
  # -v prints the counts.
  GOOS=js GOARCH=wasm go test -count=1 -v -exec "$PWD/wasm/nofs_exec.sh" -run '^TestConformance$' ./wasm/engine/
  echo "== fuzz (short)" >&2
  # -fuzzminimizetime: Go minimises each new interesting input for up to
  # a minute by default, and its workers report nothing meanwhile; a short
  # run then spends most of its time there, and one whose -fuzztime ends
  # mid-minimisation fails with "context deadline exceeded".
  go test -run '^$' -fuzz '^FuzzValidate$' -fuzztime "${FUZZTIME:-10s}" -fuzzminimizetime 1s ./wasm/engine/
  go test -run '^$' -fuzz '^FuzzEvaluate$' -fuzztime "${FUZZTIME:-10s}" -fuzzminimizetime 1s ./wasm/engine/
  go test -run '^$' -fuzz '^FuzzInfer$' -fuzztime "${FUZZTIME:-10s}" -fuzzminimizetime 1s ./wasm/engine/
  go test -run '^$' -fuzz '^FuzzBounds$' -fuzztime "${FUZZTIME:-10s}" -fuzzminimizetime 1s ./wasm/engine/
  go test -run '^$' -fuzz '^FuzzParseAgreesWithEncodingJSON$' -fuzztime "${FUZZTIME:-10s}" -fuzzminimizetime 1s ./wasm/jsonpos/
  go test -run '^$' -fuzz '^FuzzDecodeAgreesWithEncodingJSON$' -fuzztime "${FUZZTIME:-10s}" -fuzzminimizetime 1s ./schemas/ordered/
  echo "== globalThis.fieldbook (Node, shipped module)" >&2
  FIELDBOOK_WASM="$SHIPPED_WASM" FIELDBOOK_WASM_EXEC="$GOROOT_WASM/wasm_exec.js" \
    node --test wasm/fieldbook.test.mjs
  echo "== the Worker in wrangler's local workerd" >&2
  worker
  start_worker "${WORKER_TEST_PORT:-8797}" wrangler.jsonc
  FIELDBOOK_WORKER_URL="http://127.0.0.1:${WORKER_TEST_PORT:-8797}" go test -count=1 -tags workerd -run Worker ./site/api/
  stop_workers
  echo "== the Worker's test build: a soak, then its Go program ended mid-request" >&2
  worker_test_build
  start_worker "${WORKER_SOAK_PORT:-8798}" "$BUILD/wrangler.test.jsonc"
  worker_soak "${WORKER_SOAK_PORT:-8798}"
  FIELDBOOK_TEST_WORKER_URL="http://127.0.0.1:${WORKER_SOAK_PORT:-8798}" go test -count=1 -tags workerd -run RestartAfter ./site/api/
  stop_workers
  echo "== wrangler deploy --dry-run" >&2
  wrangler deploy --dry-run --outdir "$BUILD/dry-run"
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
  wasm_size
}

# wasm_size builds the module keeping its name section and sums its code
# by Go package and module.
wasm_size() { go run ./site/bench/wasmsize -top "${TOP:-30}" ./wasm; }

# wasm_start times RUNS (5) starts of the shipped module in fresh Node
# processes, with Go's init trace.
wasm_start() {
  release_wasm
  FIELDBOOK_WASM_EXEC="$GOROOT_WASM/wasm_exec.js" RUNS="${RUNS:-5}" node wasm/startbench.mjs "$SHIPPED_WASM"
}

case "${1:-all}" in
  all) site ;;
  generate) generate ;;
  playground) playground ;;
  site) site ;;
  wasm) wasm ;;
  release-wasm) release_wasm ;;
  test) test_all ;;
  bench) bench ;;
  wasm-size) wasm_size ;;
  wasm-start) wasm_start ;;
  serve) site && exec go run ./site serve -dir dist -addr "${ADDR:-127.0.0.1:8080}" ;;
  worker) worker ;;
  worker-bench) worker_bench ;;
  worker-soak) worker && worker_test_build && start_worker "${PORT:-8798}" "$BUILD/wrangler.test.jsonc" && worker_soak "${PORT:-8798}" ;;
  worker-dev) worker && exec node_modules/.bin/wrangler dev --ip 127.0.0.1 --port "${PORT:-8787}" ;;
  deploy)
    [[ -n "${CLOUDFLARE_API_TOKEN:-}" ]] || { echo "deploy needs CLOUDFLARE_API_TOKEN (a token with Workers edit rights)" >&2; exit 2; }
    worker && wrangler deploy ;;
  *) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
