package schemas

import (
	"errors"
	"path"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"fieldbook/schemas/ordered"
)

// TestActionResultsHoldTheirExamples: each action's result example
// validates against its schema, breaking it only where a quirk says so and
// at every quirk; each result field's example is the value the result
// example has there, reached under the action's key.
func TestActionResultsHoldTheirExamples(t *testing.T) {
	set := load(t)
	if len(set.Actions()) == 0 {
		t.Fatal("no action documents")
	}
	for _, s := range set.Actions() {
		example := orderedExample(s)
		if example == nil {
			if s.Root.XSourcePage == nil || s.Root.XSourcePage.Partial == "" {
				t.Errorf("%s: no result example, and no partial note saying why", s.ID)
			}
			continue
		}
		v, err := s.Validator()
		if err != nil {
			t.Fatalf("%s: %v", s.ID, err)
		}
		broken := map[string]bool{}
		var ve *jsonschema.ValidationError
		if err := v.Validate(ordered.Plain(example)); errors.As(err, &ve) {
			for _, leaf := range validationLeaves(ve) {
				at := "/" + strings.Join(leaf.InstanceLocation, "/")
				if at == "/" {
					at = ""
				}
				quirk := false
				for _, q := range s.Quirks() {
					if ok, _ := path.Match(q.Pointer, at); ok {
						broken[q.Pointer], quirk = true, true
					}
				}
				if !quirk {
					t.Errorf("%s: the result example breaks the schema at %q, where no quirk says so: %v", s.ID, at, leaf.ErrorKind)
				}
			}
		}
		for _, q := range s.Quirks() {
			if !broken[q.Pointer] {
				t.Errorf("%s: the quirk at %s is declared, but the example does not show it", s.ID, q.Pointer)
			}
		}
		keyed := ordered.New()
		keyed.Set(s.Action.Key, example)
		for _, f := range s.Fields {
			want, hasExample := f.Node.Example()
			got, reached := firstValueAt(keyed, f)
			switch {
			case f.Node == s.Root.Resolved() || len(f.Path) == 1:
				// the key holds the whole result
			case hasExample && !reached:
				t.Errorf("%s: %s has an example, but the result example does not reach it", s.ID, f.Name())
			case !hasExample && reached:
				t.Errorf("%s: %s has no example; the result example has %v", s.ID, f.Name(), got)
			case hasExample && !reflect.DeepEqual(want, got):
				t.Errorf("%s: %s example %v, result example %v", s.ID, f.Name(), want, got)
			}
		}
	}
}

func validationLeaves(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return []*jsonschema.ValidationError{ve}
	}
	var out []*jsonschema.ValidationError
	for _, c := range ve.Causes {
		out = append(out, validationLeaves(c)...)
	}
	return out
}

// An action's fields are read under its key: the key, then each result
// field, with CEL that starts from the key.
func TestActionFieldsAreReadUnderTheKey(t *testing.T) {
	s, ok := load(t).Action("open-phone/v1/send-text-message")
	if !ok {
		t.Fatal("no Open Phone Send Text Message")
	}
	var got []string
	for _, f := range s.Fields {
		got = append(got, f.Name()+" "+f.CEL+" "+f.Pointer)
	}
	want := []string{"message message ", "message.id message.id /id", "message.created_at message.created_at /created_at"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fields %q, want %q", got, want)
	}
	if p := s.Action.Parameters; len(p) != 3 || p[0].Key != "from" || p[0].Type != "string (Phone Number)" || !p[2].IsRequired() {
		t.Errorf("parameters %+v", p)
	}
}

