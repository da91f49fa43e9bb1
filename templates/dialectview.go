package templates

import (
	"strconv"
	"strings"
)

// DialectIndex is /dialects/: the dialects, each with its page.
type DialectIndex struct {
	Meta     Meta
	Dialects []DialectCard
}

// DialectCard names a dialect and its page.
type DialectCard struct {
	Name      string // "morf"
	Title     string
	Summary   string
	URL       string
	Functions int
	Macros    int
	Operators int
}

// Dialect is a dialect's page: every function, macro and operator of its
// environment, in sections.
type Dialect struct {
	Meta     Meta
	Dialect  DialectCard
	Now      string // the clock the examples read
	Sections []ReferenceSection
	// Context are the variables an expression reads beside the payload's
	// fields (morf_event_type in the morf dialect), each with its note.
	Context []ContextVariable
}

// ContextVariable is a variable of the dialect's context.
type ContextVariable struct {
	Name, Type, Note string
}

// ReferenceSection is a group of a dialect page's entries.
type ReferenceSection struct {
	ID      string // the section's id on the page
	Title   string
	Intro   string
	Entries []ReferenceEntry
}

// ReferenceEntry is a function, macro or operator, with its example's
// value as the build computed it.
type ReferenceEntry struct {
	Anchor      string
	Written     string // "isAfter", "a + b", "math.least"
	Signatures  []string
	Description string
	Note        string
	Example     string
	Value       string // as CEL writes it; "" when the example shows an error
	Type        string
	Error       string // the error the example shows on purpose
	OwnDocs     string // says what Fieldbook wrote itself, or ""
	InMorf      string // where it stands in Morf, on the morf dialect's page, or ""
	// Unconfirmed sets apart what may not exist in Morf.
	Unconfirmed bool
}

// inDialects tells the dialect pages, for the nav.
func inDialects(path string) bool { return strings.HasPrefix(path, "/dialects/") }

// dialectStats counts what a dialect page lists.
// Stats counts the dialect's entries in words: "124 functions · 12
// macros · 30 operators".
func (d DialectCard) Stats() string { return dialectStats(d) }

func dialectStats(d DialectCard) string {
	return plural(d.Functions, "function") + " · " + plural(d.Macros, "macro") + " · " + plural(d.Operators, "operator")
}

func entryCount(s ReferenceSection) string { return "(" + strconv.Itoa(len(s.Entries)) + ")" }
