package templates

import (
	"context"
	"strings"
	"testing"
)

// TestCatalogSaysWhyASourceIsPending: a source without payloads says why
// when the catalog gives a reason, and the generic line otherwise; the
// OpenAPI document is offered for download.
func TestCatalogSaysWhyASourceIsPending(t *testing.T) {
	page := Catalog{
		Meta:    Meta{Title: "Catalog", Path: "/"},
		OpenAPI: "/openapi.json",
		EventSources: []SourceCard{
			{ID: "acme", Name: "Acme", URL: "/events/acme/", Pending: "its payload page publishes no fields & no example."},
			{ID: "other", Name: "Other", URL: "/events/other/"},
		},
	}
	var b strings.Builder
	if err := CatalogPage(page).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{
		`Not documented yet: its payload page publishes no fields &amp; no example.`,
		`No payloads documented yet.`,
		`href="/openapi.json" download="fieldbook-openapi.json"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the catalog lacks %q", want)
		}
	}
	if strings.Count(html, "No payloads documented yet.") != 1 {
		t.Error("the pending source also shows the generic line")
	}
}
