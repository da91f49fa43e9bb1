package engine

import (
	"slices"
	"sort"

	celcommon "cel.dev/cel-go/common"
	celast "cel.dev/cel-go/common/ast"

	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"

	"fieldbook/schemas"
	"fieldbook/wasm/costguard"
	"fieldbook/wasm/dialect/morf"
	"fieldbook/wasm/explain"
	"fieldbook/wasm/infer"
	"fieldbook/wasm/jsonpos"
)

// compiled is a checked expression and its program, cached by environment,
// expression and cost limit.
type compiled struct {
	env      *cel.Env // the environment that checked it
	ast      *cel.Ast
	prg      cel.Program
	diags    []Diagnostic  // non-nil when the expression does not check
	warnings []Diagnostic  // said of an expression that checks
	plan     *explain.Plan // an explaining program's parts (modeExplain)
}

// compile parses, checks and plans an expression once per environment and
// cost limit, as a plain program.
func (e *Engine) compile(env *celEnv, expr string, limit uint64) *compiled {
	return e.compileAs(modePlain, env, expr, limit)
}

// compileAs compiles an expression once per environment, cost limit and
// mode (cache.go). A mode other than plain plans the plain program's
// checked expression again, with its own evaluation options.
func (e *Engine) compileAs(mode programMode, env *celEnv, expr string, limit uint64) *compiled {
	if d := e.checkExpressionText(expr); d != nil {
		return &compiled{diags: []Diagnostic{*d}}
	}
	key := programKey(env.id, limit, mode, expr)
	if c, ok := e.programs.get(key); ok {
		return c
	}
	var c *compiled
	if mode == modePlain {
		c = e.compilePlain(env, expr, limit)
	} else if plain := e.compileAs(modePlain, env, expr, limit); plain.diags != nil {
		c = plain
	} else {
		c = &compiled{env: plain.env, ast: plain.ast, warnings: plain.warnings}
		prg, err := plain.env.Program(plain.ast, programOptions(mode, env, limit)...)
		if err != nil {
			c = &compiled{diags: []Diagnostic{{Severity: SeverityError, Message: err.Error(), Line: 1, Column: 1, Source: "expression"}}}
		} else {
			c.prg, c.plan = prg, explain.Prepare(expr, plain.ast)
		}
	}
	e.programs.keep(key, c)
	return c
}

// compilePlain parses, checks and plans an expression as a plain program.
func (e *Engine) compilePlain(env *celEnv, expr string, limit uint64) *compiled {
	c := &compiled{}
	checker := env.env
	ast, iss := checker.Compile(expr)
	if iss != nil && iss.Err() != nil && (env.dialect == DialectMorf && env.schema.ID == infer.ID || openRoot(env.schema)) {
		checker, ast, iss, c.warnings = e.absentVariables(env, expr, ast, iss)
	}
	if iss != nil && iss.Err() != nil {
		c.diags = e.checkErrors(env, expr, iss)
		return c
	}
	prg, err := checker.Program(ast, programOptions(modePlain, env, limit)...)
	if err != nil {
		c.diags = []Diagnostic{{Severity: SeverityError, Message: err.Error(), Line: 1, Column: 1, Source: "expression"}}
		return c
	}
	c.env, c.ast, c.prg = checker, ast, prg
	if d := unboundedCall(expr, ast, limit); d != nil {
		c.diags, c.env, c.ast, c.prg = []Diagnostic{*d}, nil, nil, nil
	} else if env.dialect == DialectMorf {
		c.warnings = append(c.warnings, notShownInMorfDocs(expr, ast)...)
	}
	return c
}

// programOptions plan a program of a mode: a plain one folds constants;
// an explanation's records the value of every node it evaluates, and
// folds nothing, so that every node of the text has its value.
func programOptions(mode programMode, env *celEnv, limit uint64) []cel.ProgramOption {
	eval := cel.EvalOptions(cel.OptOptimize)
	if mode == modeExplain {
		eval = cel.EvalOptions(cel.OptTrackState)
	}
	return append(costguard.ProgramOptions(env.guards, limit),
		cel.CostLimit(limit),
		cel.InterruptCheckFrequency(interruptCheckFrequency),
		eval,
	)
}

// interruptCheckFrequency is how many comprehension steps pass between
// two looks at the time limit.
const interruptCheckFrequency = 64

