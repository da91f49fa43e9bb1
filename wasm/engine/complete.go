package engine

import (
	"encoding/json"
	"sort"
	"strings"
	"time"
	"unicode"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/traits"

	"fieldbook/schemas"
	"fieldbook/wasm/celjson"
	"fieldbook/wasm/dialect/morf"
	"fieldbook/wasm/lazyregexp"
	"fieldbook/wasm/names"
)

// Complete lists what may be typed at an offset of an expression: after a
// dot, the fields and member functions of the operand's type (inside
// members.map(x, x. the member's fields); elsewhere the variables, the
// comprehension variables in scope, functions, macros, enum constants and
// literals.
func (e *Engine) Complete(req CompleteRequest) CompleteResponse {
	p, diag := e.prepare(preparation{schema: req.Schema, key: req.Key, results: req.Results, someResults: true, dialect: req.Dialect, payload: req.Payload, env: true})
	runes := []rune(req.Expression)
	offset := min(max(req.Offset, 0), len(runes))
	start := offset
	for start > 0 && isIdentRune(runes[start-1]) {
		start--
	}
	resp := CompleteResponse{Items: []CompletionItem{}, From: start, To: offset}
	if diag != nil || len(runes) > e.limits.MaxExpressionLength {
		return resp
	}
	env := p.env
	word := strings.ToLower(string(runes[start:offset]))
	items := e.candidates(env, runes, start)
	if req.Schema == "" && start > 0 && runes[start-1] == '.' {
		items = append(e.mapKeyItems(env, runes, start, req.Payload), items...)
	}
	for _, it := range items {
		if strings.HasPrefix(strings.ToLower(it.Label), word) {
			resp.Items = append(resp.Items, it)
		}
	}
	return resp
}

// maxKeyItems bounds the map keys completion offers.
const maxKeyItems = 200

// mapKeyItems offers, after "m." where m is a map of a payload without a
// schema, the keys m has in that payload: an identifier as a field, and
// any other key as the index that reaches it (m["First Name"] in place of
// m.). The operand is evaluated over the payload; one inside a macro, whose
// variables have no value here, is not.
func (e *Engine) mapKeyItems(env *celEnv, runes []rune, start int, payload string) []CompletionItem {
	dot := start - 1
	operand := strings.TrimSpace(string(runes[operandStart(runes, dot):dot]))
	if operand == "" || strings.TrimSpace(payload) == "" || len(scopeAt(runes[:start])) > 0 {
		return nil
	}
	c := e.compile(env, operand, e.limits.CostLimit)
	if c.diags != nil {
		return nil
	}
	t := c.ast.OutputType()
	if t.Kind() != types.MapKind || len(t.Parameters()) != 2 {
		return nil
	}
	p := e.readPayload(nil, payload)
	if p.err != nil {
		return nil
	}
	out, _, err := e.run(c.prg, activation(p.top(env.dialect), nil, clockFunctions(time.Now())))
	m, ok := out.(traits.Mapper)
	if err != nil || !ok {
		return nil
	}
	var keys []string
	for it := m.Iterator(); it.HasNext() == types.True; {
		if k, ok := it.Next().(types.String); ok {
			keys = append(keys, string(k))
		}
	}
	sort.Strings(keys)
	valueType := celjson.TypeName(t.Parameters()[1])
	var items []CompletionItem
	for _, k := range keys[:min(len(keys), maxKeyItems)] {
		it := CompletionItem{Label: k, Kind: "field", Type: valueType, Detail: "a key of " + operand + " in this payload"}
		if !schemas.IsIdentifier(k) {
			q, _ := json.Marshal(k)
			it.Insert, it.At = "["+string(q)+"]", &dot
		}
		items = append(items, it)
	}
	return items
}