func TestLoadRefusesABadAction(t *testing.T) {
	catalog := `{"eventSources":[],"actionDestinations":[{"id":"acme","name":"Acme"}]}`
	good := `{"$id":"https://fieldbook.dev/schemas/actions/acme/v1/send.json","type":"object",
	 "x-action":{"title":"Send","key":"sent","parameters":[{"key":"to","cel":"string","tags":["PII"]}]},
	 "properties":{"id":{"type":"string","x-type":"string"}},"examples":[{"id":"1"}]}`
	for name, c := range map[string]struct{ doc, catalog, want string }{
		"unknown member":       {strings.Replace(good, `"key":"to"`, `"key":"to","kind":"x"`, 1), catalog, `unknown field "kind"`},
		"not a CEL type":       {strings.Replace(good, `"cel":"string"`, `"cel":"text"`, 1), catalog, `cel "text" is not a CEL type`},
		"key not an ident":     {strings.Replace(good, `"key":"sent"`, `"key":"sent-1"`, 1), catalog, "is not a CEL identifier"},
		"stated and unstated":  {strings.Replace(good, `"tags":["PII"]`, `"tags":["PII"],"unstated":["tags"]`, 1), catalog, "states tags, yet says the page does not"},
		"two parameters":       {strings.Replace(good, `{"key":"to","cel":"string","tags":["PII"]}`, `{"key":"to","cel":"string"},{"key":"to","cel":"int"}`, 1), catalog, "a second parameter with this key"},
		"listed, no document":  {good, strings.Replace(catalog, `"name":"Acme"`, `"name":"Acme","actions":["acme/v1/send","acme/v1/gone"]`, 1), "acme/v1/gone, which has no schema"},
		"pending, documented":  {good, strings.Replace(catalog, `"name":"Acme"`, `"name":"Acme","pending":"no page"`, 1), "no destination lists the action acme/v1/send"},
		"x-action in payloads": {good, catalog, ""},
	} {
		files := fstest.MapFS{"catalog.json": {Data: []byte(c.catalog)}, "actions/acme/v1/send.json": {Data: []byte(c.doc)}}
		if name == "x-action in payloads" {
			files = fstest.MapFS{"catalog.json": {Data: []byte(`{"eventSources":[{"id":"acme","name":"Acme","payloads":["acme/send"]}],"actionDestinations":[]}`)},
				"acme/send.json": {Data: []byte(strings.Replace(c.doc, "actions/acme/v1/send", "acme/send", 1))}}
			c.want = "x-action in a payload's schema"
		}
		if _, err := LoadFS(files); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error saying %q", name, err, c.want)
		}
	}
	set, err := LoadFS(fstest.MapFS{"catalog.json": {Data: []byte(catalog)}, "actions/acme/v1/send.json": {Data: []byte(good)}})
	if err != nil {
		t.Fatalf("a good action was refused: %v", err)
	}
	if d := set.Catalog.ActionDestinations[0]; !reflect.DeepEqual(d.Actions, []string{"acme/v1/send"}) {
		t.Errorf("a destination without a list lists %v, not its documents", d.Actions)
	}
}

// A keyed result validates as a later step's context: the result under
// its key, under the action's key or another, with the result's quirks
// at the key's place; its one field is the key.
func TestKeyedResultsValidate(t *testing.T) {
	set := load(t)
	s, _ := set.Action("open-phone/v1/send-text-message")
	for _, key := range []string{"", "sms"} {
		k, err := s.Keyed(key)
		if err != nil {
			t.Fatal(err)
		}
		name := key
		if name == "" {
			name = "message"
		}
		if k.Fields[0].CEL != name || k.Fields[1].CEL != name+".id" {
			t.Errorf("key %q: fields %s, %s", key, k.Fields[0].CEL, k.Fields[1].CEL)
		}
		v, err := k.Validator()
		if err != nil {
			t.Fatal(err)
		}
		if err := v.Validate(map[string]any{name: map[string]any{"id": "AC1", "created_at": "2025-01-17T10:57:05Z"}}); err != nil {
			t.Errorf("key %q: a good result is refused: %v", key, err)
		}
		if err := v.Validate(map[string]any{name: map[string]any{"id": "AC1", "created_at": "yesterday"}}); err == nil {
			t.Errorf("key %q: a result whose time is no time is taken", key)
		}
		if err := v.Validate(map[string]any{"other": map[string]any{}}); err == nil {
			t.Errorf("key %q: a context without the key is taken", key)
		}
	}
	if _, err := s.Keyed("2fast"); err == nil {
		t.Error("a key that is no identifier is taken")
	}
}
