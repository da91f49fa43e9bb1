// Command site builds and serves Fieldbook's static site, and runs the
// payload engine from the command line with the same JSON the browser and
// the Worker speak.
//
//	go run ./site build [-out dist] [-wasm build/fieldbook.opt.wasm] [-compress best|fast]
//	go run ./site serve [-dir dist] [-addr 127.0.0.1:8080]
//	go run ./site validate -schema elation/appointment [--json] payload.json
//	go run ./site eval -schema elation/appointment -payload p.json [-dialect morf|cel] [-now T] [--json] 'expr'
//	go run ./site call METHOD [REQUEST_FILE|-]
//	go run ./site run [--json] WORKFLOW_FILE|-
//	go run ./site test FILE_OR_FOLDER...
//	go run ./site import -page page.txt [-source elation] [-payload appointment] [-url URL] [-o FILE|-]
//	go run ./site import -action stripe/v1/create-card -page page.txt [-url URL] [-o FILE|-]
//
// Exit status: 0 ok, 1 invalid payload or failed expression, 2 bad usage.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"fieldbook/schemas"
	"fieldbook/site/generate"
	"fieldbook/site/importer"
	"fieldbook/site/static"
	"fieldbook/wasm/engine"
	"fieldbook/wasm/explain"
	"fieldbook/wasm/jsonpos"
)

const usage = `usage:
  site build [-out dist] [-wasm build/fieldbook.opt.wasm] [-editor build/editor/editor.js]
             [-playground build/playground/playground.js] [-site-url URL] [-indexer site/search/index.mjs]
             [-compress best|fast]
  site serve [-dir dist] [-addr 127.0.0.1:8080]
  site validate -schema ID [--json] PAYLOAD_FILE|-
  site eval -schema ID -payload FILE|- [-dialect morf|cel] [-now RFC3339] [--explain] [--json] EXPRESSION
  site call METHOD [REQUEST_FILE|-]
  site run [--json] WORKFLOW_FILE|-
  site test WORKFLOW_FILE_OR_FOLDER...
  site tag SCHEMA_FILE...
  site import [-page FILE|-] [-example FILE] [-descriptions FILE] [-source ID] [-payload ID]
              [-title T] [-description D] [-events 'A,B'] [-url URL] [-partial TEXT] [-o FILE|-]
  site import -action DESTINATION/VERSION/ACTION -page FILE|- [-title T] [-description D]
              [-url URL] [-partial TEXT] [-o FILE|-]
A schema ID looks like elation/appointment; -schema "" means none. The
dialect is Morf's workflow CEL (morf) or cel-go with its extensions (cel);
by default the schema's source decides (morf without a schema). import
drafts schemas/SOURCE/PAYLOAD.json from a vendor's payload page, keeping
what was edited by hand (schemas/README.md, "Importing a payload"); with
-action it reads the page as one of Morf's action pages and drafts
schemas/actions/DESTINATION/VERSION/ACTION.json, its parameters and the
schema of its result, as edited by hand kept ("Importing an action"). call
sends one request object (JSON; none for {}) to a call of the engine
(version, schemas, validate, check, evaluate, complete, infer, run, batch)
and prints its response object, as the browser and the Worker API answer
it. run runs a workflow test file (NAME.workflow.json, as the workflow
page exports it) and prints each step's status and value; test runs every
such file named or under the folders named and exits 1 if any run departs
from what its file expects, saying where.
tag proposes tags (ID, PII, HI) by field name in schemas whose source gives
none, marked inferred, and rewrites the files that change.`

// exit statuses
const (
	exitOK      = 0
	exitInvalid = 1
	exitUsage   = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return exitUsage
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "build":
		return build(args, stderr)
	case "serve":
		return serve(args, stderr)
	case "validate":
		return validate(args, stdin, stdout, stderr)
	case "eval":
		return eval(args, stdin, stdout, stderr)
	case "call":
		return call(args, stdin, stdout, stderr)
	case "import":
		return importPage(args, stdin, stdout, stderr)
	case "tag":
		return tag(args, stderr)
	case "run":
		return runWorkflow(args, stdin, stdout, stderr)
	case "test":
		return testWorkflows(args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "unknown command %q\n%s\n", cmd, usage)
	return exitUsage
}

// parse reads flags wherever they stand among the arguments, so that
// "validate p.json --json" works as well as "validate --json p.json".
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, usage) }
	return fs
}

