package generate

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"fieldbook/schemas"
	"fieldbook/templates"
	"fieldbook/wasm/engine"
	"fieldbook/workflows"
)

func exampleBuilder(t *testing.T) *builder {
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	return &builder{set: set, eng: engine.New(set, engine.DefaultLimits), site: &Site{}}
}

// TestTheWorkedReminderShowsEachStep: the appointment reminder's page
// shows what each step gave when the site was built: the statuses, the
// time the wait moved the clock to, and the text the first action sends.
func TestTheWorkedReminderShowsEachStep(t *testing.T) {
	b := exampleBuilder(t)
	examples, err := workflows.Examples()
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range examples {
		if ex.Name != "appointment-reminder" {
			continue
		}
		p, err := b.workflowExample(ex)
		if err != nil {
			t.Fatal(err)
		}
		var statuses []string
		for _, s := range append([]templates.ExampleStep{p.Trigger}, p.Steps...) {
			statuses = append(statuses, s.Status)
		}
		if got := strings.Join(statuses, " "); got != "passed passed waited passed done done" {
			t.Errorf("statuses %q", got)
		}
		var html bytes.Buffer
		if err := templates.WorkflowExamplePage(p).Render(context.Background(), &html); err != nil {
			t.Fatal(err)
		}
		page := html.String()
		for _, want := range []string{
			`Clock after the step: <code>2024-07-11T15:00:00Z</code>`,
			`Hi Test, see you tomorrow at 11:00 AM`,
			`href="/actions/open-phone/v1/send-text-message/"`,
			`data-fb="workflow-outcome">completed<`,
		} {
			if !strings.Contains(strings.ReplaceAll(page, "<wbr>", ""), want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		return
	}
	t.Fatal("no worked example named appointment-reminder")
}

// TestAWorkedExampleThatDepartsFailsTheBuild: an example whose run no
// longer gives what its file expects is not published.
func TestAWorkedExampleThatDepartsFailsTheBuild(t *testing.T) {
	b := exampleBuilder(t)
	examples, err := workflows.Examples()
	if err != nil || len(examples) == 0 {
		t.Fatal(err)
	}
	ex := examples[0]
	edited := *ex.File
	exp := *edited.Expect
	exp.Steps = append([]workflows.StepExpect(nil), exp.Steps...)
	exp.Steps[0].Status = "failed"
	edited.Expect = &exp
	ex.File = &edited
	if _, err := b.workflowExample(ex); err == nil || !strings.Contains(err.Error(), "step 1") {
		t.Errorf("a departing example built: %v", err)
	}
}
