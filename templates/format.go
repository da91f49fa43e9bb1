package templates

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// filterText is what the catalog's filter box matches a source by.
func filterText(s SourceCard) string {
	parts := []string{s.Name, s.Title}
	for _, p := range s.Payloads {
		parts = append(parts, p.Title)
	}
	return strings.ToLower(strings.Join(parts, " "))
}

func payloadStats(p PayloadLink) string {
	out := plural(p.Fields, "field")
	if p.Events > 0 {
		out = plural(p.Events, "event type") + " · " + out
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func fieldDepth(d int) string { return "depth-" + strconv.Itoa(min(d, 4)) }

var tagTitles = map[string]string{
	"ID":  "Identifier",
	"PII": "Personally identifiable information",
	"HI":  "Health information",
}

func tagTitle(t string) string { return tagTitles[t] }

// exampleQuirkNote says, after "as published", that the example carries
// quirks, when it does.
func exampleQuirkNote(p Payload) string {
	if len(p.Quirks) == 0 {
		return ""
	}
	return ", contradictions included: see the known quirks above"
}

// inferredTitle explains an inferred badge.
const inferredTitle = "Read off the example by the import, not declared by the source: one payload shows it, the source has not confirmed it"

// codeText writes code with a line-break opportunity (<wbr>) after each
// dot, comma and opening parenthesis, so that a long path or expression
// wraps between its parts on a narrow screen, never inside a name. It
// writes no other character: the code's text stays the code.
func codeText(s string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		for i, part := range codeParts(s) {
			if i > 0 {
				if _, err := io.WriteString(w, "<wbr>"); err != nil {
					return err
				}
			}
			if _, err := io.WriteString(w, templ.EscapeString(part)); err != nil {
				return err
			}
		}
		return nil
	})
}

// codeParts cuts code after each dot, comma and opening parenthesis: the
// places codeText lets a line break. A name longer than longName, which
// may not fit a phone's line on its own, may also break after each of its
// underscores, between its words, rather than inside one.
func codeParts(s string) []string {
	var parts []string
	start := 0
	cut := func(i int) {
		if i+1 < len(s) {
			parts = append(parts, s[start:i+1])
			start = i + 1
		}
	}
	run := 0 // the length of the name that ends at i
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			run++
		} else {
			run = 0
		}
		switch {
		case c == '.' || c == ',' || c == '(':
			cut(i)
		case c == '_' && nameLength(s, i-run+1) > longName:
			cut(i)
		}
	}
	return append(parts, s[start:])
}

// longName is the length past which a name may break between its words.
const longName = 28

// nameLength is the length of the name that starts at i.
func nameLength(s string, i int) int {
	n := 0
	for ; i+n < len(s); n++ {
		c := s[i+n]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			break
		}
	}
	return n
}
