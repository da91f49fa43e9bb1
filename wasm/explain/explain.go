// Package explain says why an expression gave its answer: the value of
// every part of it that was evaluated, where each part is in the text, and,
// for a boolean, which parts decided it. It reads what cel-go recorded
// while evaluating (a program with cel.OptTrackState) against the checked
// expression; it runs nothing itself.
package explain

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	celast "cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"

	"fieldbook/wasm/celjson"
)

// Part states.
const (
	StateValue   = "value"   // evaluated: Type and Display hold its value
	StateError   = "error"   // evaluated to an error: Error says which
	StateAbsent  = "absent"  // a field the payload does not have (the morf dialect)
	StateSkipped = "skipped" // not evaluated: an operand before it decided (&&, ||, ?:)
	StateEach    = "each"    // inside a comprehension: evaluated once per element
)

// Explanation is the value of every part of an expression.
type Explanation struct {
	// Parts are the expression's parts, outer before inner, in the
	// order they are written; the first is the whole expression.
	Parts []Part `json:"parts"`
	// Absent lists the fields the expression read that the payload does
	// not have, as the expression writes them.
	Absent []string `json:"absent,omitempty"`
	// Summary says in a sentence why: which parts made a boolean true or
	// false, and which absent fields it depends on.
	Summary string `json:"summary,omitempty"`
	// Truncated says that parts were left out: an explanation is bounded.
	Truncated bool `json:"truncated,omitempty"`
}

// Part is one sub-expression: From and To are character offsets into the
// expression (To exclusive), At where its value belongs in the text (the
// operator, the call's or the field's name). Parent is the index of the
// part that holds it, -1 for the whole.
type Part struct {
	From    int    `json:"from"`
	To      int    `json:"to"`
	At      int    `json:"at"`
	Parent  int    `json:"parent"`
	State   string `json:"state"`
	Type    string `json:"type,omitempty"`
	Display string `json:"display,omitempty"`
	// Cut says Display is the start of a longer value.
	Cut   bool   `json:"cut,omitempty"`
	Error string `json:"error,omitempty"`
	// Decided marks the parts that made a boolean expression's answer:
	// for a false &&, the operand that was false; for a false ||, every
	// operand; through !, and into the branch ?: took.
	Decided bool `json:"decided,omitempty"`
}

// Bounds of one explanation.
const (
	MaxParts        = 400       // parts kept; the rest are left out, and Truncated says so
	MaxDisplayBytes = 200       // one part's display; longer ones are cut
	MaxBytes        = 48 * 1024 // displays and errors of one explanation together
)

// Plan is what an expression's explanations share: its tokens and the
// spans of its parts, worked out once per checked expression.
type Plan struct {
	text   []rune
	toks   []token
	native *celast.AST
	root   *node
	nodes  int
}

// Prepare works out the parts of a checked expression.
func Prepare(expression string, checked *cel.Ast) *Plan {
	p := &Plan{text: []rune(expression), native: checked.NativeRep()}
	p.toks = tokenize(p.text)
	p.root, p.nodes = tree(p.native, p.toks)
	return p
}

// Reading is how a dialect reads an evaluation's errors: Absent, where
// set, tells one that means a field is absent (the morf dialect's
// reading); Message, where set, words such an error as the dialect does.
type Reading struct {
	Absent  func(ref.Val) bool
	Message func(*types.Err) string
}

// Explain explains one evaluation of the expression: state is what
// cel-go recorded while it ran (a program with cel.OptTrackState).
func (plan *Plan) Explain(state interpreter.EvalState, r Reading) *Explanation {
	b := builder{Plan: plan, state: state, reading: r, budget: MaxBytes,
		byID: make(map[int64]int, plan.nodes), parts: make([]Part, 0, min(plan.nodes, MaxParts))}
	b.add(plan.root, -1)
	x := &Explanation{Parts: b.parts, Truncated: b.truncated}
	if len(b.parts) > 0 {
		b.decide(0)
	}
	x.Absent = b.absent
	x.Summary = b.summary()
	return x
}

type builder struct {
	*Plan
	state     interpreter.EvalState
	reading   Reading
	parts     []Part
	nodes     []*node
	byID      map[int64]int
	absent    []string
	budget    int
	truncated bool
}

// add appends the parts of n and below, in pre-order.
func (b *builder) add(n *node, parent int) {
	if n.parent == nil && n.from >= 0 || b.isPart(n) { // the whole is a part, even a literal
		if len(b.parts) == MaxParts || b.budget <= 0 {
			b.truncated = true
			return
		}
		p := b.part(n, parent)
		parent = len(b.parts)
		b.byID[n.expr.ID()] = parent
		b.parts = append(b.parts, p)
		b.nodes = append(b.nodes, n)
	}
	for _, c := range n.children {
		b.add(c, parent)
	}
}

