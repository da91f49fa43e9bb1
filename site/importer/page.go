package importer

import (
	"fmt"
	"regexp"
	"strings"

	"fieldbook/schemas/ordered"
)

// Material is what a vendor's payload page gives, read from its text or
// passed piece by piece.
type Material struct {
	Title        string   // "Appointment"
	Description  string   // the line under the title
	SourceName   string   // "Elation", from "... event payload from Elation."
	Events       []string // the triggering webhook types
	Example      any      // the example payload, objects as *ordered.Object
	Descriptions any      // the descriptions, shaped like the example
	Details      []Detail // "Payload Field Details", in the page's order
}

// Detail is one entry of the page's field details.
type Detail struct {
	Path        []string // property names from the root, arrays left out
	Description string   // without tags and "Mapped array of: "
	Tags        []string // ID, PII, HI
	Declared    string   // the declared type, verbatim; "" where the layout gives none
	Required    bool
	// RequiredStated says the layout gives required flags (the declared
	// one does, the Message Thread one does not), so Required is a fact.
	RequiredStated bool
	Enum           []string // the values a page lists in place of an example
	// Example is the entry's own example. The schema takes a field's
	// examples from the root example instead (schemas/README.md); this
	// one tells where the entry ends.
	Example    any
	HasExample bool
	// Pointer is where an action page's CEL path leads in the result, as
	// a JSON pointer ("$result_object_key[*].type" is "/*/type").
	Pointer string
}

var (
	// "The following event types are associated with the Appointment event payload from Elation."
	eventsIntro = regexp.MustCompile(`associated with the (.+) event payload from (.+?)\.?$`)
	enumValue   = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
	dottedPath  = regexp.MustCompile(`^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$`)
	mapPath     = regexp.MustCompile(`^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\.map\((\w+),\s*(.+)\)$`)
)

var tagWords = map[string]bool{"ID": true, "PII": true, "HI": true}

// ParsePage reads the text of a payload page as a browser copies it.
func ParsePage(text string) (Material, error) {
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	var m Material
	details := len(lines)
	for i, l := range lines {
		if l == "Payload Field Details" || l == "Schema Field Details" {
			details = i
			break
		}
	}
	head := lines[:details]

	// The example and the descriptions are the first two JSON objects;
	// the title and the description are the two lines above them, where
	// the page has them (a copy may start at the example).
	first := -1
	for i, l := range head {
		if strings.HasPrefix(l, "{") {
			first = i
			break
		}
	}
	if first >= 0 {
		if first >= 1 && !isNav(head[first-1]) {
			m.Description = head[first-1]
			if first >= 2 && !isNav(head[first-2]) {
				m.Title = head[first-2]
			}
		}
		v, n, err := jsonAt(head, first)
		if err != nil {
			return m, err
		}
		m.Example = v
		if next := first + n; next < len(head) && strings.HasPrefix(head[next], "{") {
			if d, _, err := jsonAt(head, next); err == nil && allText(d) {
				m.Descriptions = d
			}
		}
	}

	for i, l := range head {
		if l != "Triggering Webhook Types" {
			continue
		}
		j := i + 1
		if j < len(head) {
			if g := eventsIntro.FindStringSubmatch(head[j]); g != nil {
				if m.Title == "" {
					m.Title = g[1]
				}
				m.SourceName = g[2]
				j++
			}
		}
		for ; j < len(head) && !strings.HasPrefix(head[j], "{"); j++ {
			m.Events = append(m.Events, strings.TrimSpace(strings.TrimLeft(head[j], "•-*·")))
		}
		break
	}

	if details < len(lines) {
		body := lines[details+1:]
		layout := parseDetailsPlain
		for _, l := range body {
			if l == "CEL" {
				layout = parseDetailsDeclared
				break
			}
		}
		m.Details = dedupe(layout(body))
	}
	return m, nil
}

// isNav tells a line of the site's navigation from a title.
func isNav(l string) bool {
	return strings.HasPrefix(l, "- ") || strings.HasPrefix(l, "•") || l == "Events" || l == "Actions"
}

// jsonAt reads the JSON value that starts at lines[i], and how many lines
// it takes.
func jsonAt(lines []string, i int) (any, int, error) {
	text := strings.Join(lines[i:], "\n")
	v, n, err := ordered.Decode(text)
	if err != nil {
		return nil, 0, err
	}
	return v, strings.Count(text[:n], "\n") + 1, nil
}

// allText tells a descriptions object: every leaf a string or null.
func allText(v any) bool {
	switch v := v.(type) {
	case *ordered.Object:
		for _, k := range v.Keys {
			if !allText(v.Vals[k]) {
				return false
			}
		}
		return true
	case string, nil:
		return true
	}
	return false
}

