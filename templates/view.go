// Package templates holds Fieldbook's templ components: the layout, the
// catalog, source and payload pages, the playground and the 404 page. They
// render the view types below, which the site generator fills from the
// schemas and the engine; the components themselves decide nothing.
package templates

import "strings"

// Assets are the content-hashed URLs a page loads.
type Assets struct {
	CSS        string
	CatalogJS  string
	Search     string // the search box's script, on every page; it loads Pagefind only when used
	Playground string // the playground's page script
	Workflow   string // the workflow page's script
	Editor     string // the CodeMirror editors it puts over its textareas
	Worker     string // the Web Worker that runs the engine
}

// Meta is what every page's head needs.
type Meta struct {
	Title       string
	Description string
	Path        string // the page's own path, for the canonical link and the nav
	Assets      Assets
	// Playground says the page has a playground, which a skip link beside
	// "Skip to content" reaches from the top.
	Playground bool
}

// Catalog is the front page.
type Catalog struct {
	Meta         Meta
	EventSources []SourceCard
	Destinations []Destination
	ModelSources []SourceCard
	Documented   int    // payloads with a page
	OpenAPI      string // the URL of the OpenAPI document
}

// SourceCard is a source in the catalog, and the head of its own page.
type SourceCard struct {
	ID       string
	Name     string
	Title    string // for model sources: what the models are about
	URL      string
	Models   bool   // documents shared models rather than webhook events
	Pending  string // why the source's payloads are not documented yet
	Payloads []PayloadLink
}

// PayloadLink names a payload page.
type PayloadLink struct {
	Title   string
	URL     string
	Summary string
	Events  int
	Fields  int
}

// Source is a source's page.
type Source struct {
	Meta   Meta
	Source SourceCard
}

// Payload is a payload's page.
type Payload struct {
	Meta          Meta
	ID            string
	Title         string
	Summary       string
	Source        SourceCard
	SchemaURL     string
	Events        []string
	Example       string // pretty JSON
	ExampleOrigin string // "fieldbook" when Fieldbook wrote the example
	SourcePage    string // the vendor page the payload was documented from, or ""
	SourcePartial string // what that page leaves out, when it was cut short
	// SourceOwner names whose page SourcePage is: "Morf" for Morf's docs,
	// which document every integration's payloads, not the vendor.
	SourceOwner string
	// QuirksInferred says the quirks were read off the example by the
	// import, not confirmed against the source.
	QuirksInferred bool
	// TagsFrom says where the fields' tags come from: TagsFromSource,
	// TagsProposed, TagsMixed, or "" where no field has one.
	TagsFrom     string
	Descriptions string // the field descriptions as a nested JSON object
	Quirks       []Quirk
	Fields       []Field
	Examples     []Example
	Playground   Playground
}

// Example is an expression of the example library, with its value on the
// example payload as the build computed it.
type Example struct {
	Kind       string
	Title      string
	Expression string
	Value      string // as CEL writes it
	Type       string
	Now        string // the clock now() read, when the expression reads it
}

// Quirk is a known contradiction of the source, shown as a warning.
type Quirk struct {
	Field  string // the field's anchor
	Name   string // the field's display name
	Note   string
	Breaks string // the keywords it breaks: "type", "format"
}

// Field is one field's entry in the field details.
type Field struct {
	Anchor       string
	Name         string // members[].id
	Depth        int    // nesting, for indentation
	DeclaredType string // the source's own type name, or ""
	JSONType     string // "string (date-time)", "integer", "array of Message"
	CELType      string
	Required     bool
	// RequiredUnstated and TagsUnstated say the source does not state
	// whether the field is required, or its tags: its page was cut short.
	RequiredUnstated bool
	TagsUnstated     bool
	ReadOnly         bool
	Deprecated       bool
	Tags             []string
	TagsInferred     bool // proposed by Fieldbook from the field's name, not the source's
	Description      string
	Constraints      []string
	Enum             []string
	Example          string // JSON, or "" when the example does not reach the field
	CEL              string
	Quirk            string // the note of a quirk at this field, if any
	// Inferred says which facts the import read off the example rather
	// than the source: "type inferred from the example".
	Inferred []string
	// UnderKey says the field's CEL starts from an action's result key,
	// which the reader may rename on the page.
	UnderKey bool
}

// Playground is the playground's initial state.
type Playground struct {
	Schema      string // schema id, "" for none
	Dialect     string // the schema's dialect, which the reader may switch
	Dialects    []DialectOption
	Schemas     []SchemaOption
	Picker      bool // show the schema picker (the /playground/ page)
	OnIntent    bool // start the engine when the reader shows intent, not at once (payload pages)
	Payload     string
	Expressions []string
	WorkerURL   string
	EditorURL   string // the CodeMirror bundle, loaded once the first result is shown
	// Events are the schema's event types, for the event picker: in the
	// morf dialect, morf_event_type holds the one picked.
	Events []string
	// Key is the result key an action's result sits under, which the
	// reader may rename; "" on a payload's playground.
	Key string
	// Trigger says the payload may start a workflow (an event source's,
	// not a model): the playground opens its expression in one.
	Trigger bool
}

// SchemaOption is an entry of the schema picker.
type SchemaOption struct {
	ID      string
	Label   string
	Dialect string // the schema's own dialect, chosen with it
	Events  []string
	Trigger bool // an event source's payload, which may start a workflow
}

// DialectOption is an entry of the dialect picker.
type DialectOption struct {
	Name  string
	Title string
}

// lines writes a list one entry a line, for a data- attribute a script
// splits.
func lines(list []string) string { return strings.Join(list, "\n") }

// atClock says at what clock an example ran, after its value: ", with
// now() at T", or nothing for an example that does not read now().
func atClock(now string) string {
	if now == "" {
		return ""
	}
	return ", with now() at " + now
}

// Where a payload's tags come from.
const (
	TagsFromSource = "source"
	TagsProposed   = "proposed"
	TagsMixed      = "mixed" // the source's where it gives them, proposed elsewhere
)

// proposedTagTitle says what a proposed tag is.
const proposedTagTitle = "Proposed by Fieldbook from the field's name and value: the source gives this field no tags"

// unstatedTitle says why a fact reads "not stated".
const unstatedTitle = "The source's page, as stored, ends before this field's details: it may say otherwise"

// sourceWords names a payload's source page in a sentence: "Morf's page
// for Appointment", or the source's name where no page is recorded.
func sourceWords(p Payload) string {
	if p.SourcePage == "" {
		return p.Source.Name
	}
	return pageName(p.SourceOwner, p.Title)
}

// pageName names the page a payload or an action was documented from:
// "Morf's page for Appointment".
func pageName(owner, title string) string { return owner + "'s page for " + title }
