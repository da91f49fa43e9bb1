// Package costguard bounds the work of CEL calls before they run: a
// cel-go program option that charges each costly call (==, in, +, sort,
// replace, ...) a bound of its work, computed from its arguments, and stops
// the evaluation at once when that bound is past what the cost limit has
// left.
package costguard

import (
	"fmt"
	"math/bits"
	"strings"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/functions"
	celops "cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"cel.dev/cel-go/interpreter"

	"fieldbook/wasm/jsonpos"
)

// cel-go charges a call's cost once the call has returned, so one call can
// run for many seconds, and allocate gigabytes, before the cost limit
// stops the expression: lists.range(40000).distinct() is charged three
// billion units, an equality of two lists for their outer length alone,
// whatever they hold, and x + x for one unit however long x is. The guards
// below compute, from a call's arguments and before it runs, a bound of
// the work it will do (the elements it will compare, copy, scan or build,
// by deepSize where it looks inside them). The call is charged that bound
// before it runs, and the evaluation ends there when the bound is past
// what the cost limit has left; after it, it is charged what cel-go would
// charge beyond the bound.
//
// The guarded calls are planned as evalGuarded, by a decorator of cel-go's
// planner: ==, != and in have no binding an environment could wrap, and
// +, in, sort and sortBy have one implementation for all their overloads,
// which cannot be redeclared.

// callGuard bounds from below the work of a call on its arguments, 0 where
// cel-go's own charge is enough (a + b on ints, say).
type callGuard func(args []ref.Val) uint64

// guards are the functions whose work grows faster than their arguments,
// or looks inside their arguments, or whose arguments are cheap to write
// and their result large, by name.
var guards = map[string]callGuard{
	// A list of n ints.
	"lists.range": func(args []ref.Val) uint64 { return nonNegative(args[0]) },
	// Every pair compared, each comparison as deep as its element.
	"distinct": func(args []ref.Val) uint64 {
		n := listLen(args[0])
		return max(satMul(2*n, n), satMul(n, deepSize(args[0])))
	},
	"sort": func(args []ref.Val) uint64 {
		n := listLen(args[0])
		return satMul(2*n, n)
	},
	"@sortByAssociatedKeys": func(args []ref.Val) uint64 {
		n := listLen(args[1])
		return satMul(2*n, n)
	},
	// The result's length.
	"replace": replacedLength,
	"join":    joinedLength,
	"split":   splitParts,
	"reverse": func(args []ref.Val) uint64 { return listLen(args[0]) },
	"slice": func(args []ref.Val) uint64 {
		if _, ok := args[0].(traits.Lister); !ok {
			return 0
		}
		start, end := nonNegative(args[1]), nonNegative(args[2])
		return end - min(start, end)
	},
	"flatten": func(args []ref.Val) uint64 {
		depth := uint64(1)
		if len(args) == 2 {
			depth = nonNegative(args[1])
		}
		return flattenedWork(args[0], depth)
	},
	// Every element compared with the one sought.
	celops.In: func(args []ref.Val) uint64 { return memberWork(args[0], args[1]) },
	// Every pair of the two lists compared.
	"sets.contains":   pairWork(1),
	"sets.intersects": pairWork(1),
	"sets.equivalent": pairWork(2),
	"hasOnly":         pairWork(1),
	"hasAny":          pairWork(1),
	"hasAll":          pairWork(1),
	"hasExactly":      pairWork(2),
	// The arguments written out whole.
	"format": func(args []ref.Val) uint64 {
		if s, ok := args[0].(types.String); ok {
			return deepSize(args[1]) + uint64(len(s))/stringUnitBytes
		}
		return 0
	},
	// The elements copied (concatenate).
	celops.Add: func(args []ref.Val) uint64 {
		if isConcatenation(args) {
			return listLen(args[0]) + listLen(args[1])
		}
		// The text built: doubled by binding, a string of a hundred
		// characters is 400 MB after 22 steps, each charged one unit.
		if a, ok := textLen(args[0]); ok {
			if b, ok := textLen(args[1]); ok {
				return (a + b) / stringUnitBytes
			}
		}
		return 0
	},
	// Two containers compared: they differ at once when their lengths
	// differ, and the comparison stops at the shallower of the two.
	celops.Equals:    equalityWork,
	celops.NotEquals: equalityWork,
}

func equalityWork(args []ref.Val) uint64 {
	l, r := args[0], args[1]
	if !isContainer(l) || !isContainer(r) || listLen(l) != listLen(r) || mapLen(l) != mapLen(r) {
		return 0
	}
	return min(deepSize(l), deepSize(r))
}

