package engine

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fieldbook/wasm/explain"
)

// explainClock is a time before elation/appointment's example
// appointment, so that isAfter(morf.now()) holds.
const explainClock = "2016-10-01T00:00:00Z"

// explained evaluates expr over elation/appointment's example with an
// explanation, which it requires.
func explained(t *testing.T, e *Engine, dialect, expr string) (EvaluateResponse, *explain.Explanation) {
	t.Helper()
	payload := exampleText(t, schemaByID(t, e, "elation/appointment"))
	r := e.Evaluate(EvaluateRequest{Schema: "elation/appointment", Dialect: dialect, Payload: payload, Expression: expr, Now: explainClock, Explain: true})
	if r.Explanation == nil {
		t.Fatalf("%s: no explanation: %+v", expr, r)
	}
	return r, r.Explanation
}

// partText is a part's text in expr.
func partText(expr string, p explain.Part) string {
	return string([]rune(expr)[p.From:p.To])
}

// textsWhere lists the texts of the parts f picks.
func textsWhere(expr string, x *explain.Explanation, f func(explain.Part) bool) []string {
	var out []string
	for _, p := range x.Parts {
		if f(p) {
			out = append(out, partText(expr, p))
		}
	}
	return out
}

func TestExplanationMarksThePartsThatDecided(t *testing.T) {
	e := newEngine(t)
	cases := []struct {
		name, expr string
		value      string
		decided    []string
		skipped    []string
		summary    string
	}{
		{
			name:    "a false && chain: its first false operand",
			expr:    `time_slot_status == "booked" && mode == "IN_PERSON" && appointment_datetime.isAfter(morf.now())`,
			value:   "false",
			decided: []string{`mode == "IN_PERSON"`},
			skipped: []string{`appointment_datetime.isAfter(morf.now())`, `appointment_datetime`, `morf.now()`},
			summary: "false because `mode == \"IN_PERSON\"` is false",
		},
		{
			name:    "a false ||: every operand",
			expr:    `mode == "IN_PERSON" || time_slot_status == "cancelled" || size(patient_id) == 0`,
			value:   "false",
			decided: []string{`mode == "IN_PERSON"`, `time_slot_status == "cancelled"`, `size(patient_id) == 0`},
		},
		{
			name:    "a false && over a false ||: the ||'s operands",
			expr:    "appointment_duration_in_minutes > 10 &&\n  (mode == \"IN_PERSON\" || billing.referring_provider_state == \"NY\")",
			value:   "false",
			decided: []string{`mode == "IN_PERSON"`, `billing.referring_provider_state == "NY"`},
		},
		{
			name:    "a true ||: the operand that was true",
			expr:    `mode == "VIDEO" || appointment_duration_in_minutes > 60`,
			value:   "true",
			decided: []string{`mode == "VIDEO"`},
			skipped: []string{`appointment_duration_in_minutes > 60`, `appointment_duration_in_minutes`},
		},
		{
			name:    "a true &&: every operand",
			expr:    `mode == "VIDEO" && appointment_duration_in_minutes == 15`,
			value:   "true",
			decided: []string{`mode == "VIDEO"`, `appointment_duration_in_minutes == 15`},
		},
		{
			name:    "through !, and into the branch ?: took",
			expr:    `!(mode == "VIDEO") || (service_location.state == "CA" ? appointment_type_title.startsWith("Initial") : true)`,
			value:   "false",
			decided: []string{`mode == "VIDEO"`, `appointment_type_title.startsWith("Initial")`},
		},
		{
			name:    "an absent field in an && that another operand made false",
			expr:    `status.startsWith("Sched") && mode == "IN_PERSON"`,
			value:   "false",
			decided: []string{`mode == "IN_PERSON"`},
			summary: "false because `mode == \"IN_PERSON\"` is false; it depends on `status`, absent in this payload",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, x := explained(t, e, DialectMorf, c.expr)
			if !r.OK || r.Display != c.value {
				t.Fatalf("gave %s (%+v), want %s", r.Display, r.Diagnostics, c.value)
			}
			decided := textsWhere(c.expr, x, func(p explain.Part) bool { return p.Decided })
			if !slices.Equal(decided, c.decided) {
				t.Errorf("decided %q, want %q", decided, c.decided)
			}
			skipped := textsWhere(c.expr, x, func(p explain.Part) bool { return p.State == explain.StateSkipped })
			if !slices.Equal(skipped, c.skipped) {
				t.Errorf("skipped %q, want %q", skipped, c.skipped)
			}
			if c.summary != "" && x.Summary != c.summary {
				t.Errorf("summary %q, want %q", x.Summary, c.summary)
			}
		})
	}
}