func build(args []string, stderr io.Writer) int {
	fs := newFlags("build", stderr)
	out := fs.String("out", "dist", "the directory to write")
	wasm := fs.String("wasm", "build/fieldbook.opt.wasm", "the engine module to ship")
	editor := fs.String("editor", "build/editor/editor.js", "the CodeMirror editors, bundled by esbuild")
	playground := fs.String("playground", "build/playground/playground.js", "the playground's script, bundled by esbuild")
	siteURL := fs.String("site-url", "http://127.0.0.1:8080", "the site's absolute URL, for the sitemap")
	cache := fs.String("cache", "build/cache", "where compressed copies are kept between builds")
	indexer := fs.String("indexer", "site/search/index.mjs", "the Node script that writes the search index with Pagefind")
	compress := fs.String("compress", "best", "the .br and .gz copies: best (what ships), or fast (a local serve's)")
	if rest, err := parse(fs, args); err != nil || len(rest) > 0 {
		return exitUsage
	}
	if *compress != "best" && *compress != "fast" {
		fmt.Fprintf(stderr, "build: -compress %q: best or fast\n", *compress)
		return exitUsage
	}
	wasmExec, err := toolchainWasmExec()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitInvalid
	}
	start := time.Now()
	site, err := generate.Build(generate.Options{Out: *out, Wasm: *wasm, Editor: *editor, Playground: *playground, WasmExec: wasmExec, SiteURL: *siteURL, CacheDir: *cache, Indexer: *indexer, FastCompression: *compress == "fast"})
	if err != nil {
		fmt.Fprintln(stderr, "build:", err)
		return exitInvalid
	}
	fmt.Fprintf(stderr, "built %d pages, %d files into %s in %s\n", len(site.Pages), site.Files, *out, time.Since(start).Round(time.Millisecond))
	return exitOK
}

// toolchainWasmExec finds wasm_exec.js in the Go toolchain that builds the
// module, so the two always match.
func toolchainWasmExec() (string, error) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOROOT: %w", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "lib", "wasm", "wasm_exec.js"), nil
}

func serve(args []string, stderr io.Writer) int {
	fs := newFlags("serve", stderr)
	dir := fs.String("dir", "dist", "the built site")
	addr := fs.String("addr", "127.0.0.1:8080", "the address to listen on")
	if rest, err := parse(fs, args); err != nil || len(rest) > 0 {
		return exitUsage
	}
	h, err := static.Handler(*dir)
	if err != nil {
		fmt.Fprintf(stderr, "serve: %v (build the site first: ./build.sh)\n", err)
		return exitInvalid
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "serve:", err)
		return exitInvalid
	}
	fmt.Fprintf(stderr, "serving %s on http://%s/\n", *dir, ln.Addr())
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "serve:", err)
		return exitInvalid
	}
	return exitOK
}

func newEngine(stderr io.Writer) *engine.Engine {
	e, _ := newEngineAndSet(stderr)
	return e
}

// newEngineAndSet is newEngine with the schemas it serves, for the
// commands that also read them (a workflow file names its schemas).
func newEngineAndSet(stderr io.Writer) (*engine.Engine, *schemas.Set) {
	set, err := schemas.Load()
	if err != nil {
		fmt.Fprintln(stderr, "schemas:", err)
		os.Exit(exitInvalid)
	}
	return engine.New(set, engine.DefaultLimits), set
}

// readInput reads a payload file, or standard input for "-", and no more
// than one byte past the engine's payload limit: /dev/zero, or a pipe that
// does not end, must not fill memory. A payload past the limit comes back
// as the diagnostic that says so.
func readInput(name string, stdin io.Reader) (string, *engine.Diagnostic, error) {
	limit := engine.DefaultLimits.MaxPayloadBytes
	b, size, over, err := readAtMost(name, stdin, limit)
	if err != nil || !over {
		return string(b), nil, err
	}
	msg := fmt.Sprintf("the payload is over %s, the limit (it was not read to its end)", jsonpos.FormatBytes(limit))
	if size > int64(limit) {
		msg = jsonpos.OverLimit("the payload", int(size), limit)
	}
	return "", &engine.Diagnostic{Severity: engine.SeverityError, Message: msg, Line: 1, Column: 1, Source: "payload"}, nil
}

// readAtMost reads a file, or standard input for "-", up to one byte past
// limit, and says whether it went past; size is a regular file's size (-1
// for another), which says by how much.
func readAtMost(name string, stdin io.Reader, limit int) (b []byte, size int64, over bool, err error) {
	r, size := stdin, int64(-1)
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, size, false, err
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			size = st.Size()
		}
		r = f
	}
	b, err = io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, size, false, err
	}
	if len(b) > limit {
		return nil, size, true, nil
	}
	return b, size, false, nil
}

