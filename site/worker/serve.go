//go:build js && wasm

package main

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"syscall/js"

	"fieldbook/site/api"
)

// serve registers the Go side of entry.mjs on syumai's binding object:
//
//	binding.handle(method, url, headers, body, resolve, reject)
//
// runs h on one request and calls resolve({status, headers, body}) or, if h
// panics, reject(Error). headers is "name: value\n" per header; body is a
// Uint8Array (entry.mjs has read at most api.MaxBody+1 bytes of it) or null,
// as it is when there is none and when its Content-Length is over
// api.MaxBody (entry.mjs reads none of it, and drains it after the answer);
// the answer's headers are [name, value] pairs and its body a Uint8Array.
// Also set: binding.headers, the headers of every API answer, which
// entry.mjs puts on the answers it writes itself (when the program has
// died, say), and binding.maxBody.
//
// Nothing here allocates a js.Func per request. syumai's ServeNonBlock
// answers with a ReadableStream whose pull and cancel callbacks are
// js.FuncOf that are never released, each holding a 16,640-byte buffer: in
// a program that serves one request that costs nothing, in one that serves
// every request of an isolate it grows the heap by about 17 KB a request.
func serve(h http.Handler) {
	binding := js.Global().Get("context").Get("binding")
	binding.Set("handle", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) != 6 {
			panic(fmt.Sprintf("binding.handle takes 6 arguments, not %d", len(args)))
		}
		method, url, headers, body := args[0].String(), args[1].String(), args[2].String(), args[3]
		resolve, reject := args[4], args[5]
		var data []byte
		if !body.IsNull() && !body.IsUndefined() {
			data = make([]byte, body.Get("byteLength").Int())
			js.CopyBytesToGo(data, body)
		}
		// In a goroutine, as syscall/js asks of anything that might block;
		// the API's handler does not wait on JavaScript, so it still runs to
		// its end before this call returns to entry.mjs.
		go func() {
			defer func() {
				if p := recover(); p != nil {
					reject.Invoke(js.Global().Get("Error").New(fmt.Sprintf("the handler panicked: %v", p)))
				}
			}()
			resolve.Invoke(respond(h, method, url, headers, data))
		}()
		return nil
	}))
	common := http.Header{}
	api.SetCommonHeaders(common)
	binding.Set("headers", headerPairs(common))
	binding.Set("maxBody", api.MaxBody)
}

// respond runs h on the request and returns its answer as entry.mjs takes it.
func respond(h http.Handler, method, url, headers string, body []byte) js.Value {
	r, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		panic(err) // url is the Request's own, already parsed by workerd
	}
	for line := range strings.SplitSeq(headers, "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok {
			r.Header.Add(k, v)
		}
	}
	if body == nil {
		r.Body = http.NoBody
		// A body whose Content-Length is over api.MaxBody is left unread
		// by entry.mjs: its length is all the handler gets, and all its
		// 413 needs.
		if n, err := strconv.ParseInt(r.Header.Get("Content-Length"), 10, 64); err == nil && n > api.MaxBody {
			r.ContentLength = n
		}
	}
	r.RemoteAddr = r.Header.Get("Cf-Connecting-Ip")
	w := &responseWriter{header: http.Header{}}
	h.ServeHTTP(w, r)
	if w.status == 0 {
		w.status = http.StatusOK
	}
	out := js.Global().Get("Uint8Array").New(w.body.Len())
	js.CopyBytesToJS(out, w.body.Bytes())
	return js.ValueOf(map[string]any{
		"status":  w.status,
		"headers": headerPairs(w.header),
		"body":    out,
	})
}

// headerPairs is a header as [name, value] pairs, for new Headers().
func headerPairs(h http.Header) []any {
	var pairs []any
	for k, vs := range h {
		for _, v := range vs {
			pairs = append(pairs, []any{k, v})
		}
	}
	return pairs
}

// responseWriter keeps a whole answer: the API's are small JSON documents.
type responseWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *responseWriter) Header() http.Header { return w.header }

func (w *responseWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *responseWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(p)
}
