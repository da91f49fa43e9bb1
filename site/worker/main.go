//go:build js && wasm

// Command worker is Fieldbook's Cloudflare Worker: the engine's JSON API
// under /api/v1/ (the static site is served by Workers Static Assets from
// dist/). It is built with syumai/workers for Go's own wasm port.
//
// syumai's Serve ends the Go program once the first response is read, which
// makes its generated worker.mjs start a fresh Go runtime for each request:
// about 27 ms of CPU with cel-go. This one registers its handler, says it is
// ready, and stays alive, and entry.mjs keeps the one instance for every
// request of the isolate.
package main

import (
	"github.com/syumai/workers"

	"fieldbook/schemas"
	"fieldbook/site/api"
	"fieldbook/wasm/engine"
)

// perRequest, set with -ldflags "-X main.perRequest=true", restores
// syumai's lifecycle (one Go program per request), for the benchmark that
// compares the two.
var perRequest string

func main() {
	set, err := schemas.Load()
	if err != nil {
		panic("schemas: " + err.Error())
	}
	h := api.Handler(engine.New(set, engine.DefaultLimits), set)
	if perRequest == "true" {
		workers.Serve(h)
		return
	}
	workers.ServeNonBlock(h)
	workers.Ready()
	select {} // serve the isolate's requests until it is evicted
}
