// Package generate renders the static site into a directory: the catalog,
// a page per source and per payload, the playground, the schemas for
// download, the sitemap and the 404 page, with content-hashed assets and
// precompressed copies of everything compressible.
package generate

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/a-h/templ"
	"github.com/andybalholm/brotli"

	"fieldbook/schemas"
	"fieldbook/site/assets"
	"fieldbook/site/static"
	"fieldbook/templates"
	"fieldbook/wasm/engine"
)

// Options say what to build from and where.
type Options struct {
	Out        string // the directory to write; emptied first
	Wasm       string // the engine module to ship
	Editor     string // the CodeMirror editors, bundled by esbuild
	Playground string // the playground's script, bundled by esbuild
	Workflow   string // the workflow page's script, bundled with it; "" for workflow.js beside it
	WasmExec   string // the Go toolchain's wasm_exec.js
	SiteURL    string // absolute base URL, for the sitemap
	CacheDir   string // where compressed copies are kept between builds; "" for none
	Indexer    string // site/search/index.mjs, which Node runs to write the search index
	// FastCompression writes the .br and .gz copies at quick settings
	// (brotli 5, gzip's default) instead of the best: for a local serve,
	// where brotli 11 on the engine module costs a minute and buys nothing.
	FastCompression bool
}

// Site is what a build wrote.
type Site struct {
	Pages  []string // URL paths of the pages, for the sitemap and tests
	Assets templates.Assets
	Files  int
}

// Build renders the site.
func Build(opts Options) (*Site, error) {
	set, err := schemas.Load()
	if err != nil {
		return nil, err
	}
	if err := emptyDir(opts.Out); err != nil {
		return nil, err
	}
	b := &builder{opts: opts, set: set, eng: engine.New(set, engine.DefaultLimits), site: &Site{}}
	steps := []func() error{b.assets, b.favicon, b.pages, b.search, b.schemaFiles, b.openAPI, b.sitemap, b.headers, b.compress}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return b.site, nil
}

// emptyDir empties the output directory, keeping the directory itself, so
// that a server already serving it (./build.sh serve) sees the new build.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

type builder struct {
	opts    Options
	set     *schemas.Set
	eng     *engine.Engine
	site    *Site
	files   []string       // written files, relative to Out
	records []SearchRecord // the search index's entries, gathered as pages render
}

func (b *builder) write(rel string, data []byte) error {
	full := filepath.Join(b.opts.Out, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return err
	}
	b.files = append(b.files, rel)
	return os.WriteFile(full, data, 0o644)
}

// hashed writes an asset under a name that carries its content's hash and
// returns its URL.
func (b *builder) hashed(name string, data []byte) (string, error) {
	sum := sha256.Sum256(data)
	ext := path.Ext(name)
	rel := "assets/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:12] + ext
	return "/" + rel, b.write(rel, data)
}

// assets writes the front-end files. The worker names the module and
// wasm_exec.js by their hashed URLs, so it is hashed after them.
func (b *builder) assets() error {
	wasm, err := os.ReadFile(b.opts.Wasm)
	if err != nil {
		return fmt.Errorf("the engine module: %w (./build.sh builds it)", err)
	}
	exec, err := os.ReadFile(b.opts.WasmExec)
	if err != nil {
		return fmt.Errorf("wasm_exec.js: %w", err)
	}
	editor, err := os.ReadFile(b.opts.Editor)
	if err != nil {
		return fmt.Errorf("the editor bundle: %w (./build.sh builds it)", err)
	}
	playground, err := os.ReadFile(b.opts.Playground)
	if err != nil {
		return fmt.Errorf("the playground bundle: %w (./build.sh builds it)", err)
	}
	workflowPath := b.opts.Workflow
	if workflowPath == "" {
		workflowPath = filepath.Join(filepath.Dir(b.opts.Playground), "workflow.js")
	}
	workflow, err := os.ReadFile(workflowPath)
	if err != nil {
		return fmt.Errorf("the workflow page's bundle: %w (./build.sh playground builds it)", err)
	}
	wasmURL, err := b.hashed("fieldbook.wasm", wasm)
	if err != nil {
		return err
	}
	execURL, err := b.hashed("wasm_exec.js", exec)
	if err != nil {
		return err
	}
	worker := bytes.ReplaceAll(assets.Read("engine-worker.js"), []byte("__WASM_EXEC_URL__"), []byte(execURL))
	worker = bytes.ReplaceAll(worker, []byte("__WASM_URL__"), []byte(wasmURL))
	a := &b.site.Assets
	for _, f := range []struct {
		name string
		data []byte
		url  *string
	}{
		{"engine-worker.js", worker, &a.Worker},
		{"site.css", assets.Read("site.css"), &a.CSS},
		{"catalog.js", assets.Read("catalog.js"), &a.CatalogJS},
		{"search.js", assets.Read("search.js"), &a.Search},
		{"playground.js", playground, &a.Playground},
		{"workflow.js", workflow, &a.Workflow},
		{"editor.js", editor, &a.Editor},
	} {
		if *f.url, err = b.hashed(f.name, f.data); err != nil {
			return err
		}
	}
	return nil
}

