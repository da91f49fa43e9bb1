// Package importer turns the material of a vendor's payload page (its
// example, the descriptions shaped like it, and the field details) into a
// draft schema that follows schemas/README.md. Whatever it reads off the
// example rather than the page is marked with x-inferred, and running it
// again over a schema edited by hand keeps the edits.
package importer

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"fieldbook/schemas"
	"fieldbook/schemas/ordered"
)

// Options name the schema and say where its page is.
type Options struct {
	Source  string // "elation"
	Payload string // "appointment"
	URL     string // the vendor page, for x-source-page
	Partial string // what the page leaves out, when it is cut short
}

// ID is the schema id, "elation/appointment".
func (o Options) ID() string { return o.Source + "/" + o.Payload }

// Import writes the schema of the material. existing is the schema already
// at its place, or nil: a keyword it has and does not list in x-inferred
// is kept as written, and so are the fields it adds. Warnings say what the
// draft still needs from a person.
func Import(m Material, opt Options, existing []byte) ([]byte, []string, error) {
	if opt.Source == "" || opt.Payload == "" {
		return nil, nil, errors.New("the schema needs a source and a payload name")
	}
	if _, ok := m.Example.(*ordered.Object); !ok {
		return nil, nil, errors.New("the material has no example payload (a JSON object)")
	}
	doc := draft(m, opt)
	keepQuirks := false
	if existing != nil {
		old, _, err := ordered.Decode(string(existing))
		if err != nil {
			return nil, nil, fmt.Errorf("the existing schema: %w", err)
		}
		oldDoc, ok := old.(*ordered.Object)
		if !ok {
			return nil, nil, errors.New("the existing schema is not a JSON object")
		}
		doc = merge(oldDoc, doc)
		_, has := oldDoc.Get("x-quirks")
		keepQuirks = has && !inferredIn(oldDoc)["x-quirks"]
	}
	if !keepQuirks {
		doc.Delete("x-quirks")
		markInferred(doc, "x-quirks", false)
		quirks, err := inferQuirks(doc, func(raw []byte) (*schemas.Schema, error) { return schemas.Standalone(opt.ID(), raw) })
		if err != nil {
			return nil, nil, err
		}
		if len(quirks) > 0 {
			doc.SetBefore("x-quirks", quirks, firstOf(doc, "x-inferred", "properties", "examples"))
			markInferred(doc, "x-quirks", true)
		}
	}
	ProposeTags(doc)
	out := encode(doc)
	warnings, err := check(out, opt.ID())
	return out, warnings, err
}

func firstOf(o *ordered.Object, keys ...string) string {
	for _, k := range keys {
		if _, ok := o.Get(k); ok {
			return k
		}
	}
	return ""
}

// draft is the schema of the material alone.
func draft(m Material, opt Options) *ordered.Object {
	b := newBuilder(m)
	root := b.build(nil, []any{m.Example}, m.Descriptions, "object", nil, false)
	root.typeInf = false // a payload is an object: that is read, not inferred
	b.nameDefs(root, "")

	doc := ordered.New()
	doc.Set("$schema", "https://json-schema.org/draft/2020-12/schema")
	doc.Set("$id", schemas.BaseURL+opt.ID()+".json")
	if m.Title != "" {
		doc.Set("title", m.Title)
	}
	if m.Description != "" {
		doc.Set("description", m.Description)
	}
	doc.Set("type", "object")
	if opt.URL != "" {
		page := ordered.New()
		page.Set("url", opt.URL)
		if opt.Partial != "" {
			page.Set("partial", opt.Partial)
		}
		doc.Set("x-source-page", page)
	}
	if len(m.Events) > 0 {
		doc.Set("x-events", strs(m.Events))
	}
	body := b.render(root, false)
	for _, k := range body.Keys {
		if k != "type" {
			doc.Set(k, body.Vals[k])
		}
	}
	if len(b.defs) > 0 {
		defs := ordered.New()
		for _, d := range b.defs {
			defs.Set(d.def, b.render(d, false))
		}
		doc.Set("$defs", defs)
	}
	doc.Set("examples", []any{m.Example})
	return doc
}