// candidates lists every item that fits at start, before filtering by the
// word typed so far.
func (e *Engine) candidates(env *celEnv, runes []rune, start int) []CompletionItem {
	scope := scopeAt(runes[:start])
	if start > 0 && runes[start-1] == '.' {
		opStart := operandStart(runes, start-1)
		operand := strings.TrimSpace(string(runes[opStart : start-1]))
		if operand == "" {
			return nil
		}
		if t := e.typeOf(env, operand, scope); t != nil {
			return e.memberItems(env, t)
		}
		return namespaceItems(env, strings.TrimPrefix(operand, "."))
	}
	var items []CompletionItem
	for _, b := range scope {
		if t := e.bindingType(env, scope, b); t != nil {
			items = append(items, CompletionItem{Label: b.name, Kind: "variable", Type: celjson.TypeName(t), Detail: "bound by " + b.macro + "()"})
		}
	}
	items = append(items, variableItems(env)...)
	items = append(items, globalItems(env)...)
	for _, kw := range []string{"true", "false", "null"} {
		items = append(items, CompletionItem{Label: kw, Kind: "keyword"})
	}
	return items
}

// variableItems are the top-level fields, in the schema's order.
func variableItems(env *celEnv) []CompletionItem {
	var items []CompletionItem
	for _, p := range env.schema.Root.Properties {
		if n, ok := env.vars[p.Name]; ok {
			items = append(items, CompletionItem{Label: p.Name, Kind: "variable", Type: celjson.TypeName(env.objects.celType(n)), Detail: describe(n)})
		}
	}
	if env.events != nil {
		items = append(items, CompletionItem{Label: morf.EventTypeVariable, Kind: "variable", Type: "string", Detail: morf.EventTypeNote})
	}
	return items
}

// globalItems are the functions and macros called without a receiver, and
// the enum constants.
func globalItems(env *celEnv) []CompletionItem {
	var items []CompletionItem
	for _, m := range env.env.Macros() {
		if !m.IsReceiverStyle() {
			items = append(items, CompletionItem{Label: m.Function(), Kind: "macro", Detail: macroDetail(m)})
		}
	}
	for name, fn := range env.env.Functions() {
		if !isCallableName(name) || unbounded[name] {
			continue
		}
		var sigs []string
		var result string
		for _, o := range fn.OverloadDecls() {
			if o.IsMemberFunction() {
				continue
			}
			sigs = append(sigs, signature(name, o.ArgTypes(), o.ResultType(), false))
			result = celjson.TypeName(o.ResultType())
		}
		if len(sigs) > 0 {
			items = append(items, CompletionItem{Label: name, Kind: "function", Type: result, Detail: functionDetail(sigs, fn.Description())})
		}
	}
	for _, c := range env.constants {
		items = append(items, CompletionItem{Label: c, Kind: "constant", Type: "string"})
	}
	sortItems(items)
	return items
}

// memberItems are what may follow a dot after a value of type t: its
// fields, then the member functions and macros that take it.
func (e *Engine) memberItems(env *celEnv, t *types.Type) []CompletionItem {
	var items []CompletionItem
	if t.Kind() == types.OpaqueKind && t.TypeName() == "optional_type" && len(t.Parameters()) == 1 {
		t = t.Parameters()[0]
	}
	if ot, ok := env.objects.byName[t.TypeName()]; ok && t.Kind() == types.StructKind {
		for _, p := range ot.node.Properties {
			ft := ot.fields[p.Name]
			items = append(items, CompletionItem{Label: p.Name, Kind: "field", Type: celjson.TypeName(ft.Type), Detail: describe(p.Node)})
		}
	}
	var calls []CompletionItem
	for _, m := range env.env.Macros() {
		if m.IsReceiverStyle() && macroApplies(m.Function(), t) {
			calls = append(calls, CompletionItem{Label: m.Function(), Kind: "macro", Detail: macroDetail(m)})
		}
	}
	for name, fn := range env.env.Functions() {
		if !isCallableName(name) {
			continue
		}
		var sigs []string
		var result string
		for _, o := range fn.OverloadDecls() {
			args := o.ArgTypes()
			if !o.IsMemberFunction() || len(args) == 0 || !args[0].IsAssignableType(t) {
				continue
			}
			sigs = append(sigs, signature(name, args, o.ResultType(), true))
			result = celjson.TypeName(o.ResultType())
		}
		if len(sigs) > 0 {
			calls = append(calls, CompletionItem{Label: name, Kind: "function", Type: result, Detail: functionDetail(sigs, fn.Description())})
		}
	}
	sortItems(calls)
	return append(items, calls...)
}

