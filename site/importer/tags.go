package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strings"

	"fieldbook/schemas/ordered"
)

// Where a source gives a field no tags (ID, PII, HI), Fieldbook proposes
// them from the field's name and value, and marks each proposal inferred
// (x-inferred: x-tags), which the payload page and the search show. A
// source gives a field no tags where it tags no field at all, or where its
// page ends before the field's details (x-unstated: x-tags). The tags a
// source gives stay as they are.

// ProposeTags adds proposed tags to the fields of a schema document whose
// source gives them none, replacing earlier proposals; it tells whether it
// left the document as it was.
func ProposeTags(doc *ordered.Object) (unchanged bool) {
	before := encode(doc)
	whole := !hasSourceTags(doc)
	walkProperties(doc, "", func(name, parent string, node *ordered.Object) {
		unstated := unstatedIn(node)
		if !whole && !unstated["x-tags"] && !inferredIn(node)["x-tags"] {
			return // the source's tags, or its word that there are none
		}
		example, _ := node.Get("examples")
		tags := tagsFor(name, parent, firstOfList(example))
		if len(tags) == 0 {
			if inferredIn(node)["x-tags"] && !whole {
				unstated["x-tags"] = true // the proposal is gone; the source still says nothing
			}
			node.Delete("x-tags")
			markInferred(node, "x-tags", false)
			setUnstated(node, unstated)
			return
		}
		list := make([]any, len(tags))
		for i, t := range tags {
			list[i] = t
		}
		node.SetBefore("x-tags", list, firstOf(node, "x-tags", "x-inferred", "properties", "items", "examples"))
		markInferred(node, "x-tags", true)
		delete(unstated, "x-tags")
		setUnstated(node, unstated)
	})
	return bytes.Equal(before, encode(doc))
}

// unstatedIn is the set of facts a node lists in x-unstated.
func unstatedIn(o *ordered.Object) map[string]bool { return listSet(o.Vals["x-unstated"]) }

// setUnstated writes a node's x-unstated, in its order (required, x-tags).
func setUnstated(o *ordered.Object, facts map[string]bool) {
	var list []any
	for _, f := range []string{"required", "x-tags"} {
		if facts[f] {
			list = append(list, f)
		}
	}
	if len(list) == 0 {
		o.Delete("x-unstated")
		return
	}
	if _, ok := o.Get("x-unstated"); ok {
		o.Set("x-unstated", list)
		return
	}
	o.SetBefore("x-unstated", list, firstOf(o, "x-inferred", "properties", "items", "examples"))
}

// firstOfList is a list's first element, or nil.
func firstOfList(v any) any {
	if arr, ok := v.([]any); ok && len(arr) > 0 {
		return arr[0]
	}
	return nil
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
// what holds it, and its example where the value says what it is): identifiers are ID; emails, phone numbers, people's
// names, street addresses, cities and postal codes, dates of birth and
// gender are PII; free-text notes and comments, diagnoses and codes of
// care, results and form answers are HI.
func tagsFor(name, parent string, example any) []string {
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
		name == "dob" || has("birth") || name == "birthdate", has("gender") || name == "sex", name == "ssn",
		looksLikeContact(example):
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
		return text, nil // nothing to propose, or the proposals stand
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

// emailValue and phoneValue are values that say what they are whatever the
// field is called: an email address, a phone number written with its
// punctuation (+1 555-555-5555, (555) 555-5555).
var (
	emailValue = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$`)
	phoneValue = regexp.MustCompile(`^\+?[0-9]{0,3}[ .-]?\(?[0-9]{3}\)?[ .-][0-9]{3}[ .-][0-9]{4}$`)
)

// looksLikeContact tells whether an example value is an email address or a
// phone number.
func looksLikeContact(example any) bool {
	s, ok := example.(string)
	return ok && (emailValue.MatchString(s) || phoneValue.MatchString(s))
}