func TestExplanationNamesAbsentFields(t *testing.T) {
	e := newEngine(t)
	cases := []struct {
		dialect, schema, payload, expr string
		absent                         []string
	}{
		// A payload without a schema: step_id is declared absent.
		{DialectMorf, "", `{"current_step_id": "a"}`, `step_id.orValue("none") == "none" && current_step_id == "a"`, []string{"step_id"}},
		// A field sent as null is absent in Morf's reading.
		{DialectMorf, "elation/appointment", "", `!payment.deleted_at.hasValue() && !status.hasValue()`, []string{"payment.deleted_at", "status"}},
		// has() tests; what is absent is the object it reads.
		{DialectMorf, "", `{"a": 1}`, `has(b.c) || a == 1`, []string{"b"}},
		// In cel-go's reading a null is a value, not an absence.
		{DialectCEL, "elation/appointment", "", `status == null`, nil},
	}
	for _, c := range cases {
		payload := c.payload
		if payload == "" {
			payload = exampleText(t, schemaByID(t, e, c.schema))
		}
		r := e.Evaluate(EvaluateRequest{Schema: c.schema, Dialect: c.dialect, Payload: payload, Expression: c.expr, Now: explainClock, Explain: true})
		if r.Explanation == nil {
			t.Fatalf("%s: no explanation: %+v", c.expr, r)
		}
		if !slices.Equal(r.Explanation.Absent, c.absent) {
			t.Errorf("%s: absent %q, want %q", c.expr, r.Explanation.Absent, c.absent)
		}
		absentParts := textsWhere(c.expr, r.Explanation, func(p explain.Part) bool { return p.State == explain.StateAbsent })
		if len(c.absent) > 0 && len(absentParts) == 0 {
			t.Errorf("%s: no part is marked absent", c.expr)
		}
		if len(c.absent) > 0 && !strings.Contains(r.Explanation.Summary, "absent in this payload") {
			t.Errorf("%s: the summary %q does not say what is absent", c.expr, r.Explanation.Summary)
		}
	}
}

// explainedExpressions are filters of our own, written to try the spans:
// unicode before and inside parts, comments, lines, raw and triple-quoted
// strings, indexes, maps, macros and namespaced calls.
var explainedExpressions = []string{
	`service_location.city == "San Francisco" && billing.referring_provider.startsWith("Dr.")`,
	`"é🎉" + service_location.name == "é🎉Elation North" && size("🎉é") == 2`,
	"mode == \"VIDEO\" // a video visit\n  && appointment_duration_in_minutes >= 15",
	`metadata["foo"] == "bar" && {"a": metadata.baz}["a"] == 42`,
	`[appointment_duration_in_minutes, 1, 2].exists(m, m > 10) && has(billing.billing_note)`,
	`r"a\d" + '''it's "quoted"''' == "x" || math.greatest(appointment_duration_in_minutes, 20) == 20`,
	`cel.bind(d, appointment_duration_in_minutes * 2, d > 20 && d < 40) && int(patient_id) > 0`,
	`appointment_datetime.isAfter(morf.now()) && timestamp(created_at) < timestamp(last_modified_at)`,
	`service_location.?zip.orValue("") == "94107" && [1, 2, 3].map(x, x * 2)[1] == 4`,
	`-appointment_duration_in_minutes < 0 || !!(mode == "VIDEO")`,
	`"VIDEO" in [mode, "PHONE"] && ((((mode)))) == "VIDEO"`,
	`metadata[?"foo"].orValue("") == "bar" ? dyn(appointment_duration_in_minutes) + 1 : 0`,
	"billing.referring_provider_state.lowerAscii() // a comment\n  == \"ca\"",
}

