package engine

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common"
	"cel.dev/cel-go/common/decls"

	"fieldbook/wasm/celjson"
	"fieldbook/wasm/dialect/morf"
)

// The reference lists what a dialect's environment offers, for the site's
// dialect pages. It reads the same declarations completion and hover read:
// names, signatures, descriptions and examples come from the environment,
// and only what a declaration leaves out (most of cel-go's extensions carry
// no description or example) comes from Fieldbook's tables below. Every
// example's value is computed by the engine, in the dialect.

// DialectReference is everything a dialect's environment offers, grouped.
type DialectReference struct {
	Dialect  Dialect
	Now      string // the clock now() and morf.now() read in the examples
	Sections []ReferenceSection
}

// ReferenceSection is a group of entries: Morf's functions, CEL's standard
// library, cel-go's extensions, the macros, the operators.
type ReferenceSection struct {
	ID      string // "morf", "absent", "standard", "fieldbook", "extensions", "macros", "operators"
	Title   string
	Intro   string
	Entries []ReferenceEntry
}

// ReferenceEntry is one function, macro or operator.
type ReferenceEntry struct {
	Kind        string   // "function", "macro" or "operator"
	Name        string   // as declared: "isAfter", "_+_", "least"
	Written     string   // as a reader writes it: "isAfter", "a + b", "math.least"
	Anchor      string   // its id on the page: "fn-isAfter", "op-add", "macro-math.least"
	Signatures  []string // "string.contains(string) -> bool", "int + int -> int"
	Description string   // one line
	// Note is what the declaration adds after its description: for Morf's
	// functions, that their signatures are read from Morf's examples.
	Note         string
	Example      string
	ExampleValue string // the value, as CEL writes it
	ExampleType  string
	ExampleError string // the error of an example that shows one on purpose
	// OwnDescription and OwnExample say Fieldbook wrote them, because the
	// declaration has none (or, for the example, none that runs without a
	// payload).
	OwnDescription bool
	OwnExample     bool
	// InMorf says, in the morf dialect, where a function or macro stands in
	// Morf: shown in Morf's docs, CEL's standard library, or cel-go's and
	// not confirmed (morf.Status); "" for operators and in the cel dialect.
	InMorf string
}

// ReferenceClock is now() in the examples, so that a build gives the same
// pages whenever it runs.
const ReferenceClock = "2024-06-11T09:00:00Z"

// The entry kinds.
const (
	KindFunction = "function"
	KindMacro    = "macro"
	KindOperator = "operator"
)

// referenceSections are the sections in the order the pages list them; a
// dialect's page leaves out those it has nothing in.
var referenceSections = []ReferenceSection{
	{ID: "morf", Title: "Morf's functions",
		Intro: "Morf's workflow functions, which the morf dialect has on top of everything the cel dialect has."},
	{ID: "absent", Title: "Absent fields",
		Intro: "In Morf, a field missing from the payload and one sent as null are the same: absent. orValue and hasValue work on any field, present or absent; on cel-go's optional values they keep their optional meaning."},
	{ID: "standard", Title: "CEL's standard functions",
		Intro: "CEL's standard library, as cel-go declares it: the same in every CEL implementation."},
	{ID: "fieldbook", Title: "Fieldbook's functions",
		Intro: "Declared by Fieldbook in both dialects."},
	{ID: "extensions", Title: "cel-go's extensions",
		Intro: "The cel-go extension libraries Fieldbook turns on: strings, math, lists, sets, encoders, bindings, two-variable comprehensions and optional types."},
	{ID: "macros", Title: "Macros",
		Intro: "Macros are expanded when the expression is parsed. Their arguments are expressions (a variable to bind, a predicate) rather than values, so their forms are written with names instead of types; range is a list or a map."},
	{ID: "operators", Title: "Operators",
		Intro: "CEL's operators as they are written, with the overloads of each. a, b and c stand for the operands; single capital letters in signatures are type parameters."},
}

