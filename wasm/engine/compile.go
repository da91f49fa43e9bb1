package engine

import (
	"fieldbook/schemas"
	"fmt"
	"strings"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
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

// compile parses, checks and plans an expression once per environment,
// cost limit and mode (cache.go).
func (e *Engine) compile(env *celEnv, expr string, limit uint64, mode programMode) *compiled {
	if d := e.checkExpressionText(expr); d != nil {
		return &compiled{diags: []Diagnostic{*d}}
	}
	key := programKey{env: env.id, limit: limit, mode: mode, expr: expr}
	if c, ok := e.cachedProgram(key); ok {
		return c
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
	e.keepProgram(key, c)
	return c
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