// TestExplanationSpansAndValuesAgree holds every part of the dialect pages'
// examples and of the filters above to the text: its span nests in its
// parent's, its value anchor is inside it, and evaluated alone its text
// gives the value the explanation gives it.
func TestExplanationSpansAndValuesAgree(t *testing.T) {
	e := newEngine(t)
	type run struct{ dialect, schema, payload, expr string }
	var runs []run
	appointment := exampleText(t, schemaByID(t, e, "elation/appointment"))
	for _, expr := range explainedExpressions {
		runs = append(runs, run{DialectMorf, "elation/appointment", appointment, expr})
	}
	for _, d := range Dialects {
		ref, err := e.Reference(d.Name)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range ref.Sections {
			for _, entry := range s.Entries {
				if entry.Example != "" {
					runs = append(runs, run{d.Name, "", "{}", entry.Example})
				}
			}
		}
	}
	compared := 0
	for _, r := range runs {
		now := explainClock
		if r.schema == "" {
			now = ReferenceClock
		}
		resp := e.Evaluate(EvaluateRequest{Schema: r.schema, Dialect: r.dialect, Payload: r.payload, Expression: r.expr, Now: now, Explain: true})
		x := resp.Explanation
		if x == nil {
			if r.schema == "" && len(resp.Diagnostics) > 0 && resp.Diagnostics[0].Source == "expression" && resp.Cost == 0 {
				continue // a dialect page's example that fails to check, on purpose
			}
			t.Fatalf("%s: no explanation: %+v", r.expr, resp)
		}
		runes := []rune(r.expr)
		if len(x.Parts) == 0 {
			t.Errorf("%s: no parts", r.expr)
			continue
		}
		if root := x.Parts[0]; strings.TrimSpace(string(runes[root.From:root.To])) != strings.TrimSpace(stripComments(r.expr)) && !strings.Contains(r.expr, "//") {
			t.Errorf("%s: the first part is %q, not the whole", r.expr, string(runes[root.From:root.To]))
		}
		for i, p := range x.Parts {
			text := partText(r.expr, p)
			if p.From >= p.To || p.To > len(runes) || p.At < p.From || p.At >= p.To {
				t.Errorf("%s: part %d %q has from %d, to %d, at %d", r.expr, i, text, p.From, p.To, p.At)
				continue
			}
			if p.Parent >= i || (i > 0) != (p.Parent >= 0) {
				t.Errorf("%s: part %d %q has parent %d", r.expr, i, text, p.Parent)
			} else if p.Parent >= 0 {
				if q := x.Parts[p.Parent]; p.From < q.From || p.To > q.To {
					t.Errorf("%s: part %q is not inside its parent %q", r.expr, text, partText(r.expr, q))
				}
			}
			if p.State != explain.StateValue || p.Cut {
				continue
			}
			alone := e.Evaluate(EvaluateRequest{Schema: r.schema, Dialect: r.dialect, Payload: r.payload, Expression: text, Now: now})
			if !alone.OK {
				if d := alone.Diagnostics; len(d) > 0 && (strings.Contains(d[0].Message, "undeclared reference") || r.schema == "" && strings.Contains(d[0].Message, "is absent from this payload")) {
					continue // it reads a variable a macro binds
				}
				t.Errorf("%s: part %q does not evaluate alone: %+v", r.expr, text, alone.Diagnostics)
				continue
			}
			compared++
			// Alone, a type parameter may stay dyn that the whole resolves
			// (optional.none() in a list of optional ints).
			if alone.Display != p.Display || alone.Type != p.Type && !strings.Contains(alone.Type, "dyn") {
				t.Errorf("%s: part %q is %s (%s) in the explanation, %s (%s) alone", r.expr, text, p.Display, p.Type, alone.Display, alone.Type)
			}
		}
	}
	if compared < 200 {
		t.Errorf("only %d parts were compared with their value alone", compared)
	}
	t.Logf("%d expressions, %d parts compared with their value alone", len(runs), compared)
}

// stripComments drops // comments, outside strings or not: the
// expressions above have none inside strings.
func stripComments(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if at := strings.Index(l, "//"); at >= 0 {
			lines[i] = l[:at]
		}
	}
	return strings.Join(lines, "\n")
}