func validate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("validate", stderr)
	schema := fs.String("schema", "", "the schema id")
	asJSON := fs.Bool("json", false, "print the response object")
	rest, err := parse(fs, args)
	if err != nil || len(rest) != 1 {
		if err == nil {
			fmt.Fprintln(stderr, "validate takes one payload file (or - for standard input)")
		}
		return exitUsage
	}
	payload, tooLarge, err := readInput(rest[0], stdin)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	resp := engine.ValidateResponse{OK: false, Diagnostics: []engine.Diagnostic{}}
	if tooLarge != nil {
		resp.Diagnostics = append(resp.Diagnostics, *tooLarge)
	} else {
		resp = newEngine(stderr).Validate(engine.ValidateRequest{Schema: *schema, Payload: payload})
	}
	if code := requestProblem(resp.Diagnostics, stderr); code != exitOK && !*asJSON {
		return code
	}
	if *asJSON {
		printJSON(stdout, resp)
	} else {
		for _, d := range resp.Diagnostics {
			fmt.Fprintln(stdout, describe(rest[0], d))
		}
		if resp.OK {
			fmt.Fprintln(stdout, "valid")
		}
	}
	return statusOf(resp.OK, resp.Diagnostics)
}

func eval(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("eval", stderr)
	schema := fs.String("schema", "", "the schema id")
	payloadFile := fs.String("payload", "", "the payload file, or - for standard input")
	now := fs.String("now", "", "the RFC 3339 time now() returns (default: the real time)")
	dialect := fs.String("dialect", "", "morf (Morf's workflow CEL) or cel (cel-go and its extensions); default: the schema's")
	asJSON := fs.Bool("json", false, "print the response object")
	why := fs.Bool("explain", false, "print each part's value under the expression, and why it gave its answer")
	rest, err := parse(fs, args)
	if err != nil || len(rest) != 1 || *payloadFile == "" {
		if err == nil {
			fmt.Fprintln(stderr, "eval takes -payload FILE and one expression")
		}
		return exitUsage
	}
	payload, tooLarge, err := readInput(*payloadFile, stdin)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	resp := engine.EvaluateResponse{OK: false, Diagnostics: []engine.Diagnostic{}}
	if tooLarge != nil {
		resp.Diagnostics = append(resp.Diagnostics, *tooLarge)
	} else {
		resp = newEngine(stderr).Evaluate(engine.EvaluateRequest{Schema: *schema, Dialect: *dialect, Payload: payload, Expression: rest[0], Now: *now, Explain: *why})
	}
	if code := requestProblem(resp.Diagnostics, stderr); code != exitOK && !*asJSON {
		return code
	}
	if *asJSON {
		printJSON(stdout, resp)
		return statusOf(resp.OK, resp.Diagnostics)
	}
	if resp.Explanation != nil {
		fmt.Fprint(stdout, explain.Diagram(rest[0], resp.Explanation))
	} else if resp.OK {
		fmt.Fprintln(stdout, resp.Display)
	}
	if !resp.OK {
		for _, d := range resp.Diagnostics {
			name := "expression"
			if d.Source == "payload" {
				name = *payloadFile
			}
			fmt.Fprintln(stderr, describe(name, d))
		}
	}
	return statusOf(resp.OK, resp.Diagnostics)
}

// maxRequestBytes bounds a request read by call: a batch's payloads
// (64 MiB at most) and the rest of its request.
const maxRequestBytes = 65 << 20

// call sends one request to a call of the engine's method table and
// prints the response as the other front ends give it.
func call(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || len(args) > 2 {
		fmt.Fprintln(stderr, "call takes a method and, optionally, a request file (or - for standard input)")
		return exitUsage
	}
	request := []byte("{}")
	if len(args) == 2 {
		b, _, over, err := readAtMost(args[1], stdin, maxRequestBytes)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitUsage
		}
		if over {
			fmt.Fprintf(stderr, "error: the request is over %s\n", jsonpos.FormatBytes(maxRequestBytes))
			return exitUsage
		}
		request = b
	}
	resp := newEngine(stderr).Call(args[0], request)
	var answer struct {
		OK          *bool               `json:"ok"`
		Diagnostics []engine.Diagnostic `json:"diagnostics"`
	}
	_ = json.Unmarshal(resp, &answer)
	printJSON(stdout, json.RawMessage(resp))
	if code := requestProblem(answer.Diagnostics, stderr); code != exitOK {
		return code
	}
	if answer.OK != nil && !*answer.OK {
		return exitInvalid
	}
	return exitOK
}

