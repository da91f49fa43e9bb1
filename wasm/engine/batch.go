package engine

import (
	"fmt"
	"strings"
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"fieldbook/schemas"
	"fieldbook/wasm/celjson"
	"fieldbook/wasm/explain"
	"fieldbook/wasm/infer"
	"fieldbook/wasm/jsonpos"
)

// Batch bounds.
const (
	maxBatchBytes       = 64 << 20
	maxBatchPayloads    = 100_000
	maxBatchExpressions = 20
	defaultBatchRows    = 500
	maxBatchErrors      = 20
	maxRowProblems      = 3
	// maxBatchResultBytes bounds the displays of one batch answer
	// together, each also bounded by Limits.MaxResultBytes; a display past
	// either is cut to batchPreviewChars characters, and said to be.
	maxBatchResultBytes = 8 << 20
	batchPreviewChars   = 200
)

// BatchRequest runs expressions over many payloads: Payloads is NDJSON (one
// payload object a line) or a JSON array of payload objects. Rows bounds the
// per-payload rows returned (default 500); the counts cover every payload.
type BatchRequest struct {
	Schema      string   `json:"schema"`
	Dialect     string   `json:"dialect,omitempty"`
	Payloads    string   `json:"payloads"`
	Expressions []string `json:"expressions"`
	Now         string   `json:"now,omitempty"`
	Rows        int      `json:"rows,omitempty"`
	Event       string   `json:"event,omitempty"` // as CheckRequest's
	// CheckAll checks every payload against the schema. Without it only a
	// payload an expression failed on is checked, where the check says
	// why: checking each payload costs more than running a filter on it.
	CheckAll bool   `json:"checkAll,omitempty"`
	Key      string `json:"key,omitempty"` // as CheckRequest's
	// Workflow, in place of Expressions, runs one workflow over every
	// payload (its trigger names the schema, the event and the dialect);
	// the response counts where the runs ended.
	Workflow *Workflow `json:"workflow,omitempty"`
}

// BatchCount tallies one expression's results.
type BatchCount struct {
	Expression string `json:"expression"`
	True       int    `json:"true"`
	False      int    `json:"false"`
	Other      int    `json:"other"` // a value that is not a bool
	Error      int    `json:"error"`
	// Conditions, for an expression whose top is a chain of && (a
	// filter's conditions), count how many payloads each stopped: the
	// first condition that was false. They add up to False.
	Conditions []ConditionCount `json:"conditions,omitempty"`
}

// ConditionCount is one condition of a chain of && and how many payloads
// it stopped; From and To place it in the expression, in characters.
type ConditionCount struct {
	explain.Condition
	Stopped int `json:"stopped"`
}

// BatchCell is one expression's result on one payload. Truncated says that
// Display is only the start of a result too large to answer whole.
type BatchCell struct {
	OK        bool   `json:"ok"`
	Display   string `json:"display,omitempty"`
	Truncated bool   `json:"truncated,omitempty"`
	Error     string `json:"error,omitempty"`
	// StoppedBy is the condition of a chain of && that made it false.
	StoppedBy string `json:"stoppedBy,omitempty"`
}

// BatchRow is one payload's results. Line is its line in NDJSON, or 0 for
// an element of a JSON array.
type BatchRow struct {
	Index int    `json:"index"`
	Line  int    `json:"line,omitempty"`
	Error string `json:"error,omitempty"` // the payload itself could not be read
	// Outcome is a workflow's on this payload, and Step where it stopped
	// or failed (1 for the first step, 0 for the trigger), with Failure
	// saying why it failed.
	Outcome string `json:"outcome,omitempty"`
	Step    *int   `json:"step,omitempty"`
	Failure string `json:"failure,omitempty"`
	// StoppedBy is the condition of a chain of && that stopped the run.
	StoppedBy string `json:"stoppedBy,omitempty"`
	// Invalid lists where the payload breaks its schema (at most
	// maxRowProblems, then how many more): a field of the wrong type is
	// why an expression over it fails, and the row says so.
	Invalid []string    `json:"invalid,omitempty"`
	Values  []BatchCell `json:"values,omitempty"`
}

