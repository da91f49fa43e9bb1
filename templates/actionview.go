package templates

// Destination is an action destination's card: its actions, or why it has
// none.
type Destination struct {
	ID      string
	Name    string
	URL     string // its page, "" where it has no action documented
	Pending string // why no action of it is documented
	Outside bool   // Morf documents its actions, though its catalog list does not name it
	Actions []ActionLink
}

// ActionLink names an action page.
type ActionLink struct {
	Title      string
	Version    string
	URL        string
	Summary    string
	Parameters int
	Fields     int // result fields
}

// ActionsIndex is /actions/.
type ActionsIndex struct {
	Meta         Meta
	Destinations []Destination
	Documented   int // actions with a page
}

// DestinationPage is /actions/<destination>/.
type DestinationPage struct {
	Meta        Meta
	Destination Destination
}

// Action is an action's page.
type Action struct {
	Meta          Meta
	ID            string
	Title         string
	Summary       string
	Destination   Destination
	Version       string
	Response      string // the result type's name, where the page gives one
	Key           string // the default result key
	SourcePage    string
	SourceOwner   string
	SourcePartial string
	SchemaURL     string
	Parameters    []Parameter
	// ParametersPartial says what the stored copies leave out of the
	// parameter list.
	ParametersPartial string
	Result            string // the result example under its key, pretty JSON; "" where the page shows none
	Fields            []Field
	Playground        Playground
	// WorkflowURL adds the action to a workflow on /workflows/: to the one
	// the reader's browser kept, or a fresh one.
	WorkflowURL string
}

// Parameter is one row of an action's parameter table.
type Parameter struct {
	Key          string
	MapsTo       string
	Name         string // "" where not stated
	Type         string // Morf's type, "" where not stated
	CEL          string
	CELInferred  bool
	Required     string // "required", "optional" or "not stated"
	Tags         []string
	TagsUnstated bool
	Enum         []string
	Default      string
	Description  string
}

// ParamAnchor is the HTML id of a parameter's row: "param-" and its key.
func ParamAnchor(key string) string { return "param-" + key }