// memberWork bounds x in list: each element compared with x, each
// comparison no deeper than the shallower of the two. In a map, a key is
// looked up.
func memberWork(x, list ref.Val) uint64 {
	if _, ok := list.(traits.Lister); !ok {
		return 0
	}
	n := listLen(list)
	if !isContainer(x) {
		return n
	}
	return max(n, min(deepSize(list), satMul(n, deepSize(x))))
}

// pairWork bounds a call that compares every element of one list with
// every element of the other, factor times over: each comparison is no
// deeper than either element, so the whole is no more than one list's deep
// size for each element of the other.
func pairWork(factor uint64) callGuard {
	return func(args []ref.Val) uint64 {
		n, m := listLen(args[0]), listLen(args[1])
		pairs := satMul(n, m)
		if pairs == 0 {
			return 0
		}
		deep := min(satMul(m, deepSize(args[0])), satMul(n, deepSize(args[1])))
		return satMul(factor, max(pairs, deep))
	}
}

// flattenedWork bounds the work of list.flatten(depth): the elements of the
// result and the lists opened to reach them. The list's deep size bounds
// them, and is known at once when counted before; past the most a call may
// cost, they are counted, no further than that.
func flattenedWork(v ref.Val, depth uint64) uint64 {
	l, ok := v.(traits.Lister)
	if !ok {
		return 0
	}
	if n := deepSize(v); n < maxCountedSize {
		return n
	}
	var n uint64
	var walk func(l traits.Lister, depth uint64) bool
	walk = func(l traits.Lister, depth uint64) bool {
		size, _ := l.Size().(types.Int)
		for i := types.Int(0); i < size; i++ {
			if n++; n >= maxCountedSize {
				return false
			}
			if inner, ok := l.Get(i).(traits.Lister); ok && depth > 0 && !walk(inner, depth-1) {
				return false
			}
		}
		return true
	}
	walk(l, depth)
	return n
}

// replacedLength is the length s.replace(old, new[, n]) would have.
func replacedLength(args []ref.Val) uint64 {
	s, ok1 := args[0].(types.String)
	old, ok2 := args[1].(types.String)
	repl, ok3 := args[2].(types.String)
	if !ok1 || !ok2 || !ok3 {
		return 0
	}
	count := uint64(strings.Count(string(s), string(old)))
	if len(args) == 4 {
		if n, ok := args[3].(types.Int); ok && n >= 0 && uint64(n) < count {
			count = uint64(n)
		}
	}
	oldLen, newLen := uint64(utf8.RuneCountInString(string(old))), uint64(utf8.RuneCountInString(string(repl)))
	length := uint64(utf8.RuneCountInString(string(s)))
	if newLen > oldLen {
		return length + count*(newLen-oldLen)
	}
	return length
}

// joinedLength is the length list.join([sep]) would have.
func joinedLength(args []ref.Val) uint64 {
	l, ok := args[0].(traits.Lister)
	if !ok {
		return 0
	}
	n := listLen(args[0])
	var total uint64
	for it := l.Iterator(); it.HasNext() == types.True; {
		if s, ok := it.Next().(types.String); ok {
			total += uint64(utf8.RuneCountInString(string(s)))
		}
	}
	if len(args) == 2 && n > 0 {
		if sep, ok := args[1].(types.String); ok {
			total += (n - 1) * uint64(utf8.RuneCountInString(string(sep)))
		}
	}
	return total
}

// splitParts is the number of strings s.split(sep[, n]) would make.
func splitParts(args []ref.Val) uint64 {
	s, ok1 := args[0].(types.String)
	sep, ok2 := args[1].(types.String)
	if !ok1 || !ok2 {
		return 0
	}
	parts := uint64(strings.Count(string(s), string(sep))) + 1
	if sep == "" {
		parts = uint64(utf8.RuneCountInString(string(s)))
	}
	if len(args) == 3 {
		if n, ok := args[2].(types.Int); ok && n >= 0 {
			parts = min(parts, uint64(n))
		}
	}
	return parts
}

// textLen is the length in bytes of a string or bytes value.
func textLen(v ref.Val) (uint64, bool) {
	switch v := v.(type) {
	case types.String:
		return uint64(len(v)), true
	case types.Bytes:
		return uint64(len(v)), true
	}
	return 0, false
}

// isConcatenation tells a + b on two lists that copies them: not a
// comprehension's accumulator, which grows in place.
func isConcatenation(args []ref.Val) bool {
	_, ok1 := args[0].(traits.Lister)
	_, ok2 := args[1].(traits.Lister)
	_, mutable := args[0].(traits.MutableLister)
	return ok1 && ok2 && !mutable
}