// BatchError is one of the first errors, payload or expression.
type BatchError struct {
	Index      int    `json:"index"`
	Line       int    `json:"line,omitempty"`
	Expression int    `json:"expression"` // -1 for the payload itself
	Message    string `json:"message"`
}

// BatchResponse answers a batch run.
type BatchResponse struct {
	OK    bool `json:"ok"`
	Total int  `json:"total"`
	// Invalid counts the payloads checked (all, or those an expression
	// failed on: CheckedAll says which) that break the catalog schema.
	Invalid    int          `json:"invalid"`
	CheckedAll bool         `json:"checkedAll"`
	Counts     []BatchCount `json:"counts"`
	// Workflow counts a workflow's runs, where the batch ran one.
	Workflow    *BatchWorkflow `json:"workflow,omitempty"`
	Rows        []BatchRow     `json:"rows"`
	Errors      []BatchError   `json:"errors"`
	Diagnostics []Diagnostic   `json:"diagnostics"`
}

// batchFailure answers a batch that could not run.
func batchFailure(d Diagnostic) BatchResponse {
	return BatchResponse{OK: false, Counts: []BatchCount{}, Rows: []BatchRow{}, Errors: []BatchError{}, Diagnostics: []Diagnostic{d}}
}

// rows is how many per-payload rows the batch answers with.
func (req BatchRequest) rows() int {
	if req.Rows <= 0 {
		return defaultBatchRows
	}
	return req.Rows
}

// noteError keeps one of the first maxBatchErrors errors of a batch.
func (r *BatchResponse) noteError(be BatchError) {
	if len(r.Errors) < maxBatchErrors {
		r.Errors = append(r.Errors, be)
	}
}

// batchItem is one payload of a batch, decoded.
type batchItem struct {
	line  int
	value any
	err   string
}

