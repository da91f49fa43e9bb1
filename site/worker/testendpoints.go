//go:build js && wasm

package main

import (
	"encoding/json"
	"net/http"
	"os"
	"runtime"

	"fieldbook/site/api"
)

// withTestEndpoints adds, in front of h, the endpoints of ./build.sh test's
// build of the Worker (-X main.testEndpoints=true), never of the shipped one:
//
//	/api/v1/test/exit    os.Exit(3) while the request is in flight
//	/api/v1/test/panic   a panic in a goroutine of its own, which nothing recovers
//	/api/v1/test/memory  the Go program's memory after a collection, for the soak:
//	                     {"heap": live heap bytes, "objects": live objects,
//	                      "sys": bytes obtained from the wasm memory}
func withTestEndpoints(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case api.Prefix + "test/exit":
			os.Exit(3)
		case api.Prefix + "test/panic":
			go func() { panic("test/panic: a crash nothing recovers") }()
			select {} // the request never gets its answer from Go
		case api.Prefix + "test/memory":
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			api.SetCommonHeaders(w.Header())
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]uint64{"heap": m.HeapAlloc, "objects": m.HeapObjects, "sys": m.Sys})
			return
		}
		h.ServeHTTP(w, r)
	})
}