// exampleAt reads a detail's example at lines[i]: a JSON value, or the
// enum values a page lists in its place. It returns the lines it took.
func exampleAt(lines []string, i int, d *Detail) int {
	if i >= len(lines) {
		return 0
	}
	l := lines[i]
	if strings.ContainsAny(l[:1], "{[\"-0123456789") || l == "true" || l == "false" || l == "null" {
		if v, n, err := jsonAt(lines, i); err == nil {
			d.Example, d.HasExample = v, true
			return n
		}
	}
	n := 0
	for i+n < len(lines) && enumValue.MatchString(lines[i+n]) && !tagWords[lines[i+n]] {
		d.Enum = append(d.Enum, lines[i+n])
		n++
	}
	return n
}

// parseDetailsPlain reads the layout of the Message Thread page: each
// field is [tag lines] description, name (a CEL path), example.
func parseDetailsPlain(lines []string) []Detail {
	var out []Detail
	for i := 0; i < len(lines); {
		var d Detail
		for i < len(lines) && tagWords[lines[i]] {
			d.Tags = append(d.Tags, lines[i])
			i++
		}
		if i+1 >= len(lines) || strings.HasPrefix(lines[i], "{") || strings.HasPrefix(lines[i], "[") {
			break // the page repeats its example after the details
		}
		d.Description = strings.TrimPrefix(lines[i], "Mapped array of: ")
		d.Path = celPath(lines[i+1])
		i += 2
		i += exampleAt(lines, i, &d)
		out = append(out, d)
	}
	return out
}

// parseDetailsDeclared reads the layout of the Appointment page: each
// field is name, declared type, ["required"], [tags] description, "CEL",
// its expression, "Example", example.
func parseDetailsDeclared(lines []string) []Detail {
	var out []Detail
	for c, l := range lines {
		if l != "CEL" || c < 3 {
			continue
		}
		d := Detail{RequiredStated: true}
		j := c - 2
		if lines[j] == "required" {
			d.Required = true
			j--
		}
		if j < 1 {
			continue
		}
		d.Declared = lines[j]
		d.Path = celPath(lines[j-1])
		if c+1 < len(lines) {
			if p := celPath(lines[c+1]); p != nil {
				d.Path = p
			}
		}
		d.Tags, d.Description = splitTags(lines[c-1])
		if c+2 < len(lines) && lines[c+2] == "Example" {
			exampleAt(lines, c+3, &d)
		}
		out = append(out, d)
	}
	return out
}

// splitTags takes the tags off the front of a description: "HI ID PII
// Additional metadata" has three, "ID ID of the patient" one, "ID of the
// physician" none (a tag is followed by another tag or a capital).
func splitTags(s string) ([]string, string) {
	var tags []string
	for {
		word, rest, ok := strings.Cut(s, " ")
		if !ok || !tagWords[word] {
			return tags, s
		}
		next, _, _ := strings.Cut(rest, " ")
		if !tagWords[next] && (rest == "" || !(rest[0] >= 'A' && rest[0] <= 'Z')) {
			return tags, s
		}
		tags = append(tags, word)
		s = rest
	}
}

// celPath reads the property names off a field's CEL expression:
// "messages.map(x, x.associated_document.id)" is messages, associated_document, id;
// so is the display form "messages[].associated_document.id".
func celPath(s string) []string {
	s = strings.ReplaceAll(s, "[]", "")
	if m := mapPath.FindStringSubmatch(s); m != nil {
		inner, ok := strings.CutPrefix(m[3], m[2]+".")
		if !ok {
			return strings.Split(m[1], ".")
		}
		rest := celPath(inner)
		if rest == nil {
			return nil
		}
		return append(strings.Split(m[1], "."), rest...)
	}
	if dottedPath.MatchString(s) {
		return strings.Split(s, ".")
	}
	return nil
}

// dedupe keeps the first entry for a path: a page may repeat one.
func dedupe(ds []Detail) []Detail {
	seen := map[string]bool{}
	var out []Detail
	for _, d := range ds {
		k := strings.Join(d.Path, ".") + "\x00" + d.Description
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, d)
	}
	return out
}

// ParseJSON reads a JSON document given on its own (an example or a
// descriptions file), keeping the order of its keys.
func ParseJSON(text string) (any, error) {
	v, n, err := ordered.Decode(text)
	if err != nil {
		return nil, err
	}
	if rest := strings.TrimSpace(text[n:]); rest != "" {
		return nil, fmt.Errorf("text after the JSON value: %.40q", rest)
	}
	return v, nil
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// Slug makes an id part of a name, as the catalog writes them:
// "Customer.io" is customer-io, "Message Thread" message-thread.
func Slug(name string) string {
	return strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(name), "-"), "-")
}