func TestExplanationIsBounded(t *testing.T) {
	e := newEngine(t)
	// A comprehension over many elements records its result, not each
	// element's values.
	r := e.Evaluate(EvaluateRequest{Schema: "", Payload: `{"xs": [` + strings.Repeat("1,", 4999) + `1]}`, Expression: `xs.filter(i, i % 7 == 0).size() > 3`, Explain: true})
	x := r.Explanation
	if x == nil {
		t.Fatalf("no explanation: %+v", r)
	}
	if len(x.Parts) > 10 {
		t.Errorf("%d parts for a comprehension of 5,000 elements", len(x.Parts))
	}
	// An expression of more parts than an explanation keeps.
	terms := make([]string, 600)
	for i := range terms {
		terms[i] = "a + 1"
	}
	expr := "[" + strings.Join(terms, ", ") + "].size() > 0"
	r = e.Evaluate(EvaluateRequest{Schema: "", Payload: `{"a": 1}`, Expression: expr, Explain: true})
	if r.Explanation == nil {
		t.Fatalf("600 terms: no explanation: %+v", r.Diagnostics)
	}
	if !r.Explanation.Truncated || len(r.Explanation.Parts) != explain.MaxParts {
		t.Errorf("600 terms: truncated %v with %d parts, want truncated with %d", r.Explanation.Truncated, len(r.Explanation.Parts), explain.MaxParts)
	}
	// A false || of many operands is said in a line, not one per operand;
	// past the parts kept, the count says it counts only those.
	for _, n := range []int{100, 150} {
		ors := make([]string, n)
		for i := range ors {
			ors[i] = fmt.Sprintf("a == %d", i+2)
		}
		r = e.Evaluate(EvaluateRequest{Schema: "", Payload: `{"a": 1}`, Expression: strings.Join(ors, " || "), Explain: true})
		x := r.Explanation
		if x == nil || len(x.Summary) > 300 {
			t.Fatalf("%d false operands: %+v", n, x)
		}
		m := regexp.MustCompile(`and (\d+) more are false(, among the first (\d+) parts)?$`).FindStringSubmatch(x.Summary)
		decided := 0
		for _, p := range x.Parts {
			if p.Decided {
				decided++
			}
		}
		switch {
		case m == nil:
			t.Errorf("%d false operands: %q", n, x.Summary)
		case m[1] != strconv.Itoa(decided-3):
			t.Errorf("%d false operands, %d decided among the parts: %q", n, decided, x.Summary)
		case x.Truncated != (m[2] != "") || x.Truncated && m[3] != strconv.Itoa(len(x.Parts)):
			t.Errorf("%d false operands, truncated %v with %d parts: %q", n, x.Truncated, len(x.Parts), x.Summary)
		case n == 150 && !x.Truncated:
			t.Errorf("150 operands make more parts than an explanation keeps: %d", len(x.Parts))
		}
	}
	// A long value is cut.
	r = e.Evaluate(EvaluateRequest{Schema: "", Payload: `{"s": "` + strings.Repeat("é", 5000) + `"}`, Expression: `s + "x" != ""`, Explain: true})
	if r.Explanation == nil {
		t.Fatalf("no explanation: %+v", r)
	}
	for _, p := range r.Explanation.Parts {
		if len(p.Display) > explain.MaxDisplayBytes {
			t.Errorf("a part's display is %d bytes", len(p.Display))
		}
	}
	if !slices.ContainsFunc(r.Explanation.Parts, func(p explain.Part) bool { return p.Cut }) {
		t.Error("no part of a 5,000-character string is cut")
	}
}

func TestARunExplainsEachExpressionThatRan(t *testing.T) {
	e := newEngine(t)
	req := reminder(t, e)
	req.Workflow.Steps[0].Expression = `morf_event_type.contains("SCHEDULED") && appointment_notes.orValue("") != "Intake"`
	req.Explain = true
	resp := run(t, e, req)
	if !resp.OK || resp.Outcome != OutcomeCompleted {
		t.Fatalf("run: %+v", resp)
	}
	for i, s := range resp.Steps {
		if s.Kind == KindAction {
			for key, p := range s.Params {
				if p.Explanation == nil || p.Explanation.Parts[0].Display != p.Display {
					t.Errorf("step %d's %s: explanation %+v of the value %s", i+1, key, p.Explanation, p.Display)
				}
			}
			continue
		}
		if s.Explanation == nil || s.Explanation.Parts[0].Display != s.Display {
			t.Errorf("step %d: explanation %+v of the value %s", i+1, s.Explanation, s.Display)
		}
	}

	// A filter that stops the run says which condition stopped it.
	req.Workflow.Trigger.Event = "Healthie Appointment Cancelled"
	resp = run(t, e, req)
	x := resp.Steps[0].Explanation
	if resp.Outcome != OutcomeStopped || x == nil {
		t.Fatalf("run: %+v", resp)
	}
	decided := textsWhere(req.Workflow.Steps[0].Expression, x, func(p explain.Part) bool { return p.Decided })
	if !slices.Equal(decided, []string{`morf_event_type.contains("SCHEDULED")`}) {
		t.Errorf("decided %q", decided)
	}
	if resp.Steps[1].Explanation != nil {
		t.Errorf("a skipped step has an explanation: %+v", resp.Steps[1].Explanation)
	}

	// Without explain, no explanation.
	req.Explain = false
	if resp = run(t, e, req); resp.Steps[0].Explanation != nil {
		t.Error("a run that did not ask for explanations has one")
	}
}

