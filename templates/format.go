package templates

import (
	"strconv"
	"strings"
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
