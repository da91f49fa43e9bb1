package engine

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"cel.dev/cel-go/cel"

	"fieldbook/schemas"
	"fieldbook/wasm/dialect/morf"
)

// references builds both dialects' references, once for all the tests:
// they only read them.
func references(t *testing.T) (*Engine, map[string]DialectReference) {
	t.Helper()
	refs, err := builtReferences()
	if err != nil {
		t.Fatal(err)
	}
	return refs.engine, refs.byDialect
}

type builtRefs struct {
	engine    *Engine
	byDialect map[string]DialectReference
}

var builtReferences = sync.OnceValues(func() (builtRefs, error) {
	set, err := schemas.Load()
	if err != nil {
		return builtRefs{}, err
	}
	out := builtRefs{engine: New(set, DefaultLimits), byDialect: map[string]DialectReference{}}
	for _, d := range Dialects {
		ref, err := out.engine.Reference(d.Name)
		if err != nil {
			return builtRefs{}, fmt.Errorf("%s: %w", d.Name, err)
		}
		out.byDialect[d.Name] = ref
	}
	return out, nil
})

// entries are a reference's entries, in page order.
func entries(ref DialectReference) []ReferenceEntry {
	var out []ReferenceEntry
	for _, s := range ref.Sections {
		out = append(out, s.Entries...)
	}
	return out
}

// TestReferenceListsEverythingOnce: every function and macro of a
// dialect's environment, internal names aside, is on its page exactly
// once, with signatures, a one-line description and an example; and the
// page lists nothing else.
func TestReferenceListsEverythingOnce(t *testing.T) {
	_, refs := references(t)
	for _, d := range Dialects {
		env, err := cel.NewEnv(dialectOptions(d.Name, DefaultLimits)...)
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		anchors := map[string]bool{}
		for _, en := range entries(refs[d.Name]) {
			count[en.Kind+" "+en.Name]++
			if anchors[en.Anchor] {
				t.Errorf("%s: two entries have the anchor %q", d.Name, en.Anchor)
			}
			anchors[en.Anchor] = true
			checkEntry(t, d.Name, en)
		}
		want := map[string]bool{}
		for name := range env.Functions() {
			if isInternal(name) || unbounded[name] {
				continue
			}
			kind := KindFunction
			if operatorByName(name) != nil {
				kind = KindOperator
			}
			want[kind+" "+name] = true
		}
		for _, m := range env.Macros() {
			want[KindMacro+" "+m.Function()] = true
		}
		for key := range want {
			if count[key] != 1 {
				t.Errorf("%s: %s is listed %d times, want once", d.Name, key, count[key])
			}
		}
		for key := range count {
			if !want[key] {
				t.Errorf("%s: %s is listed but not in the environment", d.Name, key)
			}
		}
		if len(want) < 100 {
			t.Errorf("%s: only %d functions, macros and operators: the environment is not the dialect's", d.Name, len(want))
		}
	}
}

func checkEntry(t *testing.T, dialect string, en ReferenceEntry) {
	t.Helper()
	if len(en.Signatures) == 0 || slices.Contains(en.Signatures, "") {
		t.Errorf("%s: %s has no signature", dialect, en.Name)
	}
	if en.Description == "" || strings.Contains(en.Description, "\n") {
		t.Errorf("%s: %s's description is not one line: %q", dialect, en.Name, en.Description)
	}
	if en.Example == "" {
		t.Errorf("%s: %s has no example", dialect, en.Name)
	}
	if (en.ExampleError != "") != ownExampleFails(dialect, en) {
		t.Errorf("%s: %s's example %s fails (%q) without being marked as failing on purpose, or the reverse", dialect, en.Name, en.Example, en.ExampleError)
	}
	if en.ExampleError == "" && (en.ExampleValue == "" || en.ExampleType == "") {
		t.Errorf("%s: %s's example %s has no value", dialect, en.Name, en.Example)
	}
	if !strings.HasPrefix(en.Anchor, map[string]string{KindFunction: "fn-", KindMacro: "macro-", KindOperator: "op-"}[en.Kind]) || strings.ContainsAny(en.Anchor, " #%") {
		t.Errorf("%s: %s's anchor %q", dialect, en.Name, en.Anchor)
	}
}

