package static

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func site(t *testing.T) http.Handler {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"index.html":                       "<h1>catalog</h1>",
		"index.html.br":                    "BROTLI",
		"index.html.gz":                    "GZIP",
		"404.html":                         "<h1>not found</h1>",
		"events/elation/index.html":        "<h1>elation</h1>",
		"assets/fieldbook.abc123.wasm":     "\x00asm",
		"schemas/elation/appointment.json": `{}`,
		"_headers":                         "/*",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h, err := Handler(dir)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func get(h http.Handler, method, path, encoding string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, nil)
	if encoding != "" {
		r.Header.Set("Accept-Encoding", encoding)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestEveryResponseCarriesTheSecurityHeaders(t *testing.T) {
	h := site(t)
	for _, path := range []string{"/", "/nope", "/assets/fieldbook.abc123.wasm", "/events/elation"} {
		w := get(h, "GET", path, "")
		for k, v := range SecurityHeaders {
			if w.Header().Get(k) != v {
				t.Errorf("%s: %s is %q", path, k, w.Header().Get(k))
			}
		}
	}
	if !strings.Contains(CSP, "script-src 'self' 'wasm-unsafe-eval'") || strings.Contains(CSP, "unsafe-inline") {
		t.Errorf("CSP: %s", CSP)
	}
}

func TestPrecompressedCopiesAreNegotiated(t *testing.T) {
	h := site(t)
	cases := []struct{ accept, body, encoding string }{
		{"gzip, deflate, br", "BROTLI", "br"},
		{"gzip", "GZIP", "gzip"},
		{"br;q=0, gzip", "GZIP", "gzip"},
		{"", "<h1>catalog</h1>", ""},
		{"identity", "<h1>catalog</h1>", ""},
	}
	for _, c := range cases {
		w := get(h, "GET", "/", c.accept)
		if w.Body.String() != c.body || w.Header().Get("Content-Encoding") != c.encoding {
			t.Errorf("Accept-Encoding %q: body %q, encoding %q", c.accept, w.Body.String(), w.Header().Get("Content-Encoding"))
		}
		if w.Header().Get("Content-Type") != "text/html; charset=utf-8" || !strings.Contains(w.Header().Get("Vary"), "Accept-Encoding") {
			t.Errorf("Accept-Encoding %q: headers %v", c.accept, w.Header())
		}
	}
}

func TestCachePolicy(t *testing.T) {
	h := site(t)
	w := get(h, "GET", "/assets/fieldbook.abc123.wasm", "")
	if w.Header().Get("Cache-Control") != CacheImmutable || w.Header().Get("Content-Type") != "application/wasm" {
		t.Errorf("hashed asset: %v", w.Header())
	}
	for _, path := range []string{"/", "/events/elation/", "/schemas/elation/appointment.json"} {
		if got := get(h, "GET", path, "").Header().Get("Cache-Control"); got != CacheRevalidate {
			t.Errorf("%s: Cache-Control %q", path, got)
		}
	}
}

func TestPathsAndErrors(t *testing.T) {
	h := site(t)
	if w := get(h, "GET", "/events/elation", ""); w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != "/events/elation/" {
		t.Errorf("directory without slash: %d %s", w.Code, w.Header().Get("Location"))
	}
	if w := get(h, "GET", "/events/elation/", ""); w.Code != 200 || w.Body.String() != "<h1>elation</h1>" {
		t.Errorf("directory: %d %q", w.Code, w.Body.String())
	}
	for _, path := range []string{"/nope", "/index.html.br", "/_headers", "/.assetsignore", "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd"} {
		w := get(h, "GET", path, "")
		body, _ := io.ReadAll(w.Body)
		if w.Code != http.StatusNotFound || string(body) != "<h1>not found</h1>" {
			t.Errorf("%s: %d %q", path, w.Code, body)
		}
	}
	if w := get(h, "POST", "/", ""); w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d %v", w.Code, w.Header())
	}
	if w := get(h, "HEAD", "/nope", ""); w.Code != http.StatusNotFound || w.Body.Len() != 0 {
		t.Errorf("HEAD 404: %d %d bytes", w.Code, w.Body.Len())
	}
}

func TestHeadersFileStatesTheSamePolicy(t *testing.T) {
	f, err := HeadersFile([]string{"/assets/site.0123456789ab.css", "/assets/fieldbook.abc123.wasm"})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range SecurityHeaders {
		if !strings.Contains(f, "/*\n") || !strings.Contains(f, k+": "+v+"\n") {
			t.Errorf("_headers lacks %s", k)
		}
	}
	for _, a := range []string{"/assets/fieldbook.abc123.wasm", "/assets/site.0123456789ab.css"} {
		if !strings.Contains(f, "\n"+a+"\n  ! Cache-Control\n  Cache-Control: "+CacheImmutable+"\n") {
			t.Errorf("_headers does not make %s immutable:\n%s", a, f)
		}
	}
	// An unknown path under /assets/ gets the 404 page, which must not be
	// cached for good: no rule may match it.
	if strings.Contains(f, AssetsPrefix+"*") || strings.Count(f, CacheImmutable) != 2 {
		t.Errorf("_headers has a rule for every path under %s:\n%s", AssetsPrefix, f)
	}
}

func TestHeadersFileRefusesWhatTheHostWouldNot(t *testing.T) {
	many := make([]string, MaxHeaderRules)
	for i := range many {
		many[i] = fmt.Sprintf("/assets/a%d.js", i)
	}
	for _, assets := range [][]string{many, {"/schemas/x.json"}, {"/assets/*"}} {
		if _, err := HeadersFile(assets); err == nil {
			t.Errorf("%.3q...: no error", assets)
		}
	}
}
