package importer

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fieldbook/schemas"
)

func TestTagsForNames(t *testing.T) {
	for _, c := range []struct {
		name, parent string
		example      any
		want         []string
	}{
		{"appointment_email_address", "", nil, []string{"PII"}},
		{"appointment_phone_number", "", nil, []string{"PII"}},
		{"open_phone", "profile_ids", nil, nil}, // an integration's name, not a number
		{"first_name", "", nil, []string{"PII"}},
		{"name", "patient", nil, []string{"PII"}},
		{"name", "appointment_type", nil, nil},
		{"date_of_birth", "", nil, []string{"PII"}},
		{"line1", "address", nil, []string{"PII"}},
		{"user_id", "", nil, []string{"ID"}},
		{"appointment_notes", "", nil, []string{"HI"}},
		{"visit_note_type", "", nil, nil}, // a kind of note
		{"form_answers", "", nil, []string{"HI"}},
		{"created_at", "", nil, nil},
		{"contact", "", "jane@example.com", []string{"PII"}}, // the value says what the name does not
		{"reach_at", "", "+1 555-555-5555", []string{"PII"}},
		{"reach_at", "", "(555) 555-5555", []string{"PII"}},
		{"amount", "", "20.00", nil},
		{"appointment_id", "", "67176890458", []string{"ID"}}, // digits alone are no phone number
		{"zoom_link", "", "https://zoom.us/j/123", nil},
	} {
		if got := tagsFor(c.name, c.parent, c.example); !slices.Equal(got, c.want) {
			t.Errorf("tagsFor(%q, %q, %v) = %v, want %v", c.name, c.parent, c.example, got, c.want)
		}
	}
}

// The committed schemas are as the proposer leaves them (a change to its
// rules shows here until `go run ./site tag` runs; the actions' documents
// too), a schema whose source tags fields keeps only the source's tags,
// and every event payload tags
// its email, phone and name fields PII, the source's or proposed.
func TestCommittedSchemasCarryTheirTags(t *testing.T) {
	files, err := filepath.Glob("../../schemas/*/*.json")
	actions, err2 := filepath.Glob("../../schemas/actions/*/*/*.json")
	if err != nil || err2 != nil || len(files) == 0 || len(actions) == 0 {
		t.Fatal(files, actions, err, err2)
	}
	files = append(files, actions...) // an action's result is tagged as a payload is
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out, err := Retag(text)
		if err != nil {
			if strings.Contains(f, "packagex") { // models laid out by hand, tagged by hand
				continue
			}
			t.Errorf("%s: %v", f, err)
			continue
		}
		if string(out) != string(text) {
			t.Errorf("%s: not as the tag proposer leaves it: go run ./site tag %s", f, f)
		}
	}
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range set.All() {
		if len(s.Events()) == 0 {
			continue
		}
		for _, f := range s.Fields {
			words := strings.Split(strings.ToLower(f.Path[len(f.Path)-1]), "_")
			personal := slices.Contains(words, "email") || slices.Contains(words, "phone") && slices.Contains(words, "number") ||
				slices.Equal(words[max(0, len(words)-2):], []string{"first", "name"}) || slices.Equal(words[max(0, len(words)-2):], []string{"last", "name"})
			if personal && !slices.Contains(f.Node.XTags, "PII") {
				t.Errorf("%s: %s is not tagged PII (tags %v)", s.ID, f.Name(), f.Node.XTags)
			}
		}
	}
}