// namespaceItems complete a qualified name: after "elation.v1.AppointmentStatus."
// the status constants, after "math." the math functions.
func namespaceItems(env *celEnv, prefix string) []CompletionItem {
	prefix += "."
	seen := map[string]bool{}
	var items []CompletionItem
	add := func(full, kind, typ string) {
		rest, ok := strings.CutPrefix(full, prefix)
		if !ok || rest == "" {
			return
		}
		if i := strings.IndexByte(rest, '.'); i >= 0 {
			rest, kind, typ = rest[:i], "namespace", ""
		}
		if !seen[rest] {
			seen[rest] = true
			items = append(items, CompletionItem{Label: rest, Kind: kind, Type: typ})
		}
	}
	for _, c := range env.constants {
		add(c, "constant", "string")
	}
	for name := range env.env.Functions() {
		if isCallableName(name) {
			add(name, "function", "")
		}
	}
	for _, m := range env.env.Macros() {
		add(m.Function(), "macro", "")
	}
	sortItems(items)
	return items
}

// typeOf checks an operand in the environment, with the comprehension
// variables in scope declared; nil when it does not check.
func (e *Engine) typeOf(env *celEnv, operand string, scope []binding) *types.Type {
	scoped := env.env
	if len(scope) > 0 {
		var opts []cel.EnvOption
		for _, b := range scope {
			if t := e.bindingType(env, scope, b); t != nil {
				opts = append(opts, cel.Variable(b.name, t))
			}
		}
		var err error
		if scoped, err = env.env.Extend(opts...); err != nil {
			return nil
		}
	}
	ast, iss := scoped.Compile(operand)
	if iss != nil && iss.Err() != nil {
		return nil
	}
	return ast.OutputType()
}

// bindingType types a comprehension variable from its range: the element
// of a list, the key of a map; the index (int) or key, then the value, for
// the two-variable forms; the value for cel.bind.
func (e *Engine) bindingType(env *celEnv, scope []binding, b binding) *types.Type {
	var outer []binding
	for _, o := range scope {
		if o.at < b.at {
			outer = append(outer, o)
		}
	}
	r := e.typeOf(env, b.rangeExpr, outer)
	if r == nil {
		return nil
	}
	if b.macro == "bind" {
		return r
	}
	params := r.Parameters()
	switch {
	case r.Kind() == types.ListKind && len(params) == 1:
		if b.second == 1 {
			return cel.IntType
		}
		return params[0]
	case r.Kind() == types.MapKind && len(params) == 2:
		if b.second == 2 {
			return params[1]
		}
		return params[0]
	}
	return cel.DynType
}

// binding is a variable a macro binds around the offset.
type binding struct {
	name      string
	macro     string
	rangeExpr string // the list or map iterated, or cel.bind's value
	second    int    // 0: a one-variable macro; 1: the first of two; 2: the second of two
	at        int    // where the macro's "(" is
}

// iterMacros bind one variable, or two in their two-variable forms.
var iterMacros = map[string]bool{
	"all": true, "exists": true, "exists_one": true, "existsOne": true, "map": true, "filter": true,
	"transformList": true, "transformMap": true, "transformMapEntry": true, "sortBy": true,
}