// concatenate is a + b on lists. cel-go makes a lazy view of the two,
// whose every element read walks down the nesting: a list doubled twenty
// times by binding x + x held a million elements for twenty units of cost,
// and comparing it with itself took seconds. Here the elements are copied
// into one flat list, and charged as copied.
func concatenate(a, b ref.Val) ref.Val {
	elems := make([]ref.Val, 0, listLen(a)+listLen(b))
	for _, v := range []ref.Val{a, b} {
		l := v.(traits.Lister)
		n, _ := l.Size().(types.Int)
		for i := types.Int(0); i < n; i++ {
			elems = append(elems, l.Get(i))
		}
	}
	return types.NewRefValList(types.DefaultTypeAdapter, elems)
}

// listLen is a list's length, 0 for anything else.
func listLen(v ref.Val) uint64 {
	if l, ok := v.(traits.Lister); ok {
		if n, ok := l.Size().(types.Int); ok && n > 0 {
			return uint64(n)
		}
	}
	return 0
}

// mapLen is a map's size, 0 for anything else.
func mapLen(v ref.Val) uint64 {
	if m, ok := v.(traits.Mapper); ok {
		if n, ok := m.Size().(types.Int); ok && n > 0 {
			return uint64(n)
		}
	}
	return 0
}

func nonNegative(v ref.Val) uint64 {
	if n, ok := v.(types.Int); ok && n > 0 {
		return uint64(n)
	}
	return 0
}

// satMul multiplies, saturating instead of wrapping around.
func satMul(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return ^uint64(0)
	}
	return lo
}

// Implementations are the implementations of an environment's guarded
// functions, by overload id and by function name, as cel-go's planner
// finds them.
func Implementations(env *cel.Env) (map[string]*functions.Overload, error) {
	impls := map[string]*functions.Overload{}
	for name, fn := range env.Functions() {
		if guards[name] == nil {
			continue
		}
		bindings, err := fn.Bindings()
		if err != nil {
			return nil, err
		}
		for _, b := range bindings {
			impls[b.Operator] = b
		}
	}
	return impls, nil
}

// visitOverload names the charge made to cel-go's cost tracker before a
// guarded call runs.
const visitOverload = "fieldbook_visit"

type visitCall struct{}

func (visitCall) Function() string   { return visitOverload }
func (visitCall) OverloadID() string { return visitOverload }

// ProgramOptions plan the guarded calls of a program as evalGuarded, with
// impls, the environment's Implementations, and a cost limit of limit (the
// cost tracker's, where there is one).
func ProgramOptions(impls map[string]*functions.Overload, limit uint64) []cel.ProgramOption {
	return []cel.ProgramOption{
		cel.CustomDecoratorV2(func(i interpreter.InterpretableV2) (interpreter.InterpretableV2, error) {
			call, ok := i.(interpreter.InterpretableCall)
			if !ok {
				return i, nil
			}
			g := &evalGuarded{id: call.ID(), function: call.Function(), overload: call.OverloadID(), args: call.Args(), guard: guards[call.Function()], limit: limit}
			switch {
			case g.guard == nil:
				return i, nil
			case g.function == celops.Equals || g.function == celops.NotEquals:
				// Planned apart, with no overload to find.
				g.equality = true
			default:
				if g.impl = impls[g.overload]; g.impl == nil {
					g.impl = impls[g.function]
				}
				if g.impl == nil || g.impl.NonStrict {
					return i, nil
				}
			}
			return g, nil
		}),
		cel.CostTrackerOptions(cost.OverloadTracker(visitOverload, func(_ []ref.Val, n ref.Val) *uint64 {
			c := uint64(n.(types.Int))
			return &c
		})),
	}
}

// evalGuarded is a guarded call as cel-go's planner makes it (evalEq and
// evalNe for == and !=, evalUnary, evalBinary and evalVarArgs for a
// function), charged before it runs for its guard's bound.
type evalGuarded struct {
	id                 int64
	function, overload string
	args               []interpreter.InterpretableV2
	guard              callGuard
	impl               *functions.Overload // nil for == and !=
	equality           bool
	limit              uint64 // without a cost tracker
}

func (g *evalGuarded) ID() int64                           { return g.id }
func (g *evalGuarded) Function() string                    { return g.function }
func (g *evalGuarded) OverloadID() string                  { return g.overload }
func (g *evalGuarded) Args() []interpreter.InterpretableV2 { return g.args }

func (g *evalGuarded) Eval(ctx interpreter.Activation) ref.Val {
	return interpreter.EvalActivation(ctx, g.Exec)
}

