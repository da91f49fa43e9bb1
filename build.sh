#!/usr/bin/env bash
# Every build, run and test entry point of Fieldbook.
#
#   ./build.sh              build everything: templates, the shipped wasm module, the site in dist/
#   ./build.sh setup [serve|test] install what the commands need (serve and test run it themselves)
#   ./build.sh wasm         the engine as WebAssembly, unoptimised (fast; for development)
#   ./build.sh release-wasm the shipped module: wasm-opt -Oz of the above (about a minute)
#   ./build.sh test         every test: Go natively and under js/wasm, fuzzing, Node
#   ./build.sh bench        the engine's benchmarks, natively and in wasm, module sizes, and wasm-size
#   ./build.sh bench-wasm   the page benchmark's bare cel-go module and the engine without its action schemas
#   ./build.sh wasm-size    where the module's bytes go: its code by Go package (site/bench/wasmsize)
#   ./build.sh wasm-start   the module's start in Node: init trace, instantiate to first check (wasm/startbench.mjs)
#   ./build.sh serve        build for local use (the unoptimised module), then serve the site on 127.0.0.1:8080
#   ./build.sh worker       build the Cloudflare Worker (the site and the API) into build/worker
#   ./build.sh worker-dev   build it, then run it in wrangler's local workerd on 127.0.0.1:8787
#   ./build.sh deploy       build it, then publish it (needs CLOUDFLARE_API_TOKEN, and the Workers Paid plan)
#   ./build.sh deploy --static  build the site, then publish it alone as static assets (any plan, the Free one too)
#   ./build.sh worker-bench time the Worker's API: warm per request (before and after one-instance-per-isolate), and the first request
#   ./build.sh worker-soak  send SOAK_N (10000) mixed requests to the Worker, checking the answers and that its memory levels off
set -euo pipefail
cd "$(dirname "$0")"

# Go and Node are the two things a machine must bring; setup installs the rest.
command -v go >/dev/null || { echo "Fieldbook needs Go 1.26 on the PATH (https://go.dev/dl/), and Node 20 or later" >&2; exit 1; }
GOROOT_WASM="$(go env GOROOT)/lib/wasm"
export PATH="$PATH:$GOROOT_WASM" # go_js_wasm_exec, for go test under GOOS=js
# wrangler: no telemetry, no fetches of Cloudflare's request metadata.
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
BUILD=build
DEV_WASM=$BUILD/fieldbook.wasm
SHIPPED_WASM=$BUILD/fieldbook.opt.wasm

# setup installs what a command needs, and does nothing where it is there:
# the Debian packages (with apt-get, as root or through passwordless sudo;
# otherwise it stops and says what to run), Go's modules, and the npm
# packages of the lockfile. serve and test run it first, so that each works
# alone on a fresh Debian machine with Go and Node. With
# FIELDBOOK_SETUP_DRY_RUN=1 it prints what it would run and runs none of
# it (build_test.go checks it so, with tools hidden from the PATH).
setup() {
  local command=${1:-all} packages
  # What each package is for:
  #   ca-certificates   the system's roots: Go fetches its modules over HTTPS with them
  #   binaryen          wasm-opt, which shrinks the shipped module under Cloudflare's 25 MiB asset limit
  #   chromium, fonts-dejavu-core  the site's browser tests (headless, driven from Go by chromedp)
  #   curl              waiting for the local Worker to answer
  #   procps            pgrep, which finds the Worker's workerd processes for the soak's memory readings
  #   brotli            ./build.sh bench's module sizes
  # serve builds with the unoptimised module and Go's own compressors, so
  # it needs none of the tools.
  case $command in
    serve) packages=(ca-certificates) ;;
    test) packages=(ca-certificates binaryen chromium fonts-dejavu-core curl procps) ;;
    all) packages=(ca-certificates binaryen chromium fonts-dejavu-core curl procps brotli) ;;
    *) echo "setup: unknown command $command (serve, test, or none for everything)" >&2; exit 2 ;;
  esac
  local next="./build.sh $command"
  [[ $command == all ]] && next="./build.sh setup"
  if ! command -v node >/dev/null || ! command -v npm >/dev/null \
    || ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
    echo "Fieldbook needs Node 20 or later, with npm, on the PATH (on Debian: apt-get install nodejs npm)" >&2
    exit 1
  fi
  debian_packages "$next" "${packages[@]}"
  setup_run go mod download
  node_packages
}

# setup_run runs a command of setup's, or only prints it in a dry run.
setup_run() {
  if [[ -n "${FIELDBOOK_SETUP_DRY_RUN:-}" ]]; then
    echo "would run: $*"
  else
    "$@"
  fi
}