// Reference lists every function, macro and operator overload of a
// dialect's environment, each with its signatures, a description and an
// example evaluated by the engine. It fails when an entry has no
// description or no example that runs: a cel-go upgrade that adds a
// function must bring its documentation with it.
func (e *Engine) Reference(dialect string) (DialectReference, error) {
	i := slices.IndexFunc(Dialects, func(d Dialect) bool { return d.Name == dialect })
	if i < 0 {
		return DialectReference{}, fmt.Errorf("unknown dialect %q", dialect)
	}
	e.mu.Lock()
	base, err := e.baseEnv(dialect)
	e.mu.Unlock()
	if err != nil {
		return DialectReference{}, err
	}
	env := base.env
	entries, err := e.functionEntries(dialect, env)
	if err != nil {
		return DialectReference{}, err
	}
	if entries["operators"], err = e.operatorEntries(dialect, env); err != nil {
		return DialectReference{}, err
	}
	if entries["macros"], err = e.macroEntries(dialect, env); err != nil {
		return DialectReference{}, err
	}
	ref := DialectReference{Dialect: Dialects[i], Now: ReferenceClock}
	for _, s := range referenceSections {
		if s.Entries = entries[s.ID]; len(s.Entries) > 0 {
			ref.Sections = append(ref.Sections, s)
		}
	}
	return ref, nil
}

// functionEntries describe the environment's functions by section, each
// section in alphabetical order.
func (e *Engine) functionEntries(dialect string, env *cel.Env) (map[string][]ReferenceEntry, error) {
	origins, err := e.functionOrigins(dialect, env)
	if err != nil {
		return nil, err
	}
	entries := map[string][]ReferenceEntry{}
	for name, fn := range env.Functions() {
		section := origins[name]
		if section == "" || unbounded[name] {
			continue
		}
		entry, err := e.functionEntry(dialect, fn)
		if err != nil {
			return nil, err
		}
		entries[section] = append(entries[section], entry)
	}
	for section := range entries {
		slices.SortFunc(entries[section], byWritten)
	}
	return entries, nil
}

func byWritten(a, b ReferenceEntry) int {
	return cmp.Or(cmp.Compare(strings.ToLower(a.Written), strings.ToLower(b.Written)), cmp.Compare(a.Written, b.Written))
}

// functionOrigins sorts a dialect's functions into the sections: Morf's
// are those the morf environment has and the cel one has not; CEL's
// standard ones are those of a plain cel.NewEnv(). Operators and internal
// names get no section.
func (e *Engine) functionOrigins(dialect string, env *cel.Env) (map[string]string, error) {
	celBase, err := e.baseEnv(DialectCEL)
	if err != nil {
		return nil, err
	}
	std, err := cel.NewEnv()
	if err != nil {
		return nil, err
	}
	absent, err := cel.NewEnv(morf.AbsentFunctions()...)
	if err != nil {
		return nil, err
	}
	origins := map[string]string{}
	for name := range env.Functions() {
		switch {
		case isInternal(name) || operatorByName(name) != nil:
		case !isCallableName(name):
			return nil, fmt.Errorf("%s: the operator %q has no written form in the reference's operator table", dialect, name)
		case dialect == DialectMorf && absent.Functions()[name] != nil && std.Functions()[name] == nil:
			origins[name] = "absent"
		case celBase.env.Functions()[name] == nil:
			origins[name] = "morf"
		case std.Functions()[name] != nil:
			origins[name] = "standard"
		case slices.Contains(fieldbookFunctions, name):
			origins[name] = "fieldbook"
		default:
			origins[name] = "extensions"
		}
	}
	return origins, nil
}

// fieldbookFunctions are the functions Fieldbook declares for both
// dialects (baseOptions): neither CEL's standard library nor cel-go's.
var fieldbookFunctions = []string{"now"}

// legacyNames are old names of the in operator, declared for expressions
// parsed by old parsers; today's parser writes a in b as @in, and neither
// name can be written.
var legacyNames = []string{"in", "_in_"}

// isInternal tells the names no one writes: the checker's and the
// optimiser's helpers (@not_strictly_false, cel.@block, math.@max behind
// math.greatest) and the legacy names of in.
func isInternal(name string) bool {
	if operatorByName(name) != nil {
		return false // @in is the in operator
	}
	return strings.HasPrefix(name, "@") || strings.HasPrefix(name, "__") || strings.Contains(name, ".@") ||
		slices.Contains(legacyNames, name)
}

