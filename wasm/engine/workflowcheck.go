package engine

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"cel.dev/cel-go/cel"
	celast "cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/interpreter"

	"fieldbook/schemas"
	"fieldbook/wasm/celjson"
	"fieldbook/wasm/names"
)

// checkedWorkflow is a workflow as the check before the run leaves it:
// every expression compiled in the one context its steps read, and what
// was wrong, step by step.
type checkedWorkflow struct {
	dialect      string
	now          time.Time
	schema       *schemas.Schema // the trigger's payload
	context      *schemas.Schema // the payload's fields and every key's result
	env          *celEnv
	eventContext map[string]any // morf_event_type, where the dialect has it
	trigger      checkedStep
	steps        []checkedStep
	errors       int // how many steps (the trigger too) have an error
	explain      bool
	// states, where set, gets what cel-go recorded of each expression's
	// parts as it ran, by the expression: a workflow batch runs again
	// so a run that a chain of && stopped, to tell which condition did.
	states map[*compiled]interpreter.EvalState
}

// checkedStep is one step (or the trigger) checked: its compiled
// expression (a filter's, a wait's, the trigger's condition) or its
// action, result key and parameters; run holds its diagnostics so far.
type checkedStep struct {
	step       Step
	run        StepRun
	expression *compiled
	action     *schemas.Schema
	key        string
	params     []checkedParam
	reads      []keyRead // the result keys its expressions read
	// result is an action's result and what was found in it, read when
	// the action first runs: the same for every payload of a batch.
	result *actionResult
}

// actionResult is the result an action returns in a run, and its
// diagnostics.
type actionResult struct {
	value any
	diags []Diagnostic
}

// checkedParam is one parameter given to an action.
type checkedParam struct {
	key      string
	param    *schemas.Parameter // nil for one the action's (partial) list does not show
	want     *cel.Type          // the parameter's CEL type; nil for any
	compiled *compiled
}

func (p checkedParam) name() string { return "parameter " + p.key }

// triggerStep is the trigger's place among the steps, for the key order.
const triggerStep = -1

// checkWorkflow reads a run's request, but for its payload, and checks its
// workflow whole. The diagnostic it returns is the request's own (an
// unknown payload schema, a bad clock); a step's problems are in its run.
func (e *Engine) checkWorkflow(req RunRequest) (*checkedWorkflow, *Diagnostic) {
	t := req.Workflow.Trigger
	if t.Schema == "" {
		d := requestError("the workflow's trigger names no payload: set trigger.schema to a payload's id, such as healthie/appointment")
		return nil, &d
	}
	s, bad := e.schema(t.Schema, "")
	if bad != nil {
		return nil, bad
	}
	if s.Action != nil {
		d := requestError(fmt.Sprintf("the trigger's schema %s is an action: a workflow starts with a payload", t.Schema))
		return nil, &d
	}
	dialect := req.Dialect
	if dialect == "" {
		dialect = DialectMorf // a workflow is Morf's
	}
	w := &checkedWorkflow{schema: s}
	if w.dialect, bad = e.dialectFor(dialect, s); bad != nil {
		return nil, bad
	}
	if w.now, bad = parseClock(req.Now); bad != nil {
		return nil, bad
	}
	if n := len(req.Workflow.Steps); n > maxWorkflowSteps {
		d := requestError(fmt.Sprintf("the workflow has %d steps; at most %d are run", n, maxWorkflowSteps))
		return nil, &d
	}
	w.trigger = checkedStep{step: Step{Expression: t.Condition}, run: StepRun{Kind: "trigger", Diagnostics: []Diagnostic{}}}
	w.steps = make([]checkedStep, len(req.Workflow.Steps))
	keys := map[string]int{} // result key → the step that keeps it
	for i, st := range req.Workflow.Steps {
		w.steps[i] = checkedStep{step: st, run: StepRun{Kind: st.Kind, Diagnostics: []Diagnostic{}}}
		e.checkStepShape(s, &w.steps[i], i, keys)
	}
	ctx, err := e.context(s, contextResults(w.steps))
	if err != nil { // checkStepShape let no bad key through
		d := requestError("the workflow's context could not be built: " + err.Error())
		return nil, &d
	}
	w.context = ctx
	if w.env, err = e.envFor(ctx, w.dialect); err != nil {
		d := requestError("the CEL environment could not be built: " + err.Error())
		return nil, &d
	}
	if w.eventContext, bad = eventContext(s, w.env, t.Event); bad != nil {
		return nil, bad
	}
	if strings.TrimSpace(t.Condition) != "" {
		w.trigger.expression = e.checkExpression(w, &w.trigger, triggerStep, t.Condition, keys)
	}
	for i := range w.steps {
		st := &w.steps[i]
		switch st.step.Kind {
		case KindFilter, KindWait:
			if strings.TrimSpace(st.step.Expression) != "" {
				st.expression = e.checkExpression(w, st, i, st.step.Expression, keys)
			}
		case KindAction:
			if st.action != nil {
				e.checkParams(w, st, i, keys)
			}
		}
	}
	for _, st := range append([]*checkedStep{&w.trigger}, pointers(w.steps)...) {
		if slices.ContainsFunc(st.run.Diagnostics, func(d Diagnostic) bool { return d.Severity == SeverityError }) {
			st.run.Status = StatusInvalid
			w.errors++
		}
	}
	return w, nil
}

