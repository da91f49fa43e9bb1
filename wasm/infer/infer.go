// Package infer describes a decoded JSON payload with a JSON Schema: its
// types, nested objects, arrays of objects (whose elements are merged into
// one type), objects whose keys are data (maps) and RFC 3339 strings as
// date-times. The engine types expressions over a payload that has no
// schema of its own by the schema inferred from it.
package infer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"fieldbook/schemas"
	"fieldbook/wasm/celjson"
	"fieldbook/wasm/rfc3339"
)

// ID names inferred schemas; their CEL object types are inferred.Payload,
// inferred.Payload.Address, inferred.MembersItem.
const ID = "inferred/payload"

// Document writes the schema of a decoded payload.
func Document(v any) []byte {
	in := &inferrer{defs: map[string]*shape{}, budget: MaxFields}
	if obj, ok := v.(map[string]any); ok && len(obj) > MaxFields {
		// Only the first fields, in key order, can be typed: the others
		// are not even looked at.
		in.rootFields = len(obj)
		first := make(map[string]any, MaxFields)
		for _, k := range slices.Sorted(maps.Keys(obj))[:MaxFields] {
			first[k] = obj[k]
		}
		v = first
	}
	root := in.shapeOf(v)
	in.classify(root, rootShape)
	in.name(root, "")
	var b bytes.Buffer
	b.WriteString(`{"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Inferred from a payload", `)
	b.WriteString(`"description": "Inferred by Fieldbook from one payload: types, nesting, maps and date-times as that payload shows them."`)
	root.write(&b, in, true, 0)
	if len(in.defs) > 0 {
		b.WriteString(`, "$defs": {`)
		for i, name := range slices.Sorted(maps.Keys(in.defs)) {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSONString(&b, name)
			b.WriteString(": {")
			in.defs[name].write(&b, in, false, 1)
			b.WriteString("}")
		}
		b.WriteString("}")
	}
	b.WriteString("}")
	var out bytes.Buffer
	_ = json.Indent(&out, b.Bytes(), "", "  ")
	return out.Bytes()
}

// jsonTypes is a set of JSON types, a bit each, in jsonTypeNames' order.
type jsonTypes uint8

var jsonTypeNames = []string{"object", "array", "string", "integer", "number", "boolean", "null"}

func typeBit(name string) jsonTypes {
	for i, n := range jsonTypeNames {
		if n == name {
			return 1 << i
		}
	}
	return 0
}

var (
	tObject, tArray, tString    = typeBit("object"), typeBit("array"), typeBit("string")
	tInteger, tNumber, tBoolean = typeBit("integer"), typeBit("number"), typeBit("boolean")
	tNull                       = typeBit("null")
)

// shape is what a value, or the values of an array, look like.
type shape struct {
	types  jsonTypes // JSON types seen
	format string    // "date-time" when every string seen is one
	props  map[string]*shape
	items  *shape
	def    string // for an array's object elements: their $defs name
	// values, for an object whose keys are data (a map), is the shape of
	// all its values merged; props then only told it apart.
	values *shape
	// free marks an object with more fields than inference types: a map
	// of dyn.
	free bool
}

type inferrer struct {
	defs map[string]*shape
	// budget is how many more properties may be typed; past it, an object
	// is a free map and the root lists no more fields (they are dyn).
	budget int
	// rootFields is the payload's count of top-level fields where
	// inferDocument left some out, else 0.
	rootFields int
}

// Inference types at most this many properties, this deep: a payload of
// 50,000 keys would otherwise declare 50,000 variables and object types.
// What lies past the bounds is dyn, read as the payload has it.
const (
	MaxFields        = 1000
	maxInferredDepth = 16
)

func (in *inferrer) shapeOf(v any) *shape {
	s := &shape{}
	in.add(s, v)
	return s
}

