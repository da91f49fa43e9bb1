package importer

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"fieldbook/schemas"
	"fieldbook/schemas/ordered"
)

// node is one field's schema as the import works it out: what the page
// declares, and what it read off the example where the page says nothing
// (the *Inf flags, which become x-inferred).
type node struct {
	path      []string // property names from the root; an array's elements share its path
	types     []string
	typeInf   bool
	format    string
	formatInf bool
	xType     string
	desc      string
	tags      []string
	enum      []string
	props     []prop
	required  []string
	items     *node
	itemsInf  bool
	values    *node // a map's values
	valuesInf bool
	def       string // $defs name of an array's elements or a map's values
	// unstated are the facts the page does not state for this field
	// (x-unstated): required and tags, where it gives no details for it.
	unstated []string
}

type prop struct {
	name string
	n    *node
}

// one is the node's one JSON type, or "".
func (n *node) one() string {
	if len(n.types) == 1 {
		return n.types[0]
	}
	return ""
}

type builder struct {
	details map[string]*Detail // by dotted path
	order   []string           // detail paths in the page's order
	example any
	defs    []*node
	used    map[string]bool // $defs names given
}

func key(path []string) string { return strings.Join(path, ".") }

// newBuilder places each field detail at the path of the example it
// documents. A detail whose name the example does not reach ("status",
// for members' status) is placed by its description, where the
// descriptions JSON has the same text.
func newBuilder(m Material) *builder {
	b := &builder{details: map[string]*Detail{}, example: m.Example, used: map[string]bool{}}
	for i := range m.Details {
		d := &m.Details[i]
		if d.Path == nil {
			continue
		}
		if !reaches(m.Example, d.Path) && !reaches(m.Descriptions, d.Path) {
			if p := describedAt(m.Descriptions, nil, d.Description); p != nil {
				d.Path = p
			}
		}
		k := key(d.Path)
		if b.details[k] == nil {
			b.details[k] = d
			b.order = append(b.order, k)
		}
	}
	return b
}

// reaches tells whether a value has the path, entering arrays.
func reaches(v any, path []string) bool {
	if len(path) == 0 {
		return true
	}
	switch v := v.(type) {
	case []any:
		for _, x := range v {
			if reaches(x, path) {
				return true
			}
		}
	case *ordered.Object:
		if x, ok := v.Get(path[0]); ok {
			return reaches(x, path[1:])
		}
	}
	return false
}

// describedAt finds the path whose description is desc.
func describedAt(v any, at []string, desc string) []string {
	switch v := v.(type) {
	case string:
		if v == desc {
			return at
		}
	case *ordered.Object:
		for _, k := range v.Keys {
			if p := describedAt(v.Vals[k], append(append([]string{}, at...), k), desc); p != nil {
				return p
			}
		}
	}
	return nil
}

// childDetails are the names of the fields the page details under path,
// in its order.
func (b *builder) childDetails(path []string) []string {
	var out []string
	for _, k := range b.order {
		if p := b.details[k].Path; len(p) == len(path)+1 && slices.Equal(p[:len(path)], path) {
			out = append(out, p[len(path)])
		}
	}
	return out
}

// build works out the schema of the values seen at path (all elements of
// an array are merged), with the descriptions shaped like them and the
// page's detail of the field (nil for an array's elements, whose detail is
// the array's).
func (b *builder) build(path []string, values []any, desc any, declared string, det *Detail, element bool) *node {
	n := &node{path: path}
	if det != nil {
		n.xType, n.tags, n.enum = det.Declared, det.Tags, det.Enum
	}
	n.desc = pickDescription(desc, det)
	var present []any
	for _, v := range values {
		if v != nil {
			present = append(present, v)
		}
	}
	jt, format, elemDecl := mapDeclared(declared, n.enum)
	switch {
	case jt != "":
		n.types, n.format = []string{jt}, format
	case len(present) > 0:
		n.types, n.typeInf = kinds(present), true
	case isObj(desc) || len(b.childDetails(path)) > 0:
		n.types, n.typeInf = []string{"object"}, true // the page documents its fields
	}
	switch n.one() {
	case "string":
		if n.format == "" {
			if f := stringFormat(present, path, n.desc); f != "" {
				n.format, n.formatInf = f, true
			}
		}
	case "object":
		b.object(n, path, present, desc, element)
	case "array":
		var elems []any
		for _, v := range present {
			if a, ok := v.([]any); ok {
				elems = append(elems, a...)
			}
		}
		var elemDesc any
		if isObj(desc) {
			elemDesc = desc // descriptions of an array of objects describe one element
		}
		if len(elems) > 0 || elemDecl != "" || elemDesc != nil {
			n.items = b.build(path, elems, elemDesc, elemDecl, nil, true)
			n.itemsInf = elemDecl == ""
		}
	}
	return n
}