// Exec evaluates the arguments as cel-go does: in order, a function's
// first error is its answer, unknowns merge; == and != charge an error
// operand, as cel-go does. Then the call is charged its guard's bound
// before it runs, and what cel-go would charge beyond the bound after.
func (g *evalGuarded) Exec(frame *interpreter.ExecutionFrame) ref.Val {
	costs := frame.CostTracker()
	args := make([]ref.Val, len(g.args))
	var unknown ref.Val
	for i, a := range g.args {
		v := a.Exec(frame)
		if types.IsError(v) {
			if g.equality && costs != nil && i == 0 {
				costs.EvalBinary(frame, g.id, g, v, types.UnknownType, v)
			} else if g.equality && costs != nil {
				costs.EvalBinary(frame, g.id, g, args[0], v, v)
			}
			return v
		}
		if types.IsUnknown(v) {
			unknown = mergeUnknowns(unknown, v)
		}
		args[i] = v
	}
	if unknown != nil {
		if costs != nil {
			costs.EvalVarArgs(frame, g.id, g, args, unknown)
		}
		return unknown
	}
	work := g.guard(args)
	if work > 0 {
		g.charge(frame, work)
	}
	res := types.LabelErrNode(g.id, g.call(args))
	if costs != nil {
		if c := costs.CostCall(g, args, res); c > work {
			costs.EvalUnary(frame, g.id, visitCall{}, nil, types.Int(c-work))
		}
	}
	return res
}

// call runs the call as cel-go's planner would: the implementation found,
// when the first argument has the trait it asks for, else a receiver's
// method.
func (g *evalGuarded) call(args []ref.Val) ref.Val {
	switch {
	case g.function == celops.Equals:
		return types.Equal(args[0], args[1])
	case g.function == celops.NotEquals:
		return types.Bool(types.Equal(args[0], args[1]) != types.True)
	case g.function == celops.Add && isConcatenation(args):
		return concatenate(args[0], args[1])
	case g.impl.OperandTrait != 0 && !args[0].Type().HasTrait(g.impl.OperandTrait):
		if r, ok := args[0].(traits.Receiver); ok && args[0].Type().HasTrait(traits.ReceiverType) {
			return r.Receive(g.function, g.overload, args[1:])
		}
		return types.NewErrWithNodeID(g.id, "no such overload: %s", g.function)
	case len(args) == 1 && g.impl.Unary != nil:
		return g.impl.Unary(args[0])
	case len(args) == 2 && g.impl.Binary != nil:
		return g.impl.Binary(args[0], args[1])
	case g.impl.Function != nil:
		return g.impl.Function(args...)
	}
	return types.NewErrWithNodeID(g.id, "no such overload: %s", g.function)
}

// charge charges n units before the call runs: past the limit alone, the
// evaluation ends with a message that says so; past what is left of it,
// with cel-go's. It ends it, rather than answering an error, because an
// error can be absorbed (x || true): the reader would get an answer
// without a word that a part of it was never computed.
func (g *evalGuarded) charge(frame *interpreter.ExecutionFrame, n uint64) {
	costs := frame.CostTracker()
	limit := g.limit
	if costs != nil && costs.Limit != nil {
		limit = *costs.Limit
	}
	if n > limit {
		panic(interpreter.EvalCancelledError{Cause: interpreter.CostLimitExceeded, Message: costRefusal(g.function, limit)})
	}
	if costs != nil {
		costs.EvalUnary(frame, g.id, visitCall{}, nil, types.Int(n))
	}
}

// mergeUnknowns adds an unknown to those met before (nil for none).
func mergeUnknowns(before, v ref.Val) ref.Val {
	u := v.(*types.Unknown)
	if b, ok := before.(*types.Unknown); ok {
		return types.MergeUnknowns(b, u)
	}
	return u
}

// operatorNames are the operators as an expression writes them.
var operatorNames = map[string]string{celops.Equals: "==", celops.NotEquals: "!=", celops.In: "in", celops.Add: "+"}

// RefusalPrefix starts every message of a bound that ended an evaluation.
const RefusalPrefix = "the expression was stopped: "

// costRefusal is the message of a call refused before it ran.
func costRefusal(name string, limit uint64) string {
	if op, ok := operatorNames[name]; ok {
		name = op
	}
	// The bound may be a count that stopped at the limit: "more than".
	return fmt.Sprintf("%s%s would go past the cost limit of %s units on its own, so it was not run (CEL counts roughly one unit per operation and per element visited, inside lists and maps too)",
		RefusalPrefix, name, jsonpos.GroupDigits(limit))
}