# has_package tells whether a Debian package's tool is there: the command it
# installs, found on the PATH, so that a machine that has the tool some other
# way passes too. A package without a command (a font, the certificates) is
# asked of dpkg; where there is no dpkg, it cannot be told and is assumed.
has_package() {
  case $1 in
    binaryen) command -v wasm-opt ;;
    brotli) command -v brotli ;;
    chromium) [[ -x "${CHROMIUM:-}" ]] || command -v chromium ;; # site/headless takes $CHROMIUM first
    curl) command -v curl ;;
    procps) command -v pgrep ;;
    *) ! command -v dpkg-query || [[ "$(dpkg-query -W -f '${Status}' "$1" 2>/dev/null)" == "install ok installed" ]] ;;
  esac >/dev/null
}

# debian_packages installs those of the packages that are missing, or stops
# with the command to run when it cannot: no apt-get, or neither root nor
# passwordless sudo. $1 is the command to run again afterwards.
debian_packages() {
  local next=$1 p missing=()
  shift
  for p in "$@"; do has_package "$p" || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  local install=(apt-get install -y --no-install-recommends "${missing[@]}")
  if ! command -v apt-get >/dev/null; then
    echo "missing: ${missing[*]} (Debian's package names), and there is no apt-get here to install them." >&2
    echo "Install them with this system's package manager, then run $next again." >&2
    exit 1
  fi
  local sudo=()
  if [[ "$(id -u)" != 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "missing Debian packages: ${missing[*]}. Install them as root, then run $next again:" >&2
      echo "  apt-get update && ${install[*]}" >&2
      exit 1
    fi
  fi
  echo "installing Debian packages: ${missing[*]}" >&2
  setup_run "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  setup_run "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive "${install[@]}"
}

# node_packages runs npm ci when node_modules was not installed from the
# lockfile as it is now: NPM_STAMP holds the lockfile's hash as of the last
# npm ci (which empties node_modules, the stamp with it). npm ci takes a
# minute; the check, none.
NPM_STAMP=node_modules/.fieldbook-lockfile.sha256
node_packages() {
  local sum
  sum=$(sha256sum package-lock.json | cut -d' ' -f1)
  [[ -f "$NPM_STAMP" && "$(<"$NPM_STAMP")" == "$sum" ]] && return 0
  setup_run npm ci --no-audit --no-fund
  [[ -n "${FIELDBOOK_SETUP_DRY_RUN:-}" ]] || echo "$sum" >"$NPM_STAMP"
}

wasm() {
  mkdir -p "$BUILD"
  GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o "$DEV_WASM" ./wasm
}

# optimise writes wasm-opt -Oz of module IN to OUT (the flags of the
# shipped module). It is slow, so OUT is kept beside the hash of its input
# (OUT.input) and reused while the input is the same (go build -trimpath is
# reproducible).
optimise() {
  local in=$1 out=$2 sum
  sum=$(sha256sum "$in" | cut -d' ' -f1)
  if [[ -f "$out" && -f "$out.input" && "$(cat "$out.input")" == "$sum" ]]; then
    return
  fi
  command -v wasm-opt >/dev/null || { echo "wasm-opt not found: ./build.sh setup installs it (Debian's binaryen)" >&2; exit 1; }
  echo "wasm-opt -Oz $in (about a minute)..." >&2
  wasm-opt -Oz --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int "$in" -o "$out.tmp"
  mv "$out.tmp" "$out"
  echo "$sum" >"$out.input"
}

# release_wasm optimises the module for size.
release_wasm() {
  wasm
  optimise "$DEV_WASM" "$SHIPPED_WASM"
}

# bench_wasm builds the page benchmark's other two modules
# (go run ./site/bench/page -bare, -noactions), each as the shipped one is
# built (the same go build and wasm-opt flags): build/bare.opt.wasm, the
# bare cel-go page's (site/bench/bare), and
# build/fieldbook-noactions.opt.wasm, the engine without the action schemas
# (-tags fieldbook_noactions: schemas/embed_noactions.go).
bench_wasm() {
  mkdir -p "$BUILD"
  local name pkg tags
  for name in bare fieldbook-noactions; do
    case $name in
      bare) pkg=./site/bench/bare tags= ;;
      fieldbook-noactions) pkg=./wasm tags=fieldbook_noactions ;;
    esac
    GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -tags "$tags" -o "$BUILD/$name.wasm" "$pkg"
    optimise "$BUILD/$name.wasm" "$BUILD/$name.opt.wasm"
  done
}

# generate regenerates the templ components' Go code.
generate() {
  go tool templ generate -log-level error
}

# templates_as_committed tells whether templates/ is exactly as committed,
# the components and their generated Go: then there is nothing to generate,
# since ./build.sh test fails a commit whose generated Go is out of date
# (check_generated). serve asks, to skip building templ's command, which
# took longer than anything else in a first serve with an empty Go build
# cache (BENCHMARKS.md, "The first ./build.sh serve").
templates_as_committed() {
  git rev-parse --is-inside-work-tree >/dev/null 2>&1 && [[ -z "$(git status --porcelain -- templates)" ]]
}