func TestABatchCountsTheConditionThatStoppedEachPayload(t *testing.T) {
	e := newEngine(t)
	type visit struct {
		Mode    string `json:"mode"`
		Status  string `json:"status,omitempty"`
		Minutes int    `json:"minutes"`
	}
	modes, statuses := []string{"VIDEO", "IN_PERSON", "PHONE"}, []string{"booked", "cancelled", ""}
	var lines []string
	conds := []func(v visit) bool{
		func(v visit) bool { return v.Mode == "VIDEO" },
		func(v visit) bool { return v.Status == "booked" }, // absent reads as ""
		func(v visit) bool { return v.Minutes > 20 || v.Mode == "PHONE" },
	}
	want := make([]int, len(conds))
	wantFalse := 0
	for i := 0; i < 60; i++ {
		v := visit{Mode: modes[i%3], Status: statuses[(i/3)%3], Minutes: i}
		b, _ := json.Marshal(v)
		lines = append(lines, string(b))
		for k, c := range conds {
			if !c(v) {
				want[k]++
				wantFalse++
				break
			}
		}
	}
	expr := "mode == \"VIDEO\" &&\n  status.orValue(\"\") == \"booked\" && (minutes > 20 || mode == \"PHONE\")"
	resp := e.Batch(BatchRequest{Payloads: strings.Join(lines, "\n"), Expressions: []string{expr, `minutes > 3`}})
	if !resp.OK {
		t.Fatalf("batch: %+v", resp.Diagnostics)
	}
	count := resp.Counts[0]
	if count.False != wantFalse || len(count.Conditions) != 3 {
		t.Fatalf("false %d, conditions %+v; want %d false over 3 conditions", count.False, count.Conditions, wantFalse)
	}
	texts := []string{`mode == "VIDEO"`, `status.orValue("") == "booked"`, `minutes > 20 || mode == "PHONE"`}
	for k, c := range count.Conditions {
		if c.Text != texts[k] || c.Stopped != want[k] || string([]rune(expr)[c.From:c.To]) != c.Text {
			t.Errorf("condition %d: %+v, want %q stopping %d", k+1, c, texts[k], want[k])
		}
	}
	if resp.Counts[1].Conditions != nil {
		t.Errorf("an expression that is no chain of && has conditions: %+v", resp.Counts[1].Conditions)
	}
	for _, row := range resp.Rows {
		cell := row.Values[0]
		if (cell.Display == "false") != (cell.StoppedBy != "") {
			t.Errorf("row %d: %+v", row.Index, cell)
		}
	}
}

