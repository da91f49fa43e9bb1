package schemas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"fieldbook/schemas/ordered"
)

// Action is what an action document says of the action itself (its
// x-action): its parameters, and the result key Fieldbook writes CEL
// under. The document's root is the result's schema.
type Action struct {
	Title      string      `json:"title"`
	Response   string      `json:"response,omitempty"` // the page's name of the result type
	Key        string      `json:"key"`                // the default result object key
	Parameters []Parameter `json:"parameters"`
	// ParametersPartial says what the stored copies leave out of the
	// parameter list, where they cut it.
	ParametersPartial string `json:"parametersPartial,omitempty"`
}

// Parameter is one input of an action: a CEL expression over the workflow
// whose value goes to the destination API field Key.
type Parameter struct {
	Key         string   `json:"key"`              // the destination API field, without annotation
	MapsTo      string   `json:"mapsTo,omitempty"` // the page's words, where they say more than the key
	Name        string   `json:"name,omitempty"`   // the display name
	Type        string   `json:"type,omitempty"`   // Morf's type, as written
	CEL         string   `json:"cel"`              // the CEL type the expression must have
	Required    *bool    `json:"required,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	Enum        []string `json:"enum,omitempty"`
	Default     string   `json:"default,omitempty"`
	Description string   `json:"description,omitempty"`
	Unstated    []string `json:"unstated,omitempty"` // name, type, required, tags
	Inferred    []string `json:"inferred,omitempty"` // cel
}

// IsRequired tells whether the page states the parameter is required.
func (p Parameter) IsRequired() bool { return p.Required != nil && *p.Required }

// celTypes are the CEL types a parameter may take; list( and map( take
// these inside.
var celTypes = map[string]bool{"string": true, "int": true, "uint": true, "double": true, "bool": true, "bytes": true,
	"google.protobuf.Timestamp": true, "google.protobuf.Duration": true, "dyn": true}

// ParamType is a CEL type a parameter takes, as its document writes it:
// a scalar's Name, or "list" with its element's type and "map" with its
// key's and value's in Args. The engine makes a cel.Type of it.
type ParamType struct {
	Name string
	Args []ParamType
}

// ParseParamType reads a parameter's CEL type: a scalar, list(T) or
// map(K, V) of them.
func ParseParamType(t string) (ParamType, error) {
	t = strings.TrimSpace(t)
	if inner, ok := strings.CutPrefix(t, "list("); ok && strings.HasSuffix(inner, ")") {
		elem, err := ParseParamType(strings.TrimSuffix(inner, ")"))
		return ParamType{Name: "list", Args: []ParamType{elem}}, err
	}
	if inner, ok := strings.CutPrefix(t, "map("); ok && strings.HasSuffix(inner, ")") {
		k, v, ok := strings.Cut(strings.TrimSuffix(inner, ")"), ",")
		if !ok {
			return ParamType{}, fmt.Errorf("%q: a map names its key and value types", t)
		}
		kt, err := ParseParamType(k)
		if err != nil {
			return ParamType{}, err
		}
		vt, err := ParseParamType(v)
		return ParamType{Name: "map", Args: []ParamType{kt, vt}}, err
	}
	if !celTypes[t] {
		return ParamType{}, fmt.Errorf("%q is not a type a parameter can take", t)
	}
	return ParamType{Name: t}, nil
}

// asAction reads x-action, refusing a member Fieldbook does not know.
func asAction(v any) (*Action, error) {
	raw, err := json.Marshal(ordered.Plain(v))
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	a := &Action{}
	if err := dec.Decode(a); err != nil {
		return nil, err
	}
	if a.Title == "" {
		return nil, fmt.Errorf("no title")
	}
	if !IsIdentifier(a.Key) {
		return nil, fmt.Errorf("key %q is not a CEL identifier", a.Key)
	}
	seen := map[string]bool{}
	for i, p := range a.Parameters {
		at := fmt.Sprintf("parameter %d (%s)", i+1, p.Key)
		switch {
		case p.Key == "":
			return nil, fmt.Errorf("%s: no key", at)
		case seen[p.Key]:
			return nil, fmt.Errorf("%s: a second parameter with this key", at)
		case !isParamType(p.CEL):
			return nil, fmt.Errorf("%s: cel %q is not a CEL type a parameter can take", at, p.CEL)
		}
		seen[p.Key] = true
		for _, t := range p.Tags {
			if !knownTags[t] {
				return nil, fmt.Errorf("%s: unknown tag %q", at, t)
			}
		}
		for _, f := range p.Unstated {
			switch {
			case !slices.Contains([]string{"name", "type", "required", "tags"}, f):
				return nil, fmt.Errorf("%s: %q cannot be unstated (name, type, required, tags)", at, f)
			case f == "name" && p.Name != "", f == "type" && p.Type != "", f == "required" && p.Required != nil, f == "tags" && len(p.Tags) > 0:
				return nil, fmt.Errorf("%s: states %s, yet says the page does not", at, f)
			}
		}
		for _, f := range p.Inferred {
			if f != "cel" {
				return nil, fmt.Errorf("%s: %q cannot be inferred (cel)", at, f)
			}
		}
	}
	return a, nil
}

// isParamType tells whether t is a CEL type a parameter may name.
func isParamType(t string) bool {
	_, err := ParseParamType(t)
	return err == nil
}

// keyed is the node a later step sees: one variable, the result key,
// holding the result. A result field's CEL starts from it.
func keyed(root *Node, key string) *Node {
	return &Node{Types: []string{"object"}, Properties: []Property{{Name: key, Node: root}}, Required: []string{key}}
}

// keyedFields lists an action's result fields as a later step reads them,
// under its key: the key itself (the whole result), then each field. Their
// pointers are into the result, as its quirks name them.
func keyedFields(root *Node, key string) []*Field {
	fields := flatten(keyed(root, key))
	for _, f := range fields {
		f.Pointer = strings.TrimPrefix(f.Pointer, "/"+escapePointer(key))
	}
	return fields
}

// Keyed is an action's result as a later step of a workflow sees it: a
// context of one variable, the result key, holding the result. It is a
// schema like a payload's (its root's one field is the key), so the engine
// types, validates and completes expressions over it as over a payload.
// key "" is the action's own; a keyed schema is made once per key.
func (s *Schema) Keyed(key string) (*Schema, error) {
	if s.Action == nil {
		return nil, fmt.Errorf("%s is not an action", s.ID)
	}
	if key == "" {
		key = s.Action.Key
	}
	if !IsIdentifier(key) {
		return nil, fmt.Errorf("the result key %q is not a CEL identifier (letters, digits and _, not first a digit)", key)
	}
	set := s.set
	set.keyedMu.Lock()
	defer set.keyedMu.Unlock()
	id := s.ID + "#" + key
	if k, ok := set.keyed[id]; ok {
		return k, nil
	}
	root := keyed(s.Root, key)
	root.Title = s.Root.Title
	root.CELType = s.typePrefix + ".Context"
	for _, q := range s.Root.XQuirks {
		q.Pointer = "/" + escapePointer(key) + q.Pointer
		root.XQuirks = append(root.XQuirks, q)
	}
	if ex, ok := s.Root.Example(); ok {
		root.Examples = []any{map[string]any{key: ex}}
	}
	doc := ordered.New()
	doc.Set("$schema", "https://json-schema.org/draft/2020-12/schema")
	doc.Set("type", "object")
	props := ordered.New()
	ref := ordered.New()
	ref.Set("$ref", s.URL)
	props.Set(key, ref)
	doc.Set("properties", props)
	doc.Set("required", []any{key})
	raw, err := json.Marshal(ordered.Plain(doc))
	if err != nil {
		return nil, err
	}
	k := &Schema{ID: id, Source: s.Source, Action: s.Action, URL: BaseURL + "keyed/" + s.ID + "/" + key + ".json",
		Raw: raw, doc: doc, Root: root, set: set, typePrefix: s.typePrefix, Fields: flatten(root)}
	if set.keyed == nil {
		set.keyed = map[string]*Schema{}
	}
	set.keyed[id] = k
	return k, nil
}
