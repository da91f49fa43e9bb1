package schemas

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"fieldbook/schemas/ordered"
)

func load(t *testing.T) *Set {
	t.Helper()
	set, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestCatalogListsTheSeedsSourcesAndDestinations(t *testing.T) {
	set := load(t)
	if n := len(set.Catalog.EventSources); n != 15 {
		t.Errorf("%d event sources, the seed lists 15", n)
	}
	inCatalog := 0
	for _, d := range set.Catalog.ActionDestinations {
		if !d.Outside {
			inCatalog++
		}
	}
	if inCatalog != 20 {
		t.Errorf("%d action destinations in Morf's catalog, the seed lists 20", inCatalog)
	}
	var elation *Source
	for i, s := range set.Catalog.EventSources {
		if s.ID == "elation" {
			elation = &set.Catalog.EventSources[i]
		}
	}
	if elation == nil || !reflect.DeepEqual(elation.Payloads, []string{"elation/message-thread", "elation/appointment", "elation/lab-test", "elation/non-visit-note", "elation/visit-note"}) {
		t.Errorf("Elation's payloads: %+v", elation)
	}
}

func TestSchemasHoldWhatTheSeedsSay(t *testing.T) {
	set := load(t)
	appt, _ := set.Get("elation/appointment")
	thread, _ := set.Get("elation/message-thread")
	if appt == nil || thread == nil {
		t.Fatal("the Elation schemas are missing")
	}
	if n := len(appt.Events()); n != 14 {
		t.Errorf("appointment has %d event types, Morf's newer page 14 (the seed's older copy 13)", n)
	}
	if n := len(thread.Events()); n != 2 {
		t.Errorf("message thread has %d event types, the seed 2", n)
	}
	field := func(s *Schema, name string) *Field {
		for _, f := range s.Fields {
			if f.Name() == name {
				return f
			}
		}
		t.Fatalf("%s has no field %s", s.ID, name)
		return nil
	}
	if f := field(appt, "status"); len(f.Node.Enum) != 13 || !f.Required || f.Node.XType != "elation.v1.AppointmentStatus" {
		t.Errorf("status: %d values, required %v, type %q", len(f.Node.Enum), f.Required, f.Node.XType)
	}
	if f := field(appt, "appointment_duration_in_minutes"); f.Node.Minimum.String() != "1" || f.Node.Maximum.String() != "1440" || f.Node.XType != "uint64" {
		t.Errorf("duration: %v..%v %q", f.Node.Minimum, f.Node.Maximum, f.Node.XType)
	}
	if f := field(appt, "appointment_type_title"); *f.Node.MaxLength != 50 || !f.Required {
		t.Errorf("title: maxLength %d required %v", *f.Node.MaxLength, f.Required)
	}
	if f := field(appt, "appointment_location_details"); !f.Node.Deprecated {
		t.Error("appointment_location_details is not deprecated")
	}
	if f := field(appt, "appointment_id"); !f.Node.ReadOnly || !reflect.DeepEqual(f.Node.XTags, []string{"ID"}) {
		t.Errorf("appointment_id: readOnly %v tags %v", f.Node.ReadOnly, f.Node.XTags)
	}
	if f := field(appt, "metadata"); !reflect.DeepEqual(f.Node.XTags, []string{"HI", "ID", "PII"}) {
		t.Errorf("metadata tags %v", f.Node.XTags)
	}
	if f := field(appt, "service_location.phone_number.country_code_source"); len(f.Node.Enum) != 4 {
		t.Errorf("country_code_source has %d values", len(f.Node.Enum))
	}
	if f := field(thread, "messages[].associated_document.signed_by"); f.CEL != "messages.map(x, x.associated_document.signed_by)" {
		t.Errorf("signed_by CEL: %q", f.CEL)
	}
	if f := field(thread, "members[].status"); f.CEL != "members.map(x, x.status)" || len(f.Node.Enum) != 2 {
		t.Errorf("member status: CEL %q, %d values", f.CEL, len(f.Node.Enum))
	}
	channel, _ := set.Get("packagex/channel")
	if f := field(channel, "recent_messages[].media_urls"); f.CEL != "recent_messages.map(x, x.media_urls)" {
		t.Errorf("media_urls CEL: %q", f.CEL)
	}
}

func TestEveryFieldIsDocumentedOnce(t *testing.T) {
	for _, s := range load(t).All() {
		seen := map[string]bool{}
		for _, f := range s.Fields {
			if seen[f.Name()] {
				t.Errorf("%s: %s listed twice", s.ID, f.Name())
			}
			seen[f.Name()] = true
			if f.Node.Description == "" {
				t.Errorf("%s: %s has no description", s.ID, f.Name())
			}
			if f.CEL == "" {
				t.Errorf("%s: %s has no CEL expression", s.ID, f.Name())
			}
		}
		if len(s.Fields) == 0 {
			t.Errorf("%s has no fields", s.ID)
		}
	}
}

// TestFieldExamplesMatchTheRootExample walks the root example by each
// field's path, independently of the engine: a field's example is its value
// there (in the first element of an array, in the first entry of a map in
// the document's order).
func TestFieldExamplesMatchTheRootExample(t *testing.T) {
	for _, s := range load(t).All() {
		for _, f := range s.Fields {
			want, hasExample := f.Node.Example()
			got, reached := firstValueAt(orderedExample(s), f)
			switch {
			case hasExample && !reached:
				t.Errorf("%s: %s has an example, but the root example does not reach it", s.ID, f.Name())
			case !hasExample && reached:
				t.Errorf("%s: %s has no example; the root example has %v", s.ID, f.Name(), got)
			case hasExample && !reflect.DeepEqual(want, got):
				t.Errorf("%s: %s example %v, root example %v", s.ID, f.Name(), want, got)
			}
		}
	}
}

// orderedExample is the root example as the document writes it, objects
// with their keys in order: a map's first entry is the first one written.
func orderedExample(s *Schema) any {
	if ex, ok := s.doc.Vals["examples"].([]any); ok && len(ex) > 0 {
		return ex[0]
	}
	return nil
}

func firstValueAt(v any, f *Field) (any, bool) {
	for i, name := range f.Path {
		if arr, ok := v.([]any); ok {
			if len(arr) == 0 {
				return nil, false
			}
			v = arr[0]
		}
		if i > 0 && f.Into[i-1] == "{}" {
			m, ok := v.(*ordered.Object)
			if !ok || len(m.Keys) == 0 {
				return nil, false
			}
			v = m.Vals[m.Keys[0]]
		}
		obj, ok := v.(*ordered.Object)
		if !ok {
			return nil, false
		}
		if v, ok = obj.Vals[name]; !ok {
			return nil, false
		}
	}
	return ordered.Plain(v), true
}

func TestSchemasCompileWithTheirRefs(t *testing.T) {
	for _, s := range load(t).All() {
		if _, err := s.Validator(); err != nil {
			t.Errorf("%s: %v", s.ID, err)
		}
	}
}

func TestLoadRefusesWhatItWouldIgnore(t *testing.T) {
	catalog := `{"eventSources":[{"id":"acme","name":"Acme","payloads":["acme/order"]}],"actionDestinations":[]}`
	good := `{"$id":"https://fieldbook.dev/schemas/acme/order.json","type":"object","properties":{"id":{"type":"string","description":"d"}}}`
	cases := map[string]struct{ schema, catalog, want string }{
		"unknown keyword":       {strings.Replace(good, `"description"`, `"descripton"`, 1), catalog, `unknown keyword "descripton"`},
		"unknown tag":           {strings.Replace(good, `"description":"d"`, `"description":"d","x-tags":["SECRET"]`, 1), catalog, `unknown tag "SECRET"`},
		"inferred, absent":      {strings.Replace(good, `"description":"d"`, `"description":"d","x-inferred":["format"]`, 1), catalog, `names "format", which this node does not have`},
		"not inferable":         {strings.Replace(good, `"description":"d"`, `"description":"d","x-inferred":["description"]`, 1), catalog, `"description" cannot be inferred`},
		"source page":           {strings.Replace(good, `"type":"object"`, `"type":"object","x-source-page":{"url":"docs.example"}`, 1), catalog, `is not an https address`},
		"duplicate key":         {strings.Replace(good, `"type":"object"`, `"type":"object","type":"array"`, 1), catalog, `duplicate key "type"`},
		"wrong $id":             {strings.Replace(good, "acme/order", "acme/other", 1), catalog, "$id is"},
		"dangling $ref":         {strings.Replace(good, `"type":"string"`, `"$ref":"#/$defs/Nope"`, 1), catalog, "no such definition"},
		"unlisted payload":      {good, `{"eventSources":[],"actionDestinations":[]}`, "no source lists acme/order"},
		"pending, listed":       {good, strings.Replace(catalog, `"payloads"`, `"pending":"no example published","payloads"`, 1), "yet says why it has none"},
		"missing payload":       {good, strings.Replace(catalog, `"acme/order"`, `"acme/order","acme/gone"`, 1), "acme/gone, which has no schema"},
		"not unstatable":        {strings.Replace(good, `"description":"d"`, `"description":"d","x-unstated":["type"]`, 1), catalog, `"type" cannot be unstated`},
		"unstated, tagged":      {strings.Replace(good, `"description":"d"`, `"description":"d","x-tags":["ID"],"x-unstated":["x-tags"]`, 1), catalog, "has tags, yet says the source states none"},
		"unstated, required":    {strings.Replace(good, `"properties"`, `"required":["id"],"properties"`, 1) + "", catalog, ""},
		"inferred and unstated": {strings.Replace(good, `"description":"d"`, `"description":"d","x-tags":["ID"],"x-inferred":["x-tags"],"x-unstated":["x-tags"]`, 1), catalog, "x-tags is both inferred and not stated"},
	}
	c := cases["unstated, required"]
	c.schema = strings.Replace(c.schema, `"description":"d"`, `"description":"d","x-unstated":["required"]`, 1)
	c.want = "is required, yet says the source does not state whether it is"
	cases["unstated, required"] = c
	for name, c := range cases {
		_, err := LoadFS(fstest.MapFS{
			"catalog.json":    {Data: []byte(c.catalog)},
			"acme/order.json": {Data: []byte(c.schema)},
		})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error saying %q", name, err, c.want)
		}
	}
	if _, err := LoadFS(fstest.MapFS{"catalog.json": {Data: []byte(catalog)}, "acme/order.json": {Data: []byte(good)}}); err != nil {
		t.Errorf("a good schema was refused: %v", err)
	}
	marked := strings.Replace(good, `"description":"d"`, `"description":"d","x-inferred":["type"]`, 1)
	marked = strings.Replace(marked, `"type":"object"`, `"type":"object","x-source-page":{"url":"https://docs.example/order","partial":"cut after id"}`, 1)
	set, err := LoadFS(fstest.MapFS{"catalog.json": {Data: []byte(catalog)}, "acme/order.json": {Data: []byte(marked)}})
	if err != nil {
		t.Fatalf("a schema with x-inferred and x-source-page was refused: %v", err)
	}
	s, _ := set.Get("acme/order")
	if f := s.Fields[0]; !f.Node.Inferred("type") || f.Node.Inferred("format") {
		t.Errorf("id: inferred %v, want type only", f.Node.XInferred)
	}
	if p := s.Root.XSourcePage; p == nil || p.Partial != "cut after id" {
		t.Errorf("source page %+v", p)
	}
}

