//go:build workerd

package api

// These tests run against the real Worker in wrangler's local workerd, which
// ./build.sh test starts and names in FIELDBOOK_WORKER_URL:
//
//	go test -tags workerd -run Worker ./site/api/

import (
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
}
