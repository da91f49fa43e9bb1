//go:build js && wasm

// Command worker is Fieldbook's Cloudflare Worker: the engine's JSON API
// under /api/v1/ (the static site is served by Workers Static Assets from
// dist/). It is built with syumai/workers for Go's own wasm port.
//
// syumai's Serve ends the Go program once the first response is read, which
// makes its generated worker.mjs start a fresh Go runtime for each request:
// about 27 ms of CPU with cel-go. This one registers its handler, says it is
// ready, and stays alive, and entry.mjs keeps the one instance for every
// request of the isolate. Requests and responses cross between JavaScript
// and Go as plain values (serve.go), not through syumai's streams, whose
// per-response callbacks a long-lived program would keep for good.
package main

import (
	"net/http"

	"github.com/syumai/workers"

	"fieldbook/schemas"
	"fieldbook/site/api"
	"fieldbook/wasm/engine"
)

// perRequest, set with -ldflags "-X main.perRequest=true", restores
// syumai's lifecycle (one Go program per request), for the benchmark that
// compares the two.
var perRequest string

// testEndpoints, set with -ldflags "-X main.testEndpoints=true" by
// ./build.sh test for its own build only, adds the endpoints that end the Go
// program in the middle of a request and that report its memory
// (testendpoints.go). The shipped Worker never has them.
var testEndpoints string

func main() {
	set, err := schemas.Load()
	if err != nil {
		panic("schemas: " + err.Error())
	}
	var h http.Handler = api.Handler(engine.New(set, engine.DefaultLimits), set)
	if perRequest == "true" {
		workers.Serve(h)
		return
	}
	if testEndpoints == "true" {
		h = withTestEndpoints(h)
	}
	serve(h)
	workers.Ready()
	select {} // serve the isolate's requests until it is evicted
}