// unboundedCall refuses an expression that calls a function cel-go charges
// without a bound, where it first calls one.
func unboundedCall(expr string, checked *cel.Ast, limit uint64) *Diagnostic {
	native := checked.NativeRep()
	for _, c := range calls(native) {
		if unbounded[c.name] {
			line, col := callPosition(expr, c.name, native.SourceInfo().GetStartLocation(c.id))
			return &Diagnostic{Severity: SeverityError, Message: unboundedMessage(c.name, limit), Line: line, Column: col, Source: "expression"}
		}
	}
	return nil
}

// call is a function call of a checked expression: its name and node.
type call struct {
	name string
	id   int64
}

// calls lists an expression's function calls as cel-go planned it (its
// macros expanded), in pre-order.
func calls(native *celast.AST) []call {
	var out []call
	celast.PreOrderVisit(native.Expr(), celast.NewExprVisitor(func(e celast.Expr) {
		if e.Kind() == celast.CallKind {
			out = append(out, call{e.AsCall().FunctionName(), e.ID()})
		}
	}))
	return out
}

// callPosition is where a reader sees a call: cel-go places it at its
// '(', the reader looks for its name.
func callPosition(expr, name string, loc celcommon.Location) (line, col int) {
	line, col = loc.Line(), loc.Column()+1
	if line < 1 {
		return 1, 1
	}
	r := []rune(expr)
	at, n := offsetOf(r, line, col), len([]rune(name))
	if at >= n && string(r[at-n:at]) == name {
		line, col = jsonpos.LineColumn(expr, len(string(r[:at-n])))
	}
	return line, col
}

// notShownInMorfDocs warns of each function and macro an expression calls
// that may not exist in Morf (morf.MayNotExist), once, where it is first
// called.
func notShownInMorfDocs(expr string, checked *cel.Ast) []Diagnostic {
	native := checked.NativeRep()
	info := native.SourceInfo()
	found := calls(native)
	for id, m := range info.MacroCalls() {
		found = append(found, call{m.AsCall().FunctionName(), id})
	}
	var out []Diagnostic
	for _, c := range found {
		if !isCallableName(c.name) || isInternal(c.name) || !morf.MayNotExist(c.name) {
			continue
		}
		line, col := callPosition(expr, c.name, info.GetStartLocation(c.id))
		out = append(out, Diagnostic{Severity: SeverityWarning, Message: morf.NotShownMessage(c.name), Line: line, Column: col, Source: "expression"})
	}
	// In the order they are written, the first call of each name.
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].Line < out[j].Line || out[i].Line == out[j].Line && out[i].Column < out[j].Column
	})
	seen := map[string]bool{}
	return slices.DeleteFunc(out, func(d Diagnostic) bool {
		dup := seen[d.Message]
		seen[d.Message] = true
		return dup
	})
}

// checkExpressionText applies the bounds that come before parsing.
func (e *Engine) checkExpressionText(expr string) *Diagnostic {
	if strings.TrimSpace(expr) == "" {
		d := Diagnostic{Severity: SeverityError, Message: "the expression is empty", Line: 1, Column: 1, Source: "expression"}
		return &d
	}
	if n := utf8.RuneCountInString(expr); n > e.limits.MaxExpressionLength {
		d := Diagnostic{Severity: SeverityError, Message: fmt.Sprintf("the expression is %d characters long; the limit is %d", n, e.limits.MaxExpressionLength), Line: 1, Column: 1, Source: "expression"}
		return &d
	}
	return nil
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
			m := undeclaredRef.FindStringSubmatch(err.Message)
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
				msg = fmt.Sprintf("%s is not among the fields Fieldbook typed for this payload (it types at most %d): it is read as dyn, and is absent if the payload does not have it", name, infer.MaxFields)
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

// unknownReceiver reads an error about a qualified name a.f, where a is
// not a namespace of functions, as one about a alone: its name, and where
// it starts, the nearest before the error's position.
func unknownReceiver(env *celEnv, expr, msg string, line, col int) (name string, l, c int, ok bool) {
	m := undeclaredRef.FindStringSubmatch(msg)
	if m == nil {
		return "", 0, 0, false
	}
	first, _, dotted := strings.Cut(m[1], ".")
	if !dotted || functionNamespaces(env)[first] {
		return "", 0, 0, false
	}
	runes := []rune(expr)
	at := offsetOf(runes, line, col)
	start := -1
	for i := 0; i+len([]rune(first)) <= len(runes) && i <= at; i++ {
		end := i + len([]rune(first))
		if string(runes[i:end]) != first || i > 0 && isIdentRune(runes[i-1]) {
			continue
		}
		j := end
		for j < len(runes) && (runes[j] == ' ' || runes[j] == '\t' || runes[j] == '\n' || runes[j] == '\r') {
			j++
		}
		if j < len(runes) && runes[j] == '.' {
			start = i
		}
	}
	if start < 0 {
		return first, line, col, true
	}
	l, c = jsonpos.LineColumn(expr, len(string(runes[:start])))
	return first, l, c, true
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
		if name, l, c, ok := unknownReceiver(env, expr, msg, line, col); ok {
			// a.f(x) with a unknown: cel-go looks for a function named a.f
			// and names it, and its suggestions are functions; the reader
			// misspelt a.
			msg, line, col = "undeclared reference to '"+name+"'", l, c
		}
		if hint := e.suggest(env, expr, msg, line, col); hint != "" {
			msg += " (did you mean " + hint + "?)"
		}
		out = append(out, Diagnostic{Severity: SeverityError, Message: msg, Line: line, Column: col, Source: "expression"})
	}
	return out
}

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
func activation(top *payloadFields, context map[string]any, clock map[string]cel.LateBoundFunction) cel.FunctionActivation {
	var vars interpreter.Activation = top
	if len(context) > 0 {
		ctx, _ := interpreter.NewActivation(context) // a map: it cannot fail
		vars = interpreter.NewHierarchicalActivation(top, ctx)
	}
	act, err := cel.FunctionVars(vars, clock)
	if err != nil {
		panic(err) // top is an Activation: FunctionVars cannot refuse it
	}
	return act
}