// functionEntry describes a function from its declaration.
func (e *Engine) functionEntry(dialect string, fn *decls.FunctionDecl) (ReferenceEntry, error) {
	name := fn.Name()
	entry := ReferenceEntry{Kind: KindFunction, Name: name, Written: name, Anchor: "fn-" + name}
	if dialect == DialectMorf {
		entry.InMorf = morf.Status(name)
	}
	var examples []string
	for _, o := range fn.OverloadDecls() {
		sig := signature(name, o.ArgTypes(), o.ResultType(), o.IsMemberFunction())
		if !slices.Contains(entry.Signatures, sig) {
			entry.Signatures = append(entry.Signatures, sig)
		}
		examples = append(examples, o.Examples()...)
	}
	return entry, e.document(dialect, &entry, fn.Description(), examples, functionDocs)
}

// operator is how an operator is written: its pattern takes the operands
// (as "a", "b", "c" or as their types) in order.
type operator struct {
	name    string // as declared: "_+_"
	pattern string // "%s + %s"
	slug    string // for its anchor: "add"
}

// operators are in the order the page lists them.
var operators = []operator{
	{"!_", "!%s", "not"},
	{"-_", "-%s", "negate"},
	{"_*_", "%s * %s", "multiply"},
	{"_/_", "%s / %s", "divide"},
	{"_%_", "%s %% %s", "modulo"},
	{"_+_", "%s + %s", "add"},
	{"_-_", "%s - %s", "subtract"},
	{"_==_", "%s == %s", "equals"},
	{"_!=_", "%s != %s", "not-equals"},
	{"_<_", "%s < %s", "less"},
	{"_<=_", "%s <= %s", "less-equals"},
	{"_>_", "%s > %s", "greater"},
	{"_>=_", "%s >= %s", "greater-equals"},
	{"@in", "%s in %s", "in"},
	{"_&&_", "%s && %s", "and"},
	{"_||_", "%s || %s", "or"},
	{"_?_:_", "%s ? %s : %s", "conditional"},
	{"_[_]", "%s[%s]", "index"},
	{"_[?_]", "%s[?%s]", "optional-index"},
	{"_?._", "%s.?%s", "optional-select"},
}

func operatorByName(name string) *operator {
	i := slices.IndexFunc(operators, func(o operator) bool { return o.name == name })
	if i < 0 {
		return nil
	}
	return &operators[i]
}

// written fills an operator's pattern with its operands.
func (o operator) written(operands ...string) string {
	args := make([]any, len(operands))
	for i, a := range operands {
		args[i] = a
	}
	return fmt.Sprintf(o.pattern, args...)
}

// operatorEntries describe the environment's operators, in the table's
// order, with their overloads written as they are used: int + int -> int.
func (e *Engine) operatorEntries(dialect string, env *cel.Env) ([]ReferenceEntry, error) {
	var out []ReferenceEntry
	for _, op := range operators {
		fn := env.Functions()[op.name]
		if fn == nil {
			continue
		}
		operands := []string{"a", "b", "c"}[:strings.Count(op.pattern, "%s")]
		entry := ReferenceEntry{Kind: KindOperator, Name: op.name, Written: op.written(operands...), Anchor: "op-" + op.slug}
		var examples []string
		for _, o := range fn.OverloadDecls() {
			types := make([]string, len(o.ArgTypes()))
			for i, t := range o.ArgTypes() {
				types[i] = celjson.TypeName(t)
			}
			sig := op.written(types...) + " -> " + celjson.TypeName(o.ResultType())
			if !slices.Contains(entry.Signatures, sig) {
				entry.Signatures = append(entry.Signatures, sig)
			}
			examples = append(examples, o.Examples()...)
		}
		if err := e.document(dialect, &entry, fn.Description(), examples, functionDocs); err != nil {
			return nil, err
		}
		out = append(out, entry)
	}
	return out, nil
}

// macroNamespaces are the receivers of the macros called on a namespace
// (math.least, cel.bind): cel-go declares them by the bare name.
var macroNamespaces = map[string]string{"least": "math", "greatest": "math", "bind": "cel"}

