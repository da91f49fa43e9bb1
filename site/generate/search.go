package generate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"fieldbook/templates"
)

// SearchRecord is one entry of the site's search index: a payload page, or
// one field at its anchor. This file is the one place that knows what a
// record holds; site/search/index.mjs hands each to Pagefind as it is, as
// the small HTML document HTML writes.
type SearchRecord struct {
	URL     string   // the page, or the field's anchor on it
	Title   string   // the field's name or the payload's title: weighted most
	Words   string   // a nested field's name as its segments, weighted next
	Facts   []string // types, tags and the CEL path, weighted above the prose
	Text    []string // description, summary, event types, the payload's name
	Kind    string   // "field" or "payload"
	Payload string   // for a field, its payload ("Elation Appointment"); for a payload, its source
	Type    string   // what a result shows as its type
	Tags    []string // ID, PII, HI
	// TagsProposed says Fieldbook proposed the tags from the field's name.
	TagsProposed bool
	Source       string // the source's name, a filter
	// Action says the record is of an action's page: its names weigh
	// less than a payload's, so that a search for a payload's word lists
	// the payloads, which most searches are for, before the many action
	// results that share it.
	Action bool
}

// Pagefind weights a word by the element it is in (data-pagefind-weight,
// 0 to 10; plain text is 1): a payload's title outweighs the field names
// that contain it, so "Appointment" lists the pages of that title first;
// a field's own name (the last segment) outweighs the path to it, so
// "answers" lists the fields called so above the fields inside them.
const (
	weightPayloadTitle = 10
	weightFieldName    = 8
	weightFieldPath    = 5
	weightWords        = 2
	weightFacts        = 2
	weightActionName   = 2
	weightActionPath   = 1
)

// HTML is the record as Pagefind indexes it: its text under weights, and
// what a result shows as metadata read from attributes (values may hold
// commas, which Pagefind's "key:value" form would split).
func (r SearchRecord) HTML() string {
	var b strings.Builder
	esc := html.EscapeString
	titleWeight := weightFieldName
	if r.Kind == "payload" {
		titleWeight = weightPayloadTitle
	}
	b.WriteString(`<!DOCTYPE html><html lang="en"><body>`)
	proposed := ""
	if r.TagsProposed {
		proposed = "proposed"
	}
	fmt.Fprintf(&b, `<span data-pagefind-meta="kind[data-kind], payload[data-payload], type[data-type], tags[data-tags], tagsfrom[data-tagsfrom]" data-kind="%s" data-payload="%s" data-type="%s" data-tags="%s" data-tagsfrom="%s"></span>`,
		esc(r.Kind), esc(r.Payload), esc(r.Type), esc(strings.Join(r.Tags, " ")), proposed)
	fmt.Fprintf(&b, `<span data-pagefind-filter="kind[data-kind], source[data-source]" data-kind="%s" data-source="%s"></span>`, esc(r.Kind), esc(r.Source))
	for _, t := range r.Tags {
		fmt.Fprintf(&b, `<span data-pagefind-filter="tag[data-tag]" data-tag="%s"></span>`, esc(t))
	}
	own := ownName(r.Title)
	nameWeight := weightFieldName
	if r.Action && r.Kind != "parameter" {
		// A parameter keeps a field's weight: the parameters are few, and
		// what a reader of an action looks up.
		titleWeight, nameWeight = weightActionName, weightActionName
	}
	if r.Kind == "field" && own != r.Title {
		titleWeight = weightFieldPath
		if r.Action {
			titleWeight = weightActionPath
		}
	}
	fmt.Fprintf(&b, `<h1 data-pagefind-meta="title" data-pagefind-weight="%d">%s</h1>`, titleWeight, esc(r.Title))
	if r.Kind == "field" && own != r.Title {
		fmt.Fprintf(&b, `<p data-pagefind-weight="%d">%s</p>`, nameWeight, esc(own))
	}
	words, facts := weightWords, weightFacts
	if r.Action {
		words, facts = 1, 1
	}
	if r.Words != "" {
		fmt.Fprintf(&b, `<p data-pagefind-weight="%d">%s</p>`, words, esc(r.Words))
	}
	for _, f := range r.Facts {
		fmt.Fprintf(&b, `<p data-pagefind-weight="%d">%s</p>`, facts, esc(f))
	}
	for _, t := range r.Text {
		fmt.Fprintf(&b, `<p>%s</p>`, esc(withoutLoneLetters(t)))
	}
	b.WriteString(`</body></html>`)
	return b.String()
}

