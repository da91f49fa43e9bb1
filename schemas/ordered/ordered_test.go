package ordered

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeKeepsOrderAndRefusesDuplicates(t *testing.T) {
	text := `{"z": 1, "a": {"y": [1, 2.5], "b": "<&>"}} and the rest of a page`
	v, n, err := Decode(text)
	if err != nil {
		t.Fatal(err)
	}
	if text[n:] != " and the rest of a page" {
		t.Errorf("the value took %d bytes, leaving %q", n, text[n:])
	}
	o := v.(*Object)
	if strings.Join(o.Keys, ",") != "z,a" {
		t.Errorf("keys %v", o.Keys)
	}
	if n, _ := o.Get("z"); n != json.Number("1") {
		t.Errorf("z is %#v, want the number 1 as written", n)
	}
	var out strings.Builder
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false) // as the OpenAPI document is written
	if err := enc.Encode(o); err != nil || out.String() != `{"z":1,"a":{"y":[1,2.5],"b":"<&>"}}`+"\n" {
		t.Errorf("written back: %s %v", out.String(), err)
	}
	if _, _, err := Decode(`{"a": 1, "a": 2}`); err == nil || !strings.Contains(err.Error(), `duplicate key "a"`) {
		t.Errorf("a duplicate key: %v", err)
	}
}

func TestSetBeforeAndDelete(t *testing.T) {
	o := New()
	o.Set("type", "object")
	o.Set("examples", []any{})
	o.SetBefore("properties", New(), "examples")
	o.SetBefore("type", "array", "nowhere") // already there: keeps its place
	o.SetBefore("end", 1, "nowhere")
	o.Delete("examples")
	o.Delete("absent")
	if got := strings.Join(o.Keys, ","); got != "type,properties,end" || o.Vals["type"] != "array" {
		t.Errorf("keys %s, type %v", got, o.Vals["type"])
	}
	if m, ok := Plain(o).(map[string]any); !ok || len(m) != 3 {
		t.Errorf("Plain: %#v", Plain(o))
	}
}

// TestDecodeAgreesWithEncodingJSON: whatever encoding/json (with
// UseNumber) reads from a text, Decode reads the same, and what it refuses,
// Decode refuses; the schema files are among the texts.
func TestDecodeAgreesWithEncodingJSON(t *testing.T) {
	texts := []string{
		`{}`, `[]`, `""`, `0`, `-0.5e+10`, `1E3`, `true`, `false`, `null`,
		`{"a": [1, {"b": null}], "c": "\u00e9\n\"q\"\\/", "d": "é 😀", "e": "\ud83d\ude00"}`,
		" \t\r\n{\"k\" : [ 1 , 2 ] }",
		"\"bad \xff byte\"", `"a\/b"`,
		// refused
		`{"a" 1}`, `{"a": 1,}`, `[1,]`, `[1 2]`, `01`, `1.`, `.5`, `-`, `1e`, `"\x"`, `"unterminated`,
		"\"tab\tinside\"", `{1: 2}`, `tru`, `nul`, `{"a": }`, `[`, `{`, ``,
	}
	files, _ := filepath.Glob("../*/*.json")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	for _, text := range texts {
		agree(t, text)
	}
	if len(files) < 25 {
		t.Errorf("read %d schema files", len(files))
	}
}

func agree(t *testing.T, text string) {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(text))
	d.UseNumber()
	var want any
	wantErr := d.Decode(&want)
	got, n, err := Decode(text)
	if (err == nil) != (wantErr == nil) {
		t.Errorf("%.60q: Decode says %v, encoding/json %v", text, err, wantErr)
		return
	}
	if err != nil {
		return
	}
	if !reflect.DeepEqual(Plain(got), want) {
		t.Errorf("%.60q: Decode reads %#v, encoding/json %#v", text, Plain(got), want)
	}
	if n != int(d.InputOffset()) {
		t.Errorf("%.60q: Decode took %d bytes, encoding/json %d", text, n, d.InputOffset())
	}
}

func FuzzDecodeAgreesWithEncodingJSON(f *testing.F) {
	for _, s := range []string{`{"a": [1, -2.5e3, "x\u00e9"], "b": {"c": null}}`, `[true, false]`, `"\ud83d\ude00"`, `{"a": 1,}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if strings.Contains(text, `"`) && duplicateKeys(text) {
			t.Skip() // encoding/json takes the last of a duplicate key; Decode refuses it, on purpose
		}
		agree(t, text)
	})
}

// duplicateKeys tells whether encoding/json finds an object with a key
// twice in text, which Decode refuses and encoding/json does not.
func duplicateKeys(text string) bool {
	_, _, err := Decode(text)
	return err != nil && strings.HasPrefix(err.Error(), "duplicate key")
}
