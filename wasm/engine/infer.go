package engine

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"fieldbook/schemas"
)

// InferRequest asks for a JSON Schema that describes a payload.
type InferRequest struct {
	Payload string `json:"payload"`
}

// InferResponse carries the inferred schema as a JSON Schema 2020-12
// document.
type InferResponse struct {
	OK          bool            `json:"ok"`
	Schema      json.RawMessage `json:"schema,omitempty"`
	Diagnostics []Diagnostic    `json:"diagnostics"`
}

// inferredID names inferred schemas; their CEL object types are
// inferred.Payload, inferred.Payload.Address, inferred.MembersItem.
const inferredID = "inferred/payload"

// Infer describes a payload with a JSON Schema: its types, nested objects,
// arrays of objects (whose elements are merged into one type) and RFC 3339
// strings as date-times.
func (e *Engine) Infer(req InferRequest) InferResponse {
	p := e.readPayload(nil, req.Payload)
	if p.err != nil {
		return InferResponse{OK: false, Diagnostics: []Diagnostic{*p.err}}
	}
	return InferResponse{OK: true, Schema: inferDocument(p.value), Diagnostics: []Diagnostic{}}
}

// inferDocument writes the schema of a decoded payload.
func inferDocument(v any) []byte {
	in := &inferrer{defs: map[string]*shape{}}
	root := in.shapeOf(v)
	in.name(root, "")
	var b bytes.Buffer
	b.WriteString(`{"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Inferred from a payload", `)
	b.WriteString(`"description": "Inferred by Fieldbook from one payload: types, nesting and date-times as that payload shows them."`)
	root.write(&b, in, true)
	if len(in.defs) > 0 {
		b.WriteString(`, "$defs": {`)
		for i, name := range slices.Sorted(maps.Keys(in.defs)) {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSONString(&b, name)
			b.WriteString(": {")
			in.defs[name].write(&b, in, false)
			b.WriteString("}")
		}
		b.WriteString("}")
	}
	b.WriteString("}")
	var out bytes.Buffer
	_ = json.Indent(&out, b.Bytes(), "", "  ")
	return out.Bytes()
}

// shape is what a value, or the values of an array, look like.
type shape struct {
	types  map[string]bool // JSON types seen
	format string          // "date-time" when every string seen is one
	props  map[string]*shape
	items  *shape
	def    string // for an array's object elements: their $defs name
}

type inferrer struct {
	defs map[string]*shape
}

func (in *inferrer) shapeOf(v any) *shape {
	s := &shape{types: map[string]bool{}}
	in.add(s, v)
	return s
}

// add merges a value into a shape.
func (in *inferrer) add(s *shape, v any) {
	switch v := v.(type) {
	case map[string]any:
		s.types["object"] = true
		if s.props == nil {
			s.props = map[string]*shape{}
		}
		for k, x := range v {
			if s.props[k] == nil {
				s.props[k] = &shape{types: map[string]bool{}}
			}
			in.add(s.props[k], x)
		}
	case []any:
		s.types["array"] = true
		for _, x := range v {
			if s.items == nil {
				s.items = &shape{types: map[string]bool{}}
			}
			in.add(s.items, x)
		}
	case string:
		_, ok := parseTimestamp(v)
		switch {
		case !s.types["string"] && ok:
			s.format = "date-time"
		case !ok:
			s.format = ""
		}
		s.types["string"] = true
	case json.Number:
		if _, ok := jsonInt(v); ok {
			s.types["integer"] = true
		} else {
			s.types["number"] = true
		}
	case bool:
		s.types["boolean"] = true
	case nil:
		s.types["null"] = true
	}
}

// write writes a shape's keywords (after an opening brace and, when first
// is false, nothing else; when first, after other members).
func (s *shape) write(b *bytes.Buffer, in *inferrer, first bool) {
	sep := func() {
		if first {
			b.WriteString(", ")
		}
		first = true
	}
	types := s.typeList()
	if len(types) == 1 {
		sep()
		b.WriteString(`"type": `)
		writeJSONString(b, types[0])
	} else if len(types) > 1 {
		sep()
		b.WriteString(`"type": [`)
		for i, t := range types {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSONString(b, t)
		}
		b.WriteString("]")
	}
	if s.format != "" && s.types["string"] {
		sep()
		b.WriteString(`"format": "date-time"`)
	}
	if s.props != nil {
		sep()
		b.WriteString(`"properties": {`)
		for i, k := range slices.Sorted(maps.Keys(s.props)) {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSONString(b, k)
			b.WriteString(": {")
			s.props[k].write(b, in, false)
			b.WriteString("}")
		}
		b.WriteString("}")
	}
	if s.items != nil {
		sep()
		if s.items.def != "" {
			b.WriteString(`"items": {"$ref": "#/$defs/` + s.items.def + `"}`)
		} else {
			b.WriteString(`"items": {`)
			s.items.write(b, in, false)
			b.WriteString("}")
		}
	}
}

// typeList names the shape's JSON types; an integer seen with other
// numbers is a number.
func (s *shape) typeList() []string {
	var out []string
	for _, t := range []string{"object", "array", "string", "integer", "number", "boolean", "null"} {
		if s.types[t] && !(t == "integer" && s.types["number"]) {
			out = append(out, t)
		}
	}
	return out
}

// name gives every array element that is an object a $defs name, named
// after the array's property (MembersItem), so each has a CEL type.
func (in *inferrer) name(s *shape, prop string) {
	for _, k := range slices.Sorted(maps.Keys(s.props)) {
		in.name(s.props[k], k)
	}
	if s.items == nil {
		return
	}
	if s.items.props != nil && s.items.def == "" {
		base := inferredTypeName(prop) + "Item"
		name := base
		for i := 2; in.defs[name] != nil; i++ {
			name = base + strconv.Itoa(i)
		}
		s.items.def = name
		in.defs[name] = s.items
	}
	in.name(s.items, prop)
}

// inferredTypeName makes a CEL-safe type name from a property name.
func inferredTypeName(prop string) string {
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

func writeJSONString(b *bytes.Buffer, s string) {
	q, _ := json.Marshal(s)
	b.Write(q)
}

// inferredSchema loads the inferred schema of a payload, for typing
// expressions over it when it has no schema of its own.
func inferredSchema(v any) (*schemas.Schema, error) {
	return schemas.Standalone(inferredID, inferDocument(v))
}