# editor bundles the CodeMirror editors (site/editor) with esbuild.
editor() {
  node_packages
  node_modules/.bin/esbuild site/editor/editor.mjs --bundle --format=iife --minify --target=es2020 \
    --log-level=warning --outfile="$BUILD/editor/editor.js"
}

# playground bundles the playground's modules (site/assets/playground) with
# esbuild: from main.mjs the one script the pages with a playground load,
# playground.js, and from workflow.mjs the workflow page's, workflow.js,
# beside it.
playground() {
  node_packages
  node_modules/.bin/esbuild playground=site/assets/playground/main.mjs workflow=site/assets/playground/workflow.mjs \
    --bundle --format=iife --minify --target=es2020 --log-level=warning --outdir="$BUILD/playground"
}

# site builds dist/. Its search index is written by Pagefind's Node API
# (site/search/index.mjs, which the Go build runs), from node_modules.
# With "local", for ./build.sh serve, it takes the unoptimised module and
# precompresses at quick settings: on a fresh clone, wasm-opt -Oz and brotli
# at quality 11 on the module take about a minute each (their results are
# cached in build/ after), and a server on this machine needs neither the
# shipped size nor the best ratio. Everything else (./build.sh, deploy,
# bench, the tests) builds and checks the shipped module.
site() {
  local module=$SHIPPED_WASM compress=best
  if [[ "${1:-}" == local ]]; then
    templates_as_committed || generate
    wasm
    module=$DEV_WASM compress=fast
  else
    generate
    release_wasm
  fi
  editor
  playground
  go run ./site build -out dist -wasm "$module" -compress "$compress" -editor "$BUILD/editor/editor.js" \
    -playground "$BUILD/playground/playground.js"
}

# worker builds the Worker: syumai's runtime files, our entry, and the Go
# API compiled for js/wasm; its static assets are dist/.
worker() {
  site
  go tool workers-assets-gen -mode=go -o "$BUILD/worker"
  cp site/worker/entry.mjs "$BUILD/worker/entry.mjs"
  GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w ${WORKER_LDFLAGS:-}" -o "$BUILD/worker/app.wasm" ./site/worker
}

wrangler() { node_modules/.bin/wrangler "$@"; }

# static_limits checks dist/ against the limits of Workers Static Assets on
# the Free plan, the static-only deploy's (wrangler.static.jsonc): at most
# 20,000 files a version and 25 MiB a file (Cloudflare's Workers limits
# page). wrangler deploy --dry-run refuses a file over 25 MiB, but counts
# nothing. The files counted are those wrangler uploads: not the ones
# dist/.assetsignore names (the .br and .gz copies; its lines are read as
# file name patterns, which is all the site build writes there), nor
# wrangler's own _headers, _redirects and .assetsignore.
static_limits() {
  local not=(! -name .assetsignore ! -name _headers ! -name _redirects) pattern count largest
  while read -r pattern; do
    [[ -n "$pattern" ]] && not+=(! -name "$pattern")
  done <dist/.assetsignore
  count=$(find dist -type f "${not[@]}" | wc -l)
  largest=$(find dist -type f "${not[@]}" -printf '%s %P\n' | sort -n | tail -1)
  echo "static assets: $count files (Free plan: at most 20,000); the largest: ${largest#* }, ${largest%% *} bytes (at most 25 MiB, 26,214,400)" >&2
  if ((count > 20000 || ${largest%% *} > 25 * 1024 * 1024)); then
    echo "dist/ is past the Free plan's limits for static assets" >&2
    exit 1
  fi
}

