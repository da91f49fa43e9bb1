package importer

import (
	"strings"

	"fieldbook/schemas/ordered"
)

// structural keywords say what a node is; beside a $ref, which says it
// already, the import adds none of them.
var structural = map[string]bool{"type": true, "format": true, "properties": true, "items": true, "additionalProperties": true, "required": true}

// merger runs the import over an existing schema. A keyword the existing
// node has and does not list in x-inferred is kept as written; one it
// lists is recomputed (and dropped when the import no longer finds it);
// one it lacks is added. Properties keep the existing order, with new
// ones after them, and the existing node's own properties stay. Element
// and value types named in $defs are paired by the place that refers to
// them, so a def the hand renamed keeps its name.
type merger struct {
	oldDefs, newDefs *ordered.Object
	pairs            map[string]string // new def name -> existing def name
	pending          []pending         // paired, not merged yet
}

// pending is an existing def and the new schema of the same place: a new
// def, or an inline object where the hand moved the type into $defs.
type pending struct {
	old string
	new *ordered.Object
}

func merge(old, new *ordered.Object) *ordered.Object {
	m := &merger{pairs: map[string]string{}}
	m.oldDefs, _ = old.Vals["$defs"].(*ordered.Object)
	m.newDefs, _ = new.Vals["$defs"].(*ordered.Object)
	out := m.node(old, new)

	// $defs: the existing ones, merged with their new pair; then the new
	// ones that the result refers to and no existing def took.
	defs := ordered.New()
	if m.oldDefs != nil {
		for _, k := range m.oldDefs.Keys {
			defs.Set(k, m.oldDefs.Vals[k])
		}
	}
	for len(m.pending) > 0 {
		p := m.pending[0]
		m.pending = m.pending[1:]
		if od, _ := defs.Vals[p.old].(*ordered.Object); od != nil && p.new != nil {
			defs.Set(p.old, m.node(od, p.new))
		}
	}
	for changed := true; changed; {
		changed = false
		refs := map[string]bool{}
		refsIn(out, refs)
		refsIn(defs, refs)
		if m.newDefs == nil {
			break
		}
		for _, k := range m.newDefs.Keys {
			if _, taken := m.pairs[k]; taken || !refs[k] {
				continue
			}
			if _, exists := defs.Get(k); !exists {
				defs.Set(k, m.newDefs.Vals[k])
				changed = true
			}
		}
	}
	out.Delete("$defs")
	if len(defs.Keys) > 0 {
		out.SetBefore("$defs", defs, firstOf(out, "examples"))
	}
	return out
}

func (m *merger) node(old, new *ordered.Object) *ordered.Object {
	oldInf, newInf := inferredIn(old), inferredIn(new)
	out := ordered.New()
	inferred := map[string]bool{}
	_, oldRef := old.Get("$ref")
	if or, ok := old.Vals["$ref"].(string); ok {
		if nr, ok := new.Vals["$ref"].(string); ok {
			m.pair(nr, or)
		} else if name, ok := strings.CutPrefix(or, "#/$defs/"); ok {
			// The hand named an object the import writes inline: the
			// new fields go into that def.
			m.pending = append(m.pending, pending{name, new})
		}
	}
	for _, k := range old.Keys {
		ov := old.Vals[k]
		nv, has := new.Get(k)
		switch {
		case k == "x-inferred" || k == "$defs":
		case k == "x-unstated":
		case k == "properties" && has:
			op, _ := ov.(*ordered.Object)
			np, _ := nv.(*ordered.Object)
			if op == nil || np == nil {
				out.Set(k, ov)
				break
			}
			out.Set(k, m.properties(op, np))
		case (k == "items" || k == "additionalProperties") && has && isObj(ov) && isObj(nv):
			// The element or value schema: merged keyword by keyword, so
			// that what the hand wrote inside it stays.
			out.Set(k, m.node(ov.(*ordered.Object), nv.(*ordered.Object)))
			inferred[k] = oldInf[k] && newInf[k]
		case oldInf[k]:
			if has {
				out.Set(k, nv)
				inferred[k] = newInf[k]
			}
		default:
			out.Set(k, ov)
		}
	}
	for _, k := range new.Keys {
		if _, had := old.Get(k); had || k == "x-inferred" || k == "x-unstated" || k == "$defs" || oldRef && structural[k] {
			continue
		}
		if !shapeAgrees(old, new, k, !oldInf["type"]) {
			continue
		}
		if _, ok := out.Get(k); ok {
			continue
		}
		// A new keyword goes where the import writes it: before the
		// examples, which close a node.
		out.SetBefore(k, new.Vals[k], firstOf(out, "x-inferred", "examples"))
		inferred[k] = newInf[k]
	}
	var list []any
	for _, k := range inferableOrder {
		if _, ok := out.Get(k); ok && inferred[k] {
			list = append(list, k)
		}
	}
	if len(list) > 0 {
		out.SetBefore("x-inferred", list, firstOf(out, "examples"))
	}
	// A copy of the page that shows a field's details states its facts;
	// one that does not cannot unsay what another stated. A fact Fieldbook
	// inferred was not stated either.
	unstated := unstatedIn(old)
	if oldInf["x-tags"] {
		unstated["x-tags"] = true
	}
	newUnstated := unstatedIn(new)
	for fact := range unstated {
		unstated[fact] = newUnstated[fact] && !inferred[fact]
	}
	setUnstated(out, unstated)
	return out
}