// add merges a value into a shape.
func (in *inferrer) add(s *shape, v any) {
	switch v := v.(type) {
	case map[string]any:
		s.types |= tObject
		if s.props == nil {
			s.props = map[string]*shape{}
		}
		for k, x := range v {
			if s.props[k] == nil {
				s.props[k] = &shape{}
			}
			in.add(s.props[k], x)
		}
	case []any:
		s.types |= tArray
		for _, x := range v {
			if s.items == nil {
				s.items = &shape{}
			}
			in.add(s.items, x)
		}
	case string:
		_, ok := rfc3339.Parse(v)
		switch {
		case s.types&tString == 0 && ok:
			s.format = "date-time"
		case !ok:
			s.format = ""
		}
		s.types |= tString
	case json.Number:
		if _, ok := celjson.Int(v); ok {
			s.types |= tInteger
		} else {
			s.types |= tNumber
		}
	case bool:
		s.types |= tBoolean
	case nil:
		s.types |= tNull
	}
}

// write writes a shape's keywords (after an opening brace and, when first
// is false, nothing else; when first, after other members). first also
// marks the root, at depth 0.
func (s *shape) write(b *bytes.Buffer, in *inferrer, first bool, depth int) {
	root := first
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
	if s.format != "" && s.types&tString != 0 {
		sep()
		b.WriteString(`"format": "date-time"`)
	}
	if s.values != nil && s.is("object") {
		sep()
		b.WriteString(`"$comment": "a map: its keys are data, not field names (keys that are no identifiers, or values all of one shape)", "additionalProperties": `)
		if s.values.def != "" {
			b.WriteString(`{"$ref": "#/$defs/` + s.values.def + `"}`)
		} else {
			b.WriteString("{")
			s.values.write(b, in, false, depth+1)
			b.WriteString("}")
		}
	} else if s.props != nil && s.is("object") {
		s.writeProperties(b, in, sep, root, depth)
	}
	if s.items != nil && s.is("array") && depth < maxInferredDepth {
		sep()
		if s.items.def != "" {
			b.WriteString(`"items": {"$ref": "#/$defs/` + s.items.def + `"}`)
		} else {
			b.WriteString(`"items": {`)
			s.items.write(b, in, false, depth+1)
			b.WriteString("}")
		}
	}
}

// writeProperties writes an object's fields within the inference bounds.
// A nested object past them has none: a free map, its values dyn. The
// root lists the fields the budget reaches, in key order, and says that
// the payload has others (additionalProperties), which the engine reads
// as dyn where an expression names them.
func (s *shape) writeProperties(b *bytes.Buffer, in *inferrer, sep func(), root bool, depth int) {
	keys := slices.Sorted(maps.Keys(s.props))
	if !root && (depth >= maxInferredDepth || len(keys) > in.budget) {
		return
	}
	sep()
	b.WriteString(`"properties": {`)
	written := 0
	for _, k := range keys {
		if in.budget == 0 {
			break
		}
		in.budget--
		if written > 0 {
			b.WriteString(", ")
		}
		writeJSONString(b, k)
		b.WriteString(": {")
		s.props[k].write(b, in, false, depth+1)
		b.WriteString("}")
		written++
	}
	b.WriteString("}")
	if total := max(len(keys), in.rootFields); root && written < total {
		fmt.Fprintf(b, `, "$comment": "Fieldbook typed %d of this payload's %d top-level fields, and at most %d fields in all: the others are read as dyn", "additionalProperties": true`, written, total, MaxFields)
	}
}

// is tells whether t is the shape's one JSON type other than null: only
// then do its properties, values or items describe it.
func (s *shape) is(t string) bool {
	return s.types&^tNull == typeBit(t)
}

// typeList names the shape's JSON types; an integer seen with other
// numbers is a number.
func (s *shape) typeList() []string {
	var out []string
	for i, t := range jsonTypeNames {
		if s.types&(1<<i) != 0 && !(t == "integer" && s.types&tNumber != 0) {
			out = append(out, t)
		}
	}
	return out
}

// Where a shape stands, for classify.
const (
	rootShape    = iota // the payload: its keys are the variables
	elementShape        // an array's elements: rows, whose keys repeat
	valueShape          // any other value
)