// macroEntries describe the environment's macros, one entry per name with
// a form per arity.
func (e *Engine) macroEntries(dialect string, env *cel.Env) ([]ReferenceEntry, error) {
	byName := map[string]*ReferenceEntry{}
	descriptions := map[string]string{}
	examples := map[string][]string{}
	for _, m := range env.Macros() {
		name := m.Function()
		entry := byName[name]
		if entry == nil {
			written := name
			if ns := macroNamespaces[name]; ns != "" {
				written = ns + "." + name
			}
			entry = &ReferenceEntry{Kind: KindMacro, Name: name, Written: written, Anchor: "macro-" + written}
			if dialect == DialectMorf {
				entry.InMorf = morf.Status(name)
			}
			byName[name] = entry
		}
		form, ok := macroForms[m.MacroKey()]
		if !ok {
			return nil, fmt.Errorf("%s: the macro %s has no form in the reference's table", dialect, m.MacroKey())
		}
		entry.Signatures = append(entry.Signatures, form)
		if doc, ok := m.(common.Documentor); ok {
			d := doc.Documentation()
			if descriptions[name] == "" {
				descriptions[name] = d.Description
			}
			for _, ex := range d.Children {
				examples[name] = append(examples[name], ex.Description)
			}
		}
	}
	var out []ReferenceEntry
	for name, entry := range byName {
		if err := e.document(dialect, entry, descriptions[name], examples[name], macroDocs); err != nil {
			return nil, err
		}
		out = append(out, *entry)
	}
	slices.SortFunc(out, byWritten)
	return out, nil
}

// document gives an entry its description and example: the declaration's
// where it has them, Fieldbook's otherwise. A dialect's own example comes
// first, since it shows what the dialect adds (Morf's orValue on a plain
// field) where the declared one shows cel-go's use.
func (e *Engine) document(dialect string, entry *ReferenceEntry, description string, declared []string, table map[string]ownDoc) error {
	own, ownOK := table[entry.Name]
	special, specialOK := dialectDocs[dialect][entry.Kind+" "+entry.Name]
	if description != "" {
		entry.Description, entry.Note = splitNote(description)
	} else {
		entry.Description, entry.OwnDescription = own.description, true
	}
	if entry.Description == "" {
		return fmt.Errorf("%s: %s %s has no description, in its declaration or in the reference's table", dialect, entry.Kind, entry.Name)
	}
	entry.Description = oneLine(entry.Description)
	switch {
	case specialOK:
		return e.runExample(dialect, entry, special)
	case e.runDeclared(dialect, entry, declared):
		return nil
	case ownOK && own.example != "":
		return e.runExample(dialect, entry, own)
	}
	return fmt.Errorf("%s: %s %s has no example that runs without a payload, in its declaration or in the reference's table", dialect, entry.Kind, entry.Name)
}

// splitNote separates from a description the note that ends Morf's.
func splitNote(description string) (string, string) {
	if d, ok := strings.CutSuffix(description, morf.SignatureNote); ok {
		return strings.TrimSpace(d), morf.SignatureNote
	}
	return description, ""
}

// oneLine joins a description's lines (cel-go wraps them) into a
// sentence, capitalised unless it starts with code (x.orValue(default)).
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	first, _, _ := strings.Cut(s, " ")
	if !strings.ContainsFunc(first, func(r rune) bool { return !unicode.IsLetter(r) }) {
		r, n := utf8.DecodeRuneInString(s)
		s = string(unicode.ToUpper(r)) + s[n:]
	}
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// runDeclared takes the first of the declaration's examples that runs
// cleanly without a payload: many name variables (msg.?field) that only a
// payload would have.
func (e *Engine) runDeclared(dialect string, entry *ReferenceEntry, declared []string) bool {
	for _, doc := range declared {
		for _, expr := range docExpressions(doc) {
			r := e.evaluateExample(dialect, expr)
			if r.OK && clean(dialect, r.Diagnostics) {
				entry.Example, entry.ExampleValue, entry.ExampleType = expr, r.Display, r.Type
				return true
			}
		}
	}
	return false
}

// runExample evaluates one of Fieldbook's examples, which must run
// cleanly, or fail when it shows an error on purpose.
func (e *Engine) runExample(dialect string, entry *ReferenceEntry, own ownDoc) error {
	r := e.evaluateExample(dialect, own.example)
	entry.Example, entry.OwnExample = own.example, true
	switch {
	case own.fails && r.OK:
		return fmt.Errorf("%s: the example of %s, %s, is meant to fail but gives %s", dialect, entry.Name, own.example, r.Display)
	case own.fails:
		entry.ExampleError = firstError(r.Diagnostics)
	case !r.OK || !clean(dialect, r.Diagnostics):
		return fmt.Errorf("%s: the example of %s, %s, does not run cleanly: %+v", dialect, entry.Name, own.example, r.Diagnostics)
	default:
		entry.ExampleValue, entry.ExampleType = r.Display, r.Type
	}
	return nil
}

