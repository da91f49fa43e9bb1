package explain

import (
	"slices"
	"testing"
)

func TestTokenizeFindsCelGosBoundaries(t *testing.T) {
	cases := []struct {
		expr string
		want []string
	}{
		{`a.b == "x\"y" && c`, []string{"a", ".", "b", "==", `"x\"y"`, "&&", "c"}},
		{`r"\d" + b'\x00' + '''it's''' + """a"b"""`, []string{`r"\d"`, "+", `b'\x00'`, "+", `'''it's'''`, "+", `"""a"b"""`}},
		{"1.5e-3 + 0xFFu - .5 + 2u // comment\n+ x[0].y", []string{"1.5e-3", "+", "0xFFu", "-", ".5", "+", "2u", "+", "x", "[", "0", "]", ".", "y"}},
		{"a.`b-c` || é == \"🎉\"", []string{"a", ".", "`b-c`", "||", "é", "==", `"🎉"`}},
	}
	for _, c := range cases {
		r := []rune(c.expr)
		var got []string
		for _, tok := range tokenize(r) {
			got = append(got, string(r[tok.from:tok.to]))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.expr, got, c.want)
		}
	}
}
