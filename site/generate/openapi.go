package generate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"unicode"

	"fieldbook/schemas"
	"fieldbook/schemas/ordered"
	"fieldbook/wasm/engine"
)

// OpenAPIPath is where the OpenAPI document is served.
const OpenAPIPath = "/openapi.json"

// openAPI writes /openapi.json: an OpenAPI 3.1 document with a webhook per
// event type, whose request body is its payload's schema, so that tools
// such as Postman, Redocly or Scalar can import the whole catalog.
func (b *builder) openAPI() error {
	doc, err := OpenAPI(b.set)
	if err != nil {
		return err
	}
	return b.write(strings.TrimPrefix(OpenAPIPath, "/"), doc)
}

// OpenAPI builds the document. Each schema is a component, written as the
// schema file is (key order kept) but with its $refs pointed into the
// document: "#/$defs/X" becomes "#/components/schemas/<name>/$defs/X" and a
// reference to another schema file becomes that file's component. Its $id
// is dropped, since in OpenAPI 3.1 an $id would make the schema's own
// "#/..." references resolve against the schema file rather than the
// document.
func OpenAPI(set *schemas.Set) ([]byte, error) {
	names := map[string]string{} // source id -> name
	var tags []map[string]any
	for _, src := range set.Catalog.EventSources {
		names[src.ID] = src.Name
		tags = append(tags, map[string]any{
			"name":        src.Name,
			"description": sourceTagText(src),
		})
	}
	for _, src := range set.Catalog.ModelSources {
		names[src.ID] = src.Name
	}

	components := map[string]*ordered.Object{}
	webhooks := map[string]any{}
	for _, s := range set.All() {
		raw, err := pointRefs(set, s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.ID, err)
		}
		components[componentName(s.ID)] = raw
		for _, event := range s.Events() {
			if _, taken := webhooks[event]; taken {
				return nil, fmt.Errorf("%s: the event type %q is also another payload's: OpenAPI names each webhook once", s.ID, event)
			}
			webhooks[event] = map[string]any{"post": webhookOperation(s, event, names[s.Source])}
		}
	}
	doc := map[string]any{
		"openapi":           "3.1.0",
		"jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
		"info": map[string]any{
			"title":   "Fieldbook: healthcare webhook payloads",
			"version": engine.Version,
			"description": "The webhook event payloads Fieldbook documents: one webhook per event type, " +
				"its request body the payload's JSON Schema. Extensions: x-tags on a field (ID, PII, HI), " +
				"x-quirks on a payload (what the source sends against its own declared types), " +
				"x-type (the source's declared type name), x-inferred (facts read off the example).",
		},
		"tags":       tags,
		"paths":      map[string]any{},
		"webhooks":   webhooks,
		"components": map[string]any{"schemas": components},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func sourceTagText(src schemas.Source) string {
	if src.Pending != "" {
		return src.Name + " webhook events. Not documented yet: " + src.Pending
	}
	return src.Name + " webhook events."
}

// webhookOperation describes one event type: who sends it, its payload by
// $ref, and, as extensions, the payload's quirks and the fields it tags as
// identifying or sensitive, which a receiver handling PHI wants to know
// without walking the schema.
func webhookOperation(s *schemas.Schema, event, sourceName string) map[string]any {
	op := map[string]any{
		"operationId": operationID(event),
		"summary":     event,
		"description": fmt.Sprintf("%s sends the %s payload for this event type. Documented at %s.", sourceName, s.Title(), payloadURL(s.ID)),
		"tags":        []string{sourceName},
		"requestBody": map[string]any{
			"required": true,
			"content": map[string]any{
				"application/json": map[string]any{
					"schema": map[string]any{"$ref": "#/components/schemas/" + componentName(s.ID)},
				},
			},
		},
		"responses": map[string]any{
			"2XX": map[string]any{"description": "The receiver accepted the event."},
		},
		"x-fieldbook-schema": schemaFileURL(s.ID),
	}
	if q := s.Quirks(); len(q) > 0 {
		op["x-fieldbook-quirks"] = q
	}
	tagged := map[string][]string{}
	for _, f := range s.Fields {
		for _, t := range f.Node.XTags {
			tagged[t] = append(tagged[t], f.Name())
		}
	}
	if len(tagged) > 0 {
		op["x-fieldbook-tagged-fields"] = tagged
	}
	return op
}

// componentName is a schema id as a component name, which OpenAPI limits
// to letters, digits, '.', '-' and '_': "elation/appointment" is
// "elation.appointment".
func componentName(schemaID string) string { return strings.ReplaceAll(schemaID, "/", ".") }

// operationID is an event type in lower camel case: "Elation Appointment
// Scheduled" is "elationAppointmentScheduled".
func operationID(event string) string {
	var b strings.Builder
	for i, w := range strings.FieldsFunc(event, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if i == 0 {
			b.WriteString(strings.ToLower(w[:1]) + w[1:])
		} else {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

// pointRefs is a schema file for the document: the same keys in the same
// order, without $schema and $id at its root, its $refs pointed into the
// document.
func pointRefs(set *schemas.Set, s *schemas.Schema) (*ordered.Object, error) {
	v, _, err := ordered.Decode(string(s.Raw))
	if err != nil {
		return nil, err
	}
	doc := v.(*ordered.Object) // the loader read it as an object
	doc.Delete("$schema")
	doc.Delete("$id")
	own := "#/components/schemas/" + componentName(s.ID)
	var walk func(v any) error
	walk = func(v any) error {
		switch v := v.(type) {
		case *ordered.Object:
			for _, k := range v.Keys {
				ref, isRef := v.Vals[k].(string)
				if k != "$ref" || !isRef {
					if err := walk(v.Vals[k]); err != nil {
						return err
					}
					continue
				}
				file, frag, _ := strings.Cut(ref, "#")
				target := own
				if file != "" {
					id := path.Join(s.Source, strings.TrimSuffix(file, ".json"))
					if _, ok := set.Get(id); !ok {
						return fmt.Errorf("$ref %q: no such schema", ref)
					}
					target = "#/components/schemas/" + componentName(id)
				}
				v.Vals[k] = target + frag
			}
		case []any:
			for _, x := range v {
				if err := walk(x); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return doc, walk(doc)
}