// classify finds the objects whose keys are data: keys that are no CEL
// identifiers, or two or more values all of one shape (answer labels, ids,
// integration names); it merges a map's values into one shape. The root is
// never a map, and array elements are one only by their keys. It goes top
// down and leaves out what inference will not type: the root's fields past
// the budget were left out already (inferDocument), and it drops the
// fields of a record that has more than the budget (a free map), so that a
// payload of many keys costs no more than its first ones.
func (in *inferrer) classify(s *shape, where int) {
	if s.items != nil {
		in.classify(s.items, elementShape)
	}
	if s.props == nil || !s.is("object") {
		return
	}
	if where == rootShape {
		// The root is never a map: its keys are the variables.
	} else if in.isMap(s, where) {
		merged := &shape{}
		for _, v := range s.props {
			merge(merged, v)
		}
		s.values = merged
		in.classify(merged, valueShape)
		return
	} else if len(s.props) > MaxFields {
		s.props, s.free = nil, true
		return
	}
	for _, v := range s.props {
		in.classify(v, valueShape)
	}
}

// isMap tells an object whose keys are data.
func (in *inferrer) isMap(s *shape, where int) bool {
	for k := range s.props {
		if !schemas.IsIdentifier(k) {
			return true
		}
	}
	return where != elementShape && len(s.props) >= 2 && oneShape(s.props)
}

// oneShape tells whether values have the same JSON types and, for
// objects, the same keys of the same shapes.
func oneShape(values map[string]*shape) bool {
	sig := ""
	for _, v := range values {
		if s := v.signature(); sig == "" {
			sig = s
		} else if s != sig {
			return false
		}
	}
	return true
}

func (s *shape) signature() string {
	var b strings.Builder
	b.WriteString(strings.Join(s.typeList(), "|"))
	if s.values != nil {
		b.WriteString("{*:" + s.values.signature() + "}")
	} else if s.props != nil {
		b.WriteString("{")
		for _, k := range slices.Sorted(maps.Keys(s.props)) {
			b.WriteString(strconv.Quote(k) + ":" + s.props[k].signature() + ",")
		}
		b.WriteString("}")
	}
	if s.items != nil {
		b.WriteString("[" + s.items.signature() + "]")
	}
	return b.String()
}

// merge adds the values src describes to dst.
func merge(dst, src *shape) {
	if src.types&tString != 0 {
		switch {
		case dst.types&tString == 0:
			dst.format = src.format
		case dst.format != src.format:
			dst.format = ""
		}
	}
	dst.types |= src.types
	dst.free = dst.free || src.free
	if src.values != nil { // a map's keys say nothing of other maps'
		if dst.values == nil {
			dst.values = &shape{}
		}
		merge(dst.values, src.values)
	}
	for k, p := range src.props {
		if dst.props == nil {
			dst.props = map[string]*shape{}
		}
		if dst.props[k] == nil {
			dst.props[k] = &shape{}
		}
		merge(dst.props[k], p)
	}
	if src.items != nil {
		if dst.items == nil {
			dst.items = &shape{}
		}
		merge(dst.items, src.items)
	}
}

// name gives every array element and map value that is an object a $defs
// name, after the property (MembersItem, AnswersValue), so each has a CEL
// type.
func (in *inferrer) name(s *shape, prop string) {
	if s.values != nil {
		in.nameDef(s.values, prop, "Value")
		in.name(s.values, prop)
	} else {
		for _, k := range slices.Sorted(maps.Keys(s.props)) {
			in.name(s.props[k], k)
		}
	}
	if s.items == nil {
		return
	}
	in.nameDef(s.items, prop, "Item")
	in.name(s.items, prop)
}

func (in *inferrer) nameDef(s *shape, prop, suffix string) {
	if s.props == nil || s.values != nil || !s.is("object") || s.def != "" {
		return
	}
	base := schemas.DefName(prop) + suffix
	name := base
	for i := 2; in.defs[name] != nil; i++ {
		name = base + strconv.Itoa(i)
	}
	s.def = name
	in.defs[name] = s
}

func writeJSONString(b *bytes.Buffer, s string) {
	q, _ := json.Marshal(s)
	b.Write(q)
}

// Schema loads the inferred schema of a payload, for typing expressions
// over it when it has no schema of its own.
func Schema(v any) (*schemas.Schema, error) {
	return schemas.Standalone(ID, Document(v))
}
