package generate

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"fieldbook/schemas"
	"fieldbook/site/importer"
	"fieldbook/templates"
	"fieldbook/wasm/engine"
)

// TestImportedPayloadPageSaysWhatWasInferred runs the import over the
// Message Thread seed page, loads the draft as the site does, and fills
// its page: the fields whose type or format came from the example say
// so, the vendor page is linked and its gap named, and the quirks are
// marked inferred.
func TestImportedPayloadPageSaysWhatWasInferred(t *testing.T) {
	text, err := os.ReadFile("../importer/testdata/message-thread.txt")
	if err != nil {
		t.Fatal(err)
	}
	m, err := importer.ParsePage(string(text))
	if err != nil {
		t.Fatal(err)
	}
	raw, _, err := importer.Import(m, importer.Options{Source: "elation", Payload: "message-thread",
		URL: "https://docs.example/elation/message-thread", Partial: "the attachments' fields"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	set, err := schemas.LoadFS(fstest.MapFS{
		"catalog.json":                {Data: []byte(`{"eventSources":[{"id":"elation","name":"Elation","payloads":["elation/message-thread"]}],"actionDestinations":[]}`)},
		"elation/message-thread.json": {Data: raw},
	})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := set.Get("elation/message-thread")
	b := &builder{set: set, eng: engine.New(set, engine.DefaultLimits), site: &Site{}}
	p, err := b.payloadView(s, templates.SourceCard{ID: "elation", Name: "Elation"})
	if err != nil {
		t.Fatal(err)
	}
	if p.SourcePage != "https://docs.example/elation/message-thread" || p.SourcePartial != "the attachments' fields" || !p.QuirksInferred {
		t.Errorf("page: source %q, partial %q, quirks inferred %v", p.SourcePage, p.SourcePartial, p.QuirksInferred)
	}
	want := map[string]string{
		"created_at":         "type inferred from the example, format inferred from the example",
		"is_urgent":          "type inferred from the example",
		"members":            "type inferred from the example, element type inferred from the example",
		"messages[].sent_at": "type inferred from the example, format inferred from the example",
		"members[].status":   "type inferred from the example",
	}
	for _, f := range p.Fields {
		if w, ok := want[f.Name]; ok && strings.Join(f.Inferred, ", ") != w {
			t.Errorf("%s: %q, want %q", f.Name, f.Inferred, w)
		}
		delete(want, f.Name)
	}
	if len(want) > 0 {
		t.Errorf("fields missing from the page: %v", want)
	}
}

// TestImportedAppointmentBuildsItsPage: the Appointment draft, with its
// phone number object sent as a string, loads and builds a page whose
// every field's CEL checks in the engine; its inferred quirks are shown.
func TestImportedAppointmentBuildsItsPage(t *testing.T) {
	text, err := os.ReadFile("../importer/testdata/appointment.txt")
	if err != nil {
		t.Fatal(err)
	}
	m, err := importer.ParsePage(string(text))
	if err != nil {
		t.Fatal(err)
	}
	raw, _, err := importer.Import(m, importer.Options{Source: "elation", Payload: "appointment"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	set, err := schemas.LoadFS(fstest.MapFS{
		"catalog.json":             {Data: []byte(`{"eventSources":[{"id":"elation","name":"Elation","payloads":["elation/appointment"]}],"actionDestinations":[]}`)},
		"elation/appointment.json": {Data: raw},
	})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := set.Get("elation/appointment")
	b := &builder{set: set, eng: engine.New(set, engine.DefaultLimits), site: &Site{}}
	p, err := b.payloadView(s, templates.SourceCard{ID: "elation", Name: "Elation"})
	if err != nil {
		t.Fatal(err)
	}
	quirks := map[string]bool{}
	for _, q := range p.Quirks {
		quirks[q.Name] = true
	}
	if len(p.Fields) != 47 || !p.QuirksInferred || !quirks["service_location.phone_number"] || !quirks["status"] || p.SourcePage != "" {
		t.Errorf("%d fields, quirks %v (inferred %v), source page %q", len(p.Fields), quirks, p.QuirksInferred, p.SourcePage)
	}
	for _, f := range p.Fields {
		if f.Name == "appointment_id" && len(f.Inferred) > 0 {
			t.Errorf("appointment_id is declared a string, but the page says %v", f.Inferred)
		}
	}
}
