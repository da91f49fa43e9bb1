package schemas

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"fieldbook/schemas/ordered"
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
	// AdditionalProperties and PatternProperties describe the values of
	// an object whose keys are data (answer labels, ids): a map. A bare
	// true is an empty node (any value); false is NoAdditional.
	AdditionalProperties *Node
	NoAdditional         bool
	PatternProperties    []Property // Name is the pattern

	XType          string       // the source's declared type name, verbatim
	XTags          []string     // ID, PII, HI
	XTime          string       // "epoch-seconds"
	XEvents        []string     // root only
	XQuirks        []Quirk      // root only
	XExampleOrigin string       // root only: "fieldbook" when Fieldbook wrote the example
	XCELExamples   []CELExample // root only: expressions worth trying on this payload
	// XInferred names the keywords of this node whose values were inferred
	// from the example (by `site import`) rather than read from the source.
	XInferred []string
	// XUnstated names the facts of this field that the source does not
	// state (its page was cut short before them) and Fieldbook did not
	// infer: "required", "x-tags". The payload page shows them as not
	// stated, never as "optional" or "no tags".
	XUnstated []string
	// XSourcePage is the vendor page the payload was documented from, root
	// only; its Partial says what the page leaves out when it is cut short.
	XSourcePage *SourcePage
	// XAction says what an action is and takes, on the root of an action
	// document, whose root is the action's result.
	XAction *Action

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

// CELExample is an expression worth trying on a payload, checked at build
// time against the schema's example (with now() at Now, when given).
type CELExample struct {
	Kind       string `json:"kind"` // filter, mapping, array, optional, time
	Title      string `json:"title"`
	Expression string `json:"expression"`
	Now        string `json:"now,omitempty"`
}

// SourcePage is the page a payload was documented from.
type SourcePage struct {
	URL     string `json:"url"`
	Partial string `json:"partial,omitempty"` // what the page leaves out, when it is cut short
}

