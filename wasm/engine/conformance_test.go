package engine

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"os"
	"path"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"cel.dev/cel-go/cel"
	exprpb "cel.dev/expr"
	_ "cel.dev/expr/conformance/proto2" // registers the messages the tests' Any values hold
	_ "cel.dev/expr/conformance/proto3"
	testpb "cel.dev/expr/conformance/test"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"fieldbook/schemas"
)

// conformanceData is cel-spec's simple conformance suite (see
// testdata/conformance/README.md). It is embedded, not read from the module
// cache, so that the test also runs where Go has no filesystem: under
// GOOS=js in a browser-like host (wasm/nofs_exec.sh).
//
//go:embed testdata/conformance/*.textproto
var conformanceData embed.FS

// knownConformanceFailures are the tests that run and fail, by
// "file/section/test", each with its reason. Only two kinds belong here: a
// test that plain cel-go fails too, with the options of the engine's cel
// dialect (TestConformance checks that it still does), and a test with
// disable_check, whose expression Fieldbook's checker, which always runs,
// may refuse. A listed test that passes, is skipped or no longer exists
// fails TestConformance, so the list only ever shrinks to the truth.
var knownConformanceFailures = map[string]string{
	// Checking disabled: Fieldbook's checker refuses what only evaluation
	// would meet, such as an error that || true absorbs.
	"basic/functions/unbound_is_runtime_error":        disableCheckUndeclared,
	"basic/variables/unbound_is_runtime_error":        disableCheckUndeclared,
	"parse/receiver_function_names/as":                disableCheckUndeclared,
	"parse/receiver_function_names/break":             disableCheckUndeclared,
	"parse/receiver_function_names/const":             disableCheckUndeclared,
	"parse/receiver_function_names/continue":          disableCheckUndeclared,
	"parse/receiver_function_names/else":              disableCheckUndeclared,
	"parse/receiver_function_names/for":               disableCheckUndeclared,
	"parse/receiver_function_names/function":          disableCheckUndeclared,
	"parse/receiver_function_names/if":                disableCheckUndeclared,
	"parse/receiver_function_names/import":            disableCheckUndeclared,
	"parse/receiver_function_names/let":               disableCheckUndeclared,
	"parse/receiver_function_names/loop":              disableCheckUndeclared,
	"parse/receiver_function_names/namespace":         disableCheckUndeclared,
	"parse/receiver_function_names/package":           disableCheckUndeclared,
	"parse/receiver_function_names/return":            disableCheckUndeclared,
	"parse/receiver_function_names/var":               disableCheckUndeclared,
	"parse/receiver_function_names/void":              disableCheckUndeclared,
	"parse/receiver_function_names/while":             disableCheckUndeclared,
	"comparisons/eq_literal/eq_mixed_types":           disableCheckMixedEquality,
	"comparisons/eq_literal/eq_list_elem_mixed_types": disableCheckMixedEquality,
	"comparisons/eq_literal/not_eq_list_length":       disableCheckMixedEquality,
	"comparisons/ne_literal/ne_mixed_types":           disableCheckMixedEquality,
	"logic/conditional/mixed_type":                    "disable_check: the checker refuses a conditional whose branches are of different types (string and int)",
	"logic/AND/short_circuit_type_left":               disableCheckNotBool,
	"logic/AND/short_circuit_type_right":              disableCheckNotBool,
	"logic/OR/short_circuit_type_left":                disableCheckNotBool,
	"logic/OR/short_circuit_type_right":               disableCheckNotBool,

	// cel-go fails these too.
	"fields/map_fields/map_bad_key_type_or_true":   celGoOptimizeFoldsError,
	"fields/map_fields/map_bad_key_type_and_false": celGoOptimizeFoldsError,
	"fields/qualified_identifier_resolution/map_key_float": "cel-go: a double map key is accepted and found; the spec makes it an error " +
		"(cel-go's own conformance run skips this test)",
	"fields/qualified_identifier_resolution/map_value_repeat_key": "cel-go: a map literal with a repeated key is accepted, the last value winning; " +
		"the spec makes it an error (cel-go skips this test)",
	"fields/qualified_identifier_resolution/map_value_repeat_key_heterogeneous": "cel-go: a map literal with keys 0 and 0u, equal numbers, is accepted; " +
		"the spec makes it an error (cel-go skips this test)",
	"optionals/optionals/map_null_entry_no_such_key":    celGoOptionalSelect,
	"optionals/optionals/map_present_key_invalid_field": celGoOptionalSelect,
	"string_ext/value_errors/indexof_out_of_range":      celGoIndexOfRange,
	"string_ext/value_errors/lastindexof_out_of_range":  celGoIndexOfRange,
}

