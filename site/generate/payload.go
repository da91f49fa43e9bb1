package generate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"strings"

	"fieldbook/schemas"
	"fieldbook/templates"
	"fieldbook/wasm/engine"
)

// payloadView fills a payload page from its schema. Each field's CEL type
// is what the engine's checker says of the field's own expression, so the
// page and the playground cannot disagree.
func (b *builder) payloadView(s *schemas.Schema, src templates.SourceCard) (templates.Payload, error) {
	p := templates.Payload{
		Meta:          b.meta(s.Title()+" · "+src.Name, s.Root.Description, payloadURL(s.ID)),
		ID:            s.ID,
		Title:         s.Title(),
		Summary:       s.Root.Description,
		Source:        src,
		SchemaURL:     schemaFileURL(s.ID),
		Events:        s.Events(),
		Example:       exampleJSON(s),
		ExampleOrigin: s.Root.XExampleOrigin,
		Descriptions:  descriptionsJSON(s.Root),
	}
	p.Meta.Playground = true
	if sp := s.Root.XSourcePage; sp != nil {
		p.SourcePage, p.SourcePartial = sp.URL, sp.Partial
		p.SourceOwner = pageOwner(sp.URL, src.Name)
	}
	p.QuirksInferred = s.Root.Inferred("x-quirks")
	quirkNotes := quirkNotesOf(s)
	for _, f := range s.Fields {
		view, err := b.fieldView(s.ID, f, quirkNotes)
		if err != nil {
			return p, err
		}
		if len(view.Tags) > 0 {
			p.TagsFrom = tagsFrom(p.TagsFrom, view.TagsInferred)
		}
		if view.Quirk != "" {
			q := templates.Quirk{Field: view.Anchor, Name: view.Name, Note: view.Quirk}
			p.Quirks = append(p.Quirks, q)
		}
		p.Fields = append(p.Fields, view)
	}
	for _, ex := range s.Root.XCELExamples {
		now := ex.Now
		if now == "" {
			now = exampleClock
		}
		r := b.eng.Evaluate(engine.EvaluateRequest{Schema: s.ID, Payload: p.Example, Expression: ex.Expression, Now: now})
		if !r.OK {
			return p, fmt.Errorf("%s: the example expression %q does not run on the example: %+v", s.ID, ex.Expression, r.Diagnostics)
		}
		view := templates.Example{Kind: ex.Kind, Title: ex.Title, Expression: ex.Expression, Value: r.Display, Type: r.Type}
		if strings.Contains(ex.Expression, "now()") {
			view.Now = now
		}
		p.Examples = append(p.Examples, view)
	}
	p.Playground = templates.Playground{
		Schema:      s.ID,
		OnIntent:    true,
		Payload:     p.Example,
		Expressions: []string{s.Fields[0].CEL},
		Dialect:     b.eng.DefaultDialect(s.ID),
		Events:      s.Events(),
		Dialects:    dialectOptions(),
		WorkerURL:   b.site.Assets.Worker,
		EditorURL:   b.site.Assets.Editor,
		Trigger:     !src.Models,
	}
	return p, nil
}

// quirkNotesOf maps a schema's quirks' pointers to their notes.
func quirkNotesOf(s *schemas.Schema) map[string]string {
	notes := map[string]string{}
	for _, q := range s.Quirks() {
		notes[q.Pointer] = q.Note
	}
	return notes
}

// fieldView is a field's entry in the field details, its CEL checked by
// the engine (schemaID is a payload's, or an action's whose result the
// field is read from under its key).
func (b *builder) fieldView(schemaID string, f *schemas.Field, quirkNotes map[string]string) (templates.Field, error) {
	check := b.eng.Check(engine.CheckRequest{Schema: schemaID, Expression: f.CEL})
	if !check.OK {
		return templates.Field{}, fmt.Errorf("%s: the CEL expression of %s does not check: %+v", schemaID, f.Name(), check.Diagnostics)
	}
	view := templates.Field{
		Anchor:           f.Anchor(),
		Name:             f.Name(),
		Depth:            len(f.Path) - 1,
		DeclaredType:     f.Node.XType,
		JSONType:         jsonType(f.Node),
		CELType:          check.Type,
		Required:         f.Required,
		RequiredUnstated: f.Node.Unstated("required"),
		TagsUnstated:     f.Node.Unstated("x-tags"),
		ReadOnly:         f.Node.ReadOnly,
		Deprecated:       f.Node.Deprecated,
		Tags:             f.Node.XTags,
		TagsInferred:     f.Node.Inferred("x-tags"),
		Description:      f.Node.Description,
		Constraints:      constraints(f.Node),
		CEL:              f.CEL,
		Quirk:            quirkNotes[f.Pointer],
		Inferred:         inferredNotes(f.Node),
	}
	for _, v := range f.Node.Enum {
		view.Enum = append(view.Enum, fmt.Sprint(v))
	}
	if ex, ok := f.Node.Example(); ok {
		view.Example = prettyJSON(ex)
	}
	return view, nil
}

// tagsFrom adds one tagged field to what a page's tags come from so far.
func tagsFrom(sofar string, proposed bool) string {
	this := templates.TagsFromSource
	if proposed {
		this = templates.TagsProposed
	}
	if sofar != "" && sofar != this {
		return templates.TagsMixed
	}
	return this
}

// pageOwner names whose docs a source page is: Morf documents the payloads
// of every integration it receives, on its own site.
func pageOwner(pageURL, sourceName string) string {
	if u, err := url.Parse(pageURL); err == nil && (u.Host == "morf.health" || strings.HasSuffix(u.Host, ".morf.health")) {
		return "Morf"
	}
	return sourceName
}

