package importer

import (
	"regexp"
	"strings"

	"fieldbook/schemas/ordered"
)

// ActionMaterial is what one of Morf's action pages gives, read from its
// text as a browser copies it, in either rendering: docs.morf.health,
// whose parameter entries show a display name, Morf's type and a
// "required" marker, or www.morf.health's "Hide parameters", whose entries
// show only the tags, the mapping sentence and the enum values.
type ActionMaterial struct {
	Title string // the page's heading, where the copy has it
	// Destination is the destination's name in the meta line
	// ("Documentation for the Create Card action for Stripe").
	Destination string
	Parameters  []ActionParameter
	// Example is the result example without Morf's $result_object_key
	// wrapper: an object or an array; nil where the page shows none.
	Example      any
	Descriptions any      // the descriptions shaped like the example, or nil
	Details      []Detail // "Result Object Field Details", in the page's order
	Response     string   // the result type's name ("Fetch Action Response Object")
}

// ActionParameter is one entry of the page's parameters.
type ActionParameter struct {
	Key     string // the destination API field, without annotation
	MapsTo  string // the page's words, where they say more than the key
	Name    string // the display name, where the rendering shows it
	Type    string // Morf's type as written, where the rendering shows it
	Default string // the default an annotation states
	// Required is the page's "required" marker: nil where the rendering
	// shows no such markers.
	Required *bool
	Tags     []string // ID, PII, HI; empty where the entry shows none
	Enum     []string // "Allowed Enumeration Values"
	// Unstated are the facts the rendering does not show for it: name,
	// type, required.
	Unstated []string
}

// IsRequired tells whether the page marks the parameter required.
func (p ActionParameter) IsRequired() bool { return p.Required != nil && *p.Required }

var (
	// "This field maps to the destination API category (defaults to patient) field."
	mapsSentence = regexp.MustCompile(`(?s)This field maps to the destination API\s+(.+?)\s+field\.`)
	resultStart  = regexp.MustCompile(`\{\s*"\$result_object_key"\s*:`)
	metaLine     = regexp.MustCompile(`^Documentation for the (.+) action for (.+?)\.?$`)
	annotated    = regexp.MustCompile(`^(.*?)\s*\((.*)\)\s*(.*)$`)
	defaultWords = regexp.MustCompile(`(?i)\bdefaults? (?:to|is) ([^),]+)`)
	fieldPath    = regexp.MustCompile(`^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$`)
	celStep      = regexp.MustCompile(`^(\[\*\]|\[\d+\]|\.([A-Za-z_]\w*)|\["([^"]+)"\])`)
	morfTypeLine = regexp.MustCompile(`^(string|bool|boolean|double|float|int32|int64|uint32|uint64|bytes)(\s*\(.*\))?$|^Map<.*>$|^(repeated |List<)|\.v\d+\.|^[a-z]+\.v\d+\.`)
)

// parameterHeadings are the lines that open the parameter list.
var parameterHeadings = map[string]bool{"Parameters": true, "Action": true, "Action Parameters": true, "Hide parameters": true, "Show parameters": true}

// chrome are lines of the site around the content.
var chrome = map[string]bool{"Copy": true, "Ask AI": true, "Skip to main content": true, "Documentation Index": true,
	"Events": true, "Actions": true, "Libraries": true}

func isChrome(l string) bool {
	return chrome[l] || strings.HasPrefix(l, "images/") || strings.HasPrefix(l, "Fetch the complete documentation index") ||
		strings.HasPrefix(l, "Use this file to discover") || strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || isNav(l)
}

// jsonSpan is one JSON block of the page wrapped in $result_object_key.
type jsonSpan struct {
	start, end int
	value      any // the wrapped value
}

// resultBlocks finds the page's JSON blocks that wrap a value in
// $result_object_key, wherever they start (the www rendering runs one on
// from the line before it).
func resultBlocks(text string) []jsonSpan {
	var out []jsonSpan
	for at := 0; at < len(text); {
		loc := resultStart.FindStringIndex(text[at:])
		if loc == nil {
			break
		}
		start := at + loc[0]
		v, n, err := ordered.Decode(text[start:])
		if err != nil {
			at = start + 1
			continue
		}
		o, _ := v.(*ordered.Object)
		wrapped, _ := o.Get("$result_object_key")
		out = append(out, jsonSpan{start, start + n, wrapped})
		at = start + n
	}
	return out
}

