package templates

import "strconv"

// WorkflowExamples is /workflows/examples/: the worked examples.
type WorkflowExamples struct {
	Meta     Meta
	Examples []WorkflowExampleCard
}

// WorkflowExampleCard names a worked example.
type WorkflowExampleCard struct {
	Title       string
	Description string
	URL         string
	Outcome     string
	Steps       int
}

// WorkflowExample is a worked example's page: a workflow the site ran
// when it was built, each step with what it gave.
type WorkflowExample struct {
	Meta        Meta
	Card        WorkflowExampleCard
	SourceURL   string // the Morf page it was built from
	FileURL     string // its workflow test file, for `site test`
	OpenURL     string // the workflow page with this workflow, from a share link's state
	Payload     PayloadLink
	OwnPayload  bool // the file gives its payload; else the payload's documented example
	Event       string
	Now         string
	Trigger     ExampleStep
	Steps       []ExampleStep
	Diagnostics []string // the run's own
}

// ExampleStep is one step of a worked example, and what it gave.
type ExampleStep struct {
	Label       string // "Trigger", "Step 1"
	Kind        string
	Status      string
	Expression  string // a filter's, a wait's, the trigger's condition
	Action      string // an action's title
	ActionURL   string
	Key         string
	Params      []ExampleParam
	Type        string
	Display     string
	Now         string // the clock after the step
	Diagnostics []string
}

// ExampleParam is one parameter an action was given.
type ExampleParam struct {
	Key        string
	Expression string
	Type       string
	Display    string
}

func stepCount(n int) string {
	if n == 1 {
		return "1 step"
	}
	return strconv.Itoa(n) + " steps"
}
