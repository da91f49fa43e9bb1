package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"

	"fieldbook/schemas"
	"fieldbook/wasm/dialect/morf"
	"fieldbook/wasm/jsonpos"
)

// compiled is a checked expression and its program, cached by environment,
// expression and cost limit.
type compiled struct {
	env      *cel.Env // the environment that checked it
	ast      *cel.Ast
	prg      cel.Program
	diags    []Diagnostic // non-nil when the expression does not check
	warnings []Diagnostic // said of an expression that checks
}

// Check types an expression and estimates its cost.
func (e *Engine) Check(req CheckRequest) CheckResponse {
	env, diag := e.envForRequest(req.Schema, req.Dialect, req.Payload)
	if diag != nil {
		return CheckResponse{OK: false, Diagnostics: []Diagnostic{*diag}}
	}
	c := e.compile(env, req.Expression, e.limits.CostLimit)
	if c.diags != nil {
		return CheckResponse{OK: false, Dialect: env.dialect, Diagnostics: c.diags}
	}
	resp := CheckResponse{OK: true, Dialect: env.dialect, Type: typeName(c.ast.OutputType()), Diagnostics: append([]Diagnostic{}, c.warnings...)}
	if est, err := c.env.EstimateCost(c.ast, sizeEstimator{max: uint64(e.limits.MaxPayloadBytes)}); err == nil {
		resp.Cost = &Cost{Min: est.Min, Max: est.Max}
	}
	return resp
}

// envForRequest finds the environment for a request's schema and dialect;
// without a schema, the schema inferred from the payload (an empty object
// when there is none) declares the variables.
func (e *Engine) envForRequest(schemaID, dialectName, payload string) (*celEnv, *Diagnostic) {
	s, bad := e.schema(schemaID)
	if bad != nil {
		return nil, bad
	}
	dialect, bad := e.dialectFor(dialectName, s)
	if bad != nil {
		return nil, bad
	}
	var p *parsedPayload
	if s == nil {
		if strings.TrimSpace(payload) == "" {
			payload = "{}"
		}
		if p = e.readPayload(nil, payload); p.err != nil {
			return nil, p.err
		}
	}
	env, err := e.envFor(s, p, dialect)
	if err != nil {
		d := requestError("the CEL environment could not be built: " + err.Error())
		return nil, &d
	}
	return env, nil
}

// Evaluate runs an expression over a payload. The payload need not be
// valid against its schema: a reader tries expressions on what a source
// really sends, quirks and all.
func (e *Engine) Evaluate(req EvaluateRequest) EvaluateResponse {
	fail := func(d Diagnostic) EvaluateResponse {
		return EvaluateResponse{OK: false, Diagnostics: []Diagnostic{d}}
	}
	s, bad := e.schema(req.Schema)
	if bad != nil {
		return fail(*bad)
	}
	dialect, bad := e.dialectFor(req.Dialect, s)
	if bad != nil {
		return fail(*bad)
	}
	now, bad := parseClock(req.Now)
	if bad != nil {
		return fail(*bad)
	}
	limit := e.limits.CostLimit
	if req.CostLimit > 0 && req.CostLimit < limit {
		limit = req.CostLimit
	}
	p := e.readPayload(s, req.Payload)
	if p.err != nil {
		return fail(*p.err)
	}
	env, err := e.envFor(s, p, dialect)
	if err != nil {
		return fail(requestError("the CEL environment could not be built: " + err.Error()))
	}
	c := e.compile(env, req.Expression, limit)
	if c.diags != nil {
		return EvaluateResponse{OK: false, Dialect: dialect, Diagnostics: c.diags}
	}
	out, det, err := e.run(c.prg, activation(p.top(dialect), clockFunctions(now)))
	var spent uint64
	if det != nil && det.ActualCost() != nil {
		spent = *det.ActualCost()
	}
	if err != nil {
		return EvaluateResponse{OK: false, Dialect: dialect, Cost: spent, Diagnostics: []Diagnostic{e.runtimeError(env, c.ast, err, limit)}}
	}
	resp := EvaluateResponse{
		OK:          true,
		Dialect:     dialect,
		Type:        resultType(c.ast.OutputType(), out),
		Cost:        spent,
		Diagnostics: append([]Diagnostic{}, c.warnings...),
	}
	var tooLarge bool
	if resp.Value, resp.Display, tooLarge = writeResult(out, e.limits.MaxResultBytes); tooLarge {
		resp.OK, resp.Truncated = false, true
		resp.Diagnostics = append(resp.Diagnostics, Diagnostic{Severity: SeverityError, Message: tooLargeMessage(e.limits.MaxResultBytes), Line: 1, Column: 1, Source: "expression"})
	}
	return resp
}