// runtimeError explains an evaluation that failed, at the subexpression
// that failed where CEL says which one.
func (e *Engine) runtimeError(env *celEnv, ast *cel.Ast, err error, limit uint64) Diagnostic {
	d := Diagnostic{Severity: SeverityError, Message: err.Error(), Line: 1, Column: 1, Source: "expression"}
	var cancelled interpreter.EvalCancelledError
	if errors.As(err, &cancelled) {
		switch cancelled.Cause {
		case interpreter.CostLimitExceeded:
			if strings.HasPrefix(cancelled.Message, costguard.RefusalPrefix) { // a guard's, which says more
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

// mismatchNote says, for an evaluation that failed, where the payload
// breaks its schema at a field the expression reads: a value of another
// type than the schema declares passes the checker and then fails at run
// time, where cel-go says no more than "no such overload". "" where the
// fields read match (or the schema is the one inferred from the payload).
func (e *Engine) mismatchNote(check *schemaCheck, ast *cel.Ast) string {
	if check == nil || check.s.ID == infer.ID {
		return ""
	}
	reads := fieldPaths(ast.NativeRep())
	found := check.errors(func(at []string) bool {
		return slices.ContainsFunc(reads, func(path []string) bool {
			return len(at) >= len(path) && slices.Equal(at[:len(path)], path)
		})
	})
	if len(found) == 0 {
		return ""
	}
	return fmt.Sprintf("; this payload does not match %s where the expression reads it: %s", e.payloadName(check.s), strings.Join(found, "; "))
}

// fieldPaths are the paths of fields an expression reads, each as far as
// it is written with dots: a.b.c is [a b c], a.b[0].c is [a b] (all of
// a.b is read), items.exists(i, ...) is [items].
func fieldPaths(native *celast.AST) [][]string {
	operands := map[int64]bool{} // the a.b of a.b.c, read as part of a longer path
	celast.PreOrderVisit(native.Expr(), celast.NewExprVisitor(func(x celast.Expr) {
		if x.Kind() == celast.SelectKind {
			operands[x.AsSelect().Operand().ID()] = true
		}
	}))
	var out [][]string
	celast.PreOrderVisit(native.Expr(), celast.NewExprVisitor(func(x celast.Expr) {
		if operands[x.ID()] {
			return
		}
		if path := selectPath(x); path != nil {
			out = append(out, path)
		}
	}))
	return out
}

// selectPath is a field path written with dots from a name, or nil.
func selectPath(x celast.Expr) []string {
	switch x.Kind() {
	case celast.IdentKind:
		return []string{x.AsIdent()}
	case celast.SelectKind:
		if p := selectPath(x.AsSelect().Operand()); p != nil {
			return append(p, x.AsSelect().FieldName())
		}
	}
	return nil
}

func (e *Engine) timeLimitMessage() string {
	return fmt.Sprintf("the expression was stopped: it went past the time limit of %s", e.limits.TimeLimit)
}
