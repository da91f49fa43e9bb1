package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"fieldbook/schemas/ordered"
)

// Where a source tags no field (ID, PII, HI), Fieldbook proposes tags for
// the fields whose name says what they hold, and marks each proposal
// inferred (x-inferred: x-tags), which the payload page and the search
// show. A schema with any tag the source gave is left as it is: the
// source's tags are all there is.

// ProposeTags adds proposed tags to a schema document whose source gives
// none, replacing earlier proposals; it tells whether the document has any
// source's tags (and was left alone).
func ProposeTags(doc *ordered.Object) (sourceTagged bool) {
	if hasSourceTags(doc) {
		return true
	}
	walkProperties(doc, "", func(name, parent string, node *ordered.Object) {
		tags := tagsFor(name, parent)
		if len(tags) == 0 {
			node.Delete("x-tags")
			markInferred(node, "x-tags", false)
			return
		}
		list := make([]any, len(tags))
		for i, t := range tags {
			list[i] = t
		}
		node.SetBefore("x-tags", list, firstOf(node, "x-tags", "x-inferred", "properties", "items", "examples"))
		markInferred(node, "x-tags", true)
	})
	return false
}

// hasSourceTags tells whether a document has an x-tags its x-inferred does
// not name.
func hasSourceTags(v any) bool {
	switch v := v.(type) {
	case *ordered.Object:
		if _, ok := v.Get("x-tags"); ok && !inferredIn(v)["x-tags"] {
			return true
		}
		for _, k := range v.Keys {
			if hasSourceTags(v.Vals[k]) {
				return true
			}
		}
	case []any:
		for _, x := range v {
			if hasSourceTags(x) {
				return true
			}
		}
	}
	return false
}

// walkProperties calls f on every property of every object schema in a
// document, with the property's name and the name of what holds it (the
// property or the $defs entry of its object, "" at the root).
func walkProperties(v any, holder string, f func(name, parent string, node *ordered.Object)) {
	o, ok := v.(*ordered.Object)
	if !ok {
		if arr, ok := v.([]any); ok {
			for _, x := range arr {
				walkProperties(x, holder, f)
			}
		}
		return
	}
	if props, ok := o.Get("properties"); ok {
		if p, ok := props.(*ordered.Object); ok {
			for _, name := range p.Keys {
				if node, ok := p.Vals[name].(*ordered.Object); ok {
					f(name, holder, node)
					walkProperties(node, name, f)
				}
			}
		}
	}
	for _, k := range []string{"items", "additionalProperties", "anyOf", "oneOf", "allOf"} {
		if x, ok := o.Get(k); ok {
			walkProperties(x, holder, f)
		}
	}
	if defs, ok := o.Get("$defs"); ok {
		if d, ok := defs.(*ordered.Object); ok {
			for _, name := range d.Keys {
				walkProperties(d.Vals[name], name, f)
			}
		}
	}
}

// people are the words for what holds a person's own name.
var people = map[string]bool{"patient": true, "client": true, "user": true, "customer": true, "invitee": true,
	"member": true, "subscriber": true, "contact": true, "practitioner": true, "provider": true, "dietitian": true}

// tagsFor proposes a field's tags from its name (and, for a bare "name",
// what holds it): identifiers are ID; emails, phone numbers, people's
// names, street addresses, cities and postal codes, dates of birth and
// gender are PII; free-text notes and comments, diagnoses and codes of
// care, results and form answers are HI.
func tagsFor(name, parent string) []string {
	words := strings.Split(strings.ToLower(name), "_")
	last := words[len(words)-1]
	has := func(w string) bool {
		for _, x := range words {
			if x == w {
				return true
			}
		}
		return false
	}
	var tags []string
	if last == "id" || last == "ids" || last == "uuid" {
		tags = append(tags, "ID")
	}
	personName := last == "name" && len(words) > 1 && map[string]bool{"first": true, "last": true, "full": true, "legal": true,
		"middle": true, "preferred": true, "client": true, "user": true, "patient": true, "practitioner": true}[words[len(words)-2]]
	bareName := name == "name" && people[strings.ToLower(strings.TrimSuffix(parent, "s"))]
	switch {
	case has("email"), has("phone") && (len(words) == 1 || has("number")), personName, bareName,
		has("address") && !has("email"), last == "line1" || last == "line2", name == "city", has("zip") || has("postal"),
		name == "dob" || has("birth") || name == "birthdate", has("gender") || name == "sex", name == "ssn":
		tags = append(tags, "PII")
	}
	switch {
	case last == "type": // a kind of note, not a note
	case has("note") || has("notes") || has("comments"), has("diagnoses") || has("diagnosis") || has("icd") || has("cpt"),
		has("symptom"), last == "results" || name == "result_interpretation" || name == "interpretation" || name == "abnormal_flag",
		has("answers") || name == "answer", has("medications") || has("allergies"):
		tags = append(tags, "HI")
	}
	return tags
}

// Retag proposes tags in a schema file's text as ProposeTags does, and
// gives the new text, written in the file's own layout (the import's, or
// encoding/json's indented one); it refuses a file in neither, which it
// would reformat whole.
func Retag(text []byte) ([]byte, error) {
	v, _, err := ordered.Decode(string(text))
	if err != nil {
		return nil, err
	}
	doc, ok := v.(*ordered.Object)
	if !ok {
		return nil, errors.New("the schema is not a JSON object")
	}
	var layout func(any) []byte
	for _, l := range []func(any) []byte{encode, indented} {
		if bytes.Equal(l(doc), text) {
			layout = l
		}
	}
	if ProposeTags(doc) {
		return text, nil // the source's tags stand
	}
	if layout == nil {
		return nil, errors.New("the file is laid out neither as the import writes nor as encoding/json indents: tag it by hand, or lay it out first")
	}
	return layout(doc), nil
}

// indented is encoding/json's layout at two spaces, as most schema files
// are written.
func indented(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil
	}
	return b.Bytes()
}
