package names

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"city", "citty", 1}, {"citty", "city", 1}, {"kitten", "sitting", 3},
		{"America/Los_Angles", "America/Los_Angeles", 1}, {"é", "e", 1}, {"abc", "", 3},
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