// onlyChrome tells whether the text between two blocks is empty or the
// site's buttons ("Copy", "Ask AI").
func onlyChrome(s string) bool {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && !chrome[l] {
			return false
		}
	}
	return true
}

// ParseActionPage reads the text of one of Morf's action pages.
func ParseActionPage(text string) (ActionMaterial, error) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var m ActionMaterial

	blocks := resultBlocks(text)
	if len(blocks) > 0 {
		m.Example = blocks[0].value
		if len(blocks) > 1 && onlyChrome(text[blocks[0].end:blocks[1].start]) && allText(blocks[1].value) {
			m.Descriptions = blocks[1].value
		}
	}

	// The field details start at their heading; the rest is the header
	// and the parameters, read with the JSON blocks taken out.
	detailsAt := strings.Index(text, "Result Object Field Details")
	head, details := text, ""
	if detailsAt >= 0 {
		head, details = text[:detailsAt], text[detailsAt+len("Result Object Field Details"):]
	}
	var b strings.Builder
	last := 0
	for _, s := range blocks {
		if s.start >= len(head) {
			break
		}
		b.WriteString(head[last:s.start])
		b.WriteString("\n")
		last = min(s.end, len(head))
	}
	b.WriteString(head[last:])
	head = b.String()

	m.Title, m.Destination = actionTitle(head)
	m.Parameters = parseParameters(head)
	if details != "" {
		m.Response, m.Details = parseResultDetails(details)
	}
	return m, nil
}

// actionTitle reads the heading off the lines before the parameters: the
// line above the meta line ("Documentation for the X action for Y"), or
// X; without a meta line, the first line that reads as a heading.
func actionTitle(head string) (title, destination string) {
	var lines []string
	for _, l := range strings.Split(head, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if parameterHeadings[l] || strings.Contains(l, "This field maps to the destination API") {
			break
		}
		lines = append(lines, l)
	}
	for _, l := range lines {
		if g := metaLine.FindStringSubmatch(l); g != nil {
			return g[1], g[2]
		}
	}
	for _, l := range lines {
		if isChrome(l) || len(l) > 80 || strings.HasSuffix(l, ".") || strings.HasSuffix(l, ":") {
			continue
		}
		return l, ""
	}
	return "", ""
}

// parseParameters reads the entries of the parameter list: each is [a
// display name, Morf's type, "required"] [tags] and the mapping sentence,
// then maybe "Allowed Enumeration Values" and the values.
func parseParameters(head string) []ActionParameter {
	matches := mapsSentence.FindAllStringSubmatchIndex(head, -1)
	var out []ActionParameter
	prevEnd := 0
	headingSeen := false
	for i, mt := range matches {
		var p ActionParameter
		words := strings.Join(strings.Fields(head[mt[2]:mt[3]]), " ")
		p.Key, p.MapsTo, p.Default = splitMapping(words)

		// Before the sentence: the name, type, required marker and tags.
		var before []string
		for _, l := range strings.Split(head[prevEnd:mt[0]], "\n") {
			if l = strings.TrimSpace(l); l == "" || chrome[l] {
				continue
			}
			if parameterHeadings[l] {
				before, headingSeen = nil, true
				continue
			}
			before = append(before, l)
		}
		if i == 0 && !headingSeen {
			// A copy cut above the list: what comes before the first
			// entry may be the page's header; read only its tags.
			if n := len(before); n > 0 && allTags(before[n-1]) {
				before = before[n-1:]
			} else {
				before = nil
			}
		}
		p.Tags = []string{}
		for len(before) > 0 && allTags(before[len(before)-1]) {
			p.Tags = append(strings.Fields(before[len(before)-1]), p.Tags...)
			before = before[:len(before)-1]
		}
		if n := len(before); n > 0 && before[n-1] == "required" {
			t := true
			p.Required = &t
			before = before[:n-1]
		}
		switch n := len(before); {
		case n >= 2:
			p.Name, p.Type = before[n-2], before[n-1]
		case n == 1 && morfTypeLine.MatchString(before[0]):
			p.Type = before[0]
		case n == 1:
			p.Name = before[0]
		}

		// After it: the enum values, up to the next entry.
		end := len(head)
		if i+1 < len(matches) {
			end = matches[i+1][0]
		}
		prevEnd = mt[1]
		rest := head[mt[1]:end]
		if j := strings.Index(rest, "Allowed Enumeration Values"); j >= 0 && strings.TrimSpace(rest[:j]) == "" {
			consumed := j + len("Allowed Enumeration Values")
			for _, l := range strings.SplitAfter(rest[consumed:], "\n") {
				v := strings.TrimSpace(l)
				if v != "" && (!enumValue.MatchString(v) || tagWords[v]) {
					break
				}
				if v != "" {
					p.Enum = append(p.Enum, v)
				}
				consumed += len(l)
			}
			prevEnd = mt[1] + consumed
		}
		out = append(out, p)
	}

	// A rendering that shows names, types or required markers shows them
	// for every entry: an entry without the marker is not required.
	shown := false
	for _, p := range out {
		shown = shown || p.Type != "" || p.Required != nil
	}
	for i := range out {
		p := &out[i]
		if shown && p.Required == nil {
			f := false
			p.Required = &f
		}
		if p.Name == "" {
			p.Unstated = append(p.Unstated, "name")
		}
		if p.Type == "" {
			p.Unstated = append(p.Unstated, "type")
		}
		if p.Required == nil {
			p.Unstated = append(p.Unstated, "required")
		}
	}
	return out
}

