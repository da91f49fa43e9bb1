package schemas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Node is one schema object, read into the keywords Fieldbook knows.
// Properties keep the order of the document, which is the order the source
// documents its fields in.
type Node struct {
	Ref         string
	Types       []string // "type", one or more of the JSON types
	Format      string
	Title       string
	Description string
	Enum        []any
	Const       any
	HasConst    bool
	Pattern     string
	Minimum     *json.Number
	Maximum     *json.Number
	MinLength   *int
	MaxLength   *int
	MaxItems    *int
	ReadOnly    bool
	Deprecated  bool
	Examples    []any
	Properties  []Property
	Required    []string
	Items       *Node
	Defs        map[string]*Node

	XType          string   // the source's declared type name, verbatim
	XTags          []string // ID, PII, HI
	XTime          string   // "epoch-seconds"
	XEvents        []string // root only
	XQuirks        []Quirk  // root only
	XExampleOrigin string   // root only: "fieldbook" when Fieldbook wrote the example

	// CELType is the CEL object type name of an object with properties,
	// set while the set is resolved.
	CELType string
	// target is where Ref leads, set while the set is resolved.
	target *Node
}

// Property is one entry of "properties", in document order.
type Property struct {
	Name string
	Node *Node
}

// Quirk is a known contradiction between what a source declares and what it
// sends: a validation problem at Pointer from one of Keywords is a warning.
type Quirk struct {
	Pointer  string   `json:"pointer"`
	Keywords []string `json:"keywords"`
	Note     string   `json:"note"`
}

// Resolved follows $ref to the node it names.
func (n *Node) Resolved() *Node {
	for n != nil && n.target != nil {
		n = n.target
	}
	return n
}

// Type is the node's one JSON type other than "null", or "" when it has
// none or several.
func (n *Node) Type() string {
	t := ""
	for _, s := range n.Types {
		if s == "null" {
			continue
		}
		if t != "" {
			return ""
		}
		t = s
	}
	return t
}

// Nullable tells whether "null" is one of the node's types.
func (n *Node) Nullable() bool {
	for _, s := range n.Types {
		if s == "null" {
			return true
		}
	}
	return false
}

// IsRequired tells whether the object node requires the named property.
func (n *Node) IsRequired(name string) bool {
	for _, r := range n.Required {
		if r == name {
			return true
		}
	}
	return false
}

// Property returns the named property's node, or nil.
func (n *Node) Property(name string) *Node {
	for _, p := range n.Properties {
		if p.Name == name {
			return p.Node
		}
	}
	return nil
}

// Example returns the node's first example and whether it has one.
func (n *Node) Example() (any, bool) {
	if len(n.Examples) == 0 {
		return nil, false
	}
	return n.Examples[0], true
}

// parseNode reads a schema object, rejecting keywords Fieldbook does not
// know: a keyword the site and engine would silently ignore is a mistake.
func parseNode(raw json.RawMessage, at string) (*Node, error) {
	keys, fields, err := orderedObject(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", at, err)
	}
	n := &Node{}
	for _, k := range keys {
		v := fields[k]
		var err error
		switch k {
		case "$schema", "$id":
			// identity of the document; the loader checks $id
		case "$ref":
			err = decode(v, &n.Ref)
		case "type":
			if bytes.HasPrefix(bytes.TrimSpace(v), []byte("[")) {
				err = decode(v, &n.Types)
			} else {
				var t string
				err = decode(v, &t)
				n.Types = []string{t}
			}
		case "format":
			err = decode(v, &n.Format)
		case "title":
			err = decode(v, &n.Title)
		case "description":
			err = decode(v, &n.Description)
		case "enum":
			err = decode(v, &n.Enum)
		case "const":
			n.HasConst = true
			err = decode(v, &n.Const)
		case "pattern":
			err = decode(v, &n.Pattern)
		case "minimum":
			err = decode(v, &n.Minimum)
		case "maximum":
			err = decode(v, &n.Maximum)
		case "minLength":
			err = decode(v, &n.MinLength)
		case "maxLength":
			err = decode(v, &n.MaxLength)
		case "maxItems":
			err = decode(v, &n.MaxItems)
		case "readOnly":
			err = decode(v, &n.ReadOnly)
		case "deprecated":
			err = decode(v, &n.Deprecated)
		case "examples":
			err = decode(v, &n.Examples)
		case "required":
			err = decode(v, &n.Required)
		case "properties":
			var names []string
			var props map[string]json.RawMessage
			names, props, err = orderedObject(v)
			for _, name := range names {
				if err != nil {
					break
				}
				var p *Node
				p, err = parseNode(props[name], at+"/properties/"+name)
				n.Properties = append(n.Properties, Property{Name: name, Node: p})
			}
		case "items":
			n.Items, err = parseNode(v, at+"/items")
		case "$defs":
			var defs map[string]json.RawMessage
			err = json.Unmarshal(v, &defs)
			n.Defs = map[string]*Node{}
			for name, d := range defs {
				if err != nil {
					break
				}
				n.Defs[name], err = parseNode(d, at+"/$defs/"+name)
			}
		case "x-type":
			err = decode(v, &n.XType)
		case "x-tags":
			err = decode(v, &n.XTags)
			for _, t := range n.XTags {
				if t != "ID" && t != "PII" && t != "HI" {
					err = fmt.Errorf("unknown tag %q (ID, PII, HI)", t)
				}
			}
		case "x-time":
			err = decode(v, &n.XTime)
			if err == nil && n.XTime != "epoch-seconds" {
				err = fmt.Errorf("unknown x-time %q (epoch-seconds)", n.XTime)
			}
		case "x-events":
			err = decode(v, &n.XEvents)
		case "x-quirks":
			err = decode(v, &n.XQuirks)
		case "x-example-origin":
			err = decode(v, &n.XExampleOrigin)
		default:
			err = fmt.Errorf("unknown keyword %q", k)
		}
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", at, k, err)
		}
	}
	return n, nil
}

// decode unmarshals keeping numbers exact, as examples must compare equal
// to payload values decoded the same way.
func decode(raw json.RawMessage, v any) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	return d.Decode(v)
}

// orderedObject splits a JSON object into its keys, in document order, and
// their raw values. A duplicate key is an error: it would make the document
// mean two things.
func orderedObject(raw json.RawMessage) ([]string, map[string]json.RawMessage, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, fmt.Errorf("not a JSON object")
	}
	var keys []string
	fields := map[string]json.RawMessage{}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return nil, nil, err
		}
		key := tok.(string)
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return nil, nil, err
		}
		if _, dup := fields[key]; dup {
			return nil, nil, fmt.Errorf("duplicate key %q", key)
		}
		keys = append(keys, key)
		fields[key] = v
	}
	return keys, fields, nil
}

// pascal turns a snake_case or kebab-case name into PascalCase.
func pascal(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		if r == '_' || r == '-' || r == ' ' {
			up = true
			continue
		}
		if up {
			b.WriteString(strings.ToUpper(string(r)))
			up = false
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