func pointers[T any](s []T) []*T {
	out := make([]*T, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}

// stepError adds an error that has no place in an expression (Line 0).
func stepError(st *checkedStep, format string, args ...any) {
	st.run.Diagnostics = append(st.run.Diagnostics, Diagnostic{Severity: SeverityError, Message: fmt.Sprintf(format, args...), Source: "workflow"})
}

// checkStepShape checks what a step is before its expressions: its kind,
// the members its kind takes, its action and its result key, which it
// records in keys when the key is good.
func (e *Engine) checkStepShape(payload *schemas.Schema, st *checkedStep, i int, keys map[string]int) {
	s := st.step
	switch s.Kind {
	case KindFilter, KindWait:
		if s.Action != "" || s.Key != "" || len(s.Params) > 0 || len(s.Result) > 0 {
			stepError(st, "a %s takes an expression only, not an action, a key, params or a result", s.Kind)
		}
		if strings.TrimSpace(s.Expression) == "" {
			what := "true or false"
			if s.Kind == KindWait {
				what = "a timestamp to wait until or a duration to wait for"
			}
			stepError(st, "the %s has no expression: write one that gives %s", s.Kind, what)
		}
		return
	case KindAction:
	default:
		stepError(st, "unknown step kind %q: use filter, wait or action", s.Kind)
		return
	}
	if s.Expression != "" {
		stepError(st, "an action takes params, not an expression")
	}
	if len(s.Params) > maxActionParams {
		stepError(st, "the action is given %d parameters; a step takes at most %d", len(s.Params), maxActionParams)
		return
	}
	a, ok := e.set.Action(s.Action)
	if !ok {
		ids := e.set.ActionIDs()
		msg := fmt.Sprintf("unknown action %q", s.Action)
		if s.Action == "" {
			msg = "the action step names no action"
		}
		if near := names.Closest(s.Action, ids); near != "" && s.Action != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", near)
		} else {
			msg += ": use an action's id, such as " + ids[0]
		}
		stepError(st, "%s", msg)
		return
	}
	st.action = a
	key := s.Key
	if key == "" {
		key = a.Action.Key
	}
	switch {
	case !schemas.IsIdentifier(key):
		stepError(st, "the result key %q is not a CEL identifier (letters, digits and _, not first a digit)", key)
	case payload.Root.Property(key) != nil:
		stepError(st, "the result key %q is a field of the payload: a later step could not tell the two apart; choose another key", key)
	case key == eventVariable && len(payload.Events()) > 0:
		stepError(st, "the result key %q is the trigger's event type in Morf; choose another key", key)
	default:
		if j, taken := keys[key]; taken {
			stepError(st, "the result key %q is already step %d's: each action keeps its result under a key of its own", key, j+1)
			return
		}
		keys[key] = i
		st.key = key
	}
}

// checkExpression compiles a trigger's condition, a filter's or a wait's
// expression, and checks that it gives what its step needs and reads only
// earlier results.
func (e *Engine) checkExpression(w *checkedWorkflow, st *checkedStep, i int, expr string, keys map[string]int) *compiled {
	c := e.compile(w.env, expr, e.limits.CostLimit)
	if c.diags != nil {
		st.run.Diagnostics = append(st.run.Diagnostics, c.diags...)
		return c
	}
	st.run.Diagnostics = append(st.run.Diagnostics, c.warnings...)
	reads := keysRead(c.ast, keys)
	st.reads = append(st.reads, reads...)
	st.run.Diagnostics = append(st.run.Diagnostics, laterKeys(reads, i, keys)...)
	out := c.ast.OutputType()
	kind := st.run.Kind
	switch {
	case out.Kind() == types.DynKind: // told when it runs
	case (kind == "trigger" || kind == KindFilter) && out.Kind() != types.BoolKind:
		st.run.Diagnostics = append(st.run.Diagnostics, Diagnostic{Severity: SeverityError, Line: 1, Column: 1, Source: "expression",
			Message: fmt.Sprintf("a %s must give true or false; this expression gives %s", stepNoun(kind), celjson.TypeName(out))})
	case kind == KindWait && out.Kind() != types.TimestampKind && out.Kind() != types.DurationKind:
		st.run.Diagnostics = append(st.run.Diagnostics, Diagnostic{Severity: SeverityError, Line: 1, Column: 1, Source: "expression",
			Message: "a wait must give a timestamp to wait until or a duration to wait for; this expression gives " + celjson.TypeName(out)})
	}
	return c
}