// clean tells whether an example ran without a word, but the morf
// dialect's warning that Morf's docs do not show a function, which the
// page says of the entry instead.
func clean(dialect string, diags []Diagnostic) bool {
	for _, d := range diags {
		if dialect != DialectMorf || !morf.IsNotShownMessage(d.Message) {
			return false
		}
	}
	return true
}

// firstError is the message of the first error among diagnostics.
func firstError(diags []Diagnostic) string {
	for _, d := range diags {
		if d.Severity == SeverityError {
			return d.Message
		}
	}
	return ""
}

// evaluateExample runs an example as the playground would, without a
// payload, at the reference's clock.
func (e *Engine) evaluateExample(dialect, expr string) EvaluateResponse {
	return e.Evaluate(EvaluateRequest{Schema: "", Dialect: dialect, Payload: "{}", Expression: expr, Now: ReferenceClock})
}

// docExpressions reads the expressions of a cel-go example text, written
// as "expr // result", one or more to a text, an expression possibly over
// several lines, with comment lines between.
func docExpressions(doc string) []string {
	var out, pending []string
	flush := func() {
		if len(pending) > 0 {
			out = append(out, strings.Join(pending, " "))
			pending = nil
		}
	}
	for _, line := range strings.Split(doc, "\n") {
		code, commented := cutComment(line)
		if code = strings.TrimSpace(code); code != "" {
			pending = append(pending, code)
		}
		if commented {
			flush()
		}
	}
	flush()
	return out
}

// cutComment cuts a line's // comment, outside string literals.
func cutComment(line string) (string, bool) {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0 && c == '\\':
			i++
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '/' && strings.HasPrefix(line[i:], "//"):
			return line[:i], true
		}
	}
	return line, false
}

// ownDoc is Fieldbook's description and example of what a declaration
// leaves undocumented.
type ownDoc struct {
	description string
	example     string
	fails       bool // the example shows an error on purpose
}

// macroForms write each macro's forms, by cel-go's macro key (name, number
// of arguments, receiver style).
var macroForms = map[string]string{
	"has:1:false":              "has(e.f) -> bool",
	"all:2:true":               "range.all(x, predicate) -> bool",
	"all:3:true":               "range.all(i, v, predicate) -> bool",
	"exists:2:true":            "range.exists(x, predicate) -> bool",
	"exists:3:true":            "range.exists(i, v, predicate) -> bool",
	"exists_one:2:true":        "range.exists_one(x, predicate) -> bool",
	"exists_one:3:true":        "range.exists_one(i, v, predicate) -> bool",
	"existsOne:3:true":         "range.existsOne(i, v, predicate) -> bool",
	"map:2:true":               "range.map(x, transform) -> list",
	"map:3:true":               "range.map(x, predicate, transform) -> list",
	"filter:2:true":            "range.filter(x, predicate) -> list",
	"least:*:true":             "math.least(number, ...) -> number",
	"greatest:*:true":          "math.greatest(number, ...) -> number",
	"sortBy:2:true":            "list(A).sortBy(x, key) -> list(A)",
	"bind:3:true":              "cel.bind(name, value, expr) -> type of expr",
	"transformList:3:true":     "range.transformList(i, v, transform) -> list",
	"transformList:4:true":     "range.transformList(i, v, predicate, transform) -> list",
	"transformMap:3:true":      "range.transformMap(i, v, transform) -> map",
	"transformMap:4:true":      "range.transformMap(i, v, predicate, transform) -> map",
	"transformMapEntry:3:true": "range.transformMapEntry(i, v, {key: value}) -> map",
	"transformMapEntry:4:true": "range.transformMapEntry(i, v, predicate, {key: value}) -> map",
	"optMap:2:true":            "optional_type(A).optMap(x, transform) -> optional_type",
	"optFlatMap:2:true":        "optional_type(A).optFlatMap(x, optional transform) -> optional_type",
}

