// A workflow test file: a workflow, the payload it runs over, its clock,
// and what each step is expected to give. The workflow page exports one;
// `site run` runs it and `site test` holds a run to its expectations, so
// a team keeps its workflows' expectations in its own CI. The worked
// examples are such files too.
//
// A file (by convention NAME.workflow.json):
//
//	{"title": "...", "description": "...", "source": "https://...",  // optional
//	 "workflow": {"trigger": {...}, "steps": [...]},   // as the engine's run takes it
//	 "payload": {...},          // optional: the trigger payload's documented example
//	 "now": "2024-06-01T09:00:00Z",
//	 "dialect": "morf",         // optional
//	 "expect": {"outcome": "completed",
//	            "trigger": {"status": "passed"},
//	            "steps": [{"status": "passed", "value": true},
//	                      {"status": "waited", "value": "2024-06-30T19:30:00Z"},
//	                      {"status": "done", "params": {"to": "+15555550123"}}]}}
//
// An expectation names only what it holds to: a step's status, its value
// (a filter's or a wait's), and the values of the parameters it lists.
package workflows

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"fieldbook/schemas"
	"fieldbook/wasm/engine"
)

// Suffix ends the name of a workflow test file.
const Suffix = ".workflow.json"

// File is a workflow test file.
type File struct {
	// Title, Description and Source (the page it was built from) say what
	// the workflow is for; the worked examples show them.
	Title       string          `json:"title,omitempty"`
	Description string          `json:"description,omitempty"`
	Source      string          `json:"source,omitempty"`
	Workflow    engine.Workflow `json:"workflow"`
	// Payload is the trigger's payload, a JSON object (or its text as a
	// string); without it the run uses the payload's documented example.
	Payload json.RawMessage `json:"payload,omitempty"`
	Now     string          `json:"now,omitempty"`
	Dialect string          `json:"dialect,omitempty"`
	Expect  *Expect         `json:"expect,omitempty"`
}

// Expect is what a run must give.
type Expect struct {
	Outcome string       `json:"outcome,omitempty"`
	Trigger *StepExpect  `json:"trigger,omitempty"`
	Steps   []StepExpect `json:"steps,omitempty"`
}

// StepExpect is what one step must give; an empty member holds to nothing.
type StepExpect struct {
	Status string                     `json:"status,omitempty"`
	Value  json.RawMessage            `json:"value,omitempty"`
	Params map[string]json.RawMessage `json:"params,omitempty"`
}

// Read decodes a file strictly: a misspelt member would otherwise hold to
// nothing without a word.
func Read(raw []byte) (*File, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	var f File
	if err := d.Decode(&f); err != nil {
		return nil, fmt.Errorf("not a workflow test file: %w", err)
	}
	if d.More() {
		return nil, errors.New("not a workflow test file: more follows its object")
	}
	return &f, nil
}

// Request is the run the file asks for: its payload, or the trigger
// payload's documented example.
func (f *File) Request(set *schemas.Set) (engine.RunRequest, error) {
	req := engine.RunRequest{Workflow: f.Workflow, Now: f.Now, Dialect: f.Dialect}
	switch p := bytes.TrimSpace(f.Payload); {
	case len(p) > 0 && p[0] == '"':
		if err := json.Unmarshal(p, &req.Payload); err != nil {
			return req, err
		}
	case len(p) > 0:
		req.Payload = string(p)
	default:
		s, ok := set.Get(f.Workflow.Trigger.Schema)
		if !ok {
			return req, fmt.Errorf("the file has no payload, and its trigger's schema %q is not a payload of the catalog, whose example it would run over", f.Workflow.Trigger.Schema)
		}
		ex := s.Example()
		if ex == nil {
			return req, fmt.Errorf("the file has no payload, and %s documents no example", s.ID)
		}
		raw, err := json.Marshal(ex)
		if err != nil {
			return req, err
		}
		req.Payload = string(raw)
	}
	return req, nil
}

// Encode writes the file as JSON, two spaces deep.
func (f *File) Encode() []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(f) // a File always encodes
	return b.Bytes()
}