// isPart tells the nodes a reader sees as parts: not a literal (its value
// is its text), not one a macro made, and not the inner links of a field
// path (a.b.c is evaluated as one: cel-go records only the whole).
func (b *builder) isPart(n *node) bool {
	if n.synthetic || n.from < 0 || n.expr.Kind() == celast.LiteralKind {
		return false
	}
	if _, evaluated := b.state.Value(n.expr.ID()); evaluated || n.each {
		return true
	}
	return !b.isPathLink(n)
}

// isPathLink tells a node cel-go evaluated within a longer field path:
// the operand of a select or an index that was evaluated.
func (b *builder) isPathLink(n *node) bool {
	k := n.expr.Kind()
	if (k != celast.IdentKind && k != celast.SelectKind && !isIndex(n.expr)) || n.parent == nil {
		return false
	}
	p := n.parent
	if p.children[0] != n || p.expr.Kind() != celast.SelectKind && !isIndex(p.expr) {
		return false
	}
	_, evaluated := b.state.Value(p.expr.ID())
	return evaluated || b.isPathLink(p)
}

func isIndex(e celast.Expr) bool {
	if e.Kind() != celast.CallKind {
		return false
	}
	switch e.AsCall().FunctionName() {
	case "_[_]", "_[?_]", "_?._":
		return true
	}
	return false
}

// place is where a node's span is in the expression, in characters.
func (plan *Plan) place(n *node) (from, to int) {
	return plan.toks[n.from].from, plan.toks[n.to].to
}

// part writes one part's place and value.
func (b *builder) part(n *node, parent int) Part {
	p := Part{At: b.toks[n.anchor(b.toks)].from, Parent: parent}
	p.From, p.To = b.place(n)
	v, evaluated := b.state.Value(n.expr.ID())
	switch {
	case n.each:
		p.State = StateEach
	case !evaluated:
		p.State = StateSkipped
	case types.IsError(v) || types.IsUnknown(v):
		err, _ := v.(*types.Err)
		switch {
		case err != nil && b.reading.Absent != nil && b.reading.Absent(v) && err.NodeID() == n.expr.ID():
			p.State = StateAbsent
			b.noteAbsent(n)
		default:
			p.State = StateError
			p.Error = b.message(v)
		}
		b.budget -= len(p.Error)
	default:
		p.State = StateValue
		p.Type = celjson.ResultType(b.native.GetType(n.expr.ID()), v)
		budget := &celjson.Budget{Left: min(MaxDisplayBytes, b.budget)}
		p.Display = celjson.DisplayWithin(v, budget)
		p.Cut = budget.Over()
		if p.Cut {
			p.Display = cutRunes(p.Display, min(MaxDisplayBytes, b.budget))
		}
		b.budget -= len(p.Display) + len(p.Type)
	}
	return p
}

// message is an error's text as the dialect words it.
func (b *builder) message(v ref.Val) string {
	err, ok := v.(*types.Err)
	if !ok {
		return fmt.Sprint(v)
	}
	if b.reading.Message != nil {
		if msg := b.reading.Message(err); msg != "" {
			return msg
		}
	}
	return err.Error()
}

// noteAbsent lists an absent field once, as the expression writes it: in
// has(a.b) the field absent is a, has() itself only tests.
func (b *builder) noteAbsent(n *node) {
	if n.expr.Kind() == celast.SelectKind && n.expr.AsSelect().IsTestOnly() && len(n.children) == 1 {
		n = n.children[0]
	}
	from, to := b.place(n)
	field := string(b.text[from:to])
	for _, f := range b.absent {
		if f == field {
			return
		}
	}
	b.absent = append(b.absent, field)
}

// cutRunes shortens s to at most n bytes without splitting a character.
func cutRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// decide marks the parts that made part i's boolean value what it is.
func (b *builder) decide(i int) {
	p := &b.parts[i]
	if p.State != StateValue || p.Type != "bool" {
		return
	}
	want := p.Display == "true"
	n := b.nodes[i]
	var next []int
	if n.expr.Kind() == celast.CallKind {
		ops := b.operands(n)
		switch n.expr.AsCall().FunctionName() {
		case "_&&_", "_||_":
			and := n.expr.AsCall().FunctionName() == "_&&_"
			for _, o := range ops {
				if o < 0 {
					continue
				}
				q := b.parts[o]
				if q.State != StateValue || q.Type != "bool" {
					continue
				}
				// An && is false by its false operands, an || true by its
				// true ones; otherwise every operand made it.
				if (q.Display == "true") == want || and == want {
					next = append(next, o)
				}
			}
		case "!_":
			next = ops
		case "_?_:_":
			if len(ops) == 3 && ops[0] >= 0 {
				if cond := b.parts[ops[0]]; cond.State == StateValue {
					next = ops[2:3]
					if cond.Display == "true" {
						next = ops[1:2]
					}
				}
			}
		}
		next = slices.DeleteFunc(next, func(o int) bool { return o < 0 })
	}
	if len(next) == 0 {
		if i > 0 {
			p.Decided = true
		}
		return
	}
	for _, o := range next {
		b.decide(o)
	}
}

