package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldbook/schemas"
	"fieldbook/wasm/engine"
)

// The oversized bodies: 2 MiB with a Content-Length, 3 MiB chunked (no
// Content-Length, so the server learns the size only by reading).
const (
	oversizedPlain   = 2 << 20
	oversizedChunked = 3 << 20
)

// oversizedBody is a JSON request of n bytes.
func oversizedBody(n int) []byte {
	head, tail := `{"schema": "", "payload": "`, `", "expression": "1"}`
	return []byte(head + strings.Repeat("x", n-len(head)-len(tail)) + tail)
}

// answer is what came back for one request.
type answer struct {
	status int
	body   []byte
	header http.Header
	err    error
}

func (a answer) String() string {
	if a.err != nil {
		return a.err.Error()
	}
	return fmt.Sprintf("%d %.200q", a.status, a.body)
}

// postOversized sends an oversized evaluate, with a Content-Length or
// chunked.
func postOversized(client *http.Client, base string, body []byte, chunked bool) answer {
	var r io.Reader = bytes.NewReader(body)
	if chunked {
		r = io.MultiReader(r) // a reader of unknown length: Transfer-Encoding: chunked
	}
	req, err := http.NewRequest("POST", base+"/api/v1/evaluate", r)
	if err != nil {
		return answer{err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	return do(client, req)
}

func do(client *http.Client, req *http.Request) answer {
	resp, err := client.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, body: body, header: resp.Header, err: err}
}

// checkTooLarge holds an answer to the API's own 413.
func checkTooLarge(t *testing.T, what string, a answer) {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string }
	}
	if a.err != nil || a.status != 413 || json.Unmarshal(a.body, &e) != nil || e.Error.Code != "payload_too_large" || e.Error.Message == "" {
		t.Fatalf("%s: %v, want 413 and a JSON payload_too_large", what, a)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s: Content-Type %q", what, ct)
	}
	checkHeaders(t, &http.Response{Header: a.header})
}

// normalRequest is request i of a load: an evaluate with an answer of its
// own, or the list of schemas (a GET, which wrangler dev's proxy retries
// rather than fails), and what its answer must hold.
func normalRequest(base string, i int) (*http.Request, string) {
	if i%5 == 4 {
		req, _ := http.NewRequest("GET", base+"/api/v1/schemas", nil)
		return req, `{"id":"elation/appointment"`
	}
	body := fmt.Sprintf(`{"schema": "", "payload": "{\"n\": %d}", "expression": "n * 3 + 1"}`, i)
	req, _ := http.NewRequest("POST", base+"/api/v1/evaluate", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req, fmt.Sprintf(`"value":%d`, i*3+1)
}

// hangAfter bounds every request of these tests: a hang detector, many
// times what a request takes.
const hangAfter = 30 * time.Second

// runOversizedThenNormal sends an oversized body, then, from another
// client on a connection of its own, a normal request, 10 times each for
// a body with a Content-Length and a chunked one: the oversized request
// gets the API's 413, and the normal one its own answer. (Under wrangler
// dev, a Worker that answered without reading the whole body broke the
// next request: wrangler's proxy answered it 503 "Your worker restarted
// mid-request", or held a GET for good.)
func runOversizedThenNormal(t *testing.T, base string) {
	sender := &http.Client{Timeout: hangAfter}
	for _, chunked := range []bool{false, true} {
		size, how := oversizedPlain, "with a Content-Length"
		if chunked {
			size, how = oversizedChunked, "chunked"
		}
		body := oversizedBody(size)
		t.Run(fmt.Sprintf("%d MiB %s", size>>20, how), func(t *testing.T) {
			for i := range 10 {
				checkTooLarge(t, fmt.Sprintf("oversized body %d", i), postOversized(sender, base, body, chunked))
				// Another client, on a new connection.
				other := &http.Client{Timeout: hangAfter, Transport: &http.Transport{DisableKeepAlives: true}}
				for j, n := range []int{2 * i, 2*i + 4} { // an evaluate, then a GET
					req, want := normalRequest(base, n)
					a := do(other, req)
					if a.err != nil || a.status != 200 || !bytes.Contains(a.body, []byte(want)) {
						t.Fatalf("round %d: request %d after the oversized body: %v, want 200 and %s", i, j+1, a, want)
					}
				}
			}
		})
	}
}

// runMixedLoad sends n requests, c at a time, every 40th of them oversized
// (by turns 2 MiB with a Content-Length and 3 MiB chunked), and counts the
// answers: every oversized request gets the API's 413, every other its own
// answer, and none a 503.
func runMixedLoad(t *testing.T, base string, n, c int) {
	client := &http.Client{Timeout: hangAfter, Transport: &http.Transport{MaxIdleConnsPerHost: c}}
	plain, chunked := oversizedBody(oversizedPlain), oversizedBody(oversizedChunked)
	var (
		mu       sync.Mutex
		next     int
		statuses = map[int]int{}
		wrong    []string
		wg       sync.WaitGroup
	)
	for range c {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				var (
					a          answer
					wantStatus = 200
					want       string
				)
				if i%40 == 39 {
					if (i/40)%2 == 0 {
						a = postOversized(client, base, plain, false)
					} else {
						a = postOversized(client, base, chunked, true)
					}
					wantStatus, want = 413, `"code":"payload_too_large"`
				} else {
					var req *http.Request
					req, want = normalRequest(base, i)
					a = do(client, req)
				}
				mu.Lock()
				statuses[a.status]++
				if a.err != nil || a.status != wantStatus || !bytes.Contains(a.body, []byte(want)) {
					wrong = append(wrong, fmt.Sprintf("request %d: %v, want %d and %s", i, a, wantStatus, want))
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	t.Logf("%d requests, %d at a time, every 40th oversized: answers by status %v", n, c, statuses)
	if statuses[503] > 0 {
		t.Errorf("%d answers were 503", statuses[503])
	}
	if len(wrong) > 0 {
		t.Errorf("%d wrong answers; the first: %s", len(wrong), strings.Join(wrong[:min(len(wrong), 5)], "; "))
	}
	if statuses[413] != n/40 {
		t.Errorf("%d answers 413, want %d", statuses[413], n/40)
	}
}

// localAPI serves the API natively, for the test's length.
func localAPI(t *testing.T) string {
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(Handler(engine.New(set, engine.DefaultLimits), set))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestOversizedBodyThenNormalRequests(t *testing.T) {
	runOversizedThenNormal(t, localAPI(t))
}

func TestMixedLoadWithOversizedBodies(t *testing.T) {
	runMixedLoad(t, localAPI(t), 400, 2)
}