// requestProblem reports a request the engine could not take (an unknown
// schema, a bad clock): bad usage, not an invalid payload.
func requestProblem(diags []engine.Diagnostic, stderr io.Writer) int {
	for _, d := range diags {
		if d.Source == "request" {
			fmt.Fprintln(stderr, "error:", d.Message)
			return exitUsage
		}
	}
	return exitOK
}

func statusOf(ok bool, diags []engine.Diagnostic) int {
	for _, d := range diags {
		if d.Source == "request" {
			return exitUsage
		}
	}
	if ok {
		return exitOK
	}
	return exitInvalid
}

// describe writes a diagnostic as compilers do: file:line:column: severity: message.
func describe(name string, d engine.Diagnostic) string {
	where := name
	if d.Line > 0 {
		where = fmt.Sprintf("%s:%d:%d", name, d.Line, d.Column)
	}
	msg := fmt.Sprintf("%s: %s: %s", where, d.Severity, d.Message)
	if d.Pointer != "" {
		msg += " (at " + d.Pointer + ")"
	}
	return msg
}

func printJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// tag proposes tags in schema files whose source gives none.
func tag(files []string, stderr io.Writer) int {
	if len(files) == 0 {
		fmt.Fprintln(stderr, "tag takes the schema files to tag")
		return exitUsage
	}
	for _, name := range files {
		text, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitUsage
		}
		out, err := importer.Retag(text)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return exitInvalid
		}
		if string(out) != string(text) {
			if err := os.WriteFile(name, out, 0o644); err != nil {
				fmt.Fprintln(stderr, err)
				return exitInvalid
			}
			fmt.Fprintln(stderr, "tagged", name)
		}
	}
	return exitOK
}

// importPage writes a draft schema from a payload page's material: the
// page's text, or its pieces in files, with flags for what the page lacks.
// Run over an existing schema, it keeps what was edited by hand.
func importPage(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("import", stderr)
	page := fs.String("page", "", "the payload page's text as copied from the browser, or - for standard input")
	exampleFile := fs.String("example", "", "the example payload, a JSON file (instead of the page's)")
	descFile := fs.String("descriptions", "", "the descriptions shaped like the example, a JSON file (instead of the page's)")
	source := fs.String("source", "", "the source's id, such as elation (default: from the page)")
	payload := fs.String("payload", "", "the payload's id part, such as appointment (default: from the title)")
	title := fs.String("title", "", "the payload's title (default: the page's)")
	description := fs.String("description", "", "the payload's description (default: the page's)")
	events := fs.String("events", "", "the triggering webhook types, comma-separated (default: the page's)")
	pageURL := fs.String("url", "", "the vendor page's https address, for x-source-page")
	partial := fs.String("partial", "", "what the vendor page leaves out, when it is cut short")
	out := fs.String("o", "", "where to write the schema, - for standard output (default: schemas/SOURCE/PAYLOAD.json)")
	dir := fs.String("schemas", "schemas", "the schemas folder")
	action := fs.String("action", "", "read -page as an action page: the action's id, DESTINATION/VERSION/ACTION such as stripe/v1/create-card")
	rest, err := parse(fs, args)
	if err == nil && len(rest) == 0 && *action != "" {
		if *page == "" || *exampleFile != "" || *descFile != "" || *source != "" || *payload != "" || *events != "" {
			fmt.Fprintln(stderr, "import -action takes -page FILE, and no -example, -descriptions, -source, -payload or -events")
			return exitUsage
		}
		return importAction(importer.ActionOptions{ID: *action, URL: *pageURL, Partial: *partial, Title: *title, Description: *description},
			*page, *out, *dir, stdin, stdout, stderr)
	}
	if err != nil || len(rest) > 0 || *page == "" && *exampleFile == "" {
		if err == nil {
			fmt.Fprintln(stderr, "import takes -page FILE (or -example FILE), and no other arguments")
		}
		return exitUsage
	}
	read := func(name string) (string, error) { return readPageText(name, stdin) }
	var m importer.Material
	if *page != "" {
		text, err := read(*page)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitUsage
		}
		if m, err = importer.ParsePage(text); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", *page, err)
			return exitInvalid
		}
	}
	for _, piece := range []struct {
		file string
		into *any
	}{{*exampleFile, &m.Example}, {*descFile, &m.Descriptions}} {
		if piece.file == "" {
			continue
		}
		text, err := read(piece.file)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitUsage
		}
		if *piece.into, err = importer.ParseJSON(text); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", piece.file, err)
			return exitInvalid
		}
	}
	if *title != "" {
		m.Title = *title
	}
	if *description != "" {
		m.Description = *description
	}
	if *events != "" {
		m.Events = nil
		for _, e := range strings.Split(*events, ",") {
			if e = strings.TrimSpace(e); e != "" {
				m.Events = append(m.Events, e)
			}
		}
	}
	opt := importer.Options{Source: *source, Payload: *payload, URL: *pageURL, Partial: *partial}
	if opt.Source == "" {
		opt.Source = importer.Slug(m.SourceName)
	}
	if opt.Payload == "" {
		opt.Payload = importer.Slug(m.Title)
	}
	if opt.Source == "" || opt.Payload == "" {
		fmt.Fprintln(stderr, "import: the page does not name its source or payload: pass -source and -payload")
		return exitUsage
	}
	if !pageURLOK(opt.URL, opt.Partial, stderr) {
		return exitUsage
	}
	target := *out
	if target == "" {
		target = filepath.Join(*dir, opt.Source, opt.Payload+".json")
	}
	// The loader refuses a schema no source lists: say so before the next
	// build does.
	listIt := fmt.Sprintf("list %q in the catalog (schemas/catalog.json, under its source's payloads): until then the site does not load it", opt.ID())
	return writeDraft(target, func(existing []byte) ([]byte, []string, error) { return importer.Import(m, opt, existing) }, listIt, stdout, stderr)
}

