package templates

import (
	"context"
	"strings"
	"testing"
)

// TestPayloadPageSaysWhatWasInferred: a field whose type and format the
// import read off the example says so beside it, the page links the
// vendor's page and says it was partial, and inferred quirks say so; a
// page without any of that shows none of it.
func TestPayloadPageSaysWhatWasInferred(t *testing.T) {
	page := Payload{
		Meta:           Meta{Title: "Order · Acme", Path: "/events/acme/order/"},
		ID:             "acme/order",
		Title:          "Order",
		Source:         SourceCard{ID: "acme", Name: "Acme", URL: "/events/acme/"},
		SourcePage:     "https://docs.example/acme/order",
		SourceOwner:    "Morf",
		SourcePartial:  "the fields of refunds, after the page's first screen",
		QuirksInferred: true,
		Quirks:         []Quirk{{Field: "paid_at", Name: "paid_at", Note: "Inferred from the example, which sends an empty string."}},
		Fields: []Field{
			{Anchor: "paid_at", Name: "paid_at", JSONType: "string (date-time)", CELType: "google.protobuf.Timestamp",
				Inferred: []string{"type inferred from the example", "format inferred from the example"}},
			{Anchor: "id", Name: "id", JSONType: "string", CELType: "string", DeclaredType: "string"},
			{Anchor: "note", Name: "note", JSONType: "string", CELType: "string", RequiredUnstated: true, TagsUnstated: true},
		},
	}
	html := render(t, page)
	for _, want := range []string{
		`<span class="badge inferred-fact" data-fb="inferred-fact" title="Read off the example by the import`,
		`>type inferred from the example</span>`,
		`>format inferred from the example</span>`,
		`<a href="https://docs.example/acme/order" data-fb="source-page" rel="external noopener">Morf's page for Order</a>`,
		`<p class="warning" data-fb="partial"><strong>Partial source:</strong> Morf&#39;s page for Order is cut short`,
		`reads "not stated": the fields of refunds, after the page&#39;s first screen</p>`,
		`data-fb="quirks-inferred"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	// Only paid_at is inferred: id's entry has no such badge.
	entry := func(anchor string) string {
		e := html[strings.Index(html, `id="`+anchor+`"`):]
		return e[:strings.Index(e, "</article>")]
	}
	if strings.Contains(entry("id"), "inferred") {
		t.Error("id, read from the source, says it was inferred")
	}
	// What the source never showed reads "not stated", never "optional".
	note := entry("note")
	if !strings.Contains(note, ">required or optional: not stated</span>") || !strings.Contains(note, ">tags: not stated</span>") || strings.Contains(note, ">optional<") {
		t.Errorf("a field whose details the source does not show reads %s", note)
	}
	if id := entry("id"); !strings.Contains(id, ">optional<") || strings.Contains(id, "not stated") {
		t.Errorf("a field the source states optional reads %s", id)
	}

	page.SourcePage, page.SourcePartial, page.QuirksInferred, page.Fields[0].Inferred = "", "", false, nil
	html = render(t, page)
	for _, absent := range []string{`data-fb="inferred-fact"`, `data-fb="source-page"`, `data-fb="partial"`, `data-fb="quirks-inferred"`} {
		if strings.Contains(html, absent) {
			t.Errorf("a page with nothing inferred shows %s", absent)
		}
	}
}

func render(t *testing.T, p Payload) string {
	t.Helper()
	var b strings.Builder
	if err := PayloadPage(p).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// An example card reads "(bool), with now() at T", without a space before
// the comma, and its Try carries the clock; a card that does not read now()
// says nothing of a clock.
func TestExampleCardsSayTheirClock(t *testing.T) {
	page := Payload{
		Meta: Meta{Title: "Order · Acme", Path: "/events/acme/order/"}, ID: "acme/order", Title: "Order",
		Source: SourceCard{ID: "acme", Name: "Acme", URL: "/events/acme/"},
		Examples: []Example{
			{Kind: "filter", Title: "Soon", Expression: "due.isAfter(morf.now())", Value: "true", Type: "bool", Now: "2024-07-01T00:00:00Z"},
			{Kind: "mapping", Title: "Its id", Expression: "id", Value: `"7"`, Type: "string"},
		},
	}
	html := render(t, page)
	for _, want := range []string{
		`<code>true</code> (bool), with now() at 2024-07-01T00:00:00Z</p>`,
		`data-try="due.isAfter(morf.now())" data-now="2024-07-01T00:00:00Z"`,
		`<code>&#34;7&#34;</code> (string)</p>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
}

// A payload page says where its tags come from, and marks a proposed tag.
func TestPayloadPageSaysWhereItsTagsComeFrom(t *testing.T) {
	page := Payload{
		Meta: Meta{Title: "Order · Acme", Path: "/events/acme/order/"}, ID: "acme/order", Title: "Order",
		Source:   SourceCard{ID: "acme", Name: "Acme", URL: "/events/acme/"},
		TagsFrom: TagsProposed,
		Fields:   []Field{{Anchor: "email", Name: "email", JSONType: "string", CELType: "string", Tags: []string{"PII"}, TagsInferred: true}},
	}
	html := render(t, page)
	for _, want := range []string{`Tags proposed by Fieldbook from the fields' names`, `data-fb="proposed-tag">PII?</span>`, `inferred-fact`} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	page.TagsFrom, page.Fields[0].TagsInferred = TagsFromSource, false
	html = render(t, page)
	if !strings.Contains(html, `Tags (ID, PII, HI) as Acme gives them`) || strings.Contains(html, `data-fb="proposed-tag"`) {
		t.Error("a page of the source's tags says otherwise")
	}
	page.TagsFrom, page.Fields[0].Tags = "", nil
	if html = render(t, page); !strings.Contains(html, `No field is tagged: Acme tags none`) {
		t.Error("a page without tags does not say so")
	}
}
