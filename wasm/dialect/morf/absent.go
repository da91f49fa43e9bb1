package morf

import (
	"fieldbook/wasm/lazyregexp"
	"fmt"
	"strings"

	"cel.dev/cel-go/cel"
	celast "cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"
	"cel.dev/cel-go/parser"
)

// Morf separates a value that is not there (a field missing from the
// payload, or sent as null: the same thing) from an empty one. In the morf
// dialect, nulls are left out of objects when a payload is read, so an
// absent field is one the payload does not have; f.orValue(d) and
// f.hasValue() work on any field, present or not; and plain use of an
// absent field is an error that names it.
//
// orValue and hasValue are cel-go's optional functions extended to plain
// types with non-strict overloads: the field's "no such key" error reaches
// them, and they read it as absent. A receiver typed dyn resolves at run
// time, where cel-go's own decorator of orValue would refuse anything but
// an optional; decorateAbsent takes those calls first.

// absentTypes are the types the overloads are declared on; object types
// of a schema get theirs in ObjectOverloads. A type parameter cannot stand
// for them all: it would collide with optional_type(T).
var absentTypes = []*cel.Type{
	cel.BoolType, cel.IntType, cel.UintType, cel.DoubleType, cel.StringType, cel.BytesType,
	cel.TimestampType, cel.DurationType,
	cel.ListType(cel.TypeParamType("T")),
	cel.MapType(cel.TypeParamType("K"), cel.TypeParamType("V")),
}

const (
	orValueDoc  = "x.orValue(default) is x, or default when x is absent: a field missing from the payload or sent as null (on an optional: its value, or default when it has none). " + SignatureNote
	hasValueDoc = "x.hasValue() tells whether x is there: false for a field missing from the payload or sent as null (on an optional: whether it has a value). " + SignatureNote
)

// AbsentFunctions declares orValue and hasValue on the plain types.
func AbsentFunctions() []cel.EnvOption {
	return []cel.EnvOption{
		cel.Function("orValue", append([]cel.FunctionOpt{cel.FunctionDocs(orValueDoc)}, absentOverloads(absentTypes, true)...)...),
		cel.Function("hasValue", append([]cel.FunctionOpt{cel.FunctionDocs(hasValueDoc)}, absentOverloads(absentTypes, false)...)...),
	}
}

// ObjectOverloads declares hasValue and orValue on a schema's object types.
func ObjectOverloads(objs []*cel.Type) []cel.EnvOption {
	if len(objs) == 0 {
		return nil
	}
	return []cel.EnvOption{
		cel.Function("orValue", absentOverloads(objs, true)...),
		cel.Function("hasValue", absentOverloads(objs, false)...),
	}
}

func absentOverloads(ts []*cel.Type, orValue bool) []cel.FunctionOpt {
	var out []cel.FunctionOpt
	for _, t := range ts {
		id := "morf_" + overloadName(t)
		if orValue {
			out = append(out, cel.MemberOverload(id+"_orValue", []*cel.Type{t, t}, t, cel.OverloadIsNonStrict(),
				binaryBinding(orValueOf)))
		} else {
			out = append(out, cel.MemberOverload(id+"_hasValue", []*cel.Type{t}, cel.BoolType, cel.OverloadIsNonStrict(),
				unaryBinding(hasValueOf)))
		}
	}
	return out
}

// overloadName is a type's name as an overload id takes it.
func overloadName(t *cel.Type) string {
	return strings.NewReplacer("(", "_", ")", "", ", ", "_", ".", "_").Replace(t.String())
}

// IsAbsent tells a value that is not there: null, or the error of a
// selection that found no such field or variable.
func IsAbsent(v ref.Val) bool {
	if v == types.NullValue {
		return true
	}
	if err, ok := v.(*types.Err); ok {
		return absentField(err.Error()) != ""
	}
	return false
}

var absentError = lazyregexp.New(`^no such (?:key|attribute\(s\)): (.+)$`)

// absentField is the field a "no such key" error names, or "".
func absentField(msg string) string {
	if m := absentError.FindStringSubmatch(msg); m != nil {
		return m[1]
	}
	return ""
}

func orValueOf(v, def ref.Val) ref.Val {
	switch x := v.(type) {
	case *types.Optional:
		if x.HasValue() {
			return x.GetValue()
		}
		return def
	case *types.Err, *types.Unknown:
		if IsAbsent(v) {
			return def
		}
		return v
	}
	if v == types.NullValue {
		return def
	}
	return v
}

func hasValueOf(v ref.Val) ref.Val {
	switch x := v.(type) {
	case *types.Optional:
		return types.Bool(x.HasValue())
	case *types.Err, *types.Unknown:
		if IsAbsent(v) {
			return types.False
		}
		return v
	}
	return types.Bool(v != types.NullValue)
}

// decorateAbsent plans the orValue and hasValue calls that are Morf's own
// or resolved only at run time (a dyn receiver), which may meet an absent
// field, a plain value or an optional.
func decorateAbsent(i interpreter.InterpretableV2) (interpreter.InterpretableV2, error) {
	call, ok := i.(interpreter.InterpretableCall)
	if !ok {
		return i, nil
	}
	if id := call.OverloadID(); id != "" && !strings.HasPrefix(id, "morf_") {
		return i, nil
	}
	args := call.Args()
	switch {
	case call.Function() == "orValue" && len(args) == 2:
		return &evalAbsent{id: call.ID(), target: args[0], def: args[1]}, nil
	case call.Function() == "hasValue" && len(args) == 1:
		return &evalAbsent{id: call.ID(), target: args[0]}, nil
	}
	return i, nil
}

// evalAbsent is x.orValue(def) (def set) or x.hasValue(); def is evaluated
// only when x is absent.
type evalAbsent struct {
	id     int64
	target interpreter.InterpretableV2
	def    interpreter.InterpretableV2
}

func (a *evalAbsent) ID() int64 { return a.id }

func (a *evalAbsent) Eval(ctx interpreter.Activation) ref.Val {
	return interpreter.EvalActivation(ctx, a.Exec)
}

func (a *evalAbsent) Exec(frame *interpreter.ExecutionFrame) ref.Val {
	v := a.target.Exec(frame)
	if a.def == nil {
		return hasValueOf(v)
	}
	if hv := hasValueOf(v); hv == types.True {
		return orValueOf(v, types.NullValue)
	} else if hv != types.False {
		return hv // an error that is not absence
	}
	return a.def.Exec(frame)
}

// AbsentMessage explains plain use of an absent field, naming the field as
// the expression writes it; "" when the error is another.
func AbsentMessage(ast *cel.Ast, err *types.Err) string {
	key := absentField(err.Error())
	if key == "" {
		return ""
	}
	field := key
	native := ast.NativeRep()
	if found := celast.MatchDescendants(celast.NavigateAST(native), func(e celast.NavigableExpr) bool {
		return e.ID() == err.NodeID()
	}); len(found) == 1 {
		var absent celast.Expr = found[0]
		// In has(a.b), what is absent is a: has() itself only tests.
		if absent.Kind() == celast.SelectKind && absent.AsSelect().IsTestOnly() {
			absent = absent.AsSelect().Operand()
		}
		if text, uerr := parser.Unparse(absent, native.SourceInfo()); uerr == nil {
			field = text
		}
	}
	return fmt.Sprintf("%s is absent from this payload (missing, or sent as null): write %s.orValue(default) to use a default when it is absent, or %s.hasValue() to test for it", field, field, field)
}