// Reasons shared by several known failures.
const (
	disableCheckUndeclared    = "disable_check: the checker refuses an undeclared variable or function that evaluation would meet as an error absorbed by || true"
	disableCheckMixedEquality = "disable_check: the checker refuses == and != between different types (double and int, list(string) and list(int)), which evaluation compares"
	disableCheckNotBool       = "disable_check: the checker refuses a non-bool operand of && or ||, which evaluation never reaches"
	celGoOptimizeFoldsError   = "cel-go with OptOptimize, as the engine plans programs: folding the constant map index dyn(b'') fails the program " +
		"before evaluation, although && false or || true absorbs the error; without OptOptimize cel-go passes"
	celGoOptionalSelect = "cel-go: selecting a field of a non-message, non-map value found through ?. or [?] yields optional.none() " +
		"rather than the no-such-key error the spec asks for"
	celGoIndexOfRange = "cel-go's strings extension answers -1 for a start index beyond the string rather than the error the test asks for " +
		"(cel-go skips this test pending a spec update)"
)

// Why a test is skipped: what it needs that a request of Fieldbook's API
// (a CEL expression over a JSON payload whose top-level keys are the
// variables, without a schema, in the cel dialect) cannot say.
const (
	// The test resolves names in a container (a protobuf package); a
	// request has none.
	skipContainer = "container"
	// Protobuf messages or enums: a message value or type bound, declared
	// or expected (the well-known wrappers, Any and the JSON types
	// included; Timestamp and Duration are CEL's own), or a message, enum
	// or extension of the conformance protos named by the expression.
	// Fieldbook declares no message types, and a payload is JSON. An
	// expression that builds a well-known message, such as
	// google.protobuf.Int64Value{value: 1}, does run.
	skipProto = "protobuf messages"
	// check_only tests assert the checker's deduced type and evaluate
	// nothing; evaluate is what this test calls.
	skipCheckOnly = "check_only"
	// Unknowns, expected or bound, need partial evaluation, which
	// Fieldbook does not do.
	skipUnknowns = "unknown results"
	// Fieldbook always expands the standard macros.
	skipNoMacros = "disable_macros"
	// Declared functions: a request cannot bring its own.
	skipFunctions = "declared functions"
	// cel.block, cel.index, cel.iterVar and cel.accuVar are macros the
	// conformance runners define for the suite (they stand for what an
	// optimizer writes); cel-go's public environment has none of them.
	skipBlock = "cel.block macros"
	// A binding JSON cannot carry: a uint, bytes, NaN or an infinity, a map
	// whose keys are not strings, a type, a string that reads as an RFC
	// 3339 timestamp (Fieldbook makes it one), or ints and doubles side by
	// side in one list or map (Fieldbook reads them all as double).
	skipBinding = "binding not JSON"
	// A variable with a qualified name, such as a.b.c: a payload's key
	// "a.b.c" is no variable, and {"a": {"b": ...}} is another test.
	skipQualifiedName = "qualified variable name"
	// A variable declared without a value: a payload declares exactly the
	// variables it has.
	skipUnbound = "declared without a value"
	// A variable whose declared type differs from the one Fieldbook gives
	// its JSON value (dyn for a null declared null_type, an object type for
	// a one-entry map, list(dyn) for an empty list, say): the checker would
	// see another program.
	skipDeclaredType = "declared type differs from JSON's"
	// A locale: CEL requests have none.
	skipLocale = "locale"
)

