package generate

import (
	"testing"

	"fieldbook/schemas"
	"fieldbook/templates"
	"fieldbook/wasm/engine"
)

// TestDialectViewsCountEveryEntry: each dialect page's counts add up to
// its entries, and the morf page has Morf's nine functions on top of
// the cel page's.
func TestDialectViewsCountEveryEntry(t *testing.T) {
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(set, engine.DefaultLimits)
	views := map[string]templates.Dialect{}
	for _, d := range engine.Dialects {
		ref, err := eng.Reference(d.Name)
		if err != nil {
			t.Fatal(err)
		}
		v := dialectView(ref, templates.Meta{Path: dialectURL(d.Name)})
		entries := 0
		for _, s := range v.Sections {
			entries += len(s.Entries)
			for _, e := range s.Entries {
				if e.Example == "" || (e.Value == "") == (e.Error == "") {
					t.Errorf("%s: %s shows no value or error, or both: %+v", d.Name, e.Written, e)
				}
			}
		}
		c := v.Dialect
		if c.Functions+c.Macros+c.Operators != entries || c.URL != "/dialects/"+d.Name+"/" || c.Summary != d.Summary {
			t.Errorf("%s: %+v for %d entries", d.Name, c, entries)
		}
		views[d.Name] = v
	}
	morf, cel := views[engine.DialectMorf].Dialect, views[engine.DialectCEL].Dialect
	if morf.Functions != cel.Functions+9 || morf.Macros != cel.Macros || morf.Operators != cel.Operators {
		t.Errorf("morf %+v, cel %+v", morf, cel)
	}
}