// favicon writes /favicon.ico, which browsers ask for on every page: without
// it each page logs a 404. It lands in dist/, the Worker's asset directory.
func (b *builder) favicon() error {
	ico, err := favicon()
	if err != nil {
		return err
	}
	return b.write("favicon.ico", ico)
}

func (b *builder) render(urlPath string, c templ.Component) error {
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		return fmt.Errorf("%s: %w", urlPath, err)
	}
	rel := strings.TrimPrefix(urlPath, "/") + "index.html"
	if strings.HasSuffix(urlPath, ".html") {
		rel = strings.TrimPrefix(urlPath, "/")
	} else {
		b.site.Pages = append(b.site.Pages, urlPath)
	}
	return b.write(rel, buf.Bytes())
}

func (b *builder) meta(title, description, urlPath string) templates.Meta {
	return templates.Meta{Title: title, Description: description, Path: urlPath, Assets: b.site.Assets}
}

func sourceURL(id string) string           { return "/events/" + id + "/" }
func payloadURL(schemaID string) string    { return "/events/" + schemaID + "/" }
func schemaFileURL(schemaID string) string { return "/schemas/" + schemaID + ".json" }

func (b *builder) sourceCard(src schemas.Source, models bool) templates.SourceCard {
	card := templates.SourceCard{ID: src.ID, Name: src.Name, Title: src.Title, URL: sourceURL(src.ID), Models: models, Pending: src.Pending}
	for _, id := range src.Payloads {
		s, _ := b.set.Get(id)
		card.Payloads = append(card.Payloads, templates.PayloadLink{
			Title: s.Title(), URL: payloadURL(id), Summary: s.Root.Description,
			Events: len(s.Events()), Fields: len(s.Fields),
		})
	}
	return card
}

func (b *builder) pages() error {
	cat := templates.Catalog{Meta: b.meta("Catalog", "Webhook event payloads of healthcare integrations, field by field, with a CEL playground.", "/")}
	// Each source with its card: the card is what pages show, the source
	// holds the payload ids.
	type source struct {
		src  schemas.Source
		card templates.SourceCard
	}
	var sources []source
	names := map[string]string{} // source id -> name
	eventSources := map[string]bool{}
	for _, src := range b.set.Catalog.EventSources {
		eventSources[src.ID] = true
		c := b.sourceCard(src, false)
		cat.EventSources = append(cat.EventSources, c)
		sources = append(sources, source{src, c})
	}
	for _, src := range b.set.Catalog.ModelSources {
		c := b.sourceCard(src, true)
		cat.ModelSources = append(cat.ModelSources, c)
		sources = append(sources, source{src, c})
	}
	destinations, actionSearch, err := b.actionPages()
	if err != nil {
		return err
	}
	cat.Destinations = destinations
	cat.Documented = len(b.set.All())
	cat.OpenAPI = OpenAPIPath
	if err := b.render("/", templates.CatalogPage(cat)); err != nil {
		return err
	}
	for _, source := range sources {
		card := source.card
		names[source.src.ID] = source.src.Name
		page := templates.Source{Meta: b.meta(card.Name, card.Name+": documented payloads.", card.URL), Source: card}
		if err := b.render(card.URL, templates.SourcePage(page)); err != nil {
			return err
		}
		for _, id := range source.src.Payloads {
			s, _ := b.set.Get(id)
			view, err := b.payloadView(s, card)
			if err != nil {
				return err
			}
			if err := b.render(payloadURL(id), templates.PayloadPage(view)); err != nil {
				return err
			}
			b.records = append(b.records, payloadRecords(view)...)
		}
	}
	first, _ := b.set.Get("elation/appointment")
	pg := templates.Playground{
		Schema: first.ID, Picker: true, Payload: exampleJSON(first),
		Expressions: []string{`mode == "VIDEO" && service_location.state == "CA"`, "appointment_datetime"},
		Dialect:     b.eng.DefaultDialect(first.ID),
		Events:      first.Events(),
		Trigger:     eventSources[first.Source],
		Dialects:    dialectOptions(),
		WorkerURL:   b.site.Assets.Worker,
		EditorURL:   b.site.Assets.Editor,
	}
	for _, s := range b.set.All() {
		pg.Schemas = append(pg.Schemas, templates.SchemaOption{ID: s.ID, Label: names[s.Source] + " " + s.Title() + " (" + s.ID + ")", Dialect: b.eng.DefaultDialect(s.ID), Events: s.Events(), Trigger: eventSources[s.Source]})
	}
	if err := b.render("/playground/", templates.PlaygroundPage(b.meta("Playground", "Try CEL expressions on any webhook payload, in your browser.", "/playground/"), pg)); err != nil {
		return err
	}
	examples, err := b.workflowExamples()
	if err != nil {
		return err
	}
	if err := b.workflowPage(names, examples); err != nil {
		return err
	}
	if err := b.dialectPages(); err != nil {
		return err
	}
	b.records = append(b.records, actionSearch...)
	return b.render("/404.html", templates.NotFound(b.meta("Page not found", "No page at this address.", "/404.html")))
}