// macroDocs describe the macros whose declarations have no description,
// or no example that runs without a payload.
var macroDocs = map[string]ownDoc{
	// Declared with examples that need a payload.
	"optFlatMap": {example: `{"key": {"subkey": "value"}}.?key.optFlatMap(k, k.?subkey)`},

	"least": {description: "The least of numbers, given as arguments or as a list; mixed int, uint and double compare by value.",
		example: "math.least(3, 1.5, 2u)"},
	"greatest": {description: "The greatest of numbers, given as arguments or as a list; mixed int, uint and double compare by value.",
		example: "math.greatest([3, 7, 5])"},
	"sortBy": {description: "The list sorted by a key computed from each element (an int, uint, double, bool, string, bytes, duration or timestamp).",
		example: `["banana", "fig", "cherry"].sortBy(s, s.size())`},
	"bind": {description: "Names a value once, for use (possibly several times) in the expression that follows.",
		example: `cel.bind(name, "Ada", name + " and " + name)`},
	"existsOne": {description: "Whether exactly one element satisfies the predicate, given its index (or key) and value: the two-variable form of exists_one.",
		example: `["a", "b", "a"].existsOne(i, v, v == "a" && i > 0)`},
	"transformList": {description: "A list made from each index (or key) and value, optionally only those that satisfy a predicate.",
		example: `["a", "b"].transformList(i, v, v + string(i))`},
	"transformMap": {description: "A map with the same keys (a list's indexes) and each value transformed, optionally only the entries that satisfy a predicate.",
		example: `{"a": 1, "b": 2}.transformMap(k, v, v * 10)`},
	"transformMapEntry": {description: "A map made of the entries ({key: value}) computed from each index (or key) and value; two equal keys are an error.",
		example: `{"a": "x", "b": "y"}.transformMapEntry(k, v, {v: k})`},
}

// dialectDocs are a dialect's own examples of a function (by kind and
// name), where the declared ones show only cel-go's use.
var dialectDocs = map[string]map[string]ownDoc{
	DialectMorf: {
		"function orValue":  {example: `{"name": "Ada"}.nickname.orValue("none")`},
		"function hasValue": {example: `{"name": "Ada"}.nickname.hasValue()`},
	},
}

