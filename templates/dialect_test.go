package templates

import (
	"context"
	"strings"
	"testing"
)

// TestDialectPageShowsValuesAndErrors: an entry has its anchor and its
// signatures; an example shows its value and type, or the error it shows
// on purpose; text is escaped; the nav marks Dialects as current.
func TestDialectPageShowsValuesAndErrors(t *testing.T) {
	page := Dialect{
		Meta:    Meta{Title: "Morf workflows", Path: "/dialects/morf/"},
		Dialect: DialectCard{Name: "morf", Title: "Morf workflows", Functions: 2},
		Now:     "2024-06-11T09:00:00Z",
		Sections: []ReferenceSection{{ID: "morf", Title: "Morf's functions", Entries: []ReferenceEntry{
			{Anchor: "fn-isAfter", Written: "isAfter", Signatures: []string{"google.protobuf.Timestamp.isAfter(google.protobuf.Timestamp) -> bool"},
				Description: "Whether the timestamp is later.", Note: "A note.", Example: `now() < timestamp("2025-01-01T00:00:00Z")`, Value: "true", Type: "bool"},
			{Anchor: "fn-json.encode", Written: "json.encode", Signatures: []string{"json.encode(dyn) -> string"},
				Description: "JSON text.", Example: `json.encode(1)`, Error: "went past the cost limit", OwnDocs: "By Fieldbook."},
		}}},
	}
	var b strings.Builder
	if err := DialectPage(page).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	// Code may break after a dot, a comma or a parenthesis, and nowhere
	// else: the text is the code's, with <wbr> between its parts.
	if !strings.Contains(html, `<code>json.<wbr>encode</code>`) {
		t.Error("a function's name has no break opportunity after its dot")
	}
	html = strings.ReplaceAll(html, "<wbr>", "")
	for _, want := range []string{
		`<article class="field ref-entry" id="fn-isAfter">`,
		`href="#fn-isAfter"`,
		`<li><a href="#fn-json.encode"><code>json.encode</code></a></li>`, // the contents
		`google.protobuf.Timestamp.isAfter(google.protobuf.Timestamp) -&gt; bool`,
		`now() &lt; timestamp(&#34;2025-01-01T00:00:00Z&#34;)`,
		`<code>true</code> <span class="muted">(bool)</span>`,
		`<p class="note">A note.</p>`,
		`<span class="ref-error">error: went past the cost limit</span>`,
		`<p class="muted ref-own">By Fieldbook.</p>`,
		`<a href="/dialects/" aria-current>Dialects</a>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
}
