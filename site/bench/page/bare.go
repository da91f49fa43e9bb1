package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/andybalholm/brotli"

	"fieldbook/site/static"
)

// page is one of the pages a paired run loads in turn.
type page struct {
	name string
	url  string
	sent *byteLog
}

// pairedRuns loads the pages in turn, runs rounds, each load cold (a new
// browser profile), and the order turning round by round, so that a slow
// spell of this shared machine falls on every page alike. It prints each
// load, the medians of intent → first result, and each page's ratio to
// the last page (the bare one): of the medians, and the median of the
// rounds' ratios.
func pairedRuns(pages []page, chromium string, rounds int) {
	got := make([][]timing, len(pages))
	for r := 0; r < rounds; r++ {
		for k := range pages {
			i := (r + k) % len(pages)
			p := pages[i]
			p.sent.take()
			ctx, cancel := browser(chromium)
			t, err := load(ctx, p.url)
			cancel()
			if err != nil {
				fail(fmt.Errorf("%s: %w", p.name, err))
			}
			got[i] = append(got[i], t)
			fmt.Printf("round %d, %s: %s%s\n", r+1, p.name, t, moduleSent(p.sent.take()))
		}
	}
	bare := len(pages) - 1
	fmt.Printf("medians of %d cold loads each, from intent (ms):\n", rounds)
	for i, p := range pages {
		fmt.Printf("  %-28s module compiled %4.0f, engine ready %4.0f, first result %4.0f", p.name,
			median(got[i], compiled), median(got[i], ready), median(got[i], result))
		if i != bare {
			ratios := make([]timing, rounds)
			for r := range ratios {
				ratios[r].result = got[i][r].result / got[bare][r].result
			}
			fmt.Printf("; ÷ bare: of the medians %.2f, median of the rounds' ratios %.2f",
				median(got[i], result)/median(got[bare], result), median(ratios, result))
		}
		fmt.Println()
	}
}

// moduleSent names the .wasm responses of a load, with their bytes as sent
// and their encoding, so that the output shows each page's module came
// compressed alike.
func moduleSent(sent map[string]int) string {
	var parts []string
	for k, n := range sent {
		if f := strings.Fields(k); len(f) > 0 && strings.HasSuffix(f[0], ".wasm") {
			enc := "identity"
			if len(f) > 2 {
				enc = f[2]
			}
			parts = append(parts, fmt.Sprintf("%s %d bytes %s", filepath.Base(f[0]), n, enc))
		}
	}
	sort.Strings(parts)
	if len(parts) == 0 {
		return ""
	}
	return " [" + strings.Join(parts, ", ") + "]"
}

// serveDir serves a built site as local serve does (static.Handler), on a
// port of its own, counting what it sends; it answers the site's URL.
func serveDir(dir string) (string, *byteLog) {
	h, err := static.Handler(dir)
	if err != nil {
		fail(err)
	}
	sent := &byteLog{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail(err)
	}
	go http.Serve(ln, sent.wrap(h))
	return "http://" + ln.Addr().String(), sent
}

var (
	payloadArea    = regexp.MustCompile(`(?s)<textarea[^>]*data-fb="payload"[^>]*>(.*?)</textarea>`)
	expressionArea = regexp.MustCompile(`(?s)<textarea[^>]*data-fb="expression"[^>]*>(.*?)</textarea>`)
)

// bareSite writes the bare cel-go page (the files of src, site/bench/bare)
// into a new directory, laid out and compressed as the site build lays out
// and compresses Fieldbook's (site/generate: a .br and a .gz copy of each
// file, at the best levels), with module as its engine and the payload and
// the first expression of Fieldbook's page fieldbookPage (its index.html
// in the built site), so that both pages evaluate the same.
func bareSite(src, module, fieldbookPage string) string {
	fb, err := os.ReadFile(fieldbookPage)
	if err != nil {
		fail(err)
	}
	payload, expression := payloadArea.FindSubmatch(fb), expressionArea.FindSubmatch(fb)
	if payload == nil || expression == nil {
		fail(fmt.Errorf("%s: no payload or expression textarea", fieldbookPage))
	}
	index, err := os.ReadFile(filepath.Join(src, "index.html"))
	if err != nil {
		fail(err)
	}
	// The textareas' text, unescaped and escaped again: the same text.
	index = []byte(strings.NewReplacer(
		"__PAYLOAD__", html.EscapeString(html.UnescapeString(string(payload[1]))),
		"__EXPRESSION__", html.EscapeString(html.UnescapeString(string(expression[1]))),
	).Replace(string(index)))
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		fail(fmt.Errorf("go env GOROOT: %w", err))
	}
	files := map[string]string{
		"assets/page.js":      filepath.Join(src, "page.js"),
		"assets/worker.js":    filepath.Join(src, "worker.js"),
		"assets/wasm_exec.js": filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"),
		"assets/bare.wasm":    module,
	}
	dir, err := os.MkdirTemp("", "bench-bare-site")
	if err != nil {
		fail(err)
	}
	write := func(rel string, data []byte) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			fail(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			fail(err)
		}
	}
	compressed := func(rel string, data []byte) {
		write(rel, data)
		write(rel+".br", cachedBy(data, ".br", func(w *bytes.Buffer) func() error {
			b := brotli.NewWriterLevel(w, brotli.BestCompression)
			b.Write(data)
			return b.Close
		}))
		write(rel+".gz", cachedBy(data, ".gz", func(w *bytes.Buffer) func() error {
			g, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
			g.Write(data)
			return g.Close
		}))
	}
	compressed("index.html", index)
	write("404.html", []byte("<!doctype html><title>Not found</title>"))
	for rel, from := range files {
		data, err := os.ReadFile(from)
		if err != nil {
			fail(err)
		}
		compressed(rel, data)
	}
	return dir
}

// cacheDir keeps compressed copies by the hash of their input, as the site
// build's does (and the same one, build/cache): brotli's best level takes
// about a minute on a module.
var cacheDir = filepath.Join("build", "cache")

// cachedBy compresses data, or answers the copy in cacheDir.
func cachedBy(data []byte, ext string, compress func(*bytes.Buffer) func() error) []byte {
	sum := sha256.Sum256(data)
	name := filepath.Join(cacheDir, hex.EncodeToString(sum[:])+ext)
	if out, err := os.ReadFile(name); err == nil {
		return out
	}
	var buf bytes.Buffer
	if err := compress(&buf)(); err != nil {
		fail(err)
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err == nil {
		_ = os.WriteFile(name, buf.Bytes(), 0o644)
	}
	return buf.Bytes()
}
