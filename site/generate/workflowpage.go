package generate

import (
	"fmt"
	"net/url"
	"strings"

	"fieldbook/templates"
	"fieldbook/wasm/engine"
)

// The workflow page, /workflows/: its triggers (the event sources'
// payloads), the actions a step may take, as JSON its script reads, and
// the workflow a first visit opens with.

func workflowsURL() string { return "/workflows/" }

// addToWorkflowURL adds an action to a workflow, as the workflow page reads
// it (workflowlink.mjs, addActionURL): #add=<id>.
func addToWorkflowURL(id string) string {
	return workflowsURL() + "#" + url.Values{"add": {id}}.Encode()
}

// openingTrigger is the payload the page opens with.
const openingTrigger = "healthie/appointment"

// newAction is the action a step added on the page starts with: one of
// few parameters, which the opening workflow also takes.
const newAction = "open-phone/v1/send-text-message"

// openingWorkflow is the workflow a first visit opens with: an appointment
// reminder of Morf's use cases, a filter, a wait, a text and a filter on
// the text's result, at a clock before the example's appointment.
func openingWorkflow() engine.RunRequest {
	return engine.RunRequest{
		Now: "2024-07-10T09:00:00Z",
		Workflow: engine.Workflow{
			Trigger: engine.Trigger{Schema: openingTrigger, Event: "Healthie Appointment Scheduled"},
			Steps: []engine.Step{
				{Kind: engine.KindFilter, Expression: `morf_event_type.contains("SCHEDULED")`},
				{Kind: engine.KindWait, Expression: `appointment_datetime - duration("24h")`},
				{Kind: engine.KindAction, Action: newAction, Key: "message", Params: map[string]string{
					"from":    `"+15555550100"`,
					"to":      `appointment_phone_number`,
					"content": `"See you tomorrow, " + appointment_first_name`,
				}},
				{Kind: engine.KindFilter, Expression: `message.id != ""`},
			},
		},
	}
}

// workflowPage renders /workflows/. The opening workflow runs here first:
// a page that opened on a broken workflow would fail the build, not the
// reader.
func (b *builder) workflowPage(names map[string]string, examples []templates.WorkflowExampleCard) error {
	view, err := b.workflowView(names)
	if err != nil {
		return err
	}
	view.Examples = examples
	return b.render(workflowsURL(), templates.WorkflowsPage(view))
}

func (b *builder) workflowView(names map[string]string) (templates.WorkflowPage, error) {
	opening := openingWorkflow()
	first, ok := b.set.Get(opening.Workflow.Trigger.Schema)
	if !ok {
		return templates.WorkflowPage{}, fmt.Errorf("/workflows/: no payload %s to open with", opening.Workflow.Trigger.Schema)
	}
	opening.Payload = exampleJSON(first)
	if r := b.eng.Run(opening); !r.OK || r.Outcome != engine.OutcomeCompleted {
		return templates.WorkflowPage{}, fmt.Errorf("/workflows/: the opening workflow does not complete: %s", runProblem(r))
	}
	p := templates.WorkflowPage{
		Meta:      b.meta("Workflows", "Build a Morf workflow of filters, waits and actions and run it step by step on a payload, in your browser.", workflowsURL()),
		Trigger:   first.ID,
		Events:    first.Events(),
		Payload:   exampleJSON(first),
		Dialects:  dialectOptions(),
		WorkerURL: b.site.Assets.Worker,
		EditorURL: b.site.Assets.Editor,
		Data: templates.WorkflowData{
			NewAction: newAction,
			Opening:   map[string]any{"v": 1, "workflow": opening.Workflow, "now": opening.Now},
		},
	}
	// A workflow starts with an event: the payloads of the event sources,
	// not the models.
	for _, src := range b.set.Catalog.EventSources {
		for _, id := range src.Payloads {
			s, _ := b.set.Get(id)
			p.Triggers = append(p.Triggers, templates.SchemaOption{ID: s.ID, Label: names[s.Source] + " " + s.Title() + " (" + s.ID + ")", Dialect: b.eng.DefaultDialect(s.ID), Events: s.Events()})
		}
	}
	for _, d := range b.set.Catalog.ActionDestinations {
		for _, id := range d.Actions {
			a, _ := b.set.Action(id)
			act := a.Action
			wa := templates.WorkflowAction{ID: a.ID, Title: act.Title, Destination: d.Name, URL: actionURL(a.ID), Key: act.Key, Partial: act.ParametersPartial, Parameters: []templates.WorkflowParam{}}
			for _, prm := range act.Parameters {
				wa.Parameters = append(wa.Parameters, templates.WorkflowParam{
					Key: prm.Key, Name: prm.Name, Type: prm.Type, CEL: prm.CEL, Required: requiredWord(prm.Required),
					Enum: prm.Enum, Default: prm.Default, Description: prm.Description,
				})
			}
			p.Data.Actions = append(p.Data.Actions, wa)
		}
	}
	return p, nil
}

// requiredWord says whether a parameter is required, as its table does.
func requiredWord(required *bool) string {
	switch {
	case required == nil:
		return "not stated"
	case *required:
		return "required"
	}
	return "optional"
}

// runProblem writes what a run found wrong, for a build error.
func runProblem(r engine.RunResponse) string {
	var out []string
	for _, d := range r.Diagnostics {
		out = append(out, d.Message)
	}
	for i, s := range r.Steps {
		for _, d := range s.Diagnostics {
			if d.Severity == engine.SeverityError {
				out = append(out, fmt.Sprintf("step %d: %s", i+1, d.Message))
			}
		}
	}
	if len(out) == 0 {
		return "outcome " + r.Outcome
	}
	return strings.Join(out, "; ")
}