// ownExampleFails tells whether the entry's example is Fieldbook's and is
// marked as failing on purpose.
func ownExampleFails(dialect string, en ReferenceEntry) bool {
	if !en.OwnExample {
		return false
	}
	if own, ok := dialectDocs[dialect][en.Kind+" "+en.Name]; ok {
		return own.fails
	}
	if en.Kind == KindMacro {
		return macroDocs[en.Name].fails
	}
	return functionDocs[en.Name].fails
}

// TestReferenceExamplesAreTheEngines: each example's value is what the
// engine gives for it without a payload, in the dialect, not what a
// declaration's comment says; and it is the same every time, so a build
// gives the same pages (a list made from a map's entries would not be).
func TestReferenceExamplesAreTheEngines(t *testing.T) {
	e, refs := references(t)
	for run := 0; run < 5; run++ {
		for _, d := range Dialects {
			checkExamples(t, e, d.Name, entries(refs[d.Name]))
		}
	}
	// The declared example of contains ends in "// true": the page shows
	// the expression alone, and the engine's value.
	en := entry(t, refs[DialectCEL], KindFunction, "contains")
	if en.Example != "'hello world'.contains('o w')" || en.ExampleValue != "true" || en.ExampleType != "bool" || en.OwnExample {
		t.Errorf("contains: %+v", en)
	}
}

func checkExamples(t *testing.T, e *Engine, dialect string, list []ReferenceEntry) {
	t.Helper()
	for _, en := range list {
		r := e.Evaluate(EvaluateRequest{Schema: "", Dialect: dialect, Payload: "{}", Expression: en.Example, Now: ReferenceClock})
		if en.ExampleError != "" {
			if r.OK || firstError(r.Diagnostics) != en.ExampleError {
				t.Errorf("%s: %s: %s gives %s %+v, the page says the error %q", dialect, en.Name, en.Example, r.Display, r.Diagnostics, en.ExampleError)
			}
			continue
		}
		if !r.OK || !clean(dialect, r.Diagnostics) || r.Display != en.ExampleValue || r.Type != en.ExampleType {
			t.Errorf("%s: %s: %s gives %s (%s) %+v, the page says %s (%s)", dialect, en.Name, en.Example, r.Display, r.Type, r.Diagnostics, en.ExampleValue, en.ExampleType)
		}
	}
}

func entry(t *testing.T, ref DialectReference, kind, name string) ReferenceEntry {
	t.Helper()
	for _, en := range entries(ref) {
		if en.Kind == kind && en.Name == name {
			return en
		}
	}
	t.Fatalf("%s: no %s %s", ref.Dialect.Name, kind, name)
	return ReferenceEntry{}
}

// morfFunctions are the functions Morf's docs show, as the dialect's
// summary names them.
var morfFunctions = []string{"morf.now", "isAfter", "isBefore", "add", "sub", "parseDuration", "parseTimestamp", "customFormatInTimezone", "getAge"}