func stepNoun(kind string) string {
	if kind == "trigger" {
		return "trigger's condition"
	}
	return kind
}

// checkParams checks an action's parameters: each given one is the
// action's and has an expression of its type; each required one is given.
func (e *Engine) checkParams(w *checkedWorkflow, st *checkedStep, i int, keys map[string]int) {
	a := st.action.Action
	var known []string
	for _, p := range a.Parameters {
		known = append(known, p.Key)
	}
	// The action's order, then the ones it does not list, by name.
	given := slices.Sorted(maps.Keys(st.step.Params))
	slices.SortStableFunc(given, func(x, y string) int {
		ix, iy := slices.Index(known, x), slices.Index(known, y)
		if ix < 0 {
			ix = len(known)
		}
		if iy < 0 {
			iy = len(known)
		}
		return ix - iy
	})
	for _, k := range given {
		expr := st.step.Params[k]
		if strings.TrimSpace(expr) == "" {
			continue // an empty parameter is one not given
		}
		cp := checkedParam{key: k}
		if j := slices.Index(known, k); j >= 0 {
			cp.param = &a.Parameters[j]
		} else if a.ParametersPartial == "" {
			msg := fmt.Sprintf("%s has no parameter %q", st.action.ID, k)
			if near := names.Closest(k, known); near != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", near)
			} else if len(known) > 0 {
				msg += ": it takes " + strings.Join(known, ", ")
			}
			st.run.Diagnostics = append(st.run.Diagnostics, Diagnostic{Severity: SeverityError, Message: msg, Param: k, Source: "workflow"})
			continue
		} else {
			st.run.Diagnostics = append(st.run.Diagnostics, Diagnostic{Severity: SeverityWarning, Param: k, Source: "workflow",
				Message: fmt.Sprintf("%s's page does not show a parameter %q, but its list is cut short (%s): it is run untyped", st.action.ID, k, a.ParametersPartial)})
		}
		if cp.param != nil && cp.param.CEL != "" {
			want, err := ParamType(cp.param.CEL)
			if err == nil && want.Kind() != types.DynKind {
				cp.want = want
			}
		}
		c := e.compile(w.env, expr, e.limits.CostLimit)
		cp.compiled = c
		if c.diags != nil {
			for _, d := range c.diags {
				d.Param = k
				st.run.Diagnostics = append(st.run.Diagnostics, d)
			}
			continue
		}
		reads := keysRead(c.ast, keys)
		st.reads = append(st.reads, reads...)
		for _, d := range append(append([]Diagnostic{}, c.warnings...), laterKeys(reads, i, keys)...) {
			d.Param = k
			st.run.Diagnostics = append(st.run.Diagnostics, d)
		}
		if cp.want != nil && !assignable(cp.want, c.ast.OutputType()) {
			st.run.Diagnostics = append(st.run.Diagnostics, Diagnostic{Severity: SeverityError, Param: k, Line: 1, Column: 1, Source: "expression",
				Message: fmt.Sprintf("%s takes %s; this expression gives %s", cp.name(), celjson.TypeName(cp.want), celjson.TypeName(c.ast.OutputType()))})
		}
		if lit, ok := stringLiteral(c.ast); ok && cp.param != nil && len(cp.param.Enum) > 0 && !slices.Contains(cp.param.Enum, lit) {
			msg := fmt.Sprintf("%s takes one of %s, not %q", cp.name(), strings.Join(cp.param.Enum, ", "), lit)
			if near := names.Closest(lit, cp.param.Enum); near != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", near)
			}
			st.run.Diagnostics = append(st.run.Diagnostics, Diagnostic{Severity: SeverityError, Param: k, Line: 1, Column: 1, Source: "expression", Message: msg})
		}
		st.params = append(st.params, cp)
	}
	for _, p := range a.Parameters {
		if p.IsRequired() && strings.TrimSpace(st.step.Params[p.Key]) == "" {
			label := p.Key
			if p.Name != "" && p.Name != p.Key {
				label += " (" + p.Name + ")"
			}
			st.run.Diagnostics = append(st.run.Diagnostics, Diagnostic{Severity: SeverityError, Param: p.Key, Source: "workflow",
				Message: fmt.Sprintf("%s requires parameter %s, which the step does not give", st.action.ID, label)})
		}
	}
}