func TestConformance(t *testing.T) {
	if runtime.GOOS == "js" && os.Getenv("FIELDBOOK_NOFS") == "1" {
		// nofs_exec.mjs promises Go no filesystem, as in a browser: make
		// sure, so that a pass shows the embedded data is all this needs.
		if _, err := os.ReadFile("conformance_test.go"); err == nil {
			t.Fatal("FIELDBOOK_NOFS is set, yet os.ReadFile reads the package's files: the runner gave Go a filesystem")
		} else {
			t.Logf("no filesystem, as in a browser: os.ReadFile: %v", err)
		}
	}
	start := time.Now()
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	e := New(set, DefaultLimits)
	ref := newCELGoReference(t)
	protoNames := conformanceProtoNames()

	names, err := fs.Glob(conformanceData, "testdata/conformance/*.textproto")
	if err != nil || len(names) == 0 {
		t.Fatalf("no conformance files embedded: %v", err)
	}
	var (
		total, run, passed, listed int
		skipped                    = map[string]int{}
		seen                       = map[string]bool{}
	)
	for _, fileName := range names {
		data, err := conformanceData.ReadFile(fileName)
		if err != nil {
			t.Fatal(err)
		}
		var file testpb.SimpleTestFile
		if err := prototext.Unmarshal(data, &file); err != nil {
			t.Fatalf("%s: %v", path.Base(fileName), err)
		}
		for _, section := range file.GetSection() {
			for _, test := range section.GetTest() {
				name := file.GetName() + "/" + section.GetName() + "/" + test.GetName()
				total++
				seen[name] = true // a few names repeat upstream: an entry of the list covers each test of its name
				reason, isListed := knownConformanceFailures[name]
				c, skip := newConformanceCase(test, protoNames)
				if skip == "" {
					skip = c.checkDeclaredTypes(e)
				}
				if skip != "" {
					skipped[skip]++
					if isListed {
						t.Errorf("%s is listed as a known failure (%s) but is skipped (%s): prune knownConformanceFailures", name, reason, skip)
					}
					continue
				}
				run++
				failure := c.run(e)
				switch {
				case failure == "" && isListed:
					t.Errorf("%s passes now: prune it from knownConformanceFailures (listed as: %s)", name, reason)
				case failure == "":
					passed++
				case isListed:
					listed++
					if !test.GetDisableCheck() {
						if refFailure := ref.run(test, c.want); refFailure == "" {
							t.Errorf("%s is listed as failing in cel-go too (%s), but cel-go passes it: the failure is Fieldbook's: %s", name, reason, failure)
						}
					}
				default:
					refOutcome := "cel-go passes it: the failure is Fieldbook's"
					if refFailure := ref.run(test, c.want); refFailure != "" {
						refOutcome = "cel-go with the engine's options fails it too (" + refFailure + "); if that is the reason, list it in knownConformanceFailures"
					}
					if test.GetDisableCheck() {
						refOutcome += "; the test has disable_check"
					}
					t.Errorf("%s: %s\n\texpression: %s\n\tpayload: %s\n\t%s", name, failure, test.GetExpr(), c.payload, refOutcome)
				}
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(knownConformanceFailures)) {
		if !seen[name] {
			t.Errorf("%s is listed in knownConformanceFailures but is no test of the suite: prune it", name)
		}
	}

	nSkipped := total - run
	t.Logf("files: %d; tests: %d", len(names), total)
	t.Logf("run: %d (passed %d, known failures %d, other failures %d)", run, passed, listed, run-passed-listed)
	t.Logf("skipped: %d", nSkipped)
	var classes []string
	for _, class := range slices.Sorted(maps.Keys(skipped)) {
		t.Logf("  %-34s %4d", class, skipped[class])
		classes = append(classes, fmt.Sprintf("%s %d", class, skipped[class]))
	}
	t.Logf("CEL conformance (%s/%s): %d files, %d tests: %d run, %d passed, %d known failures, %d skipped (%s) in %v",
		runtime.GOOS, runtime.GOARCH, len(names), total, run, passed, listed, nSkipped, strings.Join(classes, ", "),
		time.Since(start).Round(time.Millisecond))
}

// conformanceCase is a test as a request: its payload and what the
// response must say.
type conformanceCase struct {
	test    *testpb.SimpleTest
	payload string
	want    expectation
}

// expectation is a response that passes: ok false for an evaluation
// error, else the result's type and display.
type expectation struct {
	evalError bool
	typ       string
	// kindOnly: typ is only list, map or type, and the response may name
	// the checked type in full, such as list(int).
	kindOnly bool
	display  string
}

// newConformanceCase makes a test a request, or says why it cannot be one.
func newConformanceCase(test *testpb.SimpleTest, protoNames map[string]bool) (*conformanceCase, string) {
	c := &conformanceCase{test: test}
	switch {
	case test.GetContainer() != "":
		return nil, skipContainer
	case test.GetCheckOnly():
		return nil, skipCheckOnly
	case test.GetDisableMacros():
		return nil, skipNoMacros
	case test.GetLocale() != "":
		return nil, skipLocale
	case usesBlockMacros(test.GetExpr()):
		return nil, skipBlock
	case namesConformanceProto(test.GetExpr(), protoNames):
		return nil, skipProto
	}
	for _, d := range test.GetTypeEnv() {
		if d.GetFunction() != nil {
			return nil, skipFunctions
		}
		if _, skip := declaredTypeName(d.GetIdent().GetType()); skip != "" {
			return nil, skip
		}
		if _, ok := test.GetBindings()[d.GetName()]; !ok {
			return nil, skipUnbound
		}
	}

	var b strings.Builder
	b.WriteString("{")
	numbers := map[string]string{}
	for i, name := range slices.Sorted(maps.Keys(test.GetBindings())) {
		v := test.GetBindings()[name].GetValue()
		if v == nil { // an error or unknown as input
			return nil, skipUnknowns
		}
		if !celIdentifier.MatchString(name) {
			return nil, skipQualifiedName
		}
		if i > 0 {
			b.WriteString(", ")
		}
		writeJSONText(&b, name)
		b.WriteString(": ")
		if skip := writeBinding(&b, v, name, numbers); skip != "" {
			return nil, skip
		}
	}
	b.WriteString("}")
	c.payload = b.String()

	switch m := test.GetResultMatcher().(type) {
	case nil: // the suite's default: true
		c.want = expectation{typ: "bool", display: "true"}
	case *testpb.SimpleTest_Value:
		typ, display, skip := expectedValue(m.Value)
		if skip != "" {
			return nil, skip
		}
		c.want = expectation{typ: typ, kindOnly: isKindOnly(typ), display: display}
	case *testpb.SimpleTest_TypedResult:
		typ, display, skip := expectedValue(m.TypedResult.GetResult())
		if skip != "" {
			return nil, skip
		}
		deduced, skip := declaredTypeName(m.TypedResult.GetDeducedType())
		if skip != "" {
			return nil, skip
		}
		c.want = expectation{typ: typ, kindOnly: isKindOnly(typ), display: display}
		// The response names the checked type where it is more than dyn
		// and the value is of its kind, else the value's own type.
		if deduced != "dyn" && typeKind(deduced) == typeKind(typ) {
			c.want.typ, c.want.kindOnly = deduced, false
		}
	case *testpb.SimpleTest_EvalError, *testpb.SimpleTest_AnyEvalErrors:
		c.want = expectation{evalError: true}
	case *testpb.SimpleTest_Unknown, *testpb.SimpleTest_AnyUnknowns:
		return nil, skipUnknowns
	default:
		panic(fmt.Sprintf("a result matcher this test does not know: %T", m))
	}
	return c, ""
}

// celIdentifier is CEL's IDENT production.
var celIdentifier = regexp.MustCompile(`^[_a-zA-Z][_a-zA-Z0-9]*$`)

// rfc3339Like is any string Fieldbook might read as a timestamp; it errs
// towards skipping.
var rfc3339Like = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}`)

// writeBinding writes a binding's value as JSON that Fieldbook reads back
// as the same CEL value, or says why there is none. numbers records, by
// position (list elements and map values share theirs), whether ints or
// doubles were seen: Fieldbook types a position once, as double if it saw
// both.
func writeBinding(b *strings.Builder, v *exprpb.Value, at string, numbers map[string]string) string {
	number := func(kind string) string {
		if seen, ok := numbers[at]; ok && seen != kind {
			return skipBinding
		}
		numbers[at] = kind
		return ""
	}
	switch k := v.GetKind().(type) {
	case *exprpb.Value_NullValue:
		b.WriteString("null")
	case *exprpb.Value_BoolValue:
		b.WriteString(strconv.FormatBool(k.BoolValue))
	case *exprpb.Value_Int64Value:
		b.WriteString(strconv.FormatInt(k.Int64Value, 10))
		return number("int")
	case *exprpb.Value_DoubleValue:
		f := k.DoubleValue
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return skipBinding
		}
		// A fraction or an exponent is what makes a JSON number a double
		// to Fieldbook: 5 is an int, 5.0 a double.
		s := strconv.FormatFloat(f, 'g', -1, 64)
		if !strings.ContainsAny(s, ".e") {
			s += ".0"
		}
		b.WriteString(s)
		return number("double")
	case *exprpb.Value_StringValue:
		if rfc3339Like.MatchString(k.StringValue) {
			return skipBinding
		}
		writeJSONText(b, k.StringValue)
	case *exprpb.Value_ListValue:
		b.WriteString("[")
		for i, el := range k.ListValue.GetValues() {
			if i > 0 {
				b.WriteString(", ")
			}
			if skip := writeBinding(b, el, at+"[]", numbers); skip != "" {
				return skip
			}
		}
		b.WriteString("]")
	case *exprpb.Value_MapValue:
		b.WriteString("{")
		for i, entry := range k.MapValue.GetEntries() {
			key, ok := entry.GetKey().GetKind().(*exprpb.Value_StringValue)
			if !ok {
				return skipBinding
			}
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSONText(b, key.StringValue)
			b.WriteString(": ")
			if skip := writeBinding(b, entry.GetValue(), at+"{}", numbers); skip != "" {
				return skip
			}
		}
		b.WriteString("}")
	case *exprpb.Value_ObjectValue, *exprpb.Value_EnumValue:
		return skipProto
	default: // uint, bytes, type
		return skipBinding
	}
	return ""
}

func writeJSONText(b *strings.Builder, s string) {
	q, err := json.Marshal(s)
	if err != nil {
		panic(err) // a Go string always marshals
	}
	b.Write(q)
}

// builtinTypeNames are the types a type value may name outside protobuf.
var builtinTypeNames = map[string]bool{
	"bool": true, "bytes": true, "double": true, "int": true, "uint": true, "string": true,
	"null_type": true, "type": true, "list": true, "map": true, "optional_type": true,
	"google.protobuf.Timestamp": true, "google.protobuf.Duration": true,
}

// expectedValue is how the engine's response must write an expected
// value: its type and its display, the value as CEL source (1, 1u, 1.0,
// "s", b"\xff", [1, 2], {"k": v} sorted by key, timestamp("...")), or why
// it cannot be compared. A list's, map's or type's type is only its kind:
// the checked type says the rest.
func expectedValue(v *exprpb.Value) (typ, display, skip string) {
	switch k := v.GetKind().(type) {
	case *exprpb.Value_NullValue:
		return "null_type", "null", ""
	case *exprpb.Value_BoolValue:
		return "bool", strconv.FormatBool(k.BoolValue), ""
	case *exprpb.Value_Int64Value:
		return "int", strconv.FormatInt(k.Int64Value, 10), ""
	case *exprpb.Value_Uint64Value:
		return "uint", strconv.FormatUint(k.Uint64Value, 10) + "u", ""
	case *exprpb.Value_DoubleValue:
		return "double", doubleSource(k.DoubleValue), ""
	case *exprpb.Value_StringValue:
		return "string", strconv.Quote(k.StringValue), ""
	case *exprpb.Value_BytesValue:
		return "bytes", "b" + strconv.Quote(string(k.BytesValue)), ""
	case *exprpb.Value_ListValue:
		var parts []string
		for _, el := range k.ListValue.GetValues() {
			_, d, skip := expectedValue(el)
			if skip != "" {
				return "", "", skip
			}
			parts = append(parts, d)
		}
		return "list", "[" + strings.Join(parts, ", ") + "]", ""
	case *exprpb.Value_MapValue:
		var entries [][2]string // key and value displayed
		for _, entry := range k.MapValue.GetEntries() {
			_, kd, skip := expectedValue(entry.GetKey())
			if skip != "" {
				return "", "", skip
			}
			_, vd, skip := expectedValue(entry.GetValue())
			if skip != "" {
				return "", "", skip
			}
			entries = append(entries, [2]string{kd, vd})
		}
		// By the displayed key alone: "1: a" sorts after "10: b".
		slices.SortFunc(entries, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
		parts := make([]string, len(entries))
		for i, e := range entries {
			parts[i] = e[0] + ": " + e[1]
		}
		return "map", "{" + strings.Join(parts, ", ") + "}", ""
	case *exprpb.Value_TypeValue:
		if !builtinTypeNames[k.TypeValue] {
			return "", "", skipProto
		}
		return "type", k.TypeValue, ""
	case *exprpb.Value_ObjectValue:
		switch k.ObjectValue.GetTypeUrl() {
		case "type.googleapis.com/google.protobuf.Timestamp":
			var ts timestamppb.Timestamp
			if err := k.ObjectValue.UnmarshalTo(&ts); err != nil {
				return "", "", skipProto
			}
			return "google.protobuf.Timestamp", `timestamp("` + ts.AsTime().UTC().Format(time.RFC3339Nano) + `")`, ""
		case "type.googleapis.com/google.protobuf.Duration":
			var d durationpb.Duration
			if err := k.ObjectValue.UnmarshalTo(&d); err != nil {
				return "", "", skipProto
			}
			return "google.protobuf.Duration", `duration("` + durationSource(d.GetSeconds(), d.GetNanos()) + `")`, ""
		}
		return "", "", skipProto
	case *exprpb.Value_EnumValue:
		return "", "", skipProto
	}
	panic(fmt.Sprintf("a value kind this test does not know: %T", v.GetKind()))
}

// doubleSource writes a double so that CEL reads a double back: always
// with a fraction or an exponent, and NaN and the infinities as
// conversions from strings.
func doubleSource(f float64) string {
	switch {
	case math.IsNaN(f):
		return `double("NaN")`
	case math.IsInf(f, 1):
		return `double("Infinity")`
	case math.IsInf(f, -1):
		return `double("-Infinity")`
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

// durationSource writes a protobuf duration as its JSON form: "3600s",
// "-1.5s".
func durationSource(secs int64, nanos int32) string {
	sign := ""
	if secs < 0 || nanos < 0 {
		sign = "-"
	}
	s := strconv.FormatUint(uint64(max(secs, -secs)), 10) // a duration's seconds never reach math.MinInt64
	if nanos != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%09d", max(nanos, -nanos)), "0")
	}
	return sign + s + "s"
}

// declaredTypeName writes a declared or deduced type as Fieldbook names types:
// int, list(string), map(string, int), optional_type(int), or says why
// the type is out of reach.
func declaredTypeName(t *exprpb.Type) (string, string) {
	switch k := t.GetTypeKind().(type) {
	case *exprpb.Type_Dyn:
		return "dyn", ""
	case *exprpb.Type_Null:
		return "null_type", ""
	case *exprpb.Type_Primitive:
		switch k.Primitive {
		case exprpb.Type_BOOL:
			return "bool", ""
		case exprpb.Type_INT64:
			return "int", ""
		case exprpb.Type_UINT64:
			return "uint", ""
		case exprpb.Type_DOUBLE:
			return "double", ""
		case exprpb.Type_STRING:
			return "string", ""
		case exprpb.Type_BYTES:
			return "bytes", ""
		}
	case *exprpb.Type_WellKnown:
		switch k.WellKnown {
		case exprpb.Type_TIMESTAMP:
			return "google.protobuf.Timestamp", ""
		case exprpb.Type_DURATION:
			return "google.protobuf.Duration", ""
		}
		return "", skipProto // google.protobuf.Any
	case *exprpb.Type_ListType_:
		elem, skip := declaredTypeName(k.ListType.GetElemType())
		return "list(" + elem + ")", skip
	case *exprpb.Type_MapType_:
		key, skip := declaredTypeName(k.MapType.GetKeyType())
		if skip != "" {
			return "", skip
		}
		val, skip := declaredTypeName(k.MapType.GetValueType())
		return "map(" + key + ", " + val + ")", skip
	case *exprpb.Type_Type:
		if k.Type.GetTypeKind() == nil {
			return "type", ""
		}
		of, skip := declaredTypeName(k.Type)
		return "type(" + of + ")", skip
	case *exprpb.Type_AbstractType_:
		params := make([]string, len(k.AbstractType.GetParameterTypes()))
		for i, p := range k.AbstractType.GetParameterTypes() {
			var skip string
			if params[i], skip = declaredTypeName(p); skip != "" {
				return "", skip
			}
		}
		return k.AbstractType.GetName() + "(" + strings.Join(params, ", ") + ")", ""
	case *exprpb.Type_MessageType, *exprpb.Type_Wrapper:
		return "", skipProto
	}
	// Type parameters, error and function types: in the suite, only in
	// the deduced types of tests over messages.
	return "", skipProto
}

// isKindOnly tells the types a value alone names only by kind.
func isKindOnly(typ string) bool { return typ == "list" || typ == "map" || typ == "type" }

// typeKind is a type name without its parameters: list for list(int).
func typeKind(name string) string {
	kind, _, _ := strings.Cut(name, "(")
	return kind
}

// checkDeclaredTypes skips a test whose declared variables Fieldbook would
// type otherwise from their JSON values: asking the engine, through its
// check call, what type each variable has over the test's payload.
func (c *conformanceCase) checkDeclaredTypes(e *Engine) string {
	for _, d := range c.test.GetTypeEnv() {
		declared, _ := declaredTypeName(d.GetIdent().GetType())
		var resp CheckResponse
		if err := json.Unmarshal(e.Call("check", conformanceRequest(c.payload, d.GetName())), &resp); err != nil {
			panic(err)
		}
		if !resp.OK || resp.Type != declared {
			return skipDeclaredType
		}
	}
	return ""
}

// conformanceRequest is an evaluate (or check) request over payload in
// the cel dialect, without a schema.
func conformanceRequest(payload, expr string) []byte {
	req, err := json.Marshal(struct {
		Schema     string `json:"schema"`
		Dialect    string `json:"dialect"`
		Payload    string `json:"payload"`
		Expression string `json:"expression"`
	}{"", DialectCEL, payload, expr})
	if err != nil {
		panic(err)
	}
	return req
}

// run sends the test to the engine and says how the response fails it, or
// "" when it passes.
func (c *conformanceCase) run(e *Engine) string {
	req := conformanceRequest(c.payload, c.test.GetExpr())
	var resp EvaluateResponse
	if err := json.Unmarshal(e.Call("evaluate", req), &resp); err != nil {
		return "the response is not JSON: " + err.Error()
	}
	if resp.Dialect != DialectCEL {
		return fmt.Sprintf("the response's dialect is %q, not %q", resp.Dialect, DialectCEL)
	}
	if !resp.OK {
		if len(resp.Diagnostics) == 0 {
			return "ok is false, with no diagnostic"
		}
		d := resp.Diagnostics[0]
		msg := d.Source + ": " + d.Message
		if d.Source != "expression" {
			return "the request failed: " + msg
		}
		if c.want.evalError {
			// An error found before evaluation, by the checker or by
			// cel-go's constant folding, is the error a reader gets: CEL
			// lets a checker report what evaluation would fail on.
			return ""
		}
		var check CheckResponse
		if err := json.Unmarshal(e.Call("check", req), &check); err != nil {
			return "the check response is not JSON: " + err.Error()
		}
		if !check.OK {
			return "refused before evaluation: " + msg
		}
		return "evaluation error: " + msg
	}
	if c.want.evalError {
		return fmt.Sprintf("want an evaluation error, got %s (%s)", resp.Display, resp.Type)
	}
	typeOK := resp.Type == c.want.typ || c.want.kindOnly && typeKind(resp.Type) == c.want.typ
	if resp.Display != c.want.display || !typeOK {
		want := c.want.typ
		if c.want.kindOnly {
			want += "(...)"
		}
		return fmt.Sprintf("got %s (%s), want %s (%s)", resp.Display, resp.Type, c.want.display, want)
	}
	return ""
}

// celGoReference runs a test in plain cel-go with the options the engine's
// cel dialect builds on (baseOptions) and the test's own declarations and
// bindings, to tell a failure of cel-go from one of Fieldbook.
type celGoReference struct{ base *cel.Env }

func newCELGoReference(t *testing.T) celGoReference {
	base, err := cel.NewEnv(baseOptions(DefaultLimits)...)
	if err != nil {
		t.Fatal(err)
	}
	return celGoReference{base: base}
}

// run says how cel-go fails the test, or "" when it passes. Like the
// engine, cel-go must evaluate without the checker refusing the
// expression, unless the test disables checking.
func (r celGoReference) run(test *testpb.SimpleTest, want expectation) string {
	env := r.base
	var opts []cel.EnvOption
	for _, d := range test.GetTypeEnv() {
		opt, err := cel.ProtoAsDeclaration(d)
		if err != nil {
			return "declaration: " + err.Error()
		}
		opts = append(opts, opt)
	}
	if len(opts) > 0 {
		var err error
		if env, err = env.Extend(opts...); err != nil {
			return "declarations: " + err.Error()
		}
	}
	ast, iss := env.Parse(test.GetExpr())
	if iss.Err() != nil {
		return "parse: " + iss.Err().Error()
	}
	if !test.GetDisableCheck() {
		if ast, iss = env.Check(ast); iss.Err() != nil {
			return "the checker refuses it: " + iss.Err().Error()
		}
	}
	prg, err := env.Program(ast, cel.CostLimit(DefaultLimits.CostLimit), cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		return "program: " + err.Error()
	}
	vars := map[string]any{}
	for name, v := range test.GetBindings() {
		if vars[name], err = cel.ProtoAsValue(env.CELTypeAdapter(), v.GetValue()); err != nil {
			return "binding " + name + ": " + err.Error()
		}
	}
	out, _, err := prg.Eval(vars)
	switch {
	case want.evalError && err != nil:
		return ""
	case err != nil:
		return "evaluation error: " + err.Error()
	}
	pv, err := cel.ValueAsProto(out)
	if err != nil {
		return "result: " + err.Error()
	}
	typ, display, skip := expectedValue(pv)
	if skip != "" {
		return "a result of a type this test cannot write: " + out.Type().TypeName()
	}
	if want.evalError {
		return "got " + display + ", want an evaluation error"
	}
	if display != want.display || typ != want.typ && typ != typeKind(want.typ) {
		return fmt.Sprintf("got %s (%s), want %s (%s)", display, typ, want.display, want.typ)
	}
	return ""
}

// usesBlockMacros tells an expression that calls the conformance runners'
// cel.block family.
func usesBlockMacros(expr string) bool {
	return strings.Contains(expr, "cel.block(") || strings.Contains(expr, "cel.index(") ||
		strings.Contains(expr, "cel.iterVar(") || strings.Contains(expr, "cel.accuVar(")
}

var identifierToken = regexp.MustCompile(`[_a-zA-Z][_a-zA-Z0-9]*`)

// namesConformanceProto tells an expression that names a message, enum or
// extension of the conformance protos.
func namesConformanceProto(expr string, names map[string]bool) bool {
	if strings.Contains(expr, "cel.expr.conformance.") {
		return true
	}
	return slices.ContainsFunc(identifierToken.FindAllString(expr, -1), func(tok string) bool { return names[tok] })
}

// conformanceProtoNames are the short names of the conformance protos'
// messages, enums and extensions (TestAllTypes, NestedEnum, int32_ext).
func conformanceProtoNames() map[string]bool {
	names := map[string]bool{}
	var addMessages func(protoreflect.MessageDescriptors)
	addEnumsAndExtensions := func(enums protoreflect.EnumDescriptors, exts protoreflect.ExtensionDescriptors) {
		for i := 0; i < enums.Len(); i++ {
			names[string(enums.Get(i).Name())] = true
		}
		for i := 0; i < exts.Len(); i++ {
			names[string(exts.Get(i).Name())] = true
		}
	}
	addMessages = func(msgs protoreflect.MessageDescriptors) {
		for i := 0; i < msgs.Len(); i++ {
			m := msgs.Get(i)
			if m.IsMapEntry() {
				continue
			}
			names[string(m.Name())] = true
			addEnumsAndExtensions(m.Enums(), m.Extensions())
			addMessages(m.Messages())
		}
	}
	for _, pkg := range []protoreflect.FullName{"cel.expr.conformance.proto2", "cel.expr.conformance.proto3"} {
		protoregistry.GlobalFiles.RangeFilesByPackage(pkg, func(fd protoreflect.FileDescriptor) bool {
			addEnumsAndExtensions(fd.Enums(), fd.Extensions())
			addMessages(fd.Messages())
			return true
		})
	}
	return names
}