// Batch runs the expressions over every payload. Without a schema, the
// payloads are typed by the schema inferred from the first one.
func (e *Engine) Batch(req BatchRequest) BatchResponse {
	if req.Workflow != nil {
		return e.batchWorkflow(req)
	}
	p, bad := e.prepare(preparation{schema: req.Schema, key: req.Key, dialect: req.Dialect, now: req.Now, clock: true})
	if bad != nil {
		return batchFailure(*bad)
	}
	s, dialect, now := p.schema, p.dialect, p.now
	switch n := len(req.Expressions); {
	case n == 0:
		return batchFailure(requestError("a batch needs at least one expression"))
	case n > maxBatchExpressions:
		return batchFailure(requestError(fmt.Sprintf("a batch takes at most %d expressions, not %d", maxBatchExpressions, n)))
	}
	items, d := e.splitBatch(req.Payloads)
	if d != nil {
		return batchFailure(*d)
	}
	schema := s
	if schema == nil {
		for _, it := range items {
			if it.err == "" {
				inferred, err := infer.Schema(it.value)
				if err != nil {
					return batchFailure(requestError(err.Error()))
				}
				schema = inferred
				break
			}
		}
		if schema == nil {
			schema, _ = infer.Schema(map[string]any{})
		}
	}
	env, err := e.envFor(schema, dialect)
	if err != nil {
		return batchFailure(requestError("the CEL environment could not be built: " + err.Error()))
	}
	context, bad := eventContext(s, env, req.Event)
	if bad != nil {
		return batchFailure(*bad)
	}
	progs := make([]*compiled, len(req.Expressions))
	var diags []Diagnostic
	for i, expr := range req.Expressions {
		progs[i] = e.compile(env, expr, e.limits.CostLimit)
		for _, d := range progs[i].diags {
			d.Message = fmt.Sprintf("expression %d: %s", i+1, d.Message)
			diags = append(diags, d)
		}
	}
	if diags != nil {
		return BatchResponse{OK: false, Counts: []BatchCount{}, Rows: []BatchRow{}, Errors: []BatchError{}, Diagnostics: diags}
	}
	rowsWanted := req.rows()
	clock := clockFunctions(now)
	displays := &celjson.Budget{Left: maxBatchResultBytes}
	resp := BatchResponse{OK: true, Total: len(items), CheckedAll: req.CheckAll && s != nil, Rows: []BatchRow{}, Errors: []BatchError{}, Diagnostics: []Diagnostic{}}
	chains := make([][]explain.Condition, len(progs))
	explaining := make([]*compiled, len(progs))
	for i, expr := range req.Expressions {
		count := BatchCount{Expression: expr}
		if explaining[i], chains[i] = e.chainOf(env, progs[i]); chains[i] != nil {
			count.Conditions = conditionCounts(chains[i])
		}
		resp.Counts = append(resp.Counts, count)
	}
	for i, it := range items {
		row := BatchRow{Index: i, Line: it.line, Error: it.err}
		if it.err != "" {
			for c := range resp.Counts {
				resp.Counts[c].Error++
			}
			resp.noteError(BatchError{Index: i, Line: it.line, Expression: -1, Message: it.err})
		} else {
			act := activation(newPayloadFields(it.value.(map[string]any), schema.Root, dialect), context, clock)
			failed := false
			var cellErrors []BatchError
			for c, p := range progs {
				out, _, err := e.run(p.prg, act)
				cell := BatchCell{OK: err == nil}
				switch {
				case err != nil:
					cell.Error = e.runtimeError(env, p.ast, err, e.limits.CostLimit).Message
					resp.Counts[c].Error++
					failed = true
					cellErrors = append(cellErrors, BatchError{Index: i, Line: it.line, Expression: c, Message: cell.Error})
				case out == types.True:
					resp.Counts[c].True++
				case out == types.False:
					resp.Counts[c].False++
					if chains[c] != nil {
						if k := e.stoppedBy(explaining[c], chains[c], act); k >= 0 {
							resp.Counts[c].Conditions[k].Stopped++
							cell.StoppedBy = chains[c][k].Text
						}
					}
				default:
					resp.Counts[c].Other++
				}
				if cell.OK && len(resp.Rows) < rowsWanted {
					cell.Display, cell.Truncated = e.batchDisplay(out, displays)
				}
				row.Values = append(row.Values, cell)
			}
			if s != nil && (failed || req.CheckAll) {
				row.Invalid = schemaErrors(s, it.value)
			}
			if row.Invalid != nil {
				resp.Invalid++
				resp.noteError(BatchError{Index: i, Line: it.line, Expression: -1, Message: "does not match " + e.payloadName(s) + ": " + strings.Join(row.Invalid, "; ")})
			}
			for _, be := range cellErrors {
				resp.noteError(be)
			}
		}
		if len(resp.Rows) < rowsWanted {
			resp.Rows = append(resp.Rows, row)
		}
	}
	return resp
}

// stoppedBy runs a chain of && that was false again, recording each
// part's value, and tells the condition that stopped it; -1 where the
// second run could not tell (a time limit stopped it). Only the payloads
// a chain was false on pay for the second run.
func (e *Engine) stoppedBy(x *compiled, chain []explain.Condition, act cel.Activation) int {
	_, det, err := e.run(x.prg, act)
	if err != nil || det == nil || det.State() == nil {
		return -1
	}
	return explain.FirstFalse(chain, det.State())
}

// schemaErrors lists where a payload breaks its schema, "pointer: what is
// wrong", the first maxRowProblems and then how many more; nil where it
// matches. The source's known quirks are no errors, and are not written
// out: most payloads of a source carry its quirks, and a batch is many.
func schemaErrors(s *schemas.Schema, value any) []string {
	return newSchemaCheck(s, value).errors(nil)
}

// schemaCheck validates a payload against its schema once, when something
// first asks where the payload breaks it: a batch row that failed, or an
// evaluation's error (mismatchNote), which may come on every key stroke
// over the same payload of megabytes.
type schemaCheck struct {
	s     *schemas.Schema
	value any
	once  sync.Once
	found []finding
	err   error // the schema does not compile
}

