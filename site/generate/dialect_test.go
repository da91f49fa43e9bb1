package generate

import (
	"strings"
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
	// Where each entry stands in Morf, on the morf page alone; the
	// variable Morf adds, with what is assumed of it.
	status := map[string]string{}
	for _, s := range views[engine.DialectMorf].Sections {
		for _, e := range s.Entries {
			status[e.Written] = e.InMorf
			if e.Unconfirmed != (e.InMorf == "cel-go, not confirmed in Morf") {
				t.Errorf("%s: %+v", e.Written, e)
			}
		}
	}
	for written, want := range map[string]string{"isAfter": "shown in Morf's docs", "morf.now": "shown in Morf's docs", "startsWith": "CEL's standard library", "size": "shown in Morf's docs",
		"exists": "CEL's standard library", "base64.encode": "cel-go, not confirmed in Morf", "now": "cel-go, not confirmed in Morf", "a + b": ""} {
		if status[written] != want {
			t.Errorf("morf page: %s is %q, want %q", written, status[written], want)
		}
	}
	for _, s := range views[engine.DialectCEL].Sections {
		for _, e := range s.Entries {
			if e.InMorf != "" {
				t.Errorf("cel page: %s says %q", e.Written, e.InMorf)
			}
		}
	}
	if c := views[engine.DialectMorf].Context; len(c) != 1 || c[0].Name != "morf_event_type" || !strings.Contains(c[0].Note, "HEALTHIE_APPOINTMENT_SCHEDULED") || views[engine.DialectCEL].Context != nil {
		t.Errorf("the context: %+v", c)
	}
	morf, cel := views[engine.DialectMorf].Dialect, views[engine.DialectCEL].Dialect
	if morf.Functions != cel.Functions+9 || morf.Macros != cel.Macros || morf.Operators != cel.Operators {
		t.Errorf("morf %+v, cel %+v", morf, cel)
	}
}
