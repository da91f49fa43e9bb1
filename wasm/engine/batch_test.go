package engine

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// appointments writes n Appointment payloads as NDJSON, the mode of the
// i-th being VIDEO for even i, and a broken line where broken says.
func appointments(t testing.TB, e *Engine, n int, broken map[int]string) string {
	t.Helper()
	var base map[string]any
	_ = json.Unmarshal([]byte(exampleText(t, schemaByID(t, e, "elation/appointment"))), &base)
	var b strings.Builder
	for i := 0; i < n; i++ {
		if line, ok := broken[i]; ok {
			b.WriteString(line + "\n")
			continue
		}
		base["appointment_id"] = fmt.Sprint(1000 + i)
		base["mode"] = map[bool]string{true: "VIDEO", false: "IN_PERSON"}[i%2 == 0]
		line, _ := json.Marshal(base)
		b.Write(line)
		b.WriteString("\n")
	}
	return b.String()
}

func TestBatchCountsEveryPayload(t *testing.T) {
	e := newEngine(t)
	text := appointments(t, e, 101, map[int]string{7: `{"mode": "VIDEO",`, 8: `[1]`})
	resp := e.Batch(BatchRequest{Schema: "elation/appointment", Payloads: text, Rows: 10,
		Expressions: []string{`mode == "VIDEO"`, `int(appointment_id) % 10`, `service_location.phone_number.country_code == 1`}})
	if !resp.OK || resp.Total != 101 {
		t.Fatalf("%+v", resp.Diagnostics)
	}
	// 99 readable payloads: even indexes are VIDEO, and 8 is broken.
	if c := resp.Counts[0]; c.True != 50 || c.False != 49 || c.Error != 2 || c.Other != 0 {
		t.Errorf("filter counts %+v", c)
	}
	if c := resp.Counts[1]; c.Other != 99 || c.Error != 2 {
		t.Errorf("mapping counts %+v", c)
	}
	if c := resp.Counts[2]; c.Error != 101 {
		t.Errorf("the phone number is a string in every payload: %+v", c)
	}
	if len(resp.Rows) != 10 || resp.Rows[3].Values[1].Display != "3" || resp.Rows[7].Error == "" || resp.Rows[7].Line != 8 {
		t.Errorf("rows %+v", resp.Rows[:10])
	}
	if len(resp.Errors) != maxBatchErrors || resp.Errors[0].Expression != 2 || !strings.Contains(resp.Errors[0].Message, "service_location.phone_number.country_code is absent") {
		t.Errorf("first errors %+v", resp.Errors[:3])
	}
}

func TestBatchTakesAJSONArray(t *testing.T) {
	e := newEngine(t)
	resp := e.Batch(BatchRequest{Payloads: `[{"n": 1}, {"n": 2}, "x", {"n": 4}]`, Expressions: []string{"n > 1"}})
	if !resp.OK || resp.Total != 4 || resp.Counts[0].True != 2 || resp.Counts[0].False != 1 || resp.Counts[0].Error != 1 {
		t.Errorf("%+v", resp)
	}
}

func TestBatchBadInput(t *testing.T) {
	e := newEngine(t)
	cases := map[string]BatchRequest{
		"no expression":     {Payloads: `{}`},
		"expression typo":   {Schema: "elation/appointment", Payloads: `{}`, Expressions: []string{"mdoe"}},
		"no payloads":       {Payloads: "\n\n", Expressions: []string{"1"}},
		"broken array":      {Payloads: `[{"a": 1},`, Expressions: []string{"1"}},
		"unknown schema":    {Schema: "x/y", Payloads: `{}`, Expressions: []string{"1"}},
		"too many payloads": {Payloads: strings.Repeat("{}\n", maxBatchPayloads+1), Expressions: []string{"1"}},
		"too many exprs":    {Payloads: `{}`, Expressions: make([]string, maxBatchExpressions+1)},
	}
	for name, req := range cases {
		resp := e.Batch(req)
		if resp.OK || len(resp.Diagnostics) == 0 || resp.Diagnostics[0].Message == "" {
			t.Errorf("%s: %+v", name, resp)
		}
	}
}

// BenchmarkBatch10000 runs one filter over 10,000 Appointment payloads.
func BenchmarkBatch10000(b *testing.B) {
	e := newEngine(b)
	text := appointments(b, e, 10000, nil)
	req := BatchRequest{Schema: "elation/appointment", Payloads: text, Expressions: []string{`mode == "VIDEO" && service_location.state == "CA"`}}
	for b.Loop() {
		if r := e.Batch(req); !r.OK || r.Counts[0].True != 5000 {
			b.Fatal(r.Counts, r.Diagnostics)
		}
	}
}

// TestBatchReadsAFieldTheFirstPayloadLacks: without a schema, the first
// payload types the batch; in morf a field it lacks is absent there, and
// read where a later payload has it.
func TestBatchReadsAFieldTheFirstPayloadLacks(t *testing.T) {
	e := newEngine(t)
	text := `{"form_id": "a"}` + "\n" + `{"form_id": "b", "current_step_id": "booking_in_progress"}` + "\n"
	resp := e.Batch(BatchRequest{Payloads: text, Expressions: []string{`current_step_id.orValue("") == "booking_in_progress"`}})
	if !resp.OK || resp.Counts[0].True != 1 || resp.Counts[0].False != 1 {
		t.Errorf("%+v %+v", resp.Counts, resp.Diagnostics)
	}
}