// inferable are the keywords x-inferred may name: the facts the import
// reads off an example when the source does not declare them.
var inferable = map[string]bool{
	"type": true, "format": true, "items": true, "additionalProperties": true,
	"required": true, "x-quirks": true, "x-tags": true,
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

// IsMap tells an object whose keys are data rather than named fields: it
// describes its values (additionalProperties or patternProperties) and
// names no properties. CEL types it map(string, T).
func (n *Node) IsMap() bool {
	return len(n.Properties) == 0 && (n.AdditionalProperties != nil || len(n.PatternProperties) > 0)
}

// MapValues is the schema of a map's values, or nil when they may be
// anything (a bare true, or several patterns).
func (n *Node) MapValues() *Node {
	var vals []*Node
	if n.AdditionalProperties != nil {
		vals = append(vals, n.AdditionalProperties)
	}
	for _, p := range n.PatternProperties {
		vals = append(vals, p.Node)
	}
	if len(vals) != 1 || (vals[0].Ref == "" && len(vals[0].Types) == 0) {
		return nil
	}
	return vals[0]
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

// decodeDocument reads a whole schema document in one pass, objects in
// order so that property order survives, numbers as json.Number. A
// duplicate key is an error: it would make the document mean two things.
func decodeDocument(raw []byte) (*ordered.Object, error) {
	v, _, err := ordered.Decode(string(raw))
	if err != nil {
		return nil, err
	}
	o, ok := v.(*ordered.Object)
	if !ok {
		return nil, fmt.Errorf("not a JSON object")
	}
	return o, nil
}

func asString(v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	return "", fmt.Errorf("expected a string, got %T", v)
}

func asStrings(v any) ([]string, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("expected an array of strings, got %T", v)
	}
	out := make([]string, len(arr))
	for i, x := range arr {
		s, err := asString(x)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

func asBool(v any) (bool, error) {
	if b, ok := v.(bool); ok {
		return b, nil
	}
	return false, fmt.Errorf("expected true or false, got %T", v)
}

func asNumber(v any) (*json.Number, error) {
	if n, ok := v.(json.Number); ok {
		return &n, nil
	}
	return nil, fmt.Errorf("expected a number, got %T", v)
}

func asInt(v any) (*int, error) {
	n, err := asNumber(v)
	if err != nil {
		return nil, err
	}
	i, err := strconv.Atoi(n.String())
	if err != nil || i < 0 {
		return nil, fmt.Errorf("expected a whole number, got %s", n)
	}
	return &i, nil
}

func asObject(v any) (*ordered.Object, error) {
	if o, ok := v.(*ordered.Object); ok {
		return o, nil
	}
	return nil, fmt.Errorf("expected an object, got %T", v)
}

func asQuirks(v any) ([]Quirk, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("expected an array of quirks")
	}
	var out []Quirk
	for _, x := range arr {
		o, err := asObject(x)
		if err != nil {
			return nil, err
		}
		var q Quirk
		for _, k := range o.Keys {
			switch k {
			case "pointer":
				q.Pointer, err = asString(o.Vals[k])
			case "keywords":
				q.Keywords, err = asStrings(o.Vals[k])
			case "note":
				q.Note, err = asString(o.Vals[k])
			default:
				err = fmt.Errorf("unknown quirk member %q", k)
			}
			if err != nil {
				return nil, err
			}
		}
		out = append(out, q)
	}
	return out, nil
}

var celExampleKinds = map[string]bool{"filter": true, "mapping": true, "array": true, "optional": true, "time": true}

func asCELExamples(v any) ([]CELExample, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("expected an array of examples")
	}
	var out []CELExample
	for _, x := range arr {
		o, err := asObject(x)
		if err != nil {
			return nil, err
		}
		var ex CELExample
		for _, k := range o.Keys {
			switch k {
			case "kind":
				ex.Kind, err = asString(o.Vals[k])
				if err == nil && !celExampleKinds[ex.Kind] {
					err = fmt.Errorf("unknown kind %q (filter, mapping, array, optional, time)", ex.Kind)
				}
			case "title":
				ex.Title, err = asString(o.Vals[k])
			case "expression":
				ex.Expression, err = asString(o.Vals[k])
			case "now":
				ex.Now, err = asString(o.Vals[k])
			default:
				err = fmt.Errorf("unknown example member %q", k)
			}
			if err != nil {
				return nil, err
			}
		}
		out = append(out, ex)
	}
	return out, nil
}

func asSourcePage(v any) (*SourcePage, error) {
	o, err := asObject(v)
	if err != nil {
		return nil, err
	}
	p := &SourcePage{}
	for _, k := range o.Keys {
		switch k {
		case "url":
			p.URL, err = asString(o.Vals[k])
		case "partial":
			p.Partial, err = asString(o.Vals[k])
		default:
			err = fmt.Errorf("unknown member %q (url, partial)", k)
		}
		if err != nil {
			return nil, err
		}
	}
	if !strings.HasPrefix(p.URL, "https://") {
		return nil, fmt.Errorf("url %q is not an https address", p.URL)
	}
	return p, nil
}

// knownTags are the data tags a field or parameter may carry.
var knownTags = map[string]bool{"ID": true, "PII": true, "HI": true}

// unstatable are the facts x-unstated may name: those a field shows
// whatever the schema says (a field is required or not, tagged or not), so
// that only a word can tell that the source never said.
var unstatable = map[string]bool{"required": true, "x-tags": true}

// Unstated tells whether the source does not state the field's fact.
func (n *Node) Unstated(fact string) bool { return slices.Contains(n.XUnstated, fact) }

// Inferred tells whether the import inferred the node's keyword from the
// example rather than read it from the source.
func (n *Node) Inferred(keyword string) bool {
	for _, k := range n.XInferred {
		if k == keyword {
			return true
		}
	}
	return false
}

// parseNode reads a schema object, rejecting keywords Fieldbook does not
// know: a keyword the site and engine would silently ignore is a mistake.
func parseNode(o *ordered.Object, at string) (*Node, error) {
	n := &Node{}
	for _, k := range o.Keys {
		v := o.Vals[k]
		var err error
		switch k {
		case "$schema", "$id", "$comment":
			// identity of the document (the loader checks $id), and notes
		case "$ref":
			n.Ref, err = asString(v)
		case "type":
			if s, ok := v.(string); ok {
				n.Types = []string{s}
			} else {
				n.Types, err = asStrings(v)
			}
		case "format":
			n.Format, err = asString(v)
		case "title":
			n.Title, err = asString(v)
		case "description":
			n.Description, err = asString(v)
		case "enum":
			arr, ok := ordered.Plain(v).([]any)
			if !ok {
				err = fmt.Errorf("expected an array")
			}
			n.Enum = arr
		case "const":
			n.HasConst, n.Const = true, ordered.Plain(v)
		case "pattern":
			n.Pattern, err = asString(v)
		case "minimum":
			n.Minimum, err = asNumber(v)
		case "maximum":
			n.Maximum, err = asNumber(v)
		case "minLength":
			n.MinLength, err = asInt(v)
		case "maxLength":
			n.MaxLength, err = asInt(v)
		case "maxItems":
			n.MaxItems, err = asInt(v)
		case "readOnly":
			n.ReadOnly, err = asBool(v)
		case "deprecated":
			n.Deprecated, err = asBool(v)
		case "examples":
			arr, ok := ordered.Plain(v).([]any)
			if !ok {
				err = fmt.Errorf("expected an array")
			}
			n.Examples = arr
		case "required":
			n.Required, err = asStrings(v)
		case "properties":
			var props *ordered.Object
			if props, err = asObject(v); err == nil {
				for _, name := range props.Keys {
					var child *ordered.Object
					if child, err = asObject(props.Vals[name]); err != nil {
						break
					}
					var p *Node
					if p, err = parseNode(child, at+"/properties/"+name); err != nil {
						return nil, err
					}
					n.Properties = append(n.Properties, Property{Name: name, Node: p})
				}
			}
		case "additionalProperties":
			if b, isBool := v.(bool); isBool {
				if b {
					n.AdditionalProperties = &Node{}
				} else {
					n.NoAdditional = true
				}
				break
			}
			var child *ordered.Object
			if child, err = asObject(v); err == nil {
				if n.AdditionalProperties, err = parseNode(child, at+"/additionalProperties"); err != nil {
					return nil, err
				}
			}
		case "patternProperties":
			var pats *ordered.Object
			if pats, err = asObject(v); err == nil {
				for _, pat := range pats.Keys {
					var child *ordered.Object
					if child, err = asObject(pats.Vals[pat]); err != nil {
						break
					}
					var p *Node
					if p, err = parseNode(child, at+"/patternProperties/"+pat); err != nil {
						return nil, err
					}
					n.PatternProperties = append(n.PatternProperties, Property{Name: pat, Node: p})
				}
			}
		case "items":
			var child *ordered.Object
			if child, err = asObject(v); err == nil {
				if n.Items, err = parseNode(child, at+"/items"); err != nil {
					return nil, err
				}
			}
		case "$defs":
			var defs *ordered.Object
			if defs, err = asObject(v); err == nil {
				n.Defs = map[string]*Node{}
				for _, name := range defs.Keys {
					var child *ordered.Object
					if child, err = asObject(defs.Vals[name]); err != nil {
						break
					}
					if n.Defs[name], err = parseNode(child, at+"/$defs/"+name); err != nil {
						return nil, err
					}
				}
			}
		case "x-type":
			n.XType, err = asString(v)
		case "x-tags":
			n.XTags, err = asStrings(v)
			for _, t := range n.XTags {
				if !knownTags[t] {
					err = fmt.Errorf("unknown tag %q (ID, PII, HI)", t)
				}
			}
		case "x-time":
			n.XTime, err = asString(v)
			if err == nil && n.XTime != "epoch-seconds" {
				err = fmt.Errorf("unknown x-time %q (epoch-seconds)", n.XTime)
			}
		case "x-events":
			n.XEvents, err = asStrings(v)
		case "x-quirks":
			n.XQuirks, err = asQuirks(v)
		case "x-example-origin":
			n.XExampleOrigin, err = asString(v)
		case "x-cel-examples":
			n.XCELExamples, err = asCELExamples(v)
		case "x-inferred":
			n.XInferred, err = asStrings(v)
			for _, name := range n.XInferred {
				if !inferable[name] {
					err = fmt.Errorf("%q cannot be inferred (type, format, items, additionalProperties, required, x-quirks, x-tags)", name)
				} else if _, ok := o.Vals[name]; !ok {
					err = fmt.Errorf("names %q, which this node does not have", name)
				}
			}
		case "x-unstated":
			n.XUnstated, err = asStrings(v)
			for _, name := range n.XUnstated {
				if !unstatable[name] {
					err = fmt.Errorf("%q cannot be unstated (required, x-tags)", name)
				}
			}
		case "x-source-page":
			n.XSourcePage, err = asSourcePage(v)
		case "x-action":
			n.XAction, err = asAction(v)
		default:
			err = fmt.Errorf("unknown keyword %q", k)
		}
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", at, k, err)
		}
	}
	return n, nil
}

// DefName makes a $defs name, which is also a CEL type name, from a
// property name: PascalCase of its ASCII letters and digits, with "Field"
// before a name that would start with a digit or be empty. The import and
// the engine's inference both name element and value types with it.
func DefName(prop string) string {
	var b strings.Builder
	up := true
	for _, r := range prop {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r)) || r > unicode.MaxASCII {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	name := b.String()
	if name == "" || unicode.IsDigit(rune(name[0])) {
		name = "Field" + name
	}
	return name
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