// functionDocs describe the functions and operators whose declarations
// have no description, or no example that runs without a payload.
var functionDocs = map[string]ownDoc{
	// Declared with an example that needs a payload.
	"morf.now": {example: `timestamp("2024-06-12T09:00:00Z").isAfter(morf.now())`},
	"orValue":  {example: `{"hello": "world"}[?"greeting"].orValue("you")`},
	"_?._":     {example: `{"name": "Ada"}.?nickname`},
	"_[?_]":    {example: `[1, 2, 3][?5]`},

	// Fieldbook's.
	"now": {description: "The time now: in Fieldbook, the playground's clock (or the request's now); without one, the real time.",
		example: "now()"},

	// Strings.
	"charAt": {description: "The character at an index; at the string's length, the empty string.",
		example: `"hello".charAt(1)`},
	"format": {description: "The string with its %s, %d, %f, %e, %b, %x, %X and %o clauses replaced by the list's values, printf-style.",
		example: `"%s has %d items, %.2f in all".format(["cart", 3, 41.5])`},
	"indexOf": {description: "The index of the first occurrence of a substring, from an optional start index; -1 when there is none.",
		example: `"hello mellow".indexOf("ello", 2)`},
	"lastIndexOf": {description: "The index of the last occurrence of a substring, starting at most at an optional index; -1 when there is none.",
		example: `"hello mellow".lastIndexOf("ello")`},
	"join": {description: "The list's strings joined into one, with an optional separator between them.",
		example: `["2024", "06", "11"].join("-")`},
	"lowerAscii": {description: "The string with its ASCII letters in lower case; other characters are kept.",
		example: `"Jane DOE".lowerAscii()`},
	"upperAscii": {description: "The string with its ASCII letters in upper case; other characters are kept.",
		example: `"ca-sf".upperAscii()`},
	"replace": {description: "The string with each occurrence of a substring replaced, or only the first n when a limit is given.",
		example: `"555-123-4567".replace("-", "")`},
	"reverse": {description: "The string's characters, or the list's elements, in reverse order.",
		example: `"stressed".reverse()`},
	"split": {description: "The parts of the string between occurrences of a separator, at most n when a limit is given.",
		example: `"a,b,,c".split(",")`},
	"substring": {description: "The characters from a start index to an end index (excluded), or to the end of the string.",
		example: `"appointment".substring(0, 7)`},
	"trim": {description: "The string without its leading and trailing white space.",
		example: `"  Dr. Lee \n".trim()`},
	"strings.quote": {description: "The string as a double-quoted literal, with its special characters escaped.",
		example: `strings.quote("say \"hi\"\n")`},

	// Encoders.
	"base64.encode": {description: "The bytes written in base64.",
		example: `base64.encode(b"hello")`},
	"base64.decode": {description: "The bytes a base64 string holds; the padding may be left out.",
		example: `base64.decode("aGVsbG8=")`},
	"base64.encodeUrl": {description: "The bytes written in URL-safe base64 (- and _ for + and /).",
		example: `base64.encodeUrl(b"\xff\xfe")`},
	"base64.decodeUrl": {description: "The bytes a URL-safe base64 string holds; the padding may be left out.",
		example: `base64.decodeUrl("__4")`},
	// Lists.
	"distinct": {description: "The list without repeated elements, in the order each first appears.",
		example: `[1, 2, 2, 3, 1].distinct()`},
	"flatten": {description: "The list with its nested lists spliced in: one level deep, or as many levels as a given depth.",
		example: `[1, [2, [3, 4]]].flatten()`},
	"hasAll": {description: "Whether the list has every element of the other list.",
		example: `["a", "b", "c"].hasAll(["c", "a"])`},
	"hasAny": {description: "Whether the list has at least one element of the other list.",
		example: `["a", "b"].hasAny(["x", "b"])`},
	"hasExactly": {description: "Whether the two lists hold the same elements, whatever their order and repetitions.",
		example: `[1, 2, 2].hasExactly([2, 1])`},
	"hasOnly": {description: "Whether every element of the list is in the other list.",
		example: `["a", "a"].hasOnly(["a", "b"])`},
	"lists.range": {description: "The integers from 0 up to n, n excluded.",
		example: "lists.range(4)"},
	"slice": {description: "The elements from a start index to an end index (excluded).",
		example: `["a", "b", "c", "d"].slice(1, 3)`},
	"sort": {description: "The list sorted in ascending order; its elements must all be of one comparable type.",
		example: `["pear", "apple", "fig"].sort()`},

	// Sets.
	"sets.contains": {description: "Whether the first list contains every element of the second.",
		example: "sets.contains([1, 2, 3], [3, 1])"},
	"sets.equivalent": {description: "Whether the two lists hold the same elements, whatever their order and repetitions.",
		example: "sets.equivalent([1, 2], [2, 1, 1])"},
	"sets.intersects": {description: "Whether the two lists have at least one element in common.",
		example: "sets.intersects([1, 2], [2, 3])"},

	// Math.
	"math.abs": {description: "The absolute value of a number.",
		example: "math.abs(-7)"},
	"math.sign": {description: "The sign of a number: -1, 0 or 1, of the number's type.",
		example: "math.sign(-2.5)"},
	"math.ceil": {description: "The smallest whole number not below a double.",
		example: "math.ceil(1.2)"},
	"math.floor": {description: "The largest whole number not above a double.",
		example: "math.floor(1.8)"},
	"math.round": {description: "A double rounded to the nearest whole number, halves away from zero.",
		example: "math.round(2.5)"},
	"math.trunc": {description: "A double without its fractional part.",
		example: "math.trunc(-1.7)"},
	"math.sqrt": {description: "The square root of a number, as a double.",
		example: "math.sqrt(2)"},
	"math.isInf": {description: "Whether a double is infinite.",
		example: "math.isInf(1.0 / 0.0)"},
	"math.isNaN": {description: "Whether a double is not a number (NaN).",
		example: "math.isNaN(0.0 / 0.0)"},
	"math.isFinite": {description: "Whether a double is neither infinite nor NaN.",
		example: "math.isFinite(1.5)"},
	"math.bitAnd": {description: "The bitwise AND of two ints or two uints.",
		example: "math.bitAnd(12, 10)"},
	"math.bitOr": {description: "The bitwise OR of two ints or two uints.",
		example: "math.bitOr(12, 10)"},
	"math.bitXor": {description: "The bitwise exclusive OR of two ints or two uints.",
		example: "math.bitXor(12, 10)"},
	"math.bitNot": {description: "The bitwise complement of an int or a uint.",
		example: "math.bitNot(0)"},
	"math.bitShiftLeft": {description: "An int or uint shifted left by a number of bits.",
		example: "math.bitShiftLeft(1, 4)"},
	"math.bitShiftRight": {description: "An int or uint shifted right by a number of bits, filling with zeros.",
		example: "math.bitShiftRight(256, 4)"},
}