// operands are the parts of a node's operands, in order: -1 for one that
// is no part (a literal).
func (b *builder) operands(n *node) []int {
	out := make([]int, len(n.children))
	for k, c := range n.children {
		out[k] = -1
		if i, ok := b.byID[c.expr.ID()]; ok {
			out[k] = i
		}
	}
	return out
}

// summary says in a sentence why the expression gave its answer.
func (b *builder) summary() string {
	var s strings.Builder
	if len(b.parts) > 0 && b.parts[0].Type == "bool" && b.parts[0].State == StateValue {
		var why []string
		for i, p := range b.parts {
			if p.Decided {
				why = append(why, fmt.Sprintf("%s is %s", b.quote(i), p.Display))
			}
		}
		if len(why) > 0 {
			s.WriteString(b.parts[0].Display + " because " + joinAnd(atMost(why, "more are "+b.parts[0].Display)))
			if b.truncated { // what decided it past the parts kept goes uncounted
				fmt.Fprintf(&s, ", among the first %d parts", len(b.parts))
			}
		}
	}
	if len(b.absent) > 0 {
		if s.Len() > 0 {
			s.WriteString("; it ")
		} else {
			s.WriteString("It ")
		}
		quoted := make([]string, len(b.absent))
		for i, f := range b.absent {
			quoted[i] = "`" + shorten(f) + "`"
		}
		s.WriteString("depends on " + joinAnd(atMost(quoted, "more")) + ", absent in this payload")
	}
	return s.String()
}

// mostNamed bounds the parts a summary names: an || of 200 false
// operands is said in a line, not in 200.
const mostNamed = 4

// atMost keeps the first mostNamed items and counts the rest: "and 12
// more are false".
func atMost(items []string, rest string) []string {
	if len(items) <= mostNamed {
		return items
	}
	return append(items[:mostNamed-1:mostNamed-1], fmt.Sprintf("%d %s", len(items)-mostNamed+1, rest))
}

// quote writes part i's text in backquotes, shortened where long.
func (b *builder) quote(i int) string {
	p := b.parts[i]
	return "`" + shorten(string(b.text[p.From:p.To])) + "`"
}

func shorten(s string) string {
	const most = 60
	if strings.ContainsAny(s, "\n\t\r") || strings.Contains(s, "  ") {
		s = strings.Join(strings.Fields(s), " ")
	}
	if utf8.RuneCountInString(s) > most {
		return string([]rune(s)[:most-1]) + "…"
	}
	return s
}

func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// Condition is one operand of an expression's top-level chain of &&: a
// condition a filter needs to be true.
type Condition struct {
	From int    `json:"from"`
	To   int    `json:"to"`
	Text string `json:"text"`
	id   int64
}

// Chain lists the conditions of an expression whose top is a chain of &&
// (a && b && (c || d) has three), in the order they are written; nil for
// any other expression.
func (plan *Plan) Chain() []Condition {
	if !isAnd(plan.root.expr) {
		return nil
	}
	var out []Condition
	var walk func(n *node)
	walk = func(n *node) {
		if isAnd(n.expr) {
			for _, c := range n.children {
				walk(c)
			}
			return
		}
		c := Condition{id: n.expr.ID()}
		if n.from >= 0 {
			c.From, c.To = plan.place(n)
			c.Text = string(plan.text[c.From:c.To])
		}
		out = append(out, c)
	}
	walk(plan.root)
	return out
}

// IsChain tells a checked expression whose top is a chain of &&: one
// whose Plan has a Chain, told without preparing a Plan.
func IsChain(checked *cel.Ast) bool {
	return isAnd(checked.NativeRep().Expr())
}

func isAnd(e celast.Expr) bool {
	return e.Kind() == celast.CallKind && e.AsCall().FunctionName() == "_&&_"
}

// FirstFalse is the index of the first condition an evaluation found
// false, the one that stopped it; -1 if none was.
func FirstFalse(conds []Condition, state interpreter.EvalState) int {
	for i, c := range conds {
		if v, ok := state.Value(c.id); ok && v == types.False {
			return i
		}
	}
	return -1
}