// assignable tells whether a value of type got may be given where want is
// taken, as far as the checker knows: dyn is told when it runs, and a
// payload object, which is a map when it runs, may go where a map from
// strings is taken.
func assignable(want, got *cel.Type) bool {
	switch {
	case got.Kind() == types.DynKind || want.Kind() == types.DynKind:
		return true
	case want.Kind() == types.MapKind && got.Kind() == types.StructKind:
		return want.Parameters()[0].Kind() == types.StringKind && want.Parameters()[1].Kind() == types.DynKind
	case want.Kind() != got.Kind() || len(want.Parameters()) != len(got.Parameters()):
		return false
	}
	if want.Kind() != types.ListKind && want.Kind() != types.MapKind {
		return want.IsAssignableType(got)
	}
	for j, p := range want.Parameters() {
		if !assignable(p, got.Parameters()[j]) {
			return false
		}
	}
	return true
}

// stringLiteral is an expression that is a string literal, and its value.
func stringLiteral(c *cel.Ast) (string, bool) {
	root := c.NativeRep().Expr()
	if root.Kind() != celast.LiteralKind {
		return "", false
	}
	s, ok := root.AsLiteral().(types.String)
	return string(s), ok
}

// keyRead is a result key an expression reads, and where.
type keyRead struct {
	key          string
	line, column int
}

// laterKeys finds the results an expression reads that its step cannot:
// those of its own step or a later one (a trigger's condition reads none).
func laterKeys(reads []keyRead, step int, keys map[string]int) []Diagnostic {
	var out []Diagnostic
	for _, r := range reads {
		j := keys[r.key]
		var msg string
		switch {
		case step == triggerStep:
			msg = fmt.Sprintf("%s is the result of step %d: the trigger's condition runs before every step, and reads no result", r.key, j+1)
		case j == step:
			msg = fmt.Sprintf("%s is this step's own result: a step reads only the results of the steps before it", r.key)
		case j > step:
			msg = fmt.Sprintf("%s is the result of step %d, which runs after this one: a step reads only the results of the steps before it", r.key, j+1)
		default:
			continue
		}
		out = append(out, Diagnostic{Severity: SeverityError, Message: msg, Line: r.line, Column: r.column, Source: "expression"})
	}
	return out
}

// keysRead finds the result keys an expression reads, where it reads
// them. A comprehension's variable of the same name is not the key.
func keysRead(checked *cel.Ast, keys map[string]int) []keyRead {
	native := checked.NativeRep()
	var out []keyRead
	var visit func(x celast.Expr, shadowed map[string]bool)
	visit = func(x celast.Expr, shadowed map[string]bool) {
		switch x.Kind() {
		case celast.IdentKind:
			name := x.AsIdent()
			if _, isKey := keys[name]; !isKey || shadowed[name] {
				return
			}
			r := keyRead{key: name, line: 1, column: 1}
			if loc := native.SourceInfo().GetStartLocation(x.ID()); loc.Line() > 0 {
				r.line, r.column = loc.Line(), loc.Column()+1
			}
			out = append(out, r)
		case celast.SelectKind:
			visit(x.AsSelect().Operand(), shadowed)
		case celast.CallKind:
			call := x.AsCall()
			if call.IsMemberFunction() {
				visit(call.Target(), shadowed)
			}
			for _, a := range call.Args() {
				visit(a, shadowed)
			}
		case celast.ListKind:
			for _, el := range x.AsList().Elements() {
				visit(el, shadowed)
			}
		case celast.MapKind:
			for _, en := range x.AsMap().Entries() {
				visit(en.AsMapEntry().Key(), shadowed)
				visit(en.AsMapEntry().Value(), shadowed)
			}
		case celast.StructKind:
			for _, f := range x.AsStruct().Fields() {
				visit(f.AsStructField().Value(), shadowed)
			}
		case celast.ComprehensionKind:
			comp := x.AsComprehension()
			visit(comp.IterRange(), shadowed)
			visit(comp.AccuInit(), shadowed)
			with := func(names ...string) map[string]bool {
				inner := maps.Clone(shadowed)
				for _, n := range names {
					if n != "" {
						inner[n] = true
					}
				}
				return inner
			}
			loop := with(comp.IterVar(), comp.IterVar2(), comp.AccuVar())
			visit(comp.LoopCondition(), loop)
			visit(comp.LoopStep(), loop)
			visit(comp.Result(), with(comp.AccuVar()))
		}
	}
	visit(native.Expr(), map[string]bool{})
	return out
}