func (b *builder) schemaFiles() error {
	for _, s := range b.set.All() {
		if err := b.write(strings.TrimPrefix(schemaFileURL(s.ID), "/"), s.Raw); err != nil {
			return err
		}
	}
	for _, a := range b.set.Actions() {
		if err := b.write(strings.TrimPrefix(actionSchemaURL(a.ID), "/"), a.Raw); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) sitemap() error {
	var buf bytes.Buffer
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	buf.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	pages := append([]string{}, b.site.Pages...)
	sort.Strings(pages)
	base := strings.TrimSuffix(b.opts.SiteURL, "/")
	for _, p := range pages {
		fmt.Fprintf(&buf, "  <url><loc>%s%s</loc></url>\n", base, p)
	}
	buf.WriteString("</urlset>\n")
	return b.write("sitemap.xml", buf.Bytes())
}

// headers writes the static host's files: _headers, the security and cache
// policy (with a rule for each hashed asset), and .assetsignore, which keeps
// the .br/.gz copies out of the Workers upload (Cloudflare compresses by
// itself).
func (b *builder) headers() error {
	var assets []string
	for _, rel := range b.files {
		if strings.HasPrefix("/"+rel, static.AssetsPrefix) {
			assets = append(assets, "/"+rel)
		}
	}
	f, err := static.HeadersFile(assets)
	if err != nil {
		return err
	}
	if err := b.write("_headers", []byte(f)); err != nil {
		return err
	}
	return b.write(".assetsignore", []byte("*.br\n*.gz\n"))
}

// compressible are the extensions worth a .br and .gz copy.
var compressible = map[string]bool{".html": true, ".css": true, ".js": true, ".json": true, ".wasm": true, ".xml": true}

// compress writes .br and .gz beside every compressible file. Brotli at its
// best quality is slow on the engine module, so copies are cached by content
// (and, the quick ones, by a name of their own).
func (b *builder) compress() error {
	br, gz, key := brotli.BestCompression, gzip.BestCompression, ""
	if b.opts.FastCompression {
		// On the 25.8 MB unoptimised module, brotli 5 and gzip 6 take
		// about 1 s and 0.7 s, against 68 s and 2 s at the best levels,
		// for copies 19% and 1% larger.
		br, gz, key = 5, gzip.DefaultCompression, ".fast"
	}
	for _, rel := range append([]string{}, b.files...) {
		if !compressible[path.Ext(rel)] {
			continue
		}
		data, err := os.ReadFile(filepath.Join(b.opts.Out, filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		for _, enc := range []struct {
			ext string
			fn  func([]byte) ([]byte, error)
		}{
			{".br", func(data []byte) ([]byte, error) { return brotliBytes(data, br) }},
			{".gz", func(data []byte) ([]byte, error) { return gzipBytes(data, gz) }},
		} {
			out, err := b.cached(data, key+enc.ext, enc.fn)
			if err != nil {
				return err
			}
			if len(out) >= len(data) {
				continue // not worth it
			}
			if err := b.write(rel+enc.ext, out); err != nil {
				return err
			}
		}
	}
	b.site.Files = len(b.files)
	return nil
}

func (b *builder) cached(data []byte, ext string, fn func([]byte) ([]byte, error)) ([]byte, error) {
	if b.opts.CacheDir == "" {
		return fn(data)
	}
	sum := sha256.Sum256(data)
	name := filepath.Join(b.opts.CacheDir, hex.EncodeToString(sum[:])+ext)
	if out, err := os.ReadFile(name); err == nil {
		return out, nil
	}
	out, err := fn(data)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(b.opts.CacheDir, 0o755); err == nil {
		_ = os.WriteFile(name, out, 0o644)
	}
	return out, nil
}

func brotliBytes(data []byte, level int) ([]byte, error) {
	var buf bytes.Buffer
	w := brotli.NewWriterLevel(&buf, level)
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	err := w.Close()
	return buf.Bytes(), err
}

func gzipBytes(data []byte, level int) ([]byte, error) {
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, level)
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(w, bytes.NewReader(data)); err != nil {
		return nil, err
	}
	err = w.Close()
	return buf.Bytes(), err
}