# deploy publishes the Worker, the site and the API (wrangler.jsonc: its
# script is 5.3 MiB gzip, which needs the Workers Paid plan's 10 MB), or
# with --static the site alone as static assets (wrangler.static.jsonc: no
# script, within any plan's limits, the Free one's too).
deploy() {
  [[ -n "${CLOUDFLARE_API_TOKEN:-}" ]] || { echo "deploy needs CLOUDFLARE_API_TOKEN (a token with Workers edit rights)" >&2; exit 2; }
  case "${1:-}" in
    "")
      worker
      wrangler deploy
      ;;
    --static)
      site
      static_limits
      wrangler deploy -c wrangler.static.jsonc
      ;;
    *) echo "deploy: unknown argument $1 (--static for the static site alone)" >&2; exit 2 ;;
  esac
}

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
# lifecycle (a Go program per request) against ours (one per isolate), warm;
# then the first requests of FRESH_N (12) new isolates, each in a wrangler
# dev of its own that the bench starts (a new workerd: the module loaded, Go
# started and the engine's first environment built anew), and of RESTARTS_N
# (15) new Go programs in one running isolate of the test build, warmed up
# by 50 evaluates, each after /api/v1/test/exit (the module kept).
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
  echo "== the first request in a new isolate: a new wrangler dev for each" >&2
  go run ./site/bench/worker -url "http://127.0.0.1:${BENCH_PORT_FRESH:-8790}" -fresh "${FRESH_N:-12}" -config wrangler.jsonc
  echo "== the first request of a new Go program in a running isolate (the test build)" >&2
  worker_test_build
  start_worker "${BENCH_PORT_RESTART:-8791}" "$BUILD/wrangler.test.jsonc"
  go run ./site/bench/worker -url "http://127.0.0.1:${BENCH_PORT_RESTART:-8791}" -restarts "${RESTARTS_N:-15}" -pids "$(workerd_pids)"
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
  echo "== the patched copy of jsonschema (third_party/jsonschema/README.md), with the race detector where there is a C compiler" >&2
  go vet github.com/santhosh-tekuri/jsonschema/v6
  local race=-race
  # The race detector needs cgo, and so a C compiler, which a machine with
  # only Go may lack: the tests then run without it, and say so.
  if [[ "$(go env CGO_ENABLED)" != 1 ]] || ! command -v "$(go env CC)" >/dev/null; then
    echo "no C compiler ($(go env CC)): the race detector is not run" >&2
    race=
  fi
  go test -count=1 $race github.com/santhosh-tekuri/jsonschema/v6
  echo "== go test (GOOS=js GOARCH=wasm, in Node)" >&2
  GOOS=js GOARCH=wasm go test -count=1 -timeout 45m ./schemas/ ./wasm/...
  echo "== CEL conformance (GOOS=js, in Node without a filesystem)" >&2
  # -run names the one test: the fuzz targets would read their corpora.
  # -v prints the counts.
  GOOS=js GOARCH=wasm go test -count=1 -v -exec "$PWD/wasm/nofs_exec.sh" -run '^TestConformance$' ./wasm/engine/
  echo "== fuzz (short)" >&2
  # Budgets are counts of executions, not durations: Go 1.26's coordinator
  # can report a -fuzztime deadline as a failure ("context deadline
  # exceeded", no input written: go.dev/issue/75804, fixed in Go 1.27),
  # which a busy CI machine hits. Each count is about ten seconds here.
  # -fuzzminimizetime: Go minimises each new interesting input for up to
  # a minute by default, and its workers report nothing meanwhile.
  # FUZZTIME (a duration such as 1m, or a count such as 50000x) replaces
  # every budget.
  fuzz() {
    go test -run '^$' -fuzz "^$1\$" -fuzztime "${FUZZTIME:-$3}" -fuzzminimizetime 1s -timeout 20m "$2"
  }
  fuzz FuzzValidate ./wasm/engine/ 5000x
  fuzz FuzzEvaluate ./wasm/engine/ 8000x
  fuzz FuzzInfer ./wasm/engine/ 3000x
  fuzz FuzzBounds ./wasm/engine/ 300x
  fuzz FuzzRun ./wasm/engine/ 400x
  fuzz FuzzExplain ./wasm/engine/ 5000x
  fuzz FuzzParseAgreesWithEncodingJSON ./wasm/jsonpos/ 200000x
  fuzz FuzzDecodeAgreesWithEncodingJSON ./schemas/ordered/ 150000x
  echo "== the page's modules that need no page (Node)" >&2
  node --test site/assets/playground/*.test.mjs
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
  echo "== the static-only deploy: wrangler deploy --dry-run, and the Free plan's limits" >&2
  wrangler deploy -c wrangler.static.jsonc --dry-run --outdir "$BUILD/dry-run-static"
  static_limits
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
  bench-wasm) bench_wasm ;;
  setup) setup "${2:-all}" ;;
  test)
    setup test
    test_all
    ;;
  bench) bench ;;
  wasm-size) wasm_size ;;
  wasm-start) wasm_start ;;
  serve)
    # One command a line: set -e does not stop inside a function that
    # runs on the left of &&.
    setup serve
    site local
    exec go run ./site serve -dir dist -addr "${ADDR:-127.0.0.1:8080}"
    ;;
  worker) worker ;;
  worker-bench) worker_bench ;;
  worker-soak) worker && worker_test_build && start_worker "${PORT:-8798}" "$BUILD/wrangler.test.jsonc" && worker_soak "${PORT:-8798}" ;;
  worker-dev) worker && exec node_modules/.bin/wrangler dev --ip 127.0.0.1 --port "${PORT:-8787}" ;;
  deploy) deploy "${2:-}" ;;
  *) sed -n '2,19p' "$0" >&2; exit 2 ;;
esac