// shapeOf is the JSON type a keyword describes.
var shapeOf = map[string]string{
	"properties": "object", "additionalProperties": "object", "patternProperties": "object", "required": "object",
	"items": "array", "format": "string",
}

// shapeAgrees tells whether the import may add keyword k to a node the
// schema already has. Where a person wrote its type, not when that type is
// another than the one the example shows (Elation declares a list and
// sends an object: the object's fields do not belong on the list), nor to
// an object they left without properties or value schema, which is a free
// map by their choice. Whoever wrote the type, a record stays a record and
// a map a map: the example's keys do not turn one into the other.
func shapeAgrees(old, new *ordered.Object, k string, typeWritten bool) bool {
	shape, ok := shapeOf[k]
	if !ok {
		return true
	}
	oldTypes, hasType := jsonTypes(old.Vals["type"])
	newTypes, _ := jsonTypes(new.Vals["type"])
	if typeWritten && hasType && (!oldTypes[shape] || !newTypes[shape]) {
		return false
	}
	if shape != "object" {
		return true
	}
	_, record := old.Get("properties")
	_, values := old.Get("additionalProperties")
	_, patterns := old.Get("patternProperties")
	switch {
	case record || values || patterns:
		if k == "properties" || k == "required" {
			return record
		}
		return values || patterns
	case typeWritten && hasType:
		return false // a free map
	}
	return true
}

// jsonTypes reads a "type" keyword as a set, "null" left out; written is
// false where the node has none.
func jsonTypes(v any) (types map[string]bool, written bool) {
	types = map[string]bool{}
	switch v := v.(type) {
	case string:
		types[v] = true
	case []any:
		for _, t := range v {
			if s, ok := t.(string); ok {
				types[s] = true
			}
		}
	default:
		return types, false
	}
	delete(types, "null")
	return types, true
}

func (m *merger) properties(old, new *ordered.Object) *ordered.Object {
	out := ordered.New()
	for _, k := range old.Keys {
		ov, _ := old.Vals[k].(*ordered.Object)
		nv, _ := new.Vals[k].(*ordered.Object)
		if ov != nil && nv != nil {
			out.Set(k, m.node(ov, nv))
		} else {
			out.Set(k, old.Vals[k]) // a field the hand added, or the page no longer has
		}
	}
	for _, k := range new.Keys {
		if _, ok := old.Get(k); !ok {
			out.Set(k, new.Vals[k])
		}
	}
	return out
}

// pair notes that the new def behind newRef is the existing one behind oldRef.
func (m *merger) pair(newRef, oldRef string) {
	nk, ok1 := strings.CutPrefix(newRef, "#/$defs/")
	ok, ok2 := strings.CutPrefix(oldRef, "#/$defs/")
	if !ok1 || !ok2 {
		return
	}
	if _, done := m.pairs[nk]; done {
		return
	}
	m.pairs[nk] = ok
	nd, _ := m.newDefs.Get(nk)
	def, _ := nd.(*ordered.Object)
	m.pending = append(m.pending, pending{ok, def})
}

// refsIn collects the local $defs names a value refers to.
func refsIn(v any, into map[string]bool) {
	switch v := v.(type) {
	case *ordered.Object:
		for _, k := range v.Keys {
			if s, ok := v.Vals[k].(string); ok && k == "$ref" {
				if name, ok := strings.CutPrefix(s, "#/$defs/"); ok {
					into[name] = true
				}
			}
			refsIn(v.Vals[k], into)
		}
	case []any:
		for _, x := range v {
			refsIn(x, into)
		}
	}
}