// importAction writes an action document from the text of one of Morf's
// action pages; run over an existing document, it keeps what was edited
// by hand.
func importAction(opt importer.ActionOptions, page, out, dir string, stdin io.Reader, stdout, stderr io.Writer) int {
	if !pageURLOK(opt.URL, opt.Partial, stderr) {
		return exitUsage
	}
	text, err := readPageText(page, stdin)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	m, err := importer.ParseActionPage(text)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", page, err)
		return exitInvalid
	}
	target := out
	if target == "" {
		target = filepath.Join(dir, filepath.FromSlash(opt.Path()))
	}
	listIt := fmt.Sprintf("the catalog (schemas/catalog.json) must list %q under its destination's actions, or list none there, and the destination must not be pending: until then the site does not load it", opt.ID)
	return writeDraft(target, func(existing []byte) ([]byte, []string, error) { return importer.ImportAction(m, opt, existing) }, listIt, stdout, stderr)
}

// readPageText reads an import's input, a file or standard input for "-"
// (at most 8 MiB of it).
func readPageText(name string, stdin io.Reader) (string, error) {
	if name == "-" {
		b, err := io.ReadAll(io.LimitReader(stdin, 8<<20))
		return string(b), err
	}
	b, err := os.ReadFile(name)
	return string(b), err
}

// pageURLOK checks import's -url and -partial, saying what is wrong.
func pageURLOK(url, partial string, stderr io.Writer) bool {
	if url != "" && !strings.HasPrefix(url, "https://") || partial != "" && url == "" {
		fmt.Fprintln(stderr, "import: -url must be an https address, and -partial needs it")
		return false
	}
	return true
}

// writeDraft runs an import over the document at target, if there is one
// (a rerun keeps what was edited by hand), and writes its draft there, or
// to standard output for "-"; listIt says what a new document still needs
// before the site loads it.
func writeDraft(target string, draft func(existing []byte) ([]byte, []string, error), listIt string, stdout, stderr io.Writer) int {
	var existing []byte
	if target != "-" {
		var err error
		existing, err = os.ReadFile(target)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			fmt.Fprintln(stderr, err)
			return exitUsage
		}
	}
	doc, warnings, err := draft(existing)
	if err != nil {
		fmt.Fprintln(stderr, "import:", err)
		return exitInvalid
	}
	for _, w := range warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	if target == "-" {
		_, _ = stdout.Write(doc)
		return exitOK
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err == nil {
		err = os.WriteFile(target, doc, 0o644)
	}
	if err != nil {
		fmt.Fprintln(stderr, "import:", err)
		return exitInvalid
	}
	if existing != nil {
		fmt.Fprintf(stderr, "updated %s: edits kept, inferred facts recomputed\n", target)
	} else {
		fmt.Fprintf(stderr, "wrote %s; %s\n", target, listIt)
	}
	return exitOK
}