// TestMorfFunctionsAreOnlyOnTheMorfPage: Morf's functions come first on
// the morf page, with the note on their signatures, then orValue and
// hasValue; the cel page has none of Morf's, and its orValue is cel-go's.
func TestMorfFunctionsAreOnlyOnTheMorfPage(t *testing.T) {
	_, refs := references(t)
	morfRef, celRef := refs[DialectMorf], refs[DialectCEL]
	if ids := sectionIDs(morfRef); !slices.Equal(ids, []string{"morf", "absent", "standard", "fieldbook", "extensions", "macros", "operators"}) {
		t.Errorf("morf sections %v", ids)
	}
	if ids := sectionIDs(celRef); !slices.Equal(ids, []string{"standard", "fieldbook", "extensions", "macros", "operators"}) {
		t.Errorf("cel sections %v", ids)
	}
	var names []string
	for _, en := range morfRef.Sections[0].Entries {
		names = append(names, en.Name)
		if en.Note != morf.SignatureNote || strings.Contains(en.Description, morf.SignatureNote) {
			t.Errorf("%s: the note on Morf's signatures is not set apart: %+v", en.Name, en)
		}
	}
	if !slices.Equal(slices.Sorted(slices.Values(names)), slices.Sorted(slices.Values(morfFunctions))) {
		t.Errorf("Morf's functions: %v, want %v", names, morfFunctions)
	}
	for _, en := range entries(celRef) {
		if slices.Contains(morfFunctions, en.Name) {
			t.Errorf("cel lists Morf's %s", en.Name)
		}
	}
	var absent []string
	for _, en := range morfRef.Sections[1].Entries {
		absent = append(absent, en.Name)
	}
	if !slices.Equal(absent, []string{"hasValue", "orValue"}) {
		t.Errorf("absent-field functions %v", absent)
	}
	if en := entry(t, morfRef, KindFunction, "orValue"); !strings.HasPrefix(en.Description, "x.orValue(default) is x") || en.ExampleValue != `"none"` || !slices.Contains(en.Signatures, "string.orValue(string) -> string") {
		t.Errorf("morf's orValue: %+v", en)
	}
	if en := entry(t, celRef, KindFunction, "orValue"); slices.Contains(en.Signatures, "string.orValue(string) -> string") || en.Note != "" {
		t.Errorf("cel's orValue has Morf's overloads: %+v", en)
	}
}

func sectionIDs(ref DialectReference) []string {
	var ids []string
	for _, s := range ref.Sections {
		ids = append(ids, s.ID)
	}
	return ids
}

// TestReferenceWritesSignaturesAsCompletionDoes: functions as signature()
// writes them, operators and macros as they are written.
func TestReferenceWritesSignaturesAsCompletionDoes(t *testing.T) {
	_, refs := references(t)
	ref := refs[DialectMorf]
	for _, c := range []struct{ kind, name, written, anchor, signature string }{
		{KindFunction, "contains", "contains", "fn-contains", "string.contains(string) -> bool"},
		{KindFunction, "timestamp", "timestamp", "fn-timestamp", "timestamp(string) -> google.protobuf.Timestamp"},
		{KindFunction, "isAfter", "isAfter", "fn-isAfter", "google.protobuf.Timestamp.isAfter(google.protobuf.Timestamp) -> bool"},
		{KindFunction, "customFormatInTimezone", "customFormatInTimezone", "fn-customFormatInTimezone", "google.protobuf.Timestamp.customFormatInTimezone(string, string) -> string"},
		{KindOperator, "_+_", "a + b", "op-add", "int + int -> int"},
		{KindOperator, "_[_]", "a[b]", "op-index", "map(A, B)[A] -> B"},
		{KindOperator, "@in", "a in b", "op-in", "A in list(A) -> bool"},
		{KindOperator, "!_", "!a", "op-not", "!bool -> bool"},
		{KindOperator, "-_", "-a", "op-negate", "-int -> int"},
		{KindOperator, "_?_:_", "a ? b : c", "op-conditional", "bool ? A : A -> A"},
		{KindOperator, "_?._", "a.?b", "op-optional-select", "dyn.?string -> optional_type(V)"},
		{KindOperator, "_[?_]", "a[?b]", "op-optional-index", "list(V)[?int] -> optional_type(V)"},
		{KindMacro, "least", "math.least", "macro-math.least", "math.least(number, ...) -> number"},
		{KindMacro, "all", "all", "macro-all", "range.all(i, v, predicate) -> bool"},
	} {
		en := entry(t, ref, c.kind, c.name)
		if en.Written != c.written || en.Anchor != c.anchor || !slices.Contains(en.Signatures, c.signature) {
			t.Errorf("%s: %q %q %v, want %q %q and %q", c.name, en.Written, en.Anchor, en.Signatures, c.written, c.anchor, c.signature)
		}
	}
}