func TestPropertiesKeepTheDocumentOrder(t *testing.T) {
	set := load(t)
	appt, _ := set.Get("elation/appointment")
	// The document's own order, read by the standard library's tokenizer.
	d := json.NewDecoder(strings.NewReader(string(appt.Raw)))
	var keys []string
	depth, inProps := 0, false
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
			continue
		case json.Delim('}'), json.Delim(']'):
			depth--
			if depth == 1 {
				inProps = false
			}
			continue
		}
		if s, ok := tok.(string); ok && depth == 1 && s == "properties" {
			inProps = true
			continue
		}
		if s, ok := tok.(string); ok && inProps && depth == 2 && d.More() {
			keys = append(keys, s)
			// skip the property's schema
			var skip json.RawMessage
			if err := d.Decode(&skip); err != nil {
				t.Fatal(err)
			}
		}
	}
	var got []string
	for _, p := range appt.Root.Properties {
		got = append(got, p.Name)
	}
	if !reflect.DeepEqual(got, keys) || got[0] != "appointment_id" {
		t.Errorf("properties in order %v, document has %v", got, keys)
	}
}

// TestMapValuesHaveTheirFields: the fields of a map's values are listed
// once, with {} in their name, * in their pointer and an expression that
// maps over the map's keys, inside arrays too.
func TestMapValuesHaveTheirFields(t *testing.T) {
	catalog := `{"eventSources":[{"id":"acme","name":"Acme","payloads":["acme/form"]}],"actionDestinations":[]}`
	schema := `{"$id":"https://fieldbook.dev/schemas/acme/form.json","type":"object",
	  "properties":{
	    "answers":{"type":"object","description":"by question id","additionalProperties":{"$ref":"#/$defs/Answer"}},
	    "pages":{"type":"array","description":"pages","items":{"$ref":"#/$defs/Page"}}},
	  "$defs":{
	    "Answer":{"type":"object","description":"an answer","properties":{"value":{"type":"string","description":"v","examples":["second"]}}},
	    "Page":{"type":"object","description":"a page","properties":{"answers":{"type":"object","description":"d","additionalProperties":{"$ref":"#/$defs/Answer"}}}}},
	  "examples":[{"answers":{"q2":{"value":"second"},"q1":{"value":"first"}},"pages":[{"answers":{"q9":{"value":"x"}}}]}]}`
	set, err := LoadFS(fstest.MapFS{"catalog.json": {Data: []byte(catalog)}, "acme/form.json": {Data: []byte(schema)}})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := set.Get("acme/form")
	type row struct {
		name, pointer, cel string
		inArray, inMap     int
	}
	var got []row
	for _, f := range s.Fields {
		got = append(got, row{f.Name(), f.Pointer, f.CEL, f.InArray, f.InMap})
	}
	want := []row{
		{"answers", "/answers", "answers", 0, 0},
		{"answers{}.value", "/answers/*/value", "answers.map(x, answers[x].value)", 1, 1},
		{"pages", "/pages", "pages", 0, 0},
		{"pages[].answers", "/pages/*/answers", "pages.map(x, x.answers)", 1, 0},
		{"pages[].answers{}.value", "/pages/*/answers/*/value", "pages.map(x, x.answers.map(y, x.answers[y].value))", 2, 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fields:\n got %v\nwant %v", got, want)
	}
	// The example of a map value's field is the one of the map's first
	// entry as the document writes it (q2), not the first key in order.
	if v, ok := firstValueAt(orderedExample(s), s.Fields[1]); !ok || v != "second" {
		t.Errorf("answers{}.value in the example: %v %v", v, ok)
	}
}

// TestEveryFactHasItsProvenance holds each field's type, required flag and
// tags to where they come from: the source states them (a declared type
// name, the page's flags and tags), Fieldbook inferred them (x-inferred),
// or the source does not state them (x-unstated, shown as "not stated"),
// which the loader holds to one of the three. A schema of Morf's catalog
// names Morf's page as its source.
func TestEveryFactHasItsProvenance(t *testing.T) {
	set, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range set.All() {
		morf := s.Source != "packagex" // packagex's models come from the vendor's own docs, a seed
		page := s.Root.XSourcePage
		if morf && (page == nil || !strings.Contains(page.URL, "morf.health/")) {
			t.Errorf("%s: no Morf page as its source (x-source-page)", s.ID)
		}
		// A type the source's words state against its own example is a
		// quirk of the field, which says so.
		statedAgainst := map[string]bool{}
		for _, q := range s.Quirks() {
			if slices.Contains(q.Keywords, "type") && !s.Root.Inferred("x-quirks") {
				statedAgainst[q.Pointer] = true
			}
		}
		for _, f := range s.Fields {
			n := f.Node
			if n.XType == "" && !n.Inferred("type") && !n.HasConst && !statedAgainst[f.Pointer] && len(n.Types) > 0 {
				t.Errorf("%s: %s: type %v is neither the source's declared type (x-type), a constant, the source's words against its example (a quirk), nor inferred", s.ID, f.Name(), n.Types)
			}
		}
	}
}

// Every shipped document reads: Load reads each when first needed, and
// leaves one that does not read out of All, so it is here that a broken
// document fails.
func TestEveryShippedDocumentReads(t *testing.T) {
	set, err := LoadFS(embedded)
	if err != nil {
		t.Fatal(err)
	}
	lazy, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(lazy.All()) != len(set.IDs()) || len(lazy.Actions()) != len(set.ActionIDs()) {
		t.Errorf("read lazily: %d payloads and %d actions; listed: %d and %d", len(lazy.All()), len(lazy.Actions()), len(set.IDs()), len(set.ActionIDs()))
	}
}

// A document is read when a call first needs it: the catalog alone at
// the start, then a payload's folder, then one action.
func TestDocumentsAreReadWhenFirstNeeded(t *testing.T) {
	set, err := index(embedded)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.read) != 0 || len(set.byID) != 0 || len(set.payloadIDs) < 30 || len(set.actionIDs) < 30 {
		t.Fatalf("at the start: %d units read, %d payloads, %d listed, %d actions listed", len(set.read), len(set.byID), len(set.payloadIDs), len(set.actionIDs))
	}
	if _, ok := set.Get("elation/appointment"); !ok {
		t.Fatal("no elation/appointment")
	}
	for id := range set.byID {
		if !strings.HasPrefix(id, "elation/") {
			t.Errorf("reading elation/appointment read %s too", id)
		}
	}
	if _, ok := set.Action("stripe/v1/create-card"); !ok || len(set.byActID) != 1 {
		t.Errorf("reading one action read %d", len(set.byActID))
	}
	if _, ok := set.Get("elation/no-such-payload"); ok {
		t.Error("an unlisted id was found")
	}
	if err := set.ReadError("elation/appointment"); err != nil {
		t.Error(err)
	}
}

// Documents read from many goroutines at once read once each (go test
// -race watches the reads).
func TestDocumentsReadConcurrently(t *testing.T) {
	set, err := index(embedded)
	if err != nil {
		t.Fatal(err)
	}
	ids := set.IDs()
	var wg sync.WaitGroup
	got := make([]*Schema, len(ids))
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, ok := set.Get(id)
			if !ok {
				t.Errorf("%s did not read", id)
				return
			}
			if _, err := s.Validator(); err != nil {
				t.Errorf("%s: %v", id, err)
			}
			got[i] = s
		}()
	}
	wg.Wait()
	for i, id := range ids {
		if s, _ := set.Get(id); s != got[i] {
			t.Errorf("%s was read twice", id)
		}
	}
}
