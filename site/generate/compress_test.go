package generate

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

// TestCompressedCopies: every compressible file gets a .br and a .gz copy
// that decode to it, at the best settings (what ships) and at the quick
// ones of a local serve (-compress fast); the quick copies are cached under
// names of their own, so that a release build never takes one for its own.
func TestCompressedCopies(t *testing.T) {
	page := []byte(strings.Repeat("<p>Fieldbook: a payload, field by field.</p>\n", 500))
	icon := []byte("not compressible by extension")
	cache := t.TempDir()
	for _, fast := range []bool{false, true} {
		out := t.TempDir()
		b := &builder{opts: Options{Out: out, CacheDir: cache, FastCompression: fast}, site: &Site{}}
		if err := b.write("index.html", page); err != nil {
			t.Fatal(err)
		}
		if err := b.write("favicon.ico", icon); err != nil {
			t.Fatal(err)
		}
		if err := b.compress(); err != nil {
			t.Fatal(err)
		}
		for ext, decode := range map[string]func(io.Reader) (io.Reader, error){
			".br": func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil },
			".gz": func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) },
		} {
			raw, err := os.ReadFile(filepath.Join(out, "index.html"+ext))
			if err != nil {
				t.Fatalf("fast %v: %v", fast, err)
			}
			r, err := decode(bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("fast %v, %s: %v", fast, ext, err)
			}
			if got, err := io.ReadAll(r); err != nil || !bytes.Equal(got, page) {
				t.Errorf("fast %v: index.html%s does not decode to the page (%v)", fast, ext, err)
			}
			if _, err := os.Stat(filepath.Join(out, "favicon.ico"+ext)); err == nil {
				t.Errorf("fast %v: favicon.ico%s was written", fast, ext)
			}
		}
	}
	sum := sha256.Sum256(page)
	for _, name := range []string{".br", ".gz", ".fast.br", ".fast.gz"} {
		if _, err := os.Stat(filepath.Join(cache, hex.EncodeToString(sum[:])+name)); err != nil {
			t.Errorf("the cache has no %s copy: %v", name, err)
		}
	}
}
