package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

// TestBareSite writes the bare page from a Fieldbook page's textareas: the
// same payload and first expression, as text, and each file with its
// brotli copy.
func TestBareSite(t *testing.T) {
	cacheDir = t.TempDir()
	dir := t.TempDir()
	fieldbook := filepath.Join(dir, "index.html")
	page := `<textarea id="p" data-fb="payload" rows="3">{&#34;a&#34;: &#34;&lt;b&gt;&#34;}</textarea>
<textarea id="e0" data-fb="expression" rows="2">a == &#34;x&#34;</textarea><textarea data-fb="expression">second</textarea>`
	if err := os.WriteFile(fieldbook, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	module := filepath.Join(dir, "m.wasm")
	if err := os.WriteFile(module, []byte("\x00asm not really"), 0o644); err != nil {
		t.Fatal(err)
	}
	site := bareSite("../bare", module, fieldbook)
	defer os.RemoveAll(site)
	index, err := os.ReadFile(filepath.Join(site, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`>{&#34;a&#34;: &#34;&lt;b&gt;&#34;}</textarea>`, `>a == &#34;x&#34;</textarea>`} {
		if !strings.Contains(string(index), want) {
			t.Errorf("index.html has no %s:\n%s", want, index)
		}
	}
	br, err := os.Open(filepath.Join(site, "assets", "bare.wasm.br"))
	if err != nil {
		t.Fatal(err)
	}
	defer br.Close()
	got, err := io.ReadAll(brotli.NewReader(br))
	if err != nil || !bytes.Equal(got, []byte("\x00asm not really")) {
		t.Errorf("bare.wasm.br decodes to %q, %v", got, err)
	}
	for _, f := range []string{"assets/page.js", "assets/worker.js", "assets/wasm_exec.js", "assets/worker.js.gz", "404.html"} {
		if _, err := os.Stat(filepath.Join(site, f)); err != nil {
			t.Error(err)
		}
	}
}

// TestBareModuleBuilds builds the bare page's module for js/wasm, as
// ./build.sh bench-wasm does (without wasm-opt).
func TestBareModuleBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds cel-go for js/wasm")
	}
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(t.TempDir(), "bare.wasm"), "../bare")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}