func strs(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// render writes a node's keywords in the order the hand-written schemas
// use. A field (a property) has its example; elements and map values,
// which are no fields, have none.
func (b *builder) render(n *node, field bool) *ordered.Object {
	o := ordered.New()
	var inferred []any
	switch len(n.types) {
	case 0:
	case 1:
		o.Set("type", n.types[0])
	default:
		o.Set("type", strs(n.types))
	}
	if n.typeInf && len(n.types) > 0 {
		inferred = append(inferred, "type")
	}
	if n.xType != "" {
		o.Set("x-type", n.xType)
	}
	if n.format != "" {
		o.Set("format", n.format)
		if n.formatInf {
			inferred = append(inferred, "format")
		}
	}
	if n.desc != "" {
		o.Set("description", n.desc)
	}
	if len(n.tags) > 0 {
		o.Set("x-tags", strs(n.tags))
	}
	if len(n.enum) > 0 {
		o.Set("enum", strs(n.enum))
	}
	if len(n.props) > 0 {
		props := ordered.New()
		for _, p := range n.props {
			props.Set(p.name, b.render(p.n, true))
		}
		o.Set("properties", props)
	}
	if len(n.required) > 0 {
		o.Set("required", strs(n.required))
	}
	sub := func(s *node) *ordered.Object {
		if s.def != "" {
			ref := ordered.New()
			ref.Set("$ref", "#/$defs/"+s.def)
			return ref
		}
		return b.render(s, false)
	}
	if n.items != nil {
		o.Set("items", sub(n.items))
		if n.itemsInf {
			inferred = append(inferred, "items")
		}
	}
	if n.values != nil {
		o.Set("additionalProperties", sub(n.values))
		if n.valuesInf {
			inferred = append(inferred, "additionalProperties")
		}
	}
	if len(n.unstated) > 0 {
		o.Set("x-unstated", strs(n.unstated))
	}
	if len(inferred) > 0 {
		o.Set("x-inferred", inferred)
	}
	if field {
		if ex, ok := firstValueAt(b.example, n.path); ok {
			o.Set("examples", []any{ex})
		}
	}
	return o
}

// inferredIn is the set of keywords a node lists in x-inferred.
func inferredIn(o *ordered.Object) map[string]bool { return listSet(o.Vals["x-inferred"]) }

// listSet is the set of the strings of a JSON array (none for anything
// else).
func listSet(v any) map[string]bool {
	out := map[string]bool{}
	arr, _ := v.([]any)
	for _, x := range arr {
		if s, ok := x.(string); ok {
			out[s] = true
		}
	}
	return out
}

// inferableOrder is x-inferred's order of keywords (schemas/README.md).
var inferableOrder = []string{"type", "format", "items", "additionalProperties", "required", "x-quirks", "x-tags"}

// markInferred adds or removes a keyword from a node's x-inferred.
func markInferred(o *ordered.Object, keyword string, on bool) {
	set := inferredIn(o)
	set[keyword] = on
	var list []any
	for _, k := range inferableOrder {
		if set[k] {
			list = append(list, k)
		}
	}
	if len(list) == 0 {
		o.Delete("x-inferred")
		return
	}
	o.SetBefore("x-inferred", list, firstOf(o, "x-inferred", "properties", "examples"))
}

// inferQuirks validates the root example against the schema with the
// schemas package's validator and turns each place the example breaks it
// into a quirk, so that the example validates with exactly its quirks.
// load reads the document as the site will.
func inferQuirks(doc *ordered.Object, load func([]byte) (*schemas.Schema, error)) ([]any, error) {
	s, err := load(encode(doc))
	if err != nil {
		return nil, fmt.Errorf("the draft does not load: %w", err)
	}
	leaves, err := findings(s)
	if err != nil {
		return nil, err
	}
	example := firstExample(doc)
	type quirk struct {
		keywords []any
		value    any
	}
	byPointer := map[string]*quirk{}
	var order []string
	for _, l := range leaves {
		pointer, value := generalize(example, l.InstanceLocation)
		kw := keywordOf(l)
		q := byPointer[pointer]
		if q == nil {
			q = &quirk{value: value}
			byPointer[pointer] = q
			order = append(order, pointer)
		}
		dup := false
		for _, k := range q.keywords {
			dup = dup || k == kw
		}
		if !dup {
			q.keywords = append(q.keywords, kw)
		}
	}
	// The validator's order is not fixed: quirks are sorted by pointer,
	// keywords with type first, so a re-run writes the same document.
	sort.Strings(order)
	var out []any
	for _, p := range order {
		q := byPointer[p]
		sort.Slice(q.keywords, func(i, j int) bool {
			a, b := q.keywords[i].(string), q.keywords[j].(string)
			return a == "type" && b != "type" || (a == "type") == (b == "type") && a < b
		})
		o := ordered.New()
		o.Set("pointer", p)
		o.Set("keywords", q.keywords)
		o.Set("note", quirkNote(q.value, schemaAt(doc, p)))
		out = append(out, o)
	}
	return out, nil
}

func firstExample(doc *ordered.Object) any {
	v, _ := doc.Get("examples")
	if arr, ok := v.([]any); ok && len(arr) > 0 {
		return arr[0]
	}
	return nil
}

// findings are the validator's leaf errors on the root example.
func findings(s *schemas.Schema) ([]*jsonschema.ValidationError, error) {
	v, err := s.Validator()
	if err != nil {
		return nil, fmt.Errorf("the draft does not compile: %w", err)
	}
	ex, _ := s.Root.Example()
	err = v.Validate(ex)
	if err == nil {
		return nil, nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return nil, err
	}
	var out []*jsonschema.ValidationError
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, e)
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return out, nil
}

