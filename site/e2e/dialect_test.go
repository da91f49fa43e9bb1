package e2e

import (
	"github.com/chromedp/chromedp"

	"encoding/json"
	"html"
	"io"
	"net/http"
	"strings"
	"testing"

	"fieldbook/schemas"
	"fieldbook/wasm/engine"
)

// fetch reads a page of the built site as served.
func fetch(t *testing.T, path string) string {
	t.Helper()
	resp, err := http.Get(siteURL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %v", path, resp.StatusCode, err)
	}
	return string(body)
}

// TestDialectPagesListEveryFunction: the built site has /dialects/ and a
// page per dialect, in the sitemap; each page has every entry of the
// engine's reference once, by its anchor, and Morf's functions are on the
// morf page only, with their signatures, the note on where those come
// from, and the engine's example values.
func TestDialectPagesListEveryFunction(t *testing.T) {
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(set, engine.DefaultLimits)
	index := fetch(t, "/dialects/")
	sitemap := fetch(t, "/sitemap.xml")
	pages := map[string]string{}
	for _, d := range engine.Dialects {
		url := "/dialects/" + d.Name + "/"
		pages[d.Name] = fetch(t, url)
		page := pages[d.Name]
		for _, want := range []string{`href="` + url + `"`, html.EscapeString(d.Title), html.EscapeString(d.Summary)} {
			if !strings.Contains(index, want) {
				t.Errorf("/dialects/ lacks %s", want)
			}
		}
		if !strings.Contains(sitemap, url+"</loc>") {
			t.Errorf("the sitemap lacks %s", url)
		}
		if !strings.Contains(page, `<meta name="description" content="`+html.EscapeString(d.Summary)+`">`) {
			t.Errorf("%s: the meta description is not the dialect's summary", url)
		}
		if !strings.Contains(page, `<a href="/dialects/" aria-current>Dialects</a>`) {
			t.Errorf("%s: the nav does not mark Dialects as current", url)
		}
		ref, err := eng.Reference(d.Name)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range ref.Sections {
			for _, e := range s.Entries {
				if n := strings.Count(page, `id="`+e.Anchor+`"`); n != 1 {
					t.Errorf("%s: %s is on the page %d times", url, e.Anchor, n)
				}
			}
		}
	}
	if !strings.Contains(sitemap, "/dialects/</loc>") {
		t.Error("the sitemap lacks /dialects/")
	}
	// Code on the pages may break after a dot, a comma or a parenthesis:
	// the text between the <wbr>s is what these look for.
	morf, cel := strings.ReplaceAll(pages[engine.DialectMorf], "<wbr>", ""), strings.ReplaceAll(pages[engine.DialectCEL], "<wbr>", "")
	for _, want := range []string{
		`id="fn-customFormatInTimezone"`,
		html.EscapeString("google.protobuf.Timestamp.customFormatInTimezone(string, string) -> string"),
		html.EscapeString(`timestamp("2024-06-11T16:00:00Z").customFormatInTimezone("2006-01-02 3:04 PM", "America/Phoenix")`),
		html.EscapeString(`"2024-06-11 9:00 AM"`), // the engine's value
		"states no signature; Fieldbook reads it from Morf&#39;s examples",
		`id="fn-orValue"`, `id="op-in"`, `id="macro-math.least"`,
	} {
		if !strings.Contains(morf, want) {
			t.Errorf("/dialects/morf/ lacks %s", want)
		}
	}
	for _, absent := range []string{`id="fn-customFormatInTimezone"`, `id="fn-morf.now"`, "states no signature"} {
		if strings.Contains(cel, absent) {
			t.Errorf("/dialects/cel/ has Morf's %s", absent)
		}
	}
	if !strings.Contains(cel, `id="fn-charAt"`) || !strings.Contains(cel, html.EscapeString("a ? b : c")) {
		t.Error("/dialects/cel/ lacks charAt or the conditional operator")
	}
}

