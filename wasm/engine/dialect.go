package engine

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/ext"

	"fieldbook/schemas"
	"fieldbook/wasm/celjson"
	"fieldbook/wasm/dialect/morf"
	"fieldbook/wasm/dialect/zones"
	"fieldbook/wasm/jsonpos"
)

// The dialects: the CEL a reader writes depends on the platform that runs
// it.
const (
	// DialectMorf is Morf's workflow CEL: the cel dialect, plus Morf's
	// functions and its reading of absent fields (missing and null are the
	// same; orValue and hasValue on any field that may be absent).
	DialectMorf = "morf"
	// DialectCEL is cel-go with the extensions Fieldbook has always had.
	DialectCEL = "cel"
)

// Dialects lists the dialects, the default first.
var Dialects = []Dialect{
	{
		Name:  DialectMorf,
		Title: "Morf workflows",
		Summary: "The CEL of Morf's workflow builder: filters, waits and calculated values over the payloads of Morf's event sources. " +
			"On top of the cel dialect it has Morf's functions (morf.now, isAfter, isBefore, add, sub, parseDuration, parseTimestamp, " +
			"customFormatInTimezone, getAge) and treats a field that is missing and one sent as null alike, as absent: " +
			"orValue(default) and hasValue() work on any field, and plain use of an absent field is an error that names it.",
	},
	{
		Name:  DialectCEL,
		Title: "CEL (cel-go)",
		Summary: "cel-go " + CelGoVersion + " with its standard library and the extensions strings, math, lists, sets, encoders, " +
			"bindings, two-variable comprehensions and optional types. Null is a value: a field sent as null is null.",
	},
}

// dialectFor resolves a request's dialect: the one it names, else the
// schema's: Morf's event sources are read in the morf dialect, shared
// models in cel; without a schema, morf.
func (e *Engine) dialectFor(name string, s *schemas.Schema) (string, *Diagnostic) {
	switch name {
	case DialectMorf, DialectCEL:
		return name, nil
	case "":
	default:
		d := requestError(fmt.Sprintf("unknown dialect %q: use %q (Morf's workflows) or %q (cel-go and its extensions)", name, DialectMorf, DialectCEL))
		return "", &d
	}
	if s != nil && e.isModelSource(s.Source) {
		return DialectCEL, nil
	}
	return DialectMorf, nil
}

// DefaultDialect is the dialect a request without one gets for a schema
// ("" for none).
func (e *Engine) DefaultDialect(schemaID string) string {
	s, _ := e.set.Get(schemaID)
	d, _ := e.dialectFor("", s)
	return d
}

func (e *Engine) isModelSource(source string) bool {
	return slices.ContainsFunc(e.set.Catalog.ModelSources, func(src schemas.Source) bool { return src.ID == source })
}

// dialectOptions configure a dialect's base environment.
func dialectOptions(dialect string, lim Limits) []cel.EnvOption {
	opts := []cel.EnvOption{zones.Library()}
	if dialect == DialectMorf {
		// Morf's library goes before the optional types: its decorator of
		// orValue must see the calls before theirs does.
		opts = append(opts, morf.Library())
	}
	opts = append(opts, baseOptions(lim)...)
	if dialect == DialectMorf {
		// Declared again, the same overloads, so that the descriptions
		// of orValue and hasValue are Morf's rather than the optional
		// types' alone.
		opts = append(opts, morf.AbsentFunctions()...)
	}
	return opts
}

// isCallableName leaves out operators and internal overloads (_+_, @in,
// !_), which are not written as calls.
func isCallableName(name string) bool {
	return name != "" && unicode.IsLetter(rune(name[0]))
}

// signature writes a function overload as completion, hover and the
// dialect reference show it: name(list(string), int) -> string.
func signature(name string, args []*types.Type, result *types.Type, member bool) string {
	var b strings.Builder
	if member {
		b.WriteString(celjson.TypeName(args[0]) + ".")
		args = args[1:]
	}
	b.WriteString(name + "(")
	for i, a := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(celjson.TypeName(a))
	}
	b.WriteString(") -> " + celjson.TypeName(result))
	return b.String()
}

// unbounded are the functions cel-go charges without a bound (its
// encoders' json and yaml functions): under any cost limit they stop
// before they finish. They are not offered (completion, the dialect
// pages), and an expression that calls one does not check.
var unbounded = map[string]bool{"json.encode": true, "json.parse": true, "yaml.encode": true, "yaml.parse": true}

// unboundedMessage says why such a call does not check.
func unboundedMessage(name string, limit uint64) string {
	return fmt.Sprintf("%s is not offered: cel-go charges it without a bound, so under the cost limit of %s units it could never finish", name, jsonpos.GroupDigits(limit))
}

// baseOptions configure every environment: CEL's standard library and
// cel-go's extensions, and now(), whose clock each evaluation sets.
func baseOptions(lim Limits) []cel.EnvOption {
	return []cel.EnvOption{
		ext.Strings(),
		ext.Math(),
		ext.Lists(),
		ext.Sets(),
		ext.Encoders(),
		ext.Bindings(),
		ext.TwoVarComprehensions(),
		cel.OptionalTypes(),
		cel.CrossTypeNumericComparisons(true),
		cel.ParserExpressionSizeLimit(lim.MaxExpressionLength),
		cel.Function("now",
			cel.Overload("now_timestamp", nil, cel.TimestampType, cel.LateFunctionBinding()),
		),
	}
}