func keywordOf(e *jsonschema.ValidationError) string {
	p := e.ErrorKind.KeywordPath()
	if len(p) == 0 {
		return ""
	}
	return p[len(p)-1]
}

// generalize writes a location as a quirk pointer, * for an array index,
// and returns the value there.
func generalize(v any, loc []string) (string, any) {
	var b strings.Builder
	for _, tok := range loc {
		b.WriteByte('/')
		switch x := v.(type) {
		case []any:
			b.WriteString("*")
			i := 0
			fmt.Sscan(tok, &i)
			if i < len(x) {
				v = x[i]
			}
		case *ordered.Object:
			b.WriteString(strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1"))
			v = x.Vals[tok]
		}
	}
	return b.String(), v
}

// schemaAt finds the schema node a quirk pointer leads to, following
// local $refs.
func schemaAt(doc *ordered.Object, pointer string) *ordered.Object {
	n := doc
	for _, tok := range strings.Split(pointer, "/")[1:] {
		n = resolve(doc, n)
		var next any
		if tok == "*" {
			next, _ = n.Get("items")
		} else if props, ok := n.Vals["properties"].(*ordered.Object); ok {
			next, _ = props.Get(strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~"))
		}
		if next == nil {
			if ap, ok := n.Vals["additionalProperties"].(*ordered.Object); ok && tok != "*" {
				next = ap
			}
		}
		o, ok := next.(*ordered.Object)
		if !ok {
			return ordered.New()
		}
		n = o
	}
	return resolve(doc, n)
}

func resolve(doc, n *ordered.Object) *ordered.Object {
	for i := 0; i < 16; i++ {
		ref, _ := n.Vals["$ref"].(string)
		name, ok := strings.CutPrefix(ref, "#/$defs/")
		if !ok {
			return n
		}
		defs, _ := doc.Vals["$defs"].(*ordered.Object)
		d, _ := defs.Get(name)
		if n, ok = d.(*ordered.Object); !ok {
			return ordered.New()
		}
	}
	return n
}

// quirkNote says what the example sends and what the schema expects, and
// that the import inferred it.
func quirkNote(v any, schema *ordered.Object) string {
	sends := "a value that breaks the schema"
	switch x := v.(type) {
	case nil:
		sends = "null"
	case string:
		switch {
		case x == "":
			sends = "an empty string"
		case zoneless.MatchString(x):
			sends = "a date-time without a time zone"
		default:
			sends = "a string"
		}
	case *ordered.Object:
		sends = "an object"
	case []any:
		sends = "an array"
	case bool:
		sends = "a boolean"
	default:
		sends = "a number"
	}
	expects := "the schema"
	switch xt, _ := schema.Vals["x-type"].(string); {
	case xt != "":
		expects = "the page declares " + xt
	case schema.Vals["format"] == "date-time":
		expects = "the field is an RFC 3339 date-time"
	case schema.Vals["format"] != nil:
		expects = fmt.Sprintf("the field has the format %v", schema.Vals["format"])
	case schema.Vals["type"] != nil:
		expects = fmt.Sprintf("the field is of type %v", schema.Vals["type"])
	}
	return "Inferred from the example, which sends " + sends + " where " + expects + "."
}

// check loads the schema as the site will and validates its example: it
// must load (no unknown keyword), and the example must raise nothing but
// its quirks. What a person must still write is a warning.
func check(raw []byte, id string) ([]string, error) {
	s, err := schemas.Standalone(id, raw)
	if err != nil {
		return nil, fmt.Errorf("the schema does not load: %w", err)
	}
	leaves, err := findings(s)
	if err != nil {
		return nil, err
	}
	var warnings []string
	doc, _, _ := ordered.Decode(string(raw))
	example := firstExample(doc.(*ordered.Object))
	for _, l := range leaves {
		pointer, _ := generalize(example, l.InstanceLocation)
		if !quirkCovers(s.Quirks(), pointer, keywordOf(l)) {
			warnings = append(warnings, fmt.Sprintf("the example breaks %s at %s, and no quirk says so", keywordOf(l), pointer))
		}
	}
	if s.Root.Description == "" {
		warnings = append(warnings, "the page gives no description line: write one (or pass -description)")
	}
	if len(s.Root.XEvents) == 0 {
		warnings = append(warnings, "the page names no triggering webhook types (pass -events)")
	}
	var undescribed []string
	for _, f := range s.Fields {
		if f.Node.Description == "" {
			undescribed = append(undescribed, f.Name())
		}
	}
	if len(undescribed) > 0 {
		warnings = append(warnings, "no description on the page for: "+strings.Join(undescribed, ", "))
	}
	return warnings, nil
}

func quirkCovers(quirks []schemas.Quirk, pointer, keyword string) bool {
	for _, q := range quirks {
		if q.Pointer != pointer {
			continue
		}
		for _, k := range q.Keywords {
			if k == keyword {
				return true
			}
		}
	}
	return false
}
