package explain

import (
	"strings"

	celast "cel.dev/cel-go/common/ast"
)

// node is one node of a checked expression, with its span in tokens.
type node struct {
	expr     celast.Expr
	parent   *node
	children []*node
	own      int // the token cel-go places it at; -1 when it has none
	from, to int // the first and last token of its span
	// synthetic marks a node a macro made (a comprehension's accumulator,
	// its loop condition): it has no text of its own.
	synthetic bool
	// each marks a node inside a comprehension's loop, evaluated once per
	// element: its recorded value is only the last element's.
	each bool
}

// tree builds the nodes of a checked expression and works out their
// spans; it also counts them.
func tree(native *celast.AST, toks []token) (*node, int) {
	info := native.SourceInfo()
	match := brackets(toks)
	count := 0
	var build func(e celast.Expr, parent *node, each bool) *node
	build = func(e celast.Expr, parent *node, each bool) *node {
		count++
		n := &node{expr: e, parent: parent, own: -1, each: each}
		if r, ok := info.GetOffsetRange(e.ID()); ok {
			n.own = tokenAt(toks, int(r.Start))
		}
		// A macro's expansion places its own nodes where the macro's
		// call is: at the token of the nearest real node above them.
		if real := parent.real(); real != nil && n.own == real.own {
			n.synthetic = true
		}
		for _, c := range children(e) {
			n.children = append(n.children, build(c.expr, n, each || c.each))
		}
		n.span(toks, match)
		return n
	}
	root := build(native.Expr(), nil, false)
	return root, count
}

// real is the nearest node at or above n that is not synthetic.
func (n *node) real() *node {
	for n != nil && n.synthetic {
		n = n.parent
	}
	return n
}

// child is a node's operand, and whether it runs once per element.
type child struct {
	expr celast.Expr
	each bool
}

// children are a node's operands in the order they are written.
func children(e celast.Expr) []child {
	var out []child
	add := func(each bool, es ...celast.Expr) {
		for _, c := range es {
			if c != nil && c.Kind() != celast.UnspecifiedExprKind {
				out = append(out, child{c, each})
			}
		}
	}
	switch e.Kind() {
	case celast.CallKind:
		call := e.AsCall()
		if call.IsMemberFunction() {
			add(false, call.Target())
		}
		add(false, call.Args()...)
	case celast.SelectKind:
		add(false, e.AsSelect().Operand())
	case celast.ListKind:
		add(false, e.AsList().Elements()...)
	case celast.MapKind:
		for _, entry := range e.AsMap().Entries() {
			m := entry.AsMapEntry()
			add(false, m.Key(), m.Value())
		}
	case celast.StructKind:
		for _, f := range e.AsStruct().Fields() {
			add(false, f.AsStructField().Value())
		}
	case celast.ComprehensionKind:
		c := e.AsComprehension()
		add(false, c.IterRange(), c.AccuInit())
		add(true, c.LoopCondition(), c.LoopStep())
		add(false, c.Result())
	}
	return out
}

// span works out a node's first and last token: its own token and its
// children's spans, the name of a call or field around them, and the
// brackets they leave open.
func (n *node) span(toks []token, match []int) {
	n.from, n.to = n.own, n.own
	for _, c := range n.children {
		if c.from < 0 {
			continue
		}
		if n.from < 0 || c.from < n.from {
			n.from = c.from
		}
		n.to = max(n.to, c.to)
	}
	if n.own < 0 || n.synthetic {
		return
	}
	own := toks[n.own]
	switch {
	case own.kind == tokPunct && own.text == '.':
		// A field: a.b, a.?b, or a qualified name cel-go resolved whole.
		field := n.own + 1
		if field < len(toks) && toks[field].text == '?' {
			field++
		}
		n.to = max(n.to, min(field, len(toks)-1))
		if n.expr.Kind() == celast.IdentKind {
			n.from = max(0, n.own-2*strings.Count(n.expr.AsIdent(), ".")+1)
		}
	case own.kind == tokPunct && n.from == n.own && (own.text == '(' || own.text == '{' && n.expr.Kind() == celast.StructKind):
		// A global call, a macro such as has(), or a message: its name is
		// before it, perhaps qualified (math.greatest, morf.now).
		for i := n.own - 1; i >= 0 && toks[i].kind == tokIdent; i -= 2 {
			n.from = i
			if i == 0 || toks[i-1].text != '.' || toks[i-1].kind != tokPunct {
				break
			}
		}
	}
	// Brackets opened or closed inside the span are closed or opened
	// inside it too.
	for changed := true; changed; {
		changed = false
		for i := n.from; i <= n.to; i++ {
			if m := match[i]; m > n.to {
				n.to, changed = m, true
			} else if m >= 0 && m < n.from {
				n.from, changed = m, true
			}
		}
	}
}

// anchor is the token a part's value is written under: a call's name, a
// field's name, an operator's first character.
func (n *node) anchor(toks []token) int {
	if n.own < 0 {
		return n.from
	}
	switch t := toks[n.own]; {
	case t.kind == tokPunct && t.text == '(' && n.own > 0 && toks[n.own-1].kind == tokIdent:
		return n.own - 1
	case t.kind == tokPunct && t.text == '.' && n.expr.Kind() != celast.IdentKind:
		for i := n.own + 1; i < len(toks) && i <= n.own+2; i++ {
			if toks[i].kind == tokIdent {
				return i
			}
		}
	}
	return n.own
}