// parseClock reads the time now() returns: an RFC 3339 time, or "" for
// the real time.
func parseClock(s string) (time.Time, *Diagnostic) {
	if s == "" {
		return time.Now(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		d := requestError(fmt.Sprintf("now %q is not an RFC 3339 time such as 2024-06-11T09:30:00Z", s))
		return time.Time{}, &d
	}
	return t, nil
}

// clockFunctions binds now() and Morf's morf.now() to a time, for an
// activation.
func clockFunctions(now time.Time) map[string]cel.LateBoundFunction {
	clock := func(string, ...ref.Val) ref.Val { return types.Timestamp{Time: now} }
	return map[string]cel.LateBoundFunction{"now": clock, "morf.now": clock}
}

// interruptCheckFrequency is how many comprehension steps pass between
// two looks at the time limit.
const interruptCheckFrequency = 64

// run evaluates a program within the engine's time limit.
func (e *Engine) run(prg cel.Program, act cel.Activation) (ref.Val, *cel.EvalDetails, error) {
	ctx, cancel := context.WithTimeout(context.Background(), e.limits.TimeLimit)
	defer cancel()
	return prg.ContextEval(ctx, act)
}

// activation gives an expression the payload's top-level fields and the
// clock. All of them: a field the checker did not know cannot be named,
// except one a schema-less morf expression declared as absent, which a
// later payload of a batch may have.
func activation(top *payloadFields, clock map[string]cel.LateBoundFunction) cel.FunctionActivation {
	act, err := cel.FunctionVars(top, clock)
	if err != nil {
		panic(err) // top is an Activation: FunctionVars cannot refuse it
	}
	return act
}

// compile parses, checks and plans an expression once per environment and
// cost limit.
func (e *Engine) compile(env *celEnv, expr string, limit uint64) *compiled {
	if d := e.checkExpressionText(expr); d != nil {
		return &compiled{diags: []Diagnostic{*d}}
	}
	key := fmt.Sprintf("%d\x00%d\x00%s", env.id, limit, expr)
	e.mu.Lock()
	cached, ok := e.programs.get(key)
	e.mu.Unlock()
	if ok {
		return cached.(*compiled)
	}
	c := &compiled{}
	checker := env.env
	ast, iss := checker.Compile(expr)
	if iss != nil && iss.Err() != nil && (env.dialect == DialectMorf && env.schema.ID == inferredID || openRoot(env.schema)) {
		checker, ast, iss, c.warnings = e.absentVariables(env, expr, ast, iss)
	}
	if iss != nil && iss.Err() != nil {
		c.diags = e.checkErrors(env, expr, iss)
	} else {
		prg, err := checker.Program(ast, append(guardOptions(env.guards, limit),
			cel.CostLimit(limit),
			cel.InterruptCheckFrequency(interruptCheckFrequency),
			cel.EvalOptions(cel.OptOptimize),
		)...)
		if err != nil {
			c.diags = []Diagnostic{{Severity: SeverityError, Message: err.Error(), Line: 1, Column: 1, Source: "expression"}}
		} else {
			c.env, c.ast, c.prg = checker, ast, prg
		}
	}
	e.mu.Lock()
	e.programs.put(key, c)
	e.mu.Unlock()
	return c
}

// openRoot tells a schema whose payloads have top-level fields it does not
// list (additionalProperties beside properties): an inferred schema past
// its bounds, which types the first fields of a payload with many.
func openRoot(s *schemas.Schema) bool {
	return s.Root.AdditionalProperties != nil && len(s.Root.Properties) > 0
}

// absentVariables declares the names an expression uses that the schema
// does not list, where a payload may have them: in Morf's reading any field
// of a payload without a schema may be absent, so current_step_id.orValue("")
// checks on an event without current_step_id; and a schema with an open
// root (a payload of more fields than inference types) has others. Each
// such name is declared dyn (absent when the payload lacks it) and gets a
// warning, which also catches a misspelt field. Names of function
// namespaces (morf, math) are not fields.
func (e *Engine) absentVariables(env *celEnv, expr string, ast *cel.Ast, iss *cel.Issues) (*cel.Env, *cel.Ast, *cel.Issues, []Diagnostic) {
	checker := env.env
	declared := map[string]bool{}
	namespaces := functionNamespaces(env)
	var warnings []Diagnostic
	for round := 0; round < 16 && iss != nil && iss.Err() != nil; round++ {
		var names []string
		for _, err := range iss.Errors() {
			m := undeclaredRef().FindStringSubmatch(err.Message)
			if m == nil {
				return checker, ast, iss, warnings // another error: report what the checker says
			}
			name, _, _ := strings.Cut(m[1], ".")
			if declared[name] || namespaces[name] || !schemas.IsIdentifier(name) {
				return checker, ast, iss, warnings
			}
			declared[name] = true
			names = append(names, name)
			msg := fmt.Sprintf("%s is not a field of this payload: it is read as absent (missing), so only %s.orValue(default) and %s.hasValue() give a value", name, name, name)
			if openRoot(env.schema) {
				msg = fmt.Sprintf("%s is not among the fields Fieldbook typed for this payload (it types at most %d): it is read as dyn, and is absent if the payload does not have it", name, maxInferredFields)
			}
			if hint := e.suggest(env, expr, "undeclared reference to '"+name+"'", err.Location.Line(), err.Location.Column()+1); hint != "" && !openRoot(env.schema) {
				msg += " (did you mean " + hint + "?)"
			}
			warnings = append(warnings, Diagnostic{Severity: SeverityWarning, Message: msg, Line: err.Location.Line(), Column: err.Location.Column() + 1, Source: "expression"})
		}
		var opts []cel.EnvOption
		for _, n := range names {
			opts = append(opts, cel.Variable(n, cel.DynType))
		}
		extended, err := checker.Extend(opts...)
		if err != nil {
			return checker, ast, iss, warnings
		}
		checker = extended
		ast, iss = checker.Compile(expr)
	}
	return checker, ast, iss, warnings
}

// functionNamespaces are the first parts of qualified function names
// (morf of morf.now, math of math.greatest).
func functionNamespaces(env *celEnv) map[string]bool {
	out := map[string]bool{}
	for name := range env.env.Functions() {
		if ns, _, ok := strings.Cut(name, "."); ok {
			out[ns] = true
		}
	}
	for _, m := range env.env.Macros() {
		if ns, _, ok := strings.Cut(m.Function(), "."); ok {
			out[ns] = true
		}
	}
	out["cel"] = true // cel.bind, a macro whose name is bind
	return out
}

// checkErrors turns parse and check errors into diagnostics, adding a
// suggestion where a name is close to one that exists.
func (e *Engine) checkErrors(env *celEnv, expr string, iss *cel.Issues) []Diagnostic {
	var out []Diagnostic
	for _, err := range iss.Errors() {
		line, col := err.Location.Line(), err.Location.Column()+1
		if line < 1 {
			line, col = 1, 1
		}
		msg := err.Message
		if hint := e.suggest(env, expr, msg, line, col); hint != "" {
			msg += " (did you mean " + hint + "?)"
		}
		out = append(out, Diagnostic{Severity: SeverityError, Message: msg, Line: line, Column: col, Source: "expression"})
	}
	return out
}

// runtimeError explains an evaluation that failed, at the subexpression
// that failed where CEL says which one.
func (e *Engine) runtimeError(env *celEnv, ast *cel.Ast, err error, limit uint64) Diagnostic {
	d := Diagnostic{Severity: SeverityError, Message: err.Error(), Line: 1, Column: 1, Source: "expression"}
	var cancelled interpreter.EvalCancelledError
	if errors.As(err, &cancelled) {
		switch cancelled.Cause {
		case interpreter.CostLimitExceeded:
			if strings.HasPrefix(cancelled.Message, refusalPrefix) { // a guard's, which says more
				d.Message = cancelled.Message
				return d
			}
			d.Message = fmt.Sprintf("the expression was stopped: it went past the cost limit of %s units (CEL counts roughly one unit per operation and per element visited)", jsonpos.GroupDigits(limit))
			return d
		case interpreter.ContextCancelled:
			d.Message = e.timeLimitMessage()
			return d
		}
	}
	if errors.Is(err, interpreter.InterruptError{}) || errors.Is(err, context.DeadlineExceeded) {
		d.Message = e.timeLimitMessage()
		return d
	}
	var celErr *types.Err
	if errors.As(err, &celErr) {
		if env.dialect == DialectMorf {
			if msg := morf.AbsentMessage(ast, celErr); msg != "" {
				d.Message = msg
			}
		}
		if loc := ast.NativeRep().SourceInfo().GetStartLocation(celErr.NodeID()); loc.Line() > 0 {
			d.Line, d.Column = loc.Line(), loc.Column()+1
		}
	}
	return d
}

func (e *Engine) timeLimitMessage() string {
	return fmt.Sprintf("the expression was stopped: it went past the time limit of %s", e.limits.TimeLimit)
}

// sizeEstimator bounds the size of every payload value by the payload
// limit, so the estimate's maximum is finite.
type sizeEstimator struct{ max uint64 }

func (s sizeEstimator) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	if len(n.Path()) > 0 {
		return &cost.SizeEstimate{Min: 0, Max: s.max}
	}
	return nil
}

func (s sizeEstimator) EstimateCallCost(string, string, *cost.AstNode, []cost.AstNode) *cost.CallEstimate {
	return nil
}
