package generate

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fieldbook/schemas"
)

type validation struct {
	OK             bool
	Error          string
	OpenAPI        string
	Webhooks       int
	ResolvedBodies int
	Components     int
}

// validateOpenAPI runs swagger-parser from npm (node_modules at the
// repository's root, installed by npm ci) on a document.
func validateOpenAPI(t *testing.T, doc []byte) validation {
	t.Helper()
	file := filepath.Join(t.TempDir(), "openapi.json")
	if err := os.WriteFile(file, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("node", "testdata/validate-openapi.mjs", file).Output()
	if err != nil {
		t.Fatalf("node: %v (run npm ci at the repository's root)", err)
	}
	var v validation
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("validator output %q: %v", out, err)
	}
	return v
}

// openAPIDocument builds the document of the embedded schemas.
func openAPIDocument(t *testing.T) (*schemas.Set, []byte) {
	t.Helper()
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := OpenAPI(set)
	if err != nil {
		t.Fatal(err)
	}
	return set, doc
}

// TestOpenAPIDocumentValidates: a real OpenAPI 3.1 validator accepts the
// document, finds a webhook for every event type of every payload, and
// resolves each one's request body to its payload's object schema.
func TestOpenAPIDocumentValidates(t *testing.T) {
	set, doc := openAPIDocument(t)
	events := 0
	for _, s := range set.All() {
		events += len(s.Events())
	}
	v := validateOpenAPI(t, doc)
	if !v.OK {
		t.Fatalf("the validator refuses the document: %s", v.Error)
	}
	if v.OpenAPI != "3.1.0" || v.Webhooks != events || v.ResolvedBodies != events || v.Components != len(set.All()) {
		t.Errorf("validated %+v; want %d webhooks, all resolved, and %d components", v, events, len(set.All()))
	}

	// The document says what a reader of the payload pages is told: the
	// source as a tag, the quirks, the PII fields.
	var parsed struct {
		Tags     []struct{ Name string }
		Webhooks map[string]struct {
			Post struct {
				Tags   []string
				Quirks []schemas.Quirk     `json:"x-fieldbook-quirks"`
				Tagged map[string][]string `json:"x-fieldbook-tagged-fields"`
			}
		}
	}
	if err := json.Unmarshal(doc, &parsed); err != nil {
		t.Fatal(err)
	}
	if len(parsed.Tags) != len(set.Catalog.EventSources) {
		t.Errorf("%d tags for %d event sources", len(parsed.Tags), len(set.Catalog.EventSources))
	}
	hook, ok := parsed.Webhooks["Elation Appointment Scheduled"]
	if !ok {
		t.Fatal("no webhook for Elation Appointment Scheduled")
	}
	appt, _ := set.Get("elation/appointment")
	if len(hook.Post.Tags) != 1 || hook.Post.Tags[0] != "Elation" || len(hook.Post.Quirks) != len(appt.Quirks()) {
		t.Errorf("Elation Appointment Scheduled: tags %v, %d quirks", hook.Post.Tags, len(hook.Post.Quirks))
	}
	if !contains(hook.Post.Tagged["PII"], "service_location.address_line1") || !contains(hook.Post.Tagged["ID"], "patient_id") {
		t.Errorf("tagged fields %v", hook.Post.Tagged)
	}
}

// TestOpenAPIValidatorRefusesABrokenDocument keeps the check above honest:
// the same validator refuses a document whose payload reference leads
// nowhere, and one that breaks OpenAPI's own schema.
func TestOpenAPIValidatorRefusesABrokenDocument(t *testing.T) {
	_, doc := openAPIDocument(t)
	var parsed map[string]any
	if err := json.Unmarshal(doc, &parsed); err != nil {
		t.Fatal(err)
	}
	delete(parsed["info"].(map[string]any), "version")
	noVersion, _ := json.Marshal(parsed)
	for name, broken := range map[string]string{
		"dangling $ref":   strings.Replace(string(doc), `"$ref": "#/components/schemas/elation.appointment"`, `"$ref": "#/components/schemas/elation.nope"`, 1),
		"no info version": string(noVersion),
	} {
		if broken == string(doc) {
			t.Fatalf("%s: the replacement did not apply", name)
		}
		if v := validateOpenAPI(t, []byte(broken)); v.OK {
			t.Errorf("%s: the validator accepted it: %+v", name, v)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