// TestBatchAnswersAreBounded: a batch's displays share one budget, and a
// display past one result's limit is cut to its start; the counts still
// cover every payload.
func TestBatchAnswersAreBounded(t *testing.T) {
	e := newEngine(t)
	line := `{"s": "` + strings.Repeat("a", 100_000) + `"}` + "\n"
	resp := e.Batch(BatchRequest{Payloads: strings.Repeat(line, 120), Rows: 120,
		Expressions: []string{`s`, `cel.bind(a, [s, s], cel.bind(b, [a, a], cel.bind(c, [b, b], [c, c, c, c])))`, `size(s) > 5`}})
	if !resp.OK || resp.Counts[2].True != 120 || resp.Counts[1].Other != 120 {
		t.Fatalf("%+v %+v", resp.Counts, resp.Diagnostics)
	}
	raw, _ := json.Marshal(resp)
	if len(raw) > maxBatchResultBytes+len(raw)/8 {
		t.Errorf("the answer is %d bytes", len(raw))
	}
	var whole, cut [3]int
	for _, row := range resp.Rows {
		for i, v := range row.Values {
			switch {
			case !v.Truncated:
				whole[i]++
			case utf8.RuneCountInString(v.Display) <= batchPreviewChars:
				cut[i]++
			default:
				t.Fatalf("row %d, expression %d: truncated, yet %d characters", row.Index, i+1, len(v.Display))
			}
		}
	}
	// 100,002 characters a display of s: 8 MiB holds 83 of them whole, the
	// others cut to their start; the 1.6 MB result is past one result's
	// limit in every row; the booleans are whole.
	if whole != [3]int{83, 0, 120} || cut != [3]int{37, 120, 0} {
		t.Errorf("whole %v, cut to their start %v", whole, cut)
	}
}

// TestBatchSaysWhichPayloadsBreakTheSchema: a payload an expression fails
// on is checked against the schema, and its row says where it breaks it
// (a date that is no date-time: the reason getFullYear failed); the
// payloads that pass say nothing. Checking every payload is asked for: a
// payload that breaks the schema where no expression reads is found then.
func TestBatchSaysWhichPayloadsBreakTheSchema(t *testing.T) {
	e := newEngine(t)
	var base map[string]any
	_ = json.Unmarshal([]byte(exampleText(t, schemaByID(t, e, "elation/appointment"))), &base)
	good, _ := json.Marshal(base)
	base["appointment_datetime"] = "next Tuesday"
	base["appointment_duration_in_minutes"] = "15"
	bad, _ := json.Marshal(base)
	base["appointment_datetime"] = "2016-10-13T11:15:00Z"
	quiet, _ := json.Marshal(base) // breaks the schema only where the expression does not read
	payloads := string(good) + "\n" + string(bad) + "\n" + string(quiet) + "\n"
	req := BatchRequest{Schema: "elation/appointment", Payloads: payloads, Expressions: []string{`appointment_datetime.getFullYear() > 2000`}}
	resp := e.Batch(req)
	if !resp.OK || resp.Total != 3 || resp.Invalid != 1 || resp.CheckedAll {
		t.Fatalf("invalid %d of %d (checked all: %v): %+v", resp.Invalid, resp.Total, resp.CheckedAll, resp.Diagnostics)
	}
	if resp.Rows[0].Invalid != nil || resp.Rows[2].Invalid != nil {
		t.Errorf("rows the expression passed were checked: %v, %v", resp.Rows[0].Invalid, resp.Rows[2].Invalid)
	}
	got := strings.Join(resp.Rows[1].Invalid, "; ")
	if !strings.Contains(got, "/appointment_datetime") || !strings.Contains(got, "/appointment_duration_in_minutes") {
		t.Errorf("the bad row says %q", got)
	}
	if len(resp.Errors) < 2 || resp.Errors[0].Expression != -1 || !strings.Contains(resp.Errors[0].Message, "does not match Elation Appointment") || resp.Errors[1].Expression != 0 {
		t.Errorf("first errors %+v", resp.Errors)
	}
	if c := resp.Counts[0]; c.True != 2 || c.Error != 1 {
		t.Errorf("counts %+v", c)
	}

	req.CheckAll = true
	resp = e.Batch(req)
	if resp.Invalid != 2 || !resp.CheckedAll || resp.Rows[0].Invalid != nil || !strings.Contains(strings.Join(resp.Rows[2].Invalid, "; "), "/appointment_duration_in_minutes") {
		t.Errorf("checking all: invalid %d, rows %v / %v", resp.Invalid, resp.Rows[0].Invalid, resp.Rows[2].Invalid)
	}
}

// BenchmarkBatch10000CheckAll is BenchmarkBatch10000 with every payload
// checked against the schema: the price of CheckAll.
func BenchmarkBatch10000CheckAll(b *testing.B) {
	e := newEngine(b)
	text := appointments(b, e, 10000, nil)
	req := BatchRequest{Schema: "elation/appointment", Payloads: text, CheckAll: true, Expressions: []string{`mode == "VIDEO" && service_location.state == "CA"`}}
	for b.Loop() {
		if r := e.Batch(req); !r.OK || r.Counts[0].True != 5000 {
			b.Fatal(r.Counts, r.Diagnostics)
		}
	}
}
