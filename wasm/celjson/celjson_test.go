package celjson

import (
	"encoding/json"
	"strings"
	"testing"

	"cel.dev/cel-go/common/types"

	"fieldbook/schemas"
)

// A payload read against its schema and written back: integers stay
// integers, a date-time field becomes a timestamp and is written in RFC
// 3339, a big integer is a string (a JavaScript number would round it).
func TestReadThenWrite(t *testing.T) {
	s, err := schemas.Standalone("t/when", []byte(`{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
		"properties": {"at": {"type": "string", "format": "date-time"}, "n": {"type": "integer"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	v := FromJSON(map[string]any{"at": "2024-06-11T09:30:00Z", "n": json.Number("9007199254740993")}, s.Root, false)
	value, display, tooLarge := Write(types.DefaultTypeAdapter.NativeToValue(v), 1<<20)
	got, _ := json.Marshal(value)
	if tooLarge || string(got) != `{"at":"2024-06-11T09:30:00Z","n":"9007199254740993"}` {
		t.Errorf("value %s (too large: %v)", got, tooLarge)
	}
	if display != `{"at": timestamp("2024-06-11T09:30:00Z"), "n": 9007199254740993}` {
		t.Errorf("display %s", display)
	}
}

// A result past the limit is not written whole: it is answered by the
// start of its display.
func TestWriteStopsAtTheLimit(t *testing.T) {
	list := make([]string, 100_000)
	for i := range list {
		list[i] = "abcdefghij"
	}
	value, display, tooLarge := Write(types.DefaultTypeAdapter.NativeToValue(list), 64<<10)
	if !tooLarge || value != nil || len([]rune(display)) != PreviewChars || !strings.HasPrefix(display, `["abcdefghij", "abcdefghij"`) {
		t.Errorf("too large %v, value %v, display of %d characters", tooLarge, value != nil, len([]rune(display)))
	}
}