// Expectations are what a run gave, written as a file expects them: the
// outcome, each step's status, a filter's or a wait's value, an action's
// parameters.
func Expectations(resp engine.RunResponse) Expect {
	exp := Expect{Outcome: resp.Outcome, Steps: []StepExpect{}}
	if resp.Trigger != nil {
		t := stepExpect(*resp.Trigger)
		exp.Trigger = &t
	}
	for _, s := range resp.Steps {
		exp.Steps = append(exp.Steps, stepExpect(s))
	}
	return exp
}

func stepExpect(s engine.StepRun) StepExpect {
	out := StepExpect{Status: s.Status}
	if s.Value != nil {
		out.Value, _ = json.Marshal(s.Value)
	}
	for _, k := range slices.Sorted(maps.Keys(s.Params)) {
		if out.Params == nil {
			out.Params = map[string]json.RawMessage{}
		}
		out.Params[k], _ = json.Marshal(s.Params[k].Value)
	}
	return out
}

// Differences lists where a run departs from what the file expects, each
// a line naming the step; none when it holds.
func Differences(exp Expect, resp engine.RunResponse) []string {
	var out []string
	if exp.Outcome != "" && exp.Outcome != resp.Outcome {
		out = append(out, fmt.Sprintf("outcome: %s, expected %s%s", resp.Outcome, exp.Outcome, why(resp)))
	}
	if exp.Trigger != nil && resp.Trigger != nil {
		out = append(out, stepDifferences("trigger", *exp.Trigger, *resp.Trigger)...)
	}
	if len(exp.Steps) > 0 && len(exp.Steps) != len(resp.Steps) {
		out = append(out, fmt.Sprintf("the workflow has %d steps; the file expects %d", len(resp.Steps), len(exp.Steps)))
	}
	for i, s := range resp.Steps {
		if i < len(exp.Steps) {
			out = append(out, stepDifferences(fmt.Sprintf("step %d (%s)", i+1, s.Kind), exp.Steps[i], s)...)
		}
	}
	return out
}

// why is the first error of a run, to say why its outcome is not the one
// expected.
func why(resp engine.RunResponse) string {
	all := slices.Clone(resp.Diagnostics)
	if resp.Trigger != nil {
		all = append(all, resp.Trigger.Diagnostics...)
	}
	for _, s := range resp.Steps {
		all = append(all, s.Diagnostics...)
	}
	for _, d := range all {
		if d.Severity == engine.SeverityError {
			return " (" + d.Message + ")"
		}
	}
	return ""
}

func stepDifferences(name string, exp StepExpect, got engine.StepRun) []string {
	var out []string
	if exp.Status != "" && exp.Status != got.Status {
		msg := fmt.Sprintf("%s: status %s, expected %s", name, got.Status, exp.Status)
		for _, d := range got.Diagnostics {
			if d.Severity == engine.SeverityError {
				msg += " (" + d.Message + ")"
				break
			}
		}
		out = append(out, msg)
	}
	if len(exp.Value) > 0 {
		if g, same := sameJSON(exp.Value, got.Value); !same {
			out = append(out, fmt.Sprintf("%s: value %s, expected %s", name, g, compact(exp.Value)))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(exp.Params)) {
		p, given := got.Params[k]
		if !given {
			out = append(out, fmt.Sprintf("%s: parameter %s was not given, expected %s", name, k, compact(exp.Params[k])))
			continue
		}
		if g, same := sameJSON(exp.Params[k], p.Value); !same {
			out = append(out, fmt.Sprintf("%s: parameter %s is %s, expected %s", name, k, g, compact(exp.Params[k])))
		}
	}
	return out
}

// sameJSON compares an expected JSON text with a value as JSON reads
// both: key order and spacing aside.
func sameJSON(want json.RawMessage, got any) (string, bool) {
	g, err := json.Marshal(got)
	if err != nil {
		return fmt.Sprint(got), false
	}
	return string(g), canonical(want) == canonical(g)
}

func canonical(raw []byte) string {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return "\x00" + string(raw) // not JSON: equal to nothing else
	}
	out, _ := json.Marshal(v)
	return string(out)
}

func compact(raw []byte) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return strings.TrimSpace(string(raw))
	}
	return b.String()
}
