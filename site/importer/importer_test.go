package importer

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"fieldbook/schemas"
	"fieldbook/schemas/ordered"
)

// at walks an ordered document by keys.
func at(t *testing.T, o *ordered.Object, keys ...string) *ordered.Object {
	t.Helper()
	for _, k := range keys {
		next, ok := o.Vals[k].(*ordered.Object)
		if !ok {
			t.Fatalf("no object at %v", keys)
		}
		o = next
	}
	return o
}

func field(t *testing.T, s *schemas.Schema, name string) *schemas.Field {
	t.Helper()
	for _, f := range s.Fields {
		if f.Name() == name {
			return f
		}
	}
	t.Fatalf("%s has no field %s", s.ID, name)
	return nil
}

// TestRerunKeepsHandEdits imports the Message Thread page, edits the
// draft as a person would, and imports again over it: what the person
// wrote or confirmed stays, what is still marked inferred is recomputed.
func TestRerunKeepsHandEdits(t *testing.T) {
	text := mustRead(t, "testdata/message-thread.txt")
	m, err := ParsePage(text)
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Source: "elation", Payload: "message-thread"}
	first, _, err := Import(m, opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := Import(m, opt, first)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, again) {
		t.Errorf("a re-run over an unedited draft changed it:\n%s", again)
	}

	v, _, _ := ordered.Decode(string(first))
	doc := v.(*ordered.Object)
	// A description and tags written by hand, on fields the page has.
	at(t, doc, "properties", "id").Set("description", "The thread's id, as Elation writes it.")
	practice := at(t, doc, "properties", "practice_id")
	practice.Set("x-tags", []any{"ID"})
	practice.Delete("x-inferred") // the person confirmed its type
	// A wrong type left marked inferred: the import puts it right.
	at(t, doc, "properties", "is_urgent").Set("type", "string")
	// The format confirmed, the type still inferred.
	at(t, doc, "properties", "created_at").Set("x-inferred", []any{"format"})
	// A field the page does not have.
	at(t, doc, "properties").Set("subject", obj1("type", "string", "description", "Added by hand."))
	// The element type renamed, and its status described anew.
	defs := at(t, doc, "$defs")
	member := at(t, defs, "Member")
	defs.Delete("Member")
	defs.Set("ThreadMember", member)
	at(t, member, "properties", "status").Set("description", "Where the member stands.")
	at(t, doc, "properties", "members", "items").Set("$ref", "#/$defs/ThreadMember")
	// A constraint and an example library.
	at(t, doc, "$defs", "Message", "properties", "body").SetBefore("minLength", json1, "examples")
	doc.SetBefore("x-cel-examples", []any{obj1("kind", "mapping", "title", "The users", "expression", "members.map(m, m.user_id)")}, "properties")
	// The quirks confirmed, one note rewritten.
	quirks := doc.Vals["x-quirks"].([]any)
	quirks[0].(*ordered.Object).Set("note", "Elation sends an empty string for a timestamp that is not set.")
	doc.Delete("x-inferred")

	rerun, _, err := Import(m, opt, encode(doc))
	if err != nil {
		t.Fatal(err)
	}
	s, err := schemas.Standalone("elation/message-thread", rerun)
	if err != nil {
		t.Fatalf("the re-run does not load: %v\n%s", err, rerun)
	}
	if d := field(t, s, "id").Node.Description; d != "The thread's id, as Elation writes it." {
		t.Errorf("id's description: %q", d)
	}
	if f := field(t, s, "practice_id"); !reflect.DeepEqual(f.Node.XTags, []string{"ID"}) || f.Node.Inferred("type") {
		t.Errorf("practice_id: tags %v, inferred %v", f.Node.XTags, f.Node.XInferred)
	}
	if f := field(t, s, "is_urgent"); f.Node.Type() != "boolean" || !f.Node.Inferred("type") {
		t.Errorf("is_urgent: %v, inferred %v; want boolean, recomputed", f.Node.Types, f.Node.XInferred)
	}
	if f := field(t, s, "created_at"); !reflect.DeepEqual(f.Node.XInferred, []string{"format"}) {
		t.Errorf("created_at inferred %v, want [format]", f.Node.XInferred)
	}
	if d := field(t, s, "subject").Node.Description; d != "Added by hand." {
		t.Errorf("the hand-added field: %q", d)
	}
	if d := field(t, s, "members[].status").Node.Description; d != "Where the member stands." {
		t.Errorf("members[].status: %q", d)
	}
	if s.Root.Defs["ThreadMember"] == nil || s.Root.Defs["Member"] != nil {
		t.Errorf("$defs after the re-run: %v", keysOf(s.Root.Defs))
	}
	if n := field(t, s, "messages[].body").Node.MinLength; n == nil || *n != 1 {
		t.Errorf("body's minLength: %v", n)
	}
	if len(s.Root.XCELExamples) != 1 {
		t.Errorf("x-cel-examples: %v", s.Root.XCELExamples)
	}
	if q := s.Quirks(); len(q) != 4 || q[0].Note != "Elation sends an empty string for a timestamp that is not set." || s.Root.Inferred("x-quirks") {
		t.Errorf("quirks: %+v, inferred %v", q, s.Root.XInferred)
	}
}

