//go:build workerd

package api

// These tests run against the real Worker in wrangler's local workerd, which
// ./build.sh test starts and names in FIELDBOOK_WORKER_URL:
//
//	go test -tags workerd -run Worker ./site/api/

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"fieldbook/site/static"
)

func workerURL(t *testing.T) string {
	u := os.Getenv("FIELDBOOK_WORKER_URL")
	if u == "" {
		t.Fatal("FIELDBOOK_WORKER_URL is not set: ./build.sh test starts the Worker and sets it")
	}
	return strings.TrimSuffix(u, "/")
}

func TestWorkerAPI(t *testing.T) {
	runAPICases(t, workerURL(t))
}

func TestWorkerServesTheMethodTable(t *testing.T) {
	runMethodTable(t, workerURL(t))
}

// TestWorkerStaysUpAndCorrect sends 200 requests, each with its own answer,
// to the one Go instance the isolate keeps.
func TestWorkerStaysUpAndCorrect(t *testing.T) {
	base := workerURL(t)
	for i := 0; i < 200; i++ {
		body := fmt.Sprintf(`{"schema": "", "payload": "{\"n\": %d}", "expression": "n * 3 + 1"}`, i)
		resp, err := http.Post(base+"/api/v1/evaluate", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := fmt.Sprintf(`"value":%d`, i*3+1); resp.StatusCode != 200 || !strings.Contains(string(got), want) {
			t.Fatalf("request %d: %d %s, want %s", i, resp.StatusCode, got, want)
		}
	}
}

func TestWorkerServesTheSite(t *testing.T) {
	base := workerURL(t)
	resp, err := http.Get(base + "/events/elation/appointment/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "Elation Appointment Not Seen Left Without Seeing") {
		t.Fatalf("payload page: %d %.200s", resp.StatusCode, page)
	}
	for k, v := range static.SecurityHeaders {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("page %s: %q", k, got)
		}
	}
	if got := resp.Header.Get("Cache-Control"); got != static.CacheRevalidate {
		t.Errorf("page Cache-Control: %q", got)
	}

	asset := regexp.MustCompile(`/assets/playground\.[0-9a-f]+\.js`).FindString(string(page))
	resp, err = http.Get(base + asset)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != static.CacheImmutable {
		t.Errorf("%s: %d, Cache-Control %q", asset, resp.StatusCode, resp.Header.Get("Cache-Control"))
	}

	req, _ := http.NewRequest("GET", base+"/no/such/page/", nil)
	req.Header.Set("Sec-Fetch-Mode", "navigate")
	req.Header.Set("Accept", "text/html")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	notFound, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 404 || !strings.Contains(string(notFound), "Page not found") {
		t.Errorf("unknown path: %d %.200s", resp.StatusCode, notFound)
	}

	// A stale link under /assets/ (an older build's hash) gets the 404 page,
	// which a browser must ask again for, not keep for a year.
	for _, path := range []string{strings.Replace(asset, ".js", ".0.js", 1), "/assets/nope.js"} {
		resp, err = http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 || resp.Header.Get("Cache-Control") != static.CacheRevalidate {
			t.Errorf("%s: %d, Cache-Control %q, want 404 and %q", path, resp.StatusCode, resp.Header.Get("Cache-Control"), static.CacheRevalidate)
		}
	}
}

// TestRestartAfterTheGoProgramEnds runs against ./build.sh test's own build
// of the Worker (-X main.testEndpoints=true), named in
// FIELDBOOK_TEST_WORKER_URL, whose /api/v1/test/exit and /api/v1/test/panic
// end the Go program while their request is in flight: that request gets a
// JSON 503 and the next a fresh program's correct answer.
//
//	go test -tags workerd -run RestartAfter ./site/api/
func TestRestartAfterTheGoProgramEnds(t *testing.T) {
	base := strings.TrimSuffix(os.Getenv("FIELDBOOK_TEST_WORKER_URL"), "/")
	if base == "" {
		t.Fatal("FIELDBOOK_TEST_WORKER_URL is not set: ./build.sh test builds the Worker with its test endpoints, starts it and sets it")
	}
	evaluate := func(t *testing.T, n int) {
		t.Helper()
		body := fmt.Sprintf(`{"schema": "", "payload": "{\"n\": %d}", "expression": "n * 3 + 1"}`, n)
		resp, err := http.Post(base+"/api/v1/evaluate", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := fmt.Sprintf(`"value":%d`, n*3+1); resp.StatusCode != 200 || !strings.Contains(string(got), want) {
			t.Fatalf("evaluate %d: %d %s, want 200 and %s", n, resp.StatusCode, got, want)
		}
		checkHeaders(t, resp)
	}
	for i, how := range []string{"exit", "panic", "exit"} {
		t.Run(fmt.Sprint(how, i), func(t *testing.T) {
			evaluate(t, 10*i) // a program is running
			resp, err := http.Post(base+"/api/v1/test/"+how, "application/json", strings.NewReader(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var e struct {
				Error struct{ Code, Message string }
			}
			if resp.StatusCode != 503 || json.Unmarshal(body, &e) != nil || e.Error.Code != "engine_restarting" || e.Error.Message == "" {
				t.Fatalf("the request in flight when the program ended: %d %q, want 503 and a JSON engine_restarting", resp.StatusCode, body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			checkHeaders(t, resp)
			for n := 1; n <= 3; n++ {
				evaluate(t, 10*i+n) // a fresh program
			}
		})
	}
}

func TestWorkerRunsTheWorkflowExamples(t *testing.T) {
	runWorkflowExamples(t, workerURL(t))
}
