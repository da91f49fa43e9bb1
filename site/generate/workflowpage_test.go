package generate

import (
	"encoding/json"
	"slices"
	"testing"

	"fieldbook/schemas"
	"fieldbook/templates"
	"fieldbook/wasm/engine"
)

// TestWorkflowViewOffersTheDocumentedActions: the workflow page offers
// every documented action with its parameters as their tables state them,
// starts only from the event sources' payloads, and opens on a workflow
// the engine runs to its end, in the form of a share link's state.
func TestWorkflowViewOffersTheDocumentedActions(t *testing.T) {
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	b := &builder{set: set, eng: engine.New(set, engine.DefaultLimits), site: &Site{}}
	names := map[string]string{}
	for _, src := range set.Catalog.EventSources {
		names[src.ID] = src.Name
	}
	p, err := b.workflowView(names)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Data.Actions) != len(set.Actions()) {
		t.Errorf("%d actions offered, %d documented", len(p.Data.Actions), len(set.Actions()))
	}
	byID := map[string]templates.WorkflowAction{}
	for _, a := range p.Data.Actions {
		byID[a.ID] = a
	}
	if _, ok := byID[p.Data.NewAction]; !ok {
		t.Errorf("a new action step starts with %q, which is not offered", p.Data.NewAction)
	}
	sms := byID["open-phone/v1/send-text-message"]
	if sms.Key != "message" || sms.URL != "/actions/open-phone/v1/send-text-message/" || sms.Destination != "Open Phone" || len(sms.Parameters) != 3 {
		t.Errorf("send-text-message: %+v", sms)
	}
	if to := sms.Parameters[1]; to.Key != "to" || to.CEL != "string" || to.Required != "required" {
		t.Errorf("its parameter to: %+v", to)
	}
	order := byID["spruce/v1/list-conversation-items"].Parameters
	if i := slices.IndexFunc(order, func(p templates.WorkflowParam) bool { return p.Key == "order" }); i < 0 || !slices.Contains(order[i].Enum, "NEWEST_FIRST") {
		t.Errorf("list-conversation-items' order lists no values: %+v", order)
	}
	if byID["twilio/v1/send-sms"].Partial == "" {
		t.Error("an action whose parameters are cut short does not say so")
	}
	for _, o := range p.Triggers {
		s, _ := set.Get(o.ID)
		if s.Source == "packagex" {
			t.Errorf("a model, %s, is offered as a trigger", o.ID)
		}
	}
	if p.Trigger != "healthie/appointment" || len(p.Events) == 0 || p.Payload == "" || p.Meta.Path != "/workflows/" {
		t.Errorf("the page opens on %q, events %v, path %q", p.Trigger, p.Events, p.Meta.Path)
	}
	raw, err := json.Marshal(p.Data.Opening)
	if err != nil {
		t.Fatal(err)
	}
	var opening struct {
		V        int             `json:"v"`
		Workflow engine.Workflow `json:"workflow"`
		Now      string          `json:"now"`
	}
	if err := json.Unmarshal(raw, &opening); err != nil || opening.V != 1 || opening.Now == "" || opening.Workflow.Trigger.Schema != p.Trigger || len(opening.Workflow.Steps) == 0 {
		t.Errorf("the opening state %s (%v)", raw, err)
	}
}