// FuzzExplain holds an explanation of any expression over any payload to
// its text: parts inside the expression and inside their parents, the
// whole's value the evaluation's, and the whole answer bounded.
func FuzzExplain(f *testing.F) {
	e := newEngine(f)
	appt := exampleText(f, schemaByID(f, e, "elation/appointment"))
	for _, expr := range explainedExpressions {
		f.Add("elation/appointment", appt, expr)
	}
	f.Add("", `{"a": {"b": [1, 2]}, "s": "é🎉"}`, `a.b.exists(x, x > 1) || s.size() == 2 && !has(a.c)`)
	f.Add("", `{}`, `step_id.orValue("") == "" ? [1, 2].map(x, x * 2) : []`)
	f.Fuzz(func(t *testing.T, schema, payload, expr string) {
		var resp EvaluateResponse
		bounded(t, func() {
			resp = e.Evaluate(EvaluateRequest{Schema: schema, Payload: payload, Expression: expr, Now: "2024-01-01T00:00:00Z", Explain: true})
		})
		x := resp.Explanation
		if x == nil {
			return
		}
		n := len([]rune(expr))
		if len(x.Parts) == 0 || len(x.Parts) > explain.MaxParts {
			t.Fatalf("%d parts", len(x.Parts))
		}
		for i, p := range x.Parts {
			if p.From < 0 || p.To > n || p.From >= p.To || p.At < p.From || p.At >= p.To {
				t.Fatalf("part %d: from %d to %d at %d in %d characters", i, p.From, p.To, p.At, n)
			}
			if i > 0 && (p.Parent < 0 || p.Parent >= i || p.From < x.Parts[p.Parent].From || p.To > x.Parts[p.Parent].To) {
				t.Fatalf("part %d (%d to %d) is not inside its parent %d", i, p.From, p.To, p.Parent)
			}
		}
		if root := x.Parts[0]; resp.OK && !resp.Truncated && root.State == explain.StateValue && !root.Cut && root.Display != resp.Display {
			t.Fatalf("the whole is %s in the explanation, %s in the answer", root.Display, resp.Display)
		}
		if b, err := json.Marshal(x); err != nil || len(b) > 256<<10 {
			t.Fatalf("the explanation is %d bytes of JSON (%v)", len(b), err)
		}
	})
}

func TestABatchOfAWorkflowCountsTheConditionThatStoppedEachRun(t *testing.T) {
	e := newEngine(t)
	req := reminder(t, e)
	req.Workflow.Steps[3].Expression = `appointment_first_name.startsWith("A") && appointment_length_minutes > 30 && sms.id != ""`
	var ex map[string]any
	if err := json.Unmarshal([]byte(req.Payload), &ex); err != nil {
		t.Fatal(err)
	}
	var lines []string
	want := []int{0, 0, 0}
	for _, name := range []string{"Ann", "Bob", "Al", "Cy", "Abe"} {
		for _, minutes := range []int{15, 45, 60} {
			p := maps.Clone(ex)
			p["appointment_first_name"], p["appointment_length_minutes"] = name, minutes
			b, _ := json.Marshal(p)
			lines = append(lines, string(b))
			switch {
			case !strings.HasPrefix(name, "A"):
				want[0]++
			case minutes <= 30:
				want[1]++
			}
		}
	}
	resp := e.Batch(BatchRequest{Workflow: &req.Workflow, Payloads: strings.Join(lines, "\n"), Now: req.Now})
	if !resp.OK || resp.Workflow == nil {
		t.Fatalf("batch: %+v", resp)
	}
	step := resp.Workflow.Steps[3]
	if len(step.Conditions) != 3 || step.Stopped != want[0]+want[1] {
		t.Fatalf("step 4: %+v; want %d stopped", step, want[0]+want[1])
	}
	for k, c := range step.Conditions {
		if c.Stopped != want[k] {
			t.Errorf("condition %q stopped %d, want %d", c.Text, c.Stopped, want[k])
		}
	}
	if resp.Workflow.Steps[0].Conditions != nil {
		t.Errorf("a filter that is no chain of && has conditions: %+v", resp.Workflow.Steps[0].Conditions)
	}
	for _, r := range resp.Rows {
		if (r.Outcome == OutcomeStopped) != (r.StoppedBy != "") {
			t.Errorf("row %d: %+v", r.Index, r)
		}
	}

	// A condition written as false, which an explanation has no part for,
	// is named where it stopped the run.
	req.Workflow.Steps[3].Expression = `appointment_first_name.startsWith("A") && false`
	resp = e.Batch(BatchRequest{Workflow: &req.Workflow, Payloads: strings.Join(lines, "\n"), Now: req.Now})
	if !resp.OK || resp.Workflow == nil {
		t.Fatalf("batch: %+v", resp)
	}
	if c := resp.Workflow.Steps[3].Conditions; len(c) != 2 || c[0].Stopped != want[0] || c[1].Stopped != len(lines)-want[0] {
		t.Errorf("conditions %+v; want %d and %d stopped", c, want[0], len(lines)-want[0])
	}
}
