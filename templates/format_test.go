package templates

import (
	"slices"
	"testing"
)

// Code breaks between its parts, and a long name between its words, never
// inside a word.
func TestCodeParts(t *testing.T) {
	for _, c := range []struct {
		code string
		want []string
	}{
		{"json.encode", []string{"json.", "encode"}},
		{"members.map(x, x.id)", []string{"members.", "map(", "x,", " x.", "id)"}},
		{"appointment_datetime", []string{"appointment_datetime"}},
		{"APPOINTMENT_STATUS_IN_ROOM_VITALS_TAKEN", []string{"APPOINTMENT_", "STATUS_", "IN_", "ROOM_", "VITALS_", "TAKEN"}},
		{"a.", []string{"a."}},
	} {
		if got := codeParts(c.code); !slices.Equal(got, c.want) {
			t.Errorf("codeParts(%q) = %q, want %q", c.code, got, c.want)
		}
	}
}
