package generate

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"fieldbook/schemas"
	"fieldbook/templates"
	"fieldbook/wasm/engine"
	"fieldbook/workflows"
)

const workflowExamplesURL = "/workflows/examples/"

// workflowExamples renders /workflows/examples/ and a page per worked
// example (package workflows): each is run now, and the build fails when
// a run departs from what its file expects, so no page shows an answer
// the engine no longer gives.
func (b *builder) workflowExamples() ([]templates.WorkflowExampleCard, error) {
	examples, err := workflows.Examples()
	if err != nil {
		return nil, err
	}
	index := templates.WorkflowExamples{Meta: b.meta("Worked workflows",
		"Morf workflows built from the use cases of Morf's docs, each run step by step in Fieldbook's engine.", workflowExamplesURL)}
	for _, ex := range examples {
		page, err := b.workflowExample(ex)
		if err != nil {
			return nil, fmt.Errorf("worked example %s: %w", ex.Name, err)
		}
		if err := b.write(strings.TrimPrefix(page.FileURL, "/"), ex.Raw); err != nil {
			return nil, err
		}
		if err := b.render(page.Meta.Path, templates.WorkflowExamplePage(page)); err != nil {
			return nil, err
		}
		index.Examples = append(index.Examples, page.Card)
	}
	return index.Examples, b.render(workflowExamplesURL, templates.WorkflowExamplesPage(index))
}

func (b *builder) workflowExample(ex workflows.Example) (templates.WorkflowExample, error) {
	f := ex.File
	req, err := f.Request(b.set)
	if err != nil {
		return templates.WorkflowExample{}, err
	}
	run := b.eng.Run(req)
	if f.Expect == nil {
		return templates.WorkflowExample{}, fmt.Errorf("its file expects nothing")
	}
	if diffs := workflows.Differences(*f.Expect, run); len(diffs) > 0 {
		return templates.WorkflowExample{}, fmt.Errorf("the run departs from what its file expects: %s", strings.Join(diffs, "; "))
	}
	url := workflowExamplesURL + ex.Name + "/"
	payload, _ := b.set.Get(f.Workflow.Trigger.Schema)
	page := templates.WorkflowExample{
		Meta:       b.meta(f.Title+" · worked workflow", f.Description, url),
		Card:       templates.WorkflowExampleCard{Title: f.Title, Description: f.Description, URL: url, Outcome: run.Outcome, Steps: len(f.Workflow.Steps)},
		SourceURL:  f.Source,
		FileURL:    workflowExamplesURL + ex.Name + workflows.Suffix,
		OpenURL:    workflowsURL() + "#s=" + shareState(f),
		Payload:    templates.PayloadLink{Title: b.payloadTitle(payload), URL: payloadURL(payload.ID)},
		OwnPayload: len(f.Payload) > 0,
		Event:      f.Workflow.Trigger.Event,
		Now:        run.Now,
	}
	page.Trigger = exampleStep("Trigger", engine.Step{Expression: f.Workflow.Trigger.Condition}, *run.Trigger)
	page.Trigger.Kind = ""
	for i, st := range f.Workflow.Steps {
		s := exampleStep(fmt.Sprintf("Step %d", i+1), st, run.Steps[i])
		if st.Kind == engine.KindAction {
			a, _ := b.set.Action(st.Action)
			s.Action, s.ActionURL = a.Action.Title, actionURL(st.Action)
		}
		page.Steps = append(page.Steps, s)
	}
	for _, d := range run.Diagnostics {
		page.Diagnostics = append(page.Diagnostics, d.Message)
	}
	return page, nil
}

// payloadTitle names a payload as the catalog does: "Healthie Appointment".
func (b *builder) payloadTitle(s *schemas.Schema) string {
	for _, src := range append(slices.Clone(b.set.Catalog.EventSources), b.set.Catalog.ModelSources...) {
		if src.ID == s.Source {
			return src.Name + " " + s.Title()
		}
	}
	return s.Title()
}

// exampleStep shows one step as it ran.
func exampleStep(label string, st engine.Step, run engine.StepRun) templates.ExampleStep {
	out := templates.ExampleStep{Label: label, Kind: run.Kind, Status: run.Status, Expression: st.Expression,
		Key: run.Key, Type: run.Type, Display: run.Display}
	if run.Kind == engine.KindWait {
		out.Now = run.Now
	}
	for _, k := range slices.Sorted(maps.Keys(st.Params)) {
		p := templates.ExampleParam{Key: k, Expression: st.Params[k]}
		if got, ok := run.Params[k]; ok {
			p.Type, p.Display = got.Type, got.Display
		}
		out.Params = append(out.Params, p)
	}
	for _, d := range run.Diagnostics {
		msg := d.Severity + ": " + d.Message
		if d.Param != "" {
			msg = d.Param + ": " + msg
		}
		out.Diagnostics = append(out.Diagnostics, msg)
	}
	return out
}

// shareState is a worked example as the workflow page reads a share link
// (share.mjs): the state {v, workflow, now, dialect?, payload?} as JSON,
// deflate-raw compressed, in base64url without padding.
func shareState(f *workflows.File) string {
	state := map[string]any{"v": 1, "workflow": f.Workflow}
	if f.Now != "" {
		state["now"] = f.Now
	}
	if f.Dialect != "" {
		state["dialect"] = f.Dialect
	}
	if p := bytes.TrimSpace(f.Payload); len(p) > 0 && p[0] == '"' {
		var text string
		_ = json.Unmarshal(p, &text) // Read took it as JSON
		state["payload"] = text
	} else if len(p) > 0 {
		var pretty bytes.Buffer
		_ = json.Indent(&pretty, p, "", "  ")
		state["payload"] = pretty.String()
	}
	raw, err := json.Marshal(state)
	if err != nil {
		panic(err) // a File always encodes
	}
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression) // the level is valid
	_, _ = w.Write(raw)
	_ = w.Close()
	return base64.RawURLEncoding.EncodeToString(b.Bytes())
}
