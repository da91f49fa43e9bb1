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

func TestClosest(t *testing.T) {
	options := []string{"appointment", "patient", "reminder_sent"}
	for wrong, want := range map[string]string{
		"apointment":   "appointment",
		"Patient":      "patient",
		"reminder_snt": "reminder_sent",
		"invoice":      "",              // near none of them
		"remind":       "reminder_sent", // the one it begins
	} {
		if got := Closest(wrong, options); got != want {
			t.Errorf("Closest(%q) = %q, want %q", wrong, got, want)
		}
	}
}
