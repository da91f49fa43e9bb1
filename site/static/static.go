// Package static serves a built site the way its host does: the security
// headers and cache policy below, precompressed .br/.gz copies when the
// browser takes them, directories as their index.html, and the 404 page for
// anything else. The same headers are written to dist/_headers for static
// hosting, so local serve and the deploy cannot drift apart.
package static

import (
	"bytes"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
	"time"
)

// CSP allows no inline script or style, scripts only from the site and
// WebAssembly compilation ('wasm-unsafe-eval', which the engine needs), and
// no connection anywhere but the site itself: a pasted payload has nowhere
// to go.
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; " +
	"connect-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// SecurityHeaders go on every response, pages, assets and API alike.
var SecurityHeaders = map[string]string{
	"Content-Security-Policy":      CSP,
	"X-Content-Type-Options":       "nosniff",
	"Referrer-Policy":              "no-referrer",
	"Cross-Origin-Opener-Policy":   "same-origin",
	"Cross-Origin-Resource-Policy": "same-origin",
	"Permissions-Policy":           "camera=(), microphone=(), geolocation=(), payment=()",
}

// AssetsPrefix is where content-hashed files live: only they are cached for
// good, since their name changes with their content.
const AssetsPrefix = "/assets/"

// Cache-Control values.
const (
	CacheImmutable  = "public, max-age=31536000, immutable"
	CacheRevalidate = "no-cache"
)

// CacheControl is the cache policy for a path.
func CacheControl(urlPath string) string {
	if strings.HasPrefix(urlPath, AssetsPrefix) {
		return CacheImmutable
	}
	return CacheRevalidate
}

// MaxHeaderRules is how many rules Cloudflare takes from a _headers file.
const MaxHeaderRules = 100

// HeadersFile is dist/_headers, the static host's form of the same policy:
// the security headers and revalidation for every path, and the immutable
// cache for each of assets, the URL paths of the content-hashed files under
// AssetsPrefix, by name. Not one rule for AssetsPrefix + "*": the host
// applies the rules of the path asked for to the 404 page it answers with,
// so a stale link under /assets/ would get its 404 cached for a year.
func HeadersFile(assets []string) (string, error) {
	if len(assets)+1 > MaxHeaderRules {
		return "", fmt.Errorf("_headers: %d assets need %d rules, over the host's %d", len(assets), len(assets)+1, MaxHeaderRules)
	}
	var b strings.Builder
	names := make([]string, 0, len(SecurityHeaders))
	for k := range SecurityHeaders {
		names = append(names, k)
	}
	sort.Strings(names)
	b.WriteString("/*\n")
	for _, k := range names {
		b.WriteString("  " + k + ": " + SecurityHeaders[k] + "\n")
	}
	b.WriteString("  Cache-Control: " + CacheRevalidate + "\n")
	assets = slices.Sorted(slices.Values(assets))
	for _, a := range assets {
		if !strings.HasPrefix(a, AssetsPrefix) || strings.ContainsAny(a, "*: \n") {
			return "", fmt.Errorf("_headers: %q is not a file under %s", a, AssetsPrefix)
		}
		b.WriteString(a + "\n")
		b.WriteString("  ! Cache-Control\n")
		b.WriteString("  Cache-Control: " + CacheImmutable + "\n")
	}
	return b.String(), nil
}

// ContentType names a file's media type by its extension.
func ContentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json":
		return "application/json"
	case ".wasm":
		return "application/wasm"
	case ".xml":
		return "application/xml; charset=utf-8"
	case ".ico":
		return "image/x-icon"
	case ".txt", "":
		return "text/plain; charset=utf-8"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// Handler serves the built site in dir.
func Handler(dir string) (http.Handler, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &handler{root: root.FS()}, nil
}

type handler struct{ root fs.FS }

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for k, v := range SecurityHeaders {
		w.Header().Set(k, v)
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	urlPath := path.Clean("/" + r.URL.Path)
	name := strings.TrimPrefix(urlPath, "/")
	if st, err := fs.Stat(h.root, orDot(name)); err == nil && st.IsDir() {
		if !strings.HasSuffix(r.URL.Path, "/") {
			http.Redirect(w, r, urlPath+"/", http.StatusMovedPermanently)
			return
		}
		name = path.Join(name, "index.html")
	}
	if strings.HasSuffix(name, ".br") || strings.HasSuffix(name, ".gz") || path.Base(name) == "_headers" || strings.HasPrefix(path.Base(name), ".") {
		name = "" // precompressed copies are served by negotiation, never by name; host files not at all
	}
	if name == "" || !h.exists(name) {
		h.serveFile(w, r, "404.html", "/404.html", http.StatusNotFound)
		return
	}
	h.serveFile(w, r, name, urlPath, http.StatusOK)
}

func orDot(name string) string {
	if name == "" {
		return "."
	}
	return name
}

func (h *handler) exists(name string) bool {
	st, err := fs.Stat(h.root, name)
	return err == nil && !st.IsDir()
}

// serveFile writes a file, or its .br or .gz copy when the client accepts
// that encoding, with the original's media type.
func (h *handler) serveFile(w http.ResponseWriter, r *http.Request, name, urlPath string, status int) {
	hdr := w.Header()
	hdr.Set("Content-Type", ContentType(name))
	hdr.Set("Cache-Control", CacheControl(urlPath))
	hdr.Add("Vary", "Accept-Encoding")
	body := name
	accept := r.Header.Get("Accept-Encoding")
	for _, enc := range []struct{ token, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
		if acceptsEncoding(accept, enc.token) && h.exists(name+enc.ext) {
			body = name + enc.ext
			hdr.Set("Content-Encoding", enc.token)
			break
		}
	}
	data, err := fs.ReadFile(h.root, body)
	if err != nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	if status != http.StatusOK {
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			_, _ = w.Write(data)
		}
		return
	}
	http.ServeContent(w, r, name, modTime(h.root, name), bytes.NewReader(data))
}

func modTime(fsys fs.FS, name string) time.Time {
	if st, err := fs.Stat(fsys, name); err == nil {
		return st.ModTime()
	}
	return time.Time{}
}

// acceptsEncoding reads an Accept-Encoding header for one coding, honouring
// q=0 as a refusal.
func acceptsEncoding(header, coding string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), coding) {
			continue
		}
		params = strings.ReplaceAll(params, " ", "")
		return !strings.HasPrefix(params, "q=0") || strings.HasPrefix(params, "q=0.") && strings.Trim(params[4:], "0") != ""
	}
	return false
}