// scopeAt finds the comprehension variables bound at the end of text: each
// macro call still open there, whose variable arguments are written.
func scopeAt(text []rune) []binding {
	type frame struct {
		at     int
		macro  string
		rng    string
		commas []int
	}
	var stack []frame
	inString := rune(0)
	for i := 0; i < len(text); i++ {
		c := text[i]
		if inString != 0 {
			if c == '\\' {
				i++
			} else if c == inString {
				inString = 0
			}
			continue
		}
		switch c {
		case '"', '\'':
			inString = c
		case '(', '[', '{':
			f := frame{at: i}
			if c == '(' {
				nameStart := i
				for nameStart > 0 && isIdentRune(text[nameStart-1]) {
					nameStart--
				}
				name := string(text[nameStart:i])
				switch {
				case name == "bind" && nameStart >= 4 && string(text[nameStart-4:nameStart]) == "cel.":
					f.macro = "bind"
				case iterMacros[name] && nameStart > 0 && text[nameStart-1] == '.':
					f.macro = name
					f.rng = string(text[operandStart(text, nameStart-1) : nameStart-1])
				}
			}
			stack = append(stack, f)
		case ')', ']', '}':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case ',':
			if len(stack) > 0 {
				top := &stack[len(stack)-1]
				top.commas = append(top.commas, i)
			}
		}
	}
	var out []binding
	for _, f := range stack {
		if f.macro == "" || len(f.commas) == 0 {
			continue
		}
		args := splitAt(text, f.at+1, f.commas)
		first := strings.TrimSpace(args[0])
		if !schemas.IsIdentifier(first) {
			continue
		}
		if f.macro == "bind" {
			if len(args) >= 3 {
				out = append(out, binding{name: first, macro: "bind", rangeExpr: strings.TrimSpace(args[1]), at: f.at})
			}
			continue
		}
		second := strings.TrimSpace(args[1])
		if len(args) >= 3 && schemas.IsIdentifier(second) && f.macro != "sortBy" {
			out = append(out,
				binding{name: first, macro: f.macro, rangeExpr: f.rng, second: 1, at: f.at},
				binding{name: second, macro: f.macro, rangeExpr: f.rng, second: 2, at: f.at})
			continue
		}
		out = append(out, binding{name: first, macro: f.macro, rangeExpr: f.rng, at: f.at})
	}
	return out
}

// splitAt cuts text from start at the given comma positions.
func splitAt(text []rune, start int, commas []int) []string {
	var out []string
	for _, c := range commas {
		out = append(out, string(text[start:c]))
		start = c + 1
	}
	return append(out, string(text[start:]))
}

// operandStart walks back from end over the operand of a member access:
// identifiers joined by dots (or .?), calls, indexes and a string literal.
func operandStart(r []rune, end int) int {
	i := end
	for {
		j := i
		for j > 0 && isIdentRune(r[j-1]) {
			j--
		}
		if j == i {
			if i == 0 {
				return i
			}
			switch r[i-1] {
			case ')', ']':
				open := matchOpen(r, i-1)
				if open < 0 {
					return i
				}
				i = open
				continue
			case '"', '\'':
				q := r[i-1]
				k := i - 2
				for k >= 0 && (r[k] != q || (k > 0 && r[k-1] == '\\')) {
					k--
				}
				if k < 0 {
					return i
				}
				return k
			}
			return i
		}
		i = j
		if i >= 1 && r[i-1] == '.' {
			i--
			continue
		}
		if i >= 2 && r[i-1] == '?' && r[i-2] == '.' {
			i -= 2
			continue
		}
		return i
	}
}