func isObj(v any) bool { _, ok := v.(*ordered.Object); return ok }

// object tells a record from a map and builds it. An object whose keys the
// page documents is a record. Otherwise its keys are data (a map) when one
// is no identifier (labels, digit ids), or when several values have one
// shape; an object the descriptions describe as one field, with values of
// several shapes, is a free map. Array elements are maps only by their keys.
func (b *builder) object(n *node, path []string, values []any, desc any, element bool) {
	var objs []*ordered.Object
	var keys []string
	seen := map[string]bool{}
	for _, v := range values {
		if o, ok := v.(*ordered.Object); ok {
			objs = append(objs, o)
			for _, k := range o.Keys {
				if !seen[k] {
					seen[k] = true
					keys = append(keys, k)
				}
			}
		}
	}
	dobj, _ := desc.(*ordered.Object)
	if dobj == nil && len(path) > 0 && len(b.childDetails(path)) == 0 && len(keys) > 0 {
		var vals []any
		for _, o := range objs {
			for _, k := range o.Keys {
				vals = append(vals, o.Vals[k])
			}
		}
		_, describedAsOne := desc.(string)
		switch {
		case !allIdentifiers(keys) || !element && len(vals) >= 2 && oneShape(vals):
			n.values = b.build(append(append([]string{}, path...), "*"), vals, nil, "", nil, false)
			n.valuesInf = true
			return
		case describedAsOne && !element:
			return // a free map: its values may be anything
		}
	}
	if dobj != nil {
		for _, k := range dobj.Keys {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	for _, k := range b.childDetails(path) {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		childPath := append(append([]string{}, path...), k)
		var vals []any
		for _, o := range objs {
			if v, ok := o.Get(k); ok {
				vals = append(vals, v)
			}
		}
		var childDesc any
		if dobj != nil {
			childDesc = dobj.Vals[k]
		}
		det := b.details[key(childPath)]
		declared := ""
		if det != nil {
			declared = det.Declared
		}
		child := b.build(childPath, vals, childDesc, declared, det, false)
		switch {
		case det == nil:
			child.unstated = []string{"required", "x-tags"}
		case !det.RequiredStated:
			child.unstated = []string{"required"}
		}
		n.props = append(n.props, prop{k, child})
		if det != nil && det.Required {
			n.required = append(n.required, k)
		}
	}
}

func allIdentifiers(keys []string) bool {
	for _, k := range keys {
		if !schemas.IsIdentifier(k) {
			return false
		}
	}
	return true
}

// oneShape tells whether values have the same JSON type and, for objects,
// the same keys of the same shapes.
func oneShape(values []any) bool {
	for _, v := range values[1:] {
		if shape(v) != shape(values[0]) {
			return false
		}
	}
	return true
}

func shape(v any) string {
	switch v := v.(type) {
	case *ordered.Object:
		var b strings.Builder
		b.WriteString("{")
		for _, k := range slices.Sorted(slices.Values(v.Keys)) {
			b.WriteString(k + ":" + shape(v.Vals[k]) + ",")
		}
		return b.String() + "}"
	case []any:
		return "[]"
	}
	return strings.Join(kinds([]any{v}), "")
}

// kinds are the JSON types of values, in the order first seen; integers
// among other numbers are numbers.
func kinds(values []any) []string {
	var out []string
	add := func(t string) {
		for _, x := range out {
			if x == t {
				return
			}
		}
		out = append(out, t)
	}
	for _, v := range values {
		switch v := v.(type) {
		case *ordered.Object:
			add("object")
		case []any:
			add("array")
		case string:
			add("string")
		case bool:
			add("boolean")
		case json.Number:
			if strings.ContainsAny(v.String(), ".eE") {
				add("number")
			} else {
				add("integer")
			}
		case nil:
			add("null")
		}
	}
	hasNumber := false
	for _, t := range out {
		hasNumber = hasNumber || t == "number"
	}
	if hasNumber {
		var kept []string
		for _, t := range out {
			if t != "integer" {
				kept = append(kept, t)
			}
		}
		out = kept
	}
	return out
}

var (
	intType      = regexp.MustCompile(`(?i)^(u?int(8|16|32|64)?|s?fixed(32|64)|sint(32|64)|integer|long)$`)
	numberType   = regexp.MustCompile(`(?i)^(float(32|64)?|double|number)$`)
	repeatedType = regexp.MustCompile(`^(?:repeated (.+)|(.+)\[\]|\[\](.+)|(?i:array|list)<(.+)>)$`)
)

// mapDeclared maps a declared type to its JSON type, a format, and for an
// array the declared type of its elements. An unknown name (a message
// type) maps to nothing: the example tells the type then.
func mapDeclared(declared string, enum []string) (jsonType, format, elem string) {
	d := strings.TrimSpace(declared)
	lower := strings.ToLower(d)
	switch {
	case d == "":
		return "", "", ""
	case lower == "string":
		return "string", "", ""
	case strings.HasSuffix(d, "Timestamp") || lower == "timestamp" || lower == "datetime" || lower == "date-time":
		return "string", "date-time", ""
	case lower == "date":
		return "string", "date", ""
	case intType.MatchString(d):
		return "integer", "", ""
	case numberType.MatchString(d):
		return "number", "", ""
	case lower == "bool" || lower == "boolean":
		return "boolean", "", ""
	case lower == "object" || lower == "map" || lower == "struct" || d == "google.protobuf.Struct":
		return "object", "", ""
	case lower == "array" || lower == "list":
		return "array", "", ""
	case len(enum) > 0:
		return "string", "", "" // an enum: the page lists its values
	}
	if m := repeatedType.FindStringSubmatch(d); m != nil {
		return "array", "", m[1] + m[2] + m[3] + m[4]
	}
	return "", "", ""
}

var (
	rfc3339   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$`)
	zoneless  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?$`)
	dateOnly  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	uuidValue = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	email     = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// formatOf names the format of one string, or "". A date-time without a
// zone is a date-time that breaks RFC 3339: the example's quirk.
func formatOf(s string) string {
	switch {
	case rfc3339.MatchString(s), zoneless.MatchString(s):
		if _, err := time.Parse("2006-01-02T15:04:05", strings.ToUpper(s[:19])); err == nil {
			return "date-time"
		}
	case dateOnly.MatchString(s):
		if _, err := time.Parse("2006-01-02", s); err == nil {
			return "date"
		}
	case uuidValue.MatchString(s):
		return "uuid"
	case email.MatchString(s):
		return "email"
	}
	if u, err := url.Parse(s); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		return "uri"
	}
	return ""
}

// stringFormat is the one format every non-empty string has. Where the
// example only has empty strings, a field named like a time (created_at)
// or described as one is a date-time.
func stringFormat(values []any, path []string, desc string) string {
	format, some := "", false
	for _, v := range values {
		s, _ := v.(string)
		if s == "" {
			continue
		}
		f := formatOf(s)
		if some && f != format {
			return ""
		}
		format, some = f, true
	}
	if !some && len(path) > 0 && (strings.HasSuffix(path[len(path)-1], "_at") || describesTime(desc)) {
		return "date-time"
	}
	return format
}

func describesTime(desc string) bool {
	d := strings.ToLower(desc)
	return strings.HasPrefix(d, "timestamp") || strings.HasPrefix(d, "date and time")
}

// pickDescription prefers the descriptions JSON, whose text is the page's
// own, and falls back on the field details; a placeholder is none.
func pickDescription(desc any, det *Detail) string {
	if s, ok := desc.(string); ok && !placeholder(s) {
		return strings.TrimSpace(s)
	}
	if det != nil && !placeholder(det.Description) {
		return strings.TrimSpace(det.Description)
	}
	return ""
}

func placeholder(s string) bool {
	s = strings.ToLower(strings.Trim(strings.TrimSpace(s), "."))
	return s == "" || s == "description coming soon" || s == "coming soon" || s == "tbd" || s == "n/a"
}

// nameDefs names the records that are array elements or map values, after
// their property in the singular (members: Member), so each has a CEL type.
func (b *builder) nameDefs(n *node, name string) {
	for _, p := range n.props {
		b.nameDefs(p.n, p.name)
	}
	for _, sub := range []*node{n.items, n.values} {
		if sub == nil {
			continue
		}
		if sub.one() == "object" && len(sub.props) > 0 {
			base := singular(schemas.DefName(name))
			if sub == n.values {
				base += "Value"
			}
			sub.def = base
			for i := 2; b.used[sub.def]; i++ {
				sub.def = base + strconv.Itoa(i)
			}
			b.used[sub.def] = true
			b.defs = append(b.defs, sub)
		}
		b.nameDefs(sub, name)
	}
}

func singular(s string) string {
	switch {
	case strings.HasSuffix(s, "ies") && len(s) > 3:
		return s[:len(s)-3] + "y"
	case strings.HasSuffix(s, "ses") || strings.HasSuffix(s, "xes"):
		return s[:len(s)-2]
	case strings.HasSuffix(s, "s") && !strings.HasSuffix(s, "ss") && len(s) > 1:
		return s[:len(s)-1]
	}
	return s + "Item"
}

// firstValueAt is the value at path in the example, in the first element
// of each array on the way: a field's example.
func firstValueAt(v any, path []string) (any, bool) {
	for _, name := range path {
		if arr, ok := v.([]any); ok {
			if len(arr) == 0 {
				return nil, false
			}
			v = arr[0]
		}
		o, ok := v.(*ordered.Object)
		if !ok {
			return nil, false
		}
		if v, ok = o.Get(name); !ok {
			return nil, false
		}
	}
	return v, true
}