var json1 = mustJSON("1")

func mustJSON(s string) any {
	v, err := ParseJSON(s)
	if err != nil {
		panic(err)
	}
	return v
}

func obj1(kv ...string) *ordered.Object {
	o := ordered.New()
	for i := 0; i < len(kv); i += 2 {
		o.Set(kv[i], kv[i+1])
	}
	return o
}

func keysOf(m map[string]*schemas.Node) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestInferenceFromAnExample gives the pieces without a page: types,
// formats, maps, merged array elements, and what a null leaves open.
func TestInferenceFromAnExample(t *testing.T) {
	example := mustJSON(`{
		"id": "a1", "score": 1.5, "count": 3,
		"site": "https://example.com/a", "uid": "123e4567-e89b-12d3-a456-426614174000",
		"email": "ada@example.com", "birthday": "1990-01-01", "seen_at": "2024-06-11T09:00:00+02:00",
		"answers": {"First Name": "Ada", "Last Name": "Lovelace"},
		"integrations": {"hubspot": {"id": "1", "synced": true}, "stripe": {"id": "2", "synced": false}},
		"by_id": {"123": 1, "456": 2},
		"address": {"city": "San Francisco", "zip": 94107},
		"items": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2, "note": "gift"}],
		"labels": ["a", "b"],
		"nothing": null
	}`)
	m := Material{Title: "Order", Example: example, Descriptions: mustJSON(`{"id": "Description coming soon", "score": "The score."}`)}
	raw, warnings, err := Import(m, Options{Source: "acme", Payload: "order"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := schemas.Standalone("acme/order", raw)
	if err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	for name, want := range map[string]string{"score": "number", "count": "integer", "id": "string", "labels": "array"} {
		if f := field(t, s, name); f.Node.Type() != want || !f.Node.Inferred("type") {
			t.Errorf("%s: %v inferred %v, want %s", name, f.Node.Types, f.Node.XInferred, want)
		}
	}
	for name, want := range map[string]string{"site": "uri", "uid": "uuid", "email": "email", "birthday": "date", "seen_at": "date-time"} {
		if f := field(t, s, name); f.Node.Format != want || !f.Node.Inferred("format") {
			t.Errorf("%s: format %q inferred %v, want %s", name, f.Node.Format, f.Node.XInferred, want)
		}
	}
	if d := field(t, s, "id").Node.Description; d != "" {
		t.Errorf("a placeholder became the description %q", d)
	}
	for name, want := range map[string]string{"answers": "string", "by_id": "integer"} {
		f := field(t, s, name)
		if !f.Node.IsMap() || f.Node.MapValues().Type() != want || !f.Node.Inferred("additionalProperties") {
			t.Errorf("%s is not a map of %ss: %+v", name, want, f.Node)
		}
	}
	integ := field(t, s, "integrations").Node
	if !integ.IsMap() || integ.MapValues().Resolved().Property("synced") == nil || s.Root.Defs["IntegrationValue"] == nil {
		t.Errorf("integrations: a map of IntegrationValue wanted, defs %v", keysOf(s.Root.Defs))
	}
	if a := field(t, s, "address").Node; a.IsMap() || a.Property("zip").Type() != "integer" {
		t.Errorf("address should be a record: %+v", a)
	}
	note := field(t, s, "items[].note")
	if _, has := note.Node.Example(); has || field(t, s, "items[].qty").Node.Type() != "integer" || s.Root.Defs["Item"] == nil {
		t.Errorf("items: elements merged into Item, note without an example (the first element lacks it): %+v", note.Node)
	}
	if l := field(t, s, "labels").Node; l.Items == nil || l.Items.Type() != "string" || !l.Inferred("items") {
		t.Errorf("labels' items: %+v", l.Items)
	}
	if n := field(t, s, "nothing").Node; len(n.Types) != 0 || len(n.XInferred) != 0 {
		t.Errorf("null tells no type: %v %v", n.Types, n.XInferred)
	}
	if len(s.Quirks()) != 0 {
		t.Errorf("quirks in an example that breaks nothing: %+v", s.Quirks())
	}
	if !strings.Contains(strings.Join(warnings, "\n"), "no description on the page for: id,") {
		t.Errorf("warnings: %v", warnings)
	}
}

// TestPageLayouts reads what each seed's layout says of its fields.
func TestPageLayouts(t *testing.T) {
	appt, err := ParsePage(mustRead(t, "testdata/appointment.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if appt.Title != "Appointment" || appt.SourceName != "Elation" || len(appt.Events) != 13 || appt.Events[0] != "Elation Appointment Scheduled" {
		t.Errorf("appointment: %q from %q, events %q", appt.Title, appt.SourceName, appt.Events)
	}
	thread, err := ParsePage(mustRead(t, "testdata/message-thread.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if thread.Title != "Message Thread" || !strings.HasPrefix(thread.Description, "Event payload details") || len(thread.Events) != 2 {
		t.Errorf("message thread: %q %q %q", thread.Title, thread.Description, thread.Events)
	}
	detail := func(m Material, path string) Detail {
		for _, d := range m.Details {
			if strings.Join(d.Path, ".") == path {
				return d
			}
		}
		t.Fatalf("no detail for %s", path)
		return Detail{}
	}
	for path, tags := range map[string][]string{"patient_id": {"ID"}, "physician_id": nil, "metadata": {"HI", "ID", "PII"}, "service_location.city": {"PII"}} {
		if d := detail(appt, path); !reflect.DeepEqual(d.Tags, tags) || strings.HasPrefix(d.Description, "ID ID") {
			t.Errorf("%s: tags %v, description %q", path, d.Tags, d.Description)
		}
	}
	if d := detail(appt, "status"); d.Declared != "elation.v1.AppointmentStatus" || !d.Required || len(d.Enum) != 13 {
		t.Errorf("status: %+v", d)
	}
	if d := detail(thread, "messages.sender_id"); !reflect.DeepEqual(d.Tags, []string{"ID"}) || d.Description != "ID of the user who sent this message." {
		t.Errorf("sender_id: %+v", d)
	}
	if d := detail(thread, "status"); len(d.Enum) != 2 { // placed under members by its description, at import
		t.Errorf("members' status: %+v", d)
	}
}

func TestCELPaths(t *testing.T) {
	for in, want := range map[string][]string{
		"id": {"id"},
		"service_location.phone_number.extension":   {"service_location", "phone_number", "extension"},
		"members.map(x, x.id)":                      {"members", "id"},
		"messages.map(x, x.associated_document.id)": {"messages", "associated_document", "id"},
		"a.map(x, x.b.map(y, y.c))":                 {"a", "b", "c"},
		"messages[].associated_document.id":         {"messages", "associated_document", "id"},
		"size(members)":                             nil,
	} {
		if got := celPath(in); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	b, err := readFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestImportOverTheHandWrittenSchemasChangesNothing: the Elation schemas
// list nothing in x-inferred, so every keyword is as a person wrote it,
// and importing their pages over them must leave them as they are.
func TestImportOverTheHandWrittenSchemasChangesNothing(t *testing.T) {
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range [][2]string{{"message-thread.txt", "message-thread"}, {"appointment.txt", "appointment"}} {
		hand, _ := set.Get("elation/" + c[1])
		m, err := ParsePage(mustRead(t, "testdata/"+c[0]))
		if err != nil {
			t.Fatal(err)
		}
		out, warnings, err := Import(m, Options{Source: "elation", Payload: c[1]}, hand.Raw)
		if err != nil {
			t.Fatal(err)
		}
		got, _, _ := ordered.Decode(string(out))
		want, _, _ := ordered.Decode(string(hand.Raw))
		if !reflect.DeepEqual(ordered.Plain(got), ordered.Plain(want)) {
			t.Errorf("%s changed:\n%s", hand.ID, out)
		}
		if len(warnings) > 0 {
			t.Errorf("%s: warnings %v", hand.ID, warnings)
		}
	}
}

// TestRerunAddsTheFieldsAPageAdds: a field the page documents and the
// schema lacks is added, also inside a type the hand moved into $defs
// (Message Thread's associated_document, which the import writes inline).
func TestRerunAddsTheFieldsAPageAdds(t *testing.T) {
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	hand, _ := set.Get("elation/message-thread")
	v, _, _ := ordered.Decode(string(hand.Raw))
	doc := v.(*ordered.Object)
	at(t, doc, "$defs", "Document", "properties").Delete("signed_by")
	at(t, doc, "$defs", "ThreadMember", "properties").Delete("acked_at")
	m, err := ParsePage(mustRead(t, "testdata/message-thread.txt"))
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := Import(m, Options{Source: "elation", Payload: "message-thread"}, encode(doc))
	if err != nil {
		t.Fatal(err)
	}
	s, err := schemas.Standalone("elation/message-thread", out)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"messages[].associated_document.signed_by", "members[].acked_at"} {
		f := field(t, s, name)
		if f.Node.Description == "" || !f.Node.Inferred("type") {
			t.Errorf("%s came back without its description, or not marked inferred: %+v", name, f.Node)
		}
	}
	if s.Root.Defs["Document"].Property("signed_by") == nil || s.Root.Defs["Member"] != nil {
		t.Errorf("the fields went elsewhere than the hand's defs: %v", keysOf(s.Root.Defs))
	}
}