func newSchemaCheck(s *schemas.Schema, value any) *schemaCheck {
	return &schemaCheck{s: s, value: value}
}

// errors is schemaErrors of the places keep keeps (by their instance
// location's tokens; nil keeps every place).
func (c *schemaCheck) errors(keep func(at []string) bool) []string {
	c.once.Do(func() {
		var v *jsonschema.Schema
		if v, c.err = c.s.Validator(); c.err == nil {
			c.found, _ = findingsOf(v, c.s.Quirks(), c.value) // an error that is no finding says nothing of the payload
		}
	})
	if c.err != nil {
		return []string{fmt.Sprintf("schema %s does not compile: %v", c.s.ID, c.err)}
	}
	var out []string
	n := 0
	for _, f := range c.found {
		if f.quirk != nil || keep != nil && !keep(f.leaf.InstanceLocation) {
			continue
		}
		if n++; n <= maxRowProblems {
			at := f.pointer
			if at == "" {
				at = "the payload"
			}
			out = append(out, at+": "+f.message())
		}
	}
	if n > maxRowProblems {
		out = append(out, fmt.Sprintf("and %d more", n-maxRowProblems))
	}
	return out
}

// batchDisplay writes a cell's result within what is left of the batch's
// budget and the limit of one result.
func (e *Engine) batchDisplay(v ref.Val, left *celjson.Budget) (string, bool) {
	if left.Left <= 0 {
		return "", true
	}
	b := &celjson.Budget{Left: min(left.Left, e.limits.MaxResultBytes)}
	d, cut := celjson.DisplayWithin(v, b), b.Over()
	if cut {
		d = celjson.Preview(d, batchPreviewChars)
	}
	left.Spend(len(d)) // what the answer holds of it
	return d, cut
}

// splitBatch reads the payloads of a batch, at least one: a JSON array of
// objects, or NDJSON, whose lines are read one by one so that a bad line
// is that payload's error, not the batch's.
func (e *Engine) splitBatch(text string) ([]batchItem, *Diagnostic) {
	if len(text) > maxBatchBytes {
		d := requestError(jsonpos.OverLimit("the batch", len(text), maxBatchBytes))
		return nil, &d
	}
	lim := jsonpos.Limits{MaxBytes: e.limits.MaxPayloadBytes, MaxDepth: e.limits.MaxDepth}
	var items []batchItem
	if strings.HasPrefix(strings.TrimSpace(text), "[") {
		v, _, perr := jsonpos.Parse(text, jsonpos.Limits{MaxBytes: maxBatchBytes, MaxDepth: e.limits.MaxDepth + 1})
		if perr != nil {
			d := Diagnostic{Severity: SeverityError, Message: "the JSON array of payloads: " + perr.Message, Line: perr.Line, Column: perr.Column, Source: "payload"}
			return nil, &d
		}
		for _, el := range v.([]any) {
			it := batchItem{value: el}
			if _, ok := el.(map[string]any); !ok {
				it.err = fmt.Sprintf("the payload is %s, not a JSON object", describeJSON(el))
			}
			items = append(items, it)
		}
	} else {
		for n, line := range strings.Split(text, "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			it := batchItem{line: n + 1}
			v, _, perr := jsonpos.Parse(line, lim)
			switch {
			case perr != nil:
				it.err = fmt.Sprintf("column %d: %s", perr.Column, perr.Message)
			default:
				if _, ok := v.(map[string]any); !ok {
					it.err = fmt.Sprintf("the payload is %s, not a JSON object", describeJSON(v))
				}
				it.value = v
			}
			items = append(items, it)
		}
	}
	if len(items) == 0 {
		d := Diagnostic{Severity: SeverityError, Message: "no payloads: paste NDJSON (one JSON object a line) or a JSON array of objects", Line: 1, Column: 1, Source: "payload"}
		return nil, &d
	}
	if len(items) > maxBatchPayloads {
		d := requestError(fmt.Sprintf("the batch has %d payloads; the limit is %d", len(items), maxBatchPayloads))
		return nil, &d
	}
	return items, nil
}