// TestCatalogOffersTheOpenAPIDocument: the catalog links the document, and
// the site serves it as JSON that names OpenAPI 3.1 and a webhook per event
// type (the validator's own test is in site/generate).
func TestCatalogOffersTheOpenAPIDocument(t *testing.T) {
	if !strings.Contains(fetch(t, "/"), `href="/openapi.json"`) {
		t.Error("the catalog does not link /openapi.json")
	}
	resp, err := http.Get(siteURL + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		OpenAPI  string `json:"openapi"`
		Webhooks map[string]any
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("/openapi.json: %s, %v", resp.Header.Get("Content-Type"), err)
	}
	if doc.OpenAPI != "3.1.0" || doc.Webhooks["Elation Appointment Scheduled"] == nil {
		t.Errorf("/openapi.json: openapi %q, %d webhooks", doc.OpenAPI, len(doc.Webhooks))
	}
}

// TestPagesSayWhatWasInferredAndWhatIsPartial: on every payload page, a
// field whose type the import read off the example says so beside it and
// no other field does; a payload documented from a page cut short says
// what the page leaves out, and links the page it came from.
func TestPagesSayWhatWasInferredAndWhatIsPartial(t *testing.T) {
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	const badge = "type inferred from the example"
	inferred, partial := 0, 0 // what the check saw, so that it cannot pass on nothing
	for _, s := range set.All() {
		page := fetch(t, "/events/"+s.ID+"/")
		for _, f := range s.Fields {
			start := strings.Index(page, `data-field="`+html.EscapeString(f.Name())+`"`)
			if start < 0 {
				t.Errorf("%s: no article for %s", s.ID, f.Name())
				continue
			}
			article := page[start:]
			if end := strings.Index(article, "</article>"); end >= 0 {
				article = article[:end]
			}
			if f.Node.Inferred("type") {
				inferred++
			}
			if got := strings.Contains(article, badge); got != f.Node.Inferred("type") {
				t.Errorf("%s: %s shows %q: %v, its x-inferred is %v", s.ID, f.Name(), badge, got, f.Node.XInferred)
			}
		}
		p := s.Root.XSourcePage
		if p == nil {
			continue
		}
		if !strings.Contains(page, `href="`+html.EscapeString(p.URL)+`"`) {
			t.Errorf("%s: the page does not link its source page %s", s.ID, p.URL)
		}
		if p.Partial != "" {
			partial++
		}
		if shown := strings.Contains(page, `data-fb="partial"`); shown != (p.Partial != "") || (shown && !strings.Contains(page, html.EscapeString(p.Partial))) {
			t.Errorf("%s: partial note shown %v, the schema's partial is %q", s.ID, shown, p.Partial)
		}
	}
	if inferred == 0 || partial == 0 {
		t.Errorf("checked %d inferred fields and %d partial pages: the schemas should have both", inferred, partial)
	}
}

// TestCatalogFilterHidesEmptySections: a filter never leaves a section
// heading shown over no entry, and hides at least one for a word only event
// sources have.
func TestCatalogFilterHidesEmptySections(t *testing.T) {
	b := newBrowser(t)
	b.do(t, chromedp.Navigate(siteURL+"/"))
	waitFor(t, b, "the filter box", `!document.querySelector('[data-fb="filter"]').hidden`)
	emptyShown := `[...document.querySelectorAll('main section')].filter((s) => !s.hidden && s.querySelector('[data-filter]') && ![...s.querySelectorAll('[data-filter]')].some((i) => !i.hidden)).length`
	hidden := `[...document.querySelectorAll('main section')].filter((s) => s.hidden).length`
	for _, word := range []string{"formsort", "elation appointment", "zzzz"} {
		setValue(t, b, `#filter`, word)
		if n := jsEval[int](t, b, emptyShown); n != 0 {
			t.Errorf("%q: %d sections shown with no entry", word, n)
		}
	}
	setValue(t, b, `#filter`, "zzzz")
	if n := jsEval[int](t, b, hidden); n == 0 {
		t.Error("no section hidden for a word nothing has")
	}
	setValue(t, b, `#filter`, "")
	if n := jsEval[int](t, b, hidden); n != 0 {
		t.Errorf("%d sections hidden with no filter", n)
	}
}