// TestReferenceLeavesOutInternalNames: names no one writes are not listed.
func TestReferenceLeavesOutInternalNames(t *testing.T) {
	_, refs := references(t)
	for _, d := range Dialects {
		for _, en := range entries(refs[d.Name]) {
			if strings.HasPrefix(en.Name, "__") || strings.Contains(en.Name, ".@") || slices.Contains(legacyNames, en.Name) ||
				strings.HasPrefix(en.Name, "@") && en.Name != "@in" {
				t.Errorf("%s lists the internal %s", d.Name, en.Name)
			}
		}
	}
	for _, name := range []string{"@not_strictly_false", "__not_strictly_false__", "@sortByAssociatedKeys", "cel.@block", "cel.@mapInsert", "math.@max", "in", "_in_"} {
		if !isInternal(name) {
			t.Errorf("%s is not internal", name)
		}
	}
}

// TestReferenceTablesHaveNoDeadEntries: every description, example and
// form Fieldbook wrote is used on a page, so the tables shrink as cel-go
// documents more.
func TestReferenceTablesHaveNoDeadEntries(t *testing.T) {
	_, refs := references(t)
	used := map[string]bool{}
	for _, d := range Dialects {
		for _, en := range entries(refs[d.Name]) {
			if en.OwnDescription || en.OwnExample {
				used[en.Kind+" "+en.Name] = true
			}
		}
	}
	for name := range functionDocs {
		kind := KindFunction
		if operatorByName(name) != nil {
			kind = KindOperator
		}
		if !used[kind+" "+name] {
			t.Errorf("functionDocs[%q] is used on no page", name)
		}
	}
	for name := range macroDocs {
		if !used[KindMacro+" "+name] {
			t.Errorf("macroDocs[%q] is used on no page", name)
		}
	}
	for dialect, docs := range dialectDocs {
		for key := range docs {
			if en := entryByKey(refs[dialect], key); !en.OwnExample {
				t.Errorf("dialectDocs[%s][%q] is not used", dialect, key)
			}
		}
	}
	forms := map[string]bool{}
	for _, d := range Dialects {
		env, _ := cel.NewEnv(dialectOptions(d.Name, DefaultLimits)...)
		for _, m := range env.Macros() {
			forms[m.MacroKey()] = true
		}
	}
	for key := range macroForms {
		if !forms[key] {
			t.Errorf("macroForms[%q]: no such macro", key)
		}
	}
}

func entryByKey(ref DialectReference, key string) ReferenceEntry {
	for _, en := range entries(ref) {
		if en.Kind+" "+en.Name == key {
			return en
		}
	}
	return ReferenceEntry{}
}

func TestReferenceOfAnUnknownDialect(t *testing.T) {
	if _, err := newEngine(t).Reference("cel-java"); err == nil {
		t.Error("no error")
	}
}

// TestDocExpressions reads cel-go's example texts: a comment after the
// expression, comment lines, an expression over two lines, // in a string.
func TestDocExpressions(t *testing.T) {
	for doc, want := range map[string][]string{
		"1 != 2     // true\n\"a\" != \"a\" // false":                              {"1 != 2", `"a" != "a"`},
		"// true if the field exists\nhas(user.address)":                           {"has(user.address)"},
		"timestamp('2023-01-10T12:00:00Z')\n  - duration('12h') // timestamp('x')": {"timestamp('2023-01-10T12:00:00Z') - duration('12h')"},
		"'https://cel.dev'.startsWith('https://') // true":                         {"'https://cel.dev'.startsWith('https://')"},
		`"a\"//b".size() // 5`:                                                     {`"a\"//b".size()`},
	} {
		if got := docExpressions(doc); !slices.Equal(got, want) {
			t.Errorf("%q: %q, want %q", doc, got, want)
		}
	}
}