// dialectOptions are the playground's dialect picker's entries.
func dialectOptions() []templates.DialectOption {
	var out []templates.DialectOption
	for _, d := range engine.Dialects {
		out = append(out, templates.DialectOption{Name: d.Name, Title: d.Title})
	}
	return out
}

// exampleClock is now() for the example expressions that name no clock of
// their own, so that a build gives the same page whenever it runs.
const exampleClock = "2024-06-11T00:00:00Z"

// jsonType names a field's JSON type: "string (date-time)", "integer or
// null", "array of Message".
func jsonType(n *schemas.Node) string {
	var kinds []string
	for _, t := range n.Types {
		switch {
		case t == "string" && n.Format != "":
			kinds = append(kinds, "string ("+n.Format+")")
		case t == "object" && n.IsMap():
			noun := elementNoun(n.MapValues())
			if noun == "" {
				noun = "any values"
			}
			kinds = append(kinds, "map of "+noun)
		case t == "array" && n.Items != nil:
			if noun := elementNoun(n.Items); noun != "" {
				kinds = append(kinds, "array of "+noun)
			} else {
				kinds = append(kinds, "array")
			}
		default:
			kinds = append(kinds, t)
		}
	}
	if len(kinds) == 0 {
		return "any"
	}
	return strings.Join(kinds, " or ")
}

// elementNoun names what an array's elements or a map's values are: their
// record type ("Message"), their JSON type in the plural ("strings"), or ""
// where the schema leaves them free.
func elementNoun(v *schemas.Node) string {
	if v == nil {
		return ""
	}
	v = v.Resolved()
	switch {
	case v.CELType != "":
		return path.Ext("." + v.CELType)[1:]
	case v.Type() != "":
		return v.Type() + "s"
	}
	return ""
}

// inferredWords say what each x-inferred keyword means on a field.
var inferredWords = []struct{ keyword, words string }{
	{"type", "type inferred from the example"},
	{"format", "format inferred from the example"},
	{"items", "element type inferred from the example"},
	{"additionalProperties", "map values inferred from the example"},
	{"required", "required fields inferred from the example"},
}

// inferredNotes are the badges of the facts the import read off the
// example rather than the source.
func inferredNotes(n *schemas.Node) []string {
	var out []string
	for _, w := range inferredWords {
		if n.Inferred(w.keyword) {
			out = append(out, w.words)
		}
	}
	return out
}

// constraints writes a field's rules in words.
func constraints(n *schemas.Node) []string {
	var out []string
	switch {
	case n.Minimum != nil && n.Maximum != nil:
		out = append(out, fmt.Sprintf("from %s to %s", n.Minimum, n.Maximum))
	case n.Minimum != nil:
		out = append(out, fmt.Sprintf("at least %s", n.Minimum))
	case n.Maximum != nil:
		out = append(out, fmt.Sprintf("at most %s", n.Maximum))
	}
	if n.MinLength != nil {
		out = append(out, fmt.Sprintf("at least %s", characters(*n.MinLength)))
	}
	if n.MaxLength != nil {
		out = append(out, fmt.Sprintf("at most %s", characters(*n.MaxLength)))
	}
	if n.MaxItems != nil {
		out = append(out, fmt.Sprintf("at most %d items", *n.MaxItems))
	}
	if n.Pattern != "" {
		out = append(out, "matches the pattern "+n.Pattern)
	}
	switch n.Format {
	case "date-time":
		out = append(out, "an RFC 3339 date-time, such as 2016-10-13T11:15:00Z")
	case "email":
		out = append(out, "an email address")
	}
	if n.HasConst {
		out = append(out, "always "+prettyJSON(n.Const))
	}
	if n.XTime == "epoch-seconds" {
		out = append(out, "seconds since 1970-01-01 UTC; timestamp(field) makes it a CEL timestamp")
	}
	return out
}

func characters(n int) string {
	if n == 1 {
		return "1 character"
	}
	return fmt.Sprintf("%d characters", n)
}

// exampleJSON is a schema's root example, indented.
func exampleJSON(s *schemas.Schema) string { return prettyJSON(s.Example()) }

func prettyJSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // the page escapes; JSON need not
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
	return strings.TrimSuffix(buf.String(), "\n")
}

// descriptionsJSON writes the fields' descriptions as one nested object in
// the schema's order, as the sources' own pages show them.
func descriptionsJSON(root *schemas.Node) string {
	var buf bytes.Buffer
	writeDescriptions(&buf, root, "")
	return buf.String()
}

func writeDescriptions(buf *bytes.Buffer, n *schemas.Node, indent string) {
	buf.WriteString("{\n")
	for i, p := range n.Properties {
		node := p.Node.Resolved()
		key, _ := json.Marshal(p.Name)
		buf.WriteString(indent + "  " + string(key) + ": ")
		switch {
		case len(node.Properties) > 0:
			writeDescriptions(buf, node, indent+"  ")
		case node.Type() == "array" && node.Items != nil && len(node.Items.Resolved().Properties) > 0:
			writeDescriptions(buf, node.Items.Resolved(), indent+"  ")
		case node.IsMap() && node.MapValues() != nil && len(node.MapValues().Resolved().Properties) > 0:
			// A map of records reads like an array of them: the record's
			// descriptions, whatever its key.
			writeDescriptions(buf, node.MapValues().Resolved(), indent+"  ")
		default:
			desc := p.Node.Description
			if desc == "" {
				desc = node.Description
			}
			d, _ := json.Marshal(desc)
			buf.Write(d)
		}
		if i < len(n.Properties)-1 {
			buf.WriteString(",")
		}
		buf.WriteString("\n")
	}
	buf.WriteString(indent + "}")
}