// matchOpen finds the bracket that the one at close closes.
func matchOpen(r []rune, close int) int {
	depth := 0
	for i := close; i >= 0; i-- {
		switch r[i] {
		case ')', ']', '}':
			depth++
		case '(', '[', '{':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

func isIdentRune(r rune) bool {
	return r == '_' || r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// functionDetail is what completion and hover say of a function: its
// signatures, then its description, from its declaration.
func functionDetail(sigs []string, description string) string {
	d := strings.Join(sigs, "\n")
	if description != "" {
		d += "\n" + description
	}
	return d
}

// macroDetails say how the common macros are written.
var macroDetails = map[string]string{
	"has":               "has(a.b): whether field b is present",
	"all":               "list.all(x, predicate) or all(k, v, predicate): every element satisfies it",
	"exists":            "list.exists(x, predicate): some element satisfies it",
	"exists_one":        "list.exists_one(x, predicate): exactly one element does",
	"existsOne":         "list.existsOne(x, predicate): exactly one element does",
	"map":               "list.map(x, expr) or list.map(x, filter, expr): each element transformed",
	"filter":            "list.filter(x, predicate): the elements that satisfy it",
	"transformList":     "transformList(i, v, expr): a list from each index and value",
	"transformMap":      "transformMap(k, v, expr): a map with each value transformed",
	"transformMapEntry": "transformMapEntry(k, v, {key: value}): a map from new entries",
	"sortBy":            "list.sortBy(x, key): sorted by a key expression",
	"bind":              "cel.bind(name, value, expr): name value within expr",
	"optMap":            "opt.optMap(x, expr): transform the value if present",
	"optFlatMap":        "opt.optFlatMap(x, expr): chain optional values",
}

func macroDetail(m cel.Macro) string {
	if d, ok := macroDetails[m.Function()]; ok {
		return d
	}
	return m.Function() + ": macro"
}

// macroApplies offers the receiver macros on the types they iterate.
func macroApplies(name string, t *types.Type) bool {
	switch name {
	case "optMap", "optFlatMap":
		return t.Kind() == types.OpaqueKind && t.TypeName() == "optional_type"
	case "transformMap", "transformMapEntry":
		return t.Kind() == types.MapKind || t.Kind() == types.DynKind
	case "sortBy":
		return t.Kind() == types.ListKind || t.Kind() == types.DynKind
	}
	return t.Kind() == types.ListKind || t.Kind() == types.MapKind || t.Kind() == types.DynKind
}

var kindOrder = map[string]int{"field": 0, "variable": 1, "macro": 2, "function": 3, "namespace": 4, "constant": 5, "keyword": 6}

func sortItems(items []CompletionItem) {
	sort.SliceStable(items, func(i, j int) bool {
		if kindOrder[items[i].Kind] != kindOrder[items[j].Kind] {
			return kindOrder[items[i].Kind] < kindOrder[items[j].Kind]
		}
		return items[i].Label < items[j].Label
	})
}

// The check errors that name a field or a variable, compiled on first use.
var (
	undefinedField = lazyregexp.New(`undefined field '([^']+)'`)
	undeclaredRef  = lazyregexp.New(`undeclared reference to '([^']+)'`)
)

// suggest finds the name a check error most likely meant: the closest
// field of the operand's type, or the closest name in scope.
func (e *Engine) suggest(env *celEnv, expr, msg string, line, col int) string {
	runes := []rune(expr)
	at := offsetOf(runes, line, col)
	var wrong string
	var items []CompletionItem
	if strings.Contains(msg, "did you mean") {
		return "" // cel-go suggested one already
	}
	if m := undefinedField.FindStringSubmatch(msg); m != nil {
		wrong = m[1]
		dot := nearestMember(runes, wrong, at)
		if dot < 0 {
			return ""
		}
		items = e.candidates(env, runes, dot+1)
	} else if m := undeclaredRef.FindStringSubmatch(msg); m != nil {
		wrong = m[1]
		items = e.candidates(env, runes, min(at, len(runes)))
	} else {
		return ""
	}
	best, bestDist := "", len(wrong)/3+2
	for _, it := range items {
		if it.Kind == "function" || it.Kind == "macro" && wrong == "" {
			continue
		}
		if d := names.Distance(strings.ToLower(wrong), strings.ToLower(it.Label)); d < bestDist {
			best, bestDist = it.Label, d
		}
	}
	if best == "" {
		return ""
	}
	return "'" + best + "'"
}

// nearestMember finds the '.' before name nearest to offset at.
func nearestMember(r []rune, name string, at int) int {
	best, bestDist := -1, len(r)+1
	for i := 0; i < len(r); i++ {
		if r[i] != '.' {
			continue
		}
		j := i + 1
		if j < len(r) && r[j] == '?' {
			j++
		}
		if strings.HasPrefix(string(r[j:]), name) && (j+len([]rune(name)) == len(r) || !isIdentRune(r[j+len([]rune(name))])) {
			if d := abs(i - at); d < bestDist {
				best, bestDist = j-1, d
			}
		}
	}
	return best
}

func offsetOf(r []rune, line, col int) int {
	l := 1
	for i, c := range r {
		if l == line {
			return min(i+col-1, len(r))
		}
		if c == '\n' {
			l++
		}
	}
	return len(r)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// describe is a field's description, written beside its $ref or at its target.
func describe(n *schemas.Node) string {
	if n.Description != "" {
		return n.Description
	}
	return n.Resolved().Description
}