func allTags(l string) bool {
	ws := strings.Fields(l)
	for _, w := range ws {
		if !tagWords[w] {
			return false
		}
	}
	return len(ws) > 0
}

// splitMapping reads the words of a mapping sentence: the field (the
// words without their annotation, a leading "!" dropped; where those are
// several words, the one that is a field path), the words themselves where
// they say more, and a default the annotation states.
func splitMapping(words string) (key, mapsTo, def string) {
	field := words
	if g := annotated.FindStringSubmatch(words); g != nil {
		field = g[1]
		if d := defaultWords.FindStringSubmatch(g[2]); d != nil {
			def = strings.TrimSpace(d[1])
		}
	}
	field = strings.TrimPrefix(strings.TrimSpace(field), "!")
	if !fieldPath.MatchString(field) {
		for _, w := range strings.Fields(field) {
			if fieldPath.MatchString(w) {
				field = w
				break
			}
		}
	}
	if field != words {
		mapsTo = words
	}
	return field, mapsTo, def
}

// parseResultDetails reads "Result Object Field Details": the response
// type's name above "Fetch Action Response Object", then per field its
// name, declared type, "required", description, "CEL" and the path from
// $result_object_key, "Example" and the value.
func parseResultDetails(text string) (string, []Detail) {
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" && !chrome[l] {
			lines = append(lines, l)
		}
	}
	response := ""
	start := 0
	for i, l := range lines {
		if l == "Fetch Action Response Object" {
			if i > 0 {
				response = lines[i-1]
			}
			start = i + 1
			break
		}
	}
	var out []Detail
	for c := start; c < len(lines); c++ {
		if lines[c] != "CEL" || c+1 >= len(lines) {
			continue
		}
		d := Detail{RequiredStated: true}
		path, pointer, ok := celPointer(lines[c+1])
		seg := lines[start:c]
		if ok && len(path) > 0 {
			d.Path, d.Pointer = path, pointer
		}
		if len(seg) >= 2 {
			d.Declared = seg[1]
			rest := seg[2:]
			if len(rest) > 0 && rest[0] == "required" {
				d.Required = true
				rest = rest[1:]
			}
			d.Tags, d.Description = splitTags(strings.Join(rest, " "))
		}
		next := c + 2
		if next < len(lines) && lines[next] == "Example" {
			next += 1 + exampleAt(lines, next+1, &d)
		}
		start = next
		c = next - 1
		if d.Path != nil {
			out = append(out, d)
		}
	}
	return response, dedupe(out)
}

// celPointer reads a field's CEL path from the result key
// ("$result_object_key[*].tags[*].id"): the property names (arrays left
// out) and the JSON pointer into the result ("/*/tags/*/id").
func celPointer(s string) ([]string, string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), "$result_object_key")
	if !ok {
		return nil, "", false
	}
	path := []string{}
	var b strings.Builder
	for rest != "" {
		g := celStep.FindStringSubmatch(rest)
		if g == nil {
			return nil, "", false
		}
		rest = rest[len(g[0]):]
		name := g[2] + g[3]
		if name == "" {
			b.WriteString("/*")
			continue
		}
		path = append(path, name)
		b.WriteString("/" + escapeToken(name))
	}
	return path, b.String(), true
}

func escapeToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
