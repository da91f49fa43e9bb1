package importer

import (
	"encoding/json"
	"reflect"
	"testing"

	"fieldbook/schemas"
)

// TestRerunOverEveryPayloadKeepsWhatAPersonWrote runs the import again over
// every schema of the catalog, with the schema's own example as the page's
// material: the same fields come back with the same descriptions, CEL
// paths, tags and declared types, and the events and example expressions
// stay; what may change is only what x-inferred marks (a format the
// example shows, say). The import checks that the example still raises
// exactly the schema's quirks.
func TestRerunOverEveryPayloadKeepsWhatAPersonWrote(t *testing.T) {
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	type fact struct {
		Description, CEL, XType string
		Tags                    []string
	}
	facts := func(s *schemas.Schema) map[string]fact {
		out := map[string]fact{}
		for _, f := range s.Fields {
			out[f.Name()] = fact{f.Node.Description, f.CEL, f.Node.XType, f.Node.XTags}
		}
		return out
	}
	for _, s := range set.All() {
		if s.Source == "packagex" {
			continue // its models refer to each other's files, which a schema alone cannot load
		}
		example, _ := json.Marshal(s.Example())
		m := Material{}
		if m.Example, err = ParseJSON(string(example)); err != nil {
			t.Fatal(err)
		}
		out, _, err := Import(m, Options{Source: s.Source, Payload: s.ID[len(s.Source)+1:]}, s.Raw)
		if err != nil {
			t.Errorf("%s: %v", s.ID, err)
			continue
		}
		again, err := schemas.Standalone(s.ID, out)
		if err != nil {
			t.Errorf("%s: the re-run does not load: %v", s.ID, err)
			continue
		}
		if got, want := facts(again), facts(s); !reflect.DeepEqual(got, want) {
			for name, w := range want {
				if reflect.DeepEqual(got[name], w) {
					continue
				}
				t.Errorf("%s: %s was %+v, after the re-run %+v", s.ID, name, w, got[name])
			}
			for name := range got {
				if _, ok := want[name]; !ok {
					t.Errorf("%s: the re-run adds %s", s.ID, name)
				}
			}
		}
		if !reflect.DeepEqual(again.Events(), s.Events()) || !reflect.DeepEqual(again.Root.XCELExamples, s.Root.XCELExamples) || again.Title() != s.Title() {
			t.Errorf("%s: events, example expressions or title changed", s.ID)
		}
	}
}
