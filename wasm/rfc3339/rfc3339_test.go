package rfc3339

import "testing"

func TestParse(t *testing.T) {
	for s, want := range map[string]bool{
		"2024-06-11T09:00:00Z":          true,
		"2024-06-11T09:00:00.123+05:30": true,
		"2024-06-11t09:00:00Z":          false, // RFC 3339 allows it; Go's parser does not
		"2024-06-11T09:00:00-07:00":     true,
		"2024-06-11T9:00:00Z":           false, // a one-digit hour
		"2024-06-11T09:00:00+00:60":     false, // no such offset
		"2024-06-11T09:00:00":           false, // no zone
		"2024-06-11":                    false,
		"0000-01-01T00:00:00Z":          false, // before year 1
		"":                              false,
	} {
		if _, ok := Parse(s); ok != want {
			t.Errorf("Parse(%q): %v, want %v", s, ok, want)
		}
	}
}
