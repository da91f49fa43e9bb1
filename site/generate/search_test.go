package generate

import (
	"strings"
	"testing"

	"fieldbook/schemas"
	"fieldbook/templates"
	"fieldbook/wasm/engine"
)

// TestPayloadRecords: a payload page gives one record for itself and one per
// field, at the field's anchor, with what a result shows.
func TestPayloadRecords(t *testing.T) {
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	b := &builder{set: set, eng: engine.New(set, engine.DefaultLimits), site: &Site{}}
	s, _ := set.Get("elation/appointment")
	view, err := b.payloadView(s, templates.SourceCard{ID: "elation", Name: "Elation", URL: "/events/elation/"})
	if err != nil {
		t.Fatal(err)
	}
	records := payloadRecords(view)
	if len(records) != len(s.Fields)+1 {
		t.Fatalf("%d records for a payload of %d fields", len(records), len(s.Fields))
	}
	if r := records[0]; r.URL != "/events/elation/appointment/" || r.Kind != "payload" || r.Title != "Appointment" {
		t.Errorf("the payload's record: %+v", r)
	}
	var patient *SearchRecord
	for i, r := range records[1:] {
		if want := "/events/elation/appointment/#" + s.Fields[i].Anchor(); r.URL != want || r.Kind != "field" {
			t.Errorf("record %d: %s (%s), want %s", i, r.URL, r.Kind, want)
		}
		if r.URL == "/events/elation/appointment/#patient_id" {
			patient = &records[i+1]
		}
	}
	if patient == nil {
		t.Fatal("no record for patient_id")
	}
	if patient.Title != "patient_id" || patient.Payload != "Elation Appointment" || !strings.Contains(patient.Type, "CEL string") ||
		!strings.Contains(strings.Join(patient.Facts, " "), "patient_id") {
		t.Errorf("patient_id's record: %+v", *patient)
	}
}

// TestSearchRecordHTML: text is escaped, and metadata whose values hold
// commas (CEL types do) is read from attributes, whole.
func TestSearchRecordHTML(t *testing.T) {
	r := SearchRecord{URL: "/x/#a", Title: "a<b>", Kind: "field", Payload: `S "P"`, Type: "map(string, int)", Tags: []string{"PII", "ID"}, Source: "S", Text: []string{"fish & chips"}}
	h := r.HTML()
	for _, want := range []string{`data-type="map(string, int)"`, `data-payload="S &#34;P&#34;"`, `data-tags="PII ID"`, `data-tag="PII"`, `data-tag="ID"`, `>a&lt;b&gt;</h1>`, `<p>fish &amp; chips</p>`, `<h1 data-pagefind-meta="title" data-pagefind-weight="8">`} {
		if !strings.Contains(h, want) {
			t.Errorf("the record's HTML lacks %s:\n%s", want, h)
		}
	}
	if strings.Contains(h, "<b>") {
		t.Errorf("text became markup:\n%s", h)
	}
}

// TestNestedFieldNamesWeighTheirOwnName: a nested field's own name
// (its last segment) weighs more than the path to it, so that a search
// for a name lists the fields called so before the fields inside them.
func TestNestedFieldNamesWeighTheirOwnName(t *testing.T) {
	h := SearchRecord{URL: "/x/#form_answers.answer", Title: "form_answers{}.answer", Kind: "field"}.HTML()
	for _, want := range []string{`<h1 data-pagefind-meta="title" data-pagefind-weight="5">form_answers{}.answer</h1>`, `<p data-pagefind-weight="8">answer</p>`} {
		if !strings.Contains(h, want) {
			t.Errorf("the record's HTML lacks %s:\n%s", want, h)
		}
	}
}

func TestNameSegments(t *testing.T) {
	for name, want := range map[string]string{
		"patient_id":            "",
		"service_location.city": "service_location city",
		"messages[].associated_document.document_type": "messages associated_document document_type",
	} {
		if got := nameSegments(name); got != want {
			t.Errorf("nameSegments(%q) = %q, want %q", name, got, want)
		}
	}
}

// The dialect pages are in the search: the page, and each function, macro
// and operator at its anchor, with its signatures.
func TestDialectRecords(t *testing.T) {
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(set, engine.DefaultLimits)
	ref, err := eng.Reference(engine.DialectMorf)
	if err != nil {
		t.Fatal(err)
	}
	page := dialectView(ref, templates.Meta{Path: dialectURL(engine.DialectMorf)})
	records := dialectRecords(ref, page)
	c := page.Dialect
	if len(records) != 1+c.Functions+c.Macros+c.Operators {
		t.Fatalf("%d records for %d entries", len(records), c.Functions+c.Macros+c.Operators)
	}
	if r := records[0]; r.URL != "/dialects/morf/" || r.Kind != "dialect" || r.Title != "Morf workflows" {
		t.Errorf("the page's record: %+v", r)
	}
	var isAfter *SearchRecord
	for i, r := range records {
		if r.Title == "isAfter" {
			isAfter = &records[i]
		}
	}
	if isAfter == nil || isAfter.URL != "/dialects/morf/#fn-isAfter" || isAfter.Kind != "function" ||
		isAfter.Type != "google.protobuf.Timestamp.isAfter(google.protobuf.Timestamp) -> bool" || !strings.Contains(isAfter.HTML(), "shown in Morf&#39;s docs") {
		t.Errorf("isAfter's record: %+v", isAfter)
	}
}

func TestRecordsDropLoneLetters(t *testing.T) {
	if got := withoutLoneLetters(`A timestamp in RFC 3339, with Z or an offset ("Z", "-07:00").`); got != `timestamp in RFC 3339, with or an offset "-07:00").` {
		t.Errorf("got %q", got)
	}
}
