package jsonpos

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSyntaxErrorsHaveTheirPosition(t *testing.T) {
	cases := []struct {
		text, message string
		line, col     int
	}{
		{`{"a": 1,}`, "expected a property name", 1, 9},
		{"{\n  \"a\": tru\n}", "expected a value", 2, 8},
		{`{"a" 1}`, "expected ':'", 1, 6},
		{`{"a": [1 2]}`, "expected ',' or ']'", 1, 10},
		{`{"a": 01}`, "leading zero", 1, 7},
		{`{"a": 1.}`, "expected a digit after '.'", 1, 9},
		{`{"a": -}`, "expected a digit", 1, 8},
		{"{\"é\": \"ü\", \"b\": x}", "unexpected 'x'", 1, 17},
		{`{"a": "\q"}`, "invalid escape", 1, 7},
		{"{\"a\": \"line\nbreak\"}", "control character", 1, 12},
		{`{"a": 1} {}`, "after the end of the JSON value", 1, 10},
		{``, "unexpected end of input", 1, 1},
		{`{"a": [`, "unexpected end of input", 1, 8},
		{"\"\xff\"", "not valid UTF-8", 1, 2},
	}
	for _, c := range cases {
		_, _, err := Parse(c.text, Limits{})
		if err == nil {
			t.Errorf("%q parsed", c.text)
			continue
		}
		if !strings.Contains(err.Message, c.message) || err.Line != c.line || err.Column != c.col {
			t.Errorf("%q: got %q at %d:%d, want %q at %d:%d", c.text, err.Message, err.Line, err.Column, c.message, c.line, c.col)
		}
	}
}

func TestBounds(t *testing.T) {
	_, _, err := Parse(`{"a": "`+strings.Repeat("x", 100)+`"}`, Limits{MaxBytes: 64})
	if err == nil || !strings.Contains(err.Message, "the payload is 109 bytes; the limit is 64 bytes") {
		t.Errorf("size: %v", err)
	}
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	_, _, err = Parse(deep, Limits{MaxDepth: 64})
	if err == nil || !strings.Contains(err.Message, "deeper than 64 levels") || err.Column != 65 {
		t.Errorf("depth: %v", err)
	}
	if _, _, err := Parse(strings.Repeat("[", 64)+strings.Repeat("]", 64), Limits{MaxDepth: 64}); err != nil {
		t.Errorf("64 levels are allowed: %v", err)
	}
}

func TestDuplicatePropertiesWarnAndTheLastCounts(t *testing.T) {
	text := `{"a": {"b": 1, "b": 2}}`
	v, warnings, err := Parse(text, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got := v.(map[string]any)["a"].(map[string]any)["b"]; got != json.Number("2") {
		t.Errorf("b = %v", got)
	}
	if len(warnings) != 1 || warnings[0].Pointer != "/a/b" || warnings[0].Offset != 15 {
		t.Errorf("warnings %+v", warnings)
	}
	if off := Locate(text, []string{"/a/b"})["/a/b"]; text[off:off+1] != "2" {
		t.Errorf("Locate finds the first duplicate, at %d", off)
	}
}

func TestLocate(t *testing.T) {
	text := "{\n  \"a~/b\": [10, {\"c\": \"x\"}],\n  \"d\": null\n}"
	cases := map[string]string{
		"":               "{",
		"/a~0~1b":        "[10",
		"/a~0~1b/0":      "10",
		"/a~0~1b/1/c":    `"x"`,
		"/d":             "null",
		"/a~0~1b/1/nope": `{"c"`, // absent: its object
		"/zzz/0":         "{",    // absent at the top: the root
	}
	var ptrs []string
	for p := range cases {
		ptrs = append(ptrs, p)
	}
	got := Locate(text, ptrs)
	for p, want := range cases {
		if !strings.HasPrefix(text[got[p]:], want) {
			t.Errorf("%q at %d: %q", p, got[p], text[got[p]:])
		}
	}
	line, col := LineColumn(text, got["/d"])
	if line != 3 || col != 8 {
		t.Errorf("/d at %d:%d", line, col)
	}
}

func TestLineColumnCountsCharacters(t *testing.T) {
	text := "{\"ü\": 1,\n\"ß€\": x}"
	line, col := LineColumn(text, strings.Index(text, "x"))
	if line != 2 || col != 7 {
		t.Errorf("%d:%d", line, col)
	}
}

// FuzzParseAgreesWithEncodingJSON holds the parser to the standard library:
// the same texts are JSON, and they give the same values.
func FuzzParseAgreesWithEncodingJSON(f *testing.F) {
	for _, seed := range []string{`{}`, `{"a": [1, -2.5e3, "x\u00e9\n", true, null]}`, `[{"b": {}}]`, `"\ud83d\ude00"`, `01`, `{"a":}`, ` 1 `, `"\ud800"`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) || strings.HasPrefix(text, "\uFEFF") {
			return // encoding/json replaces invalid UTF-8 and rejects a BOM; Parse refuses the one and skips the other
		}
		got, _, err := Parse(text, Limits{})
		valid := json.Valid([]byte(text))
		if (err == nil) != valid {
			t.Fatalf("%q: Parse error %v, but json.Valid says %v", text, err, valid)
		}
		if valid {
			d := json.NewDecoder(bytes.NewReader([]byte(text)))
			d.UseNumber()
			var want any
			if err := d.Decode(&want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%q: Parse %#v, encoding/json %#v", text, got, want)
			}
		}
		if err != nil && (err.Line < 1 || err.Column < 1) {
			t.Fatalf("%q: error without a position: %+v", text, err)
		}
	})
}

func TestOverLimitSaysBytesWhenRoundingHidesTheDifference(t *testing.T) {
	for _, c := range []struct {
		n, limit int
		want     string
	}{
		{6 << 20, 5 << 20, "the payload is 6.0 MiB; the limit is 5.0 MiB"},
		{5<<20 + 7, 5 << 20, "the payload is 5,242,887 bytes; the limit is 5,242,880 bytes"},
		{1500, 1024, "the payload is 1.5 KiB; the limit is 1.0 KiB"},
	} {
		if got := OverLimit("the payload", c.n, c.limit); got != c.want {
			t.Errorf("%d over %d: %q, want %q", c.n, c.limit, got, c.want)
		}
	}
	big := `{"a": "` + strings.Repeat("x", 5<<20) + `"}`
	if _, _, err := Parse(big, Limits{MaxBytes: 5 << 20, MaxDepth: 64}); err == nil || err.Message != "the payload is 5,242,889 bytes; the limit is 5,242,880 bytes" {
		t.Errorf("%+v", err)
	}
}
