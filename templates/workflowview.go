package templates

// WorkflowPage is /workflows/: a workflow (a trigger, then filters, waits
// and actions) built and run step by step in the reader's browser. The
// steps are the page script's to build; the page gives it, as JSON, the
// actions it may choose among and the workflow it opens with.
type WorkflowPage struct {
	Meta     Meta
	Triggers []SchemaOption // the payloads a workflow may start from, each with its events
	Trigger  string         // the payload the page opens with
	Events   []string       // its events
	Payload  string         // its documented example, pretty JSON
	Dialects []DialectOption
	// WorkerURL and EditorURL are the engine's worker and the CodeMirror
	// bundle, as the playground's.
	WorkerURL string
	EditorURL string
	Data      WorkflowData
	// Examples are the worked examples, each on a page of its own.
	Examples []WorkflowExampleCard
}

// WorkflowData is what the page's script reads from the page (JSON in a
// script element of type application/json): nothing is fetched for it.
type WorkflowData struct {
	Actions []WorkflowAction `json:"actions"`
	// NewAction is the action a step added by "Add an action" starts with.
	NewAction string `json:"newAction"`
	// Opening is the workflow a first visit opens with, in the form of a
	// share link's state: {v, workflow, now}.
	Opening any `json:"opening"`
}

// WorkflowAction is an action an action step may take, with what its
// step shows of its parameters.
type WorkflowAction struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Destination string `json:"destination"` // the destination's name
	URL         string `json:"url"`         // the action's page
	Key         string `json:"key"`         // the default result key
	// Partial says what the stored copies leave out of the parameter
	// list, where they cut it: a parameter not shown is run untyped.
	Partial    string          `json:"partial,omitempty"`
	Parameters []WorkflowParam `json:"parameters"`
}

// WorkflowParam is one parameter of an action, as its step shows it.
type WorkflowParam struct {
	Key         string   `json:"key"`
	Name        string   `json:"name,omitempty"`
	Type        string   `json:"type,omitempty"` // Morf's type, as written
	CEL         string   `json:"cel"`            // the CEL type its expression must have
	Required    string   `json:"required"`       // "required", "optional" or "not stated"
	Enum        []string `json:"enum,omitempty"`
	Default     string   `json:"default,omitempty"`
	Description string   `json:"description,omitempty"`
}
