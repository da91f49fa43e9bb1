package generate

import (
	"fieldbook/templates"
	"fieldbook/wasm/dialect/morf"
	"fieldbook/wasm/engine"
	"strings"
)

const dialectsURL = "/dialects/"

func dialectURL(name string) string { return dialectsURL + name + "/" }

// dialectPages renders /dialects/ and a page per dialect from the engine's
// reference of each: the same declarations completion and hover read, and
// example values the engine computes now, so no page can go stale.
func (b *builder) dialectPages() error {
	index := templates.DialectIndex{Meta: b.meta("CEL dialects",
		"The CEL dialects Fieldbook serves, Morf's workflows and cel-go, with every function, macro and operator of each.", dialectsURL)}
	for _, d := range engine.Dialects {
		ref, err := b.eng.Reference(d.Name)
		if err != nil {
			return err
		}
		page := dialectView(ref, b.meta(d.Title+" · CEL dialect", d.Summary, dialectURL(d.Name)))
		index.Dialects = append(index.Dialects, page.Dialect)
		b.records = append(b.records, dialectRecords(ref, page)...)
		if err := b.render(page.Meta.Path, templates.DialectPage(page)); err != nil {
			return err
		}
	}
	return b.render(dialectsURL, templates.DialectIndexPage(index))
}

// dialectView turns a dialect's reference into its page.
func dialectView(ref engine.DialectReference, meta templates.Meta) templates.Dialect {
	d := ref.Dialect
	page := templates.Dialect{
		Meta:    meta,
		Dialect: templates.DialectCard{Name: d.Name, Title: d.Title, Summary: d.Summary, URL: meta.Path},
		Now:     ref.Now,
	}
	if d.Name == engine.DialectMorf {
		page.Context = []templates.ContextVariable{{Name: morf.EventTypeVariable, Type: "string", Note: morf.EventTypeNote}}
	}
	for _, s := range ref.Sections {
		section := templates.ReferenceSection{ID: s.ID, Title: s.Title, Intro: s.Intro}
		for _, e := range s.Entries {
			section.Entries = append(section.Entries, referenceEntry(e))
			switch e.Kind {
			case engine.KindMacro:
				page.Dialect.Macros++
			case engine.KindOperator:
				page.Dialect.Operators++
			default:
				page.Dialect.Functions++
			}
		}
		page.Sections = append(page.Sections, section)
	}
	return page
}

func referenceEntry(e engine.ReferenceEntry) templates.ReferenceEntry {
	return templates.ReferenceEntry{
		Anchor: e.Anchor, Written: e.Written, Signatures: e.Signatures,
		Description: e.Description, Note: e.Note,
		Example: e.Example, Value: e.ExampleValue, Type: e.ExampleType, Error: e.ExampleError,
		OwnDocs: ownDocs(e), InMorf: e.InMorf, Unconfirmed: e.InMorf == morf.Unconfirmed,
	}
}

// ownDocs says what Fieldbook wrote where the declaration is silent, so
// a reader can tell cel-go's words from Fieldbook's.
func ownDocs(e engine.ReferenceEntry) string {
	switch {
	case e.OwnDescription && e.OwnExample:
		return "Description and example by Fieldbook: the declaration has none."
	case e.OwnDescription:
		return "Description by Fieldbook: the declaration has none."
	case e.OwnExample:
		return "Example by Fieldbook."
	}
	return ""
}

// dialectRecords are a dialect page's search records: the page, found by
// its title and summary, and each function, macro and operator at its
// anchor, found by name, signatures and description.
func dialectRecords(ref engine.DialectReference, page templates.Dialect) []SearchRecord {
	d := page.Dialect
	out := []SearchRecord{{
		URL: page.Meta.Path, Title: d.Title, Kind: "dialect", Payload: "CEL dialect", Source: "CEL dialects",
		Type: d.Stats(), Text: []string{d.Name, d.Summary},
	}}
	for _, s := range ref.Sections {
		for _, e := range s.Entries {
			r := SearchRecord{
				URL: page.Meta.Path + "#" + e.Anchor, Title: e.Written, Words: strings.ReplaceAll(e.Written, ".", " "),
				Facts: e.Signatures, Text: []string{e.Description, s.Title, d.Title},
				Kind: e.Kind, Payload: d.Title + " · " + s.Title, Source: "CEL dialects",
			}
			if len(e.Signatures) > 0 {
				r.Type = e.Signatures[0]
			}
			if e.Note != "" {
				r.Text = append(r.Text, e.Note)
			}
			if e.InMorf != "" {
				r.Text = append(r.Text, e.InMorf)
			}
			out = append(out, r)
		}
	}
	return out
}
