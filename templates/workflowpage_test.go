package templates

import (
	"context"
	"strings"
	"testing"
)

// TestWorkflowsPageCarriesItsDataAsJSON: the actions and the opening
// workflow are JSON in a script element the CSP lets be (it is not run),
// with markup in them escaped; the triggers carry their events; what
// Fieldbook assumes is said; the nav marks Workflows current.
func TestWorkflowsPageCarriesItsDataAsJSON(t *testing.T) {
	page := WorkflowPage{
		Meta:     Meta{Title: "Workflows", Path: "/workflows/", Assets: Assets{Workflow: "/assets/workflow.abc.js"}},
		Triggers: []SchemaOption{{ID: "healthie/appointment", Label: "Healthie Appointment", Events: []string{"Healthie Appointment Scheduled", "Healthie Appointment Cancelled"}}},
		Trigger:  "healthie/appointment",
		Events:   []string{"Healthie Appointment Scheduled", "Healthie Appointment Cancelled"},
		Payload:  `{"appointment_id": "1"}`,
		Dialects: []DialectOption{{Name: "morf", Title: "Morf workflows"}, {Name: "cel", Title: "CEL"}},
		Data: WorkflowData{
			Actions: []WorkflowAction{{ID: "acme/v1/send", Title: "Send </script><b>", Destination: "Acme", Key: "sent", Parameters: []WorkflowParam{{Key: "to", CEL: "string", Required: "required"}}}},
			Opening: map[string]any{"v": 1},
		},
	}
	var b strings.Builder
	if err := WorkflowsPage(page).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{
		`<script id="wf-data" type="application/json">`,
		`"title":"Send \u003c/script\u003e\u003cb\u003e"`,
		`"opening":{"v":1}`,
		`data-events="Healthie Appointment Scheduled
Healthie Appointment Cancelled" selected>Healthie Appointment</option>`,
		`<option value="morf" selected>`,
		`<script src="/assets/workflow.abc.js" defer></script>`,
		`<a href="/workflows/" aria-current>Workflows</a>`,
		`HEALTHIE_APPOINTMENT_SCHEDULED`,
		`A time already past does not wait`,
		`a result is the example its action's page documents, unless you give one`,
		`not a field of the payload, nor <code>morf_event_type</code>, nor another step's key`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if strings.Contains(html, "<b>") {
		t.Error("an action's title became markup")
	}
}

// TestPagesLinkIntoAWorkflow: an action's page adds its action to a
// workflow; a payload's playground says whether its payload may start one
// (its script shows "Open in a workflow" then).
func TestPagesLinkIntoAWorkflow(t *testing.T) {
	var b strings.Builder
	if err := ActionPage(Action{Meta: Meta{Path: "/actions/acme/v1/send/"}, ID: "acme/v1/send", Title: "Send", WorkflowURL: "/workflows/#add=acme%2Fv1%2Fsend"}).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `<a href="/workflows/#add=acme%2Fv1%2Fsend" data-fb="add-to-workflow">Add to a workflow</a>`) {
		t.Error("an action's page has no link that adds it to a workflow")
	}
	for trigger, want := range map[bool]string{true: `data-trigger="true"`, false: `data-trigger="false"`} {
		b.Reset()
		if err := PlaygroundSection(Playground{Schema: "acme/event", Trigger: trigger}).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		if html := b.String(); !strings.Contains(html, want) || !strings.Contains(html, `<a href="/workflows/" data-fb="open-workflow" hidden>Open in a workflow</a>`) {
			t.Errorf("a playground whose payload is a trigger (%v) lacks %s or its hidden link", trigger, want)
		}
	}
}
