package schemas

import (
	"fmt"
	"maps"
	"strings"
)

// Result is an earlier action of a workflow as a later step reads it: its
// result under Key.
type Result struct {
	Key    string
	Action *Schema
}

// ContextID names the context of payload s with results, as Context builds
// it: the same payload and keyed actions give the same id, so the engine
// finds the context's environment before building it.
func ContextID(payloadID string, results []Result) string {
	var b strings.Builder
	b.WriteString(payloadID)
	for _, r := range results {
		b.WriteString("|" + r.Key + "=" + r.Action.ID)
	}
	return b.String()
}

// Context is what a step of a workflow that starts with payload s reads:
// the payload's top-level fields and, under each key, an earlier action's
// result, as Morf nests a result "inside the downstream data context". It
// is a schema like a payload's, so the engine types, completes and runs a
// step's expressions over it as over a payload. A key must be an
// identifier that no payload field and no other key takes. Contexts are
// made per request and not kept: an engine keeps their environments.
func (s *Schema) Context(results []Result) (*Schema, error) {
	if s.Action != nil {
		return nil, fmt.Errorf("%s is an action, not a payload", s.ID)
	}
	if len(results) == 0 {
		return s, nil
	}
	root := *s.Root
	root.Properties = append([]Property(nil), s.Root.Properties...)
	root.Required = append([]string(nil), s.Root.Required...)
	root.XQuirks = append([]Quirk(nil), s.Root.XQuirks...)
	example, _ := s.Root.Example()
	merged := map[string]any{}
	if m, ok := example.(map[string]any); ok {
		maps.Copy(merged, m)
	}
	for _, r := range results {
		if r.Action == nil || r.Action.Action == nil {
			return nil, fmt.Errorf("the result under %q is not an action's", r.Key)
		}
		if !IsIdentifier(r.Key) {
			return nil, fmt.Errorf("the result key %q is not a CEL identifier (letters, digits and _, not first a digit)", r.Key)
		}
		if root.Property(r.Key) != nil {
			return nil, fmt.Errorf("the result key %q is already a field of the context", r.Key)
		}
		root.Properties = append(root.Properties, Property{Name: r.Key, Node: r.Action.Root})
		root.Required = append(root.Required, r.Key)
		for _, q := range r.Action.Root.XQuirks {
			q.Pointer = "/" + escapePointer(r.Key) + q.Pointer
			root.XQuirks = append(root.XQuirks, q)
		}
		if ex, ok := r.Action.Root.Example(); ok {
			merged[r.Key] = ex
		}
	}
	root.Examples = []any{merged}
	return &Schema{ID: ContextID(s.ID, results), Source: s.Source, URL: s.URL, Raw: s.Raw, doc: s.doc, Root: &root,
		Fields: flatten(&root), set: s.set, typePrefix: s.typePrefix}, nil
}