// payloadRecords are a payload page's records: the page itself, found by
// its title, source, summary and event types, and each of its fields, found
// by name, description, types, tags and CEL path.
func payloadRecords(p templates.Payload) []SearchRecord {
	where := p.Source.Name + " " + p.Title
	out := []SearchRecord{{
		URL: p.Meta.Path, Title: p.Title, Kind: "payload", Payload: p.Source.Name, Source: p.Source.Name,
		Type: fmt.Sprintf("payload · %d fields", len(p.Fields)),
		Text: append([]string{p.Source.Name, p.Summary}, p.Events...),
	}}
	for _, f := range p.Fields {
		types := "JSON " + f.JSONType + " · CEL " + f.CELType
		if f.DeclaredType != "" {
			types = f.DeclaredType + " · " + types
		}
		r := SearchRecord{
			URL: p.Meta.Path + "#" + f.Anchor, Title: f.Name, Words: nameSegments(f.Name),
			Facts: []string{types, f.CEL}, Text: []string{f.Description, where},
			Kind: "field", Payload: where, Type: types, Tags: f.Tags, TagsProposed: f.TagsInferred, Source: p.Source.Name,
		}
		if len(f.Tags) > 0 {
			r.Facts = append(r.Facts, strings.Join(f.Tags, " "))
			if f.TagsInferred {
				r.Text = append(r.Text, "tags proposed by Fieldbook from the field's name")
			}
		}
		if f.Quirk != "" {
			r.Text = append(r.Text, f.Quirk)
		}
		out = append(out, r)
	}
	return out
}

// withoutLoneLetters drops the words of one letter from prose ("with Z or
// an offset"): Pagefind lists a record holding the word "z" for any query
// that starts with z (zzqxjv found parseTimestamp), and one letter says
// nothing a search needs.
func withoutLoneLetters(s string) string {
	words := strings.Fields(s)
	kept := words[:0]
	for _, w := range words {
		if letters := strings.Trim(w, ".,;:()\"'"); utf8.RuneCountInString(letters) == 1 && unicode.IsLetter([]rune(letters)[0]) {
			continue
		}
		kept = append(kept, w)
	}
	return strings.Join(kept, " ")
}

// ownName is a field's last segment: "form_answers{}.id" is "id".
func ownName(name string) string {
	return name[strings.LastIndexAny(name, ".")+1:]
}

// nameSegments spells a nested field's name as its segments:
// "messages[].patient_id" gives "messages patient_id". Pagefind indexes a
// name whole and as its parts ("patient", "id"), but drops the dots from the
// whole ("messagespatient_id"), so without the segments a search for
// "patient_id" would miss every nested patient_id. A top-level name needs
// nothing more: it is its own segment.
func nameSegments(name string) string {
	if !strings.ContainsAny(name, ".[") {
		return ""
	}
	return strings.Join(strings.FieldsFunc(name, func(r rune) bool { return r == '.' || r == '[' || r == ']' }), " ")
}

// search writes the search index into Out/pagefind: the records go as JSON
// to the Node script that runs Pagefind, and its files join the build's,
// so pagefind.js gets its compressed copies too.
func (b *builder) search() error {
	if b.opts.Indexer == "" {
		return fmt.Errorf("no search indexer: Options.Indexer names site/search/index.mjs")
	}
	type file struct {
		URL     string `json:"url"`
		Content string `json:"content"`
	}
	var files []file
	for _, r := range b.records {
		files = append(files, file{r.URL, r.HTML()})
	}
	data, err := json.Marshal(files)
	if err != nil {
		return err
	}
	dir := filepath.Join(b.opts.Out, "pagefind")
	cmd := exec.Command("node", b.opts.Indexer, dir)
	cmd.Stdin = bytes.NewReader(data)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("the search index (node %s; npm ci installs Pagefind): %w\n%s", b.opts.Indexer, err, stderr.String())
	}
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(b.opts.Out, p)
		b.files = append(b.files, filepath.ToSlash(rel))
		return err
	})
}
