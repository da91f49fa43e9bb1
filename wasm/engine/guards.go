package engine

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/decls"
	"cel.dev/cel-go/common/functions"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"

	"fieldbook/wasm/jsonpos"
)

// cel-go charges a call's cost once the call has returned, so one call can
// run for many seconds, and allocate gigabytes, before the cost limit
// stops the expression: lists.range(40000).distinct() is charged three
// billion units. The guards below compute, from a call's arguments and
// before it runs, a lower bound of the cost cel-go will charge for it (its
// own cost models: common/cost and the ext package), and refuse the call
// when that bound alone is past the limit. They refuse nothing cel-go
// would let through; they only refuse it before the work instead of after.

// callGuard bounds from below the cost cel-go charges for a call.
type callGuard func(args []ref.Val) uint64

// guards are the overloads whose work grows faster than their arguments,
// or whose arguments are cheap to write and their result large, by id.
var guards = map[string]callGuard{
	// A list of n ints: charged at least n.
	"lists_range": func(args []ref.Val) uint64 { return nonNegative(args[0]) },
	// Every pair compared: charged 2n² and more.
	"list_distinct": selfCompare,
	// Charged the result's length and more.
	"string_replace_string_string":     replacedLength,
	"string_replace_string_string_int": replacedLength,
	"list_join":                        joinedLength,
	"list_join_string":                 joinedLength,
	// Charged factor × n × m.
	"list_sets_contains_list":   func(args []ref.Val) uint64 { return sizeOf(args[0]) * sizeOf(args[1]) },
	"list_sets_intersects_list": func(args []ref.Val) uint64 { return sizeOf(args[0]) * sizeOf(args[1]) },
	"list_sets_equivalent_list": func(args []ref.Val) uint64 { return 2 * sizeOf(args[0]) * sizeOf(args[1]) },
}

// guardedOverload finds the guard of an overload id: the table's, and the
// sorts (list_int_sort, list_string_sortByAssociatedKeys), which compare
// every pair as distinct does.
func guardedOverload(id string) callGuard {
	if g, ok := guards[id]; ok {
		return g
	}
	if strings.HasPrefix(id, "list_") && (strings.HasSuffix(id, "_sort") || strings.HasSuffix(id, "_sortByAssociatedKeys")) {
		return selfCompare
	}
	return nil
}

func selfCompare(args []ref.Val) uint64 {
	n := sizeOf(args[0])
	return 2 * n * n
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
	n := sizeOf(args[0])
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

func sizeOf(v ref.Val) uint64 {
	if s, ok := v.(traits.Sizer); ok {
		if n, ok := s.Size().(types.Int); ok && n > 0 {
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

// guardFunctions redeclares the guarded overloads of the environment
// configured so far with their own implementations behind the guards, so
// it comes after every library. A call refused is an error that says what
// it would have cost.
func guardFunctions(limit uint64) cel.EnvOption {
	return func(env *cel.Env) (*cel.Env, error) {
		var opts []cel.EnvOption
		for name, fn := range env.Functions() {
			// Bindings are made on request, and most functions have no
			// guarded overload: asking only those saves the first call
			// on a new dialect most of the work of this option.
			if !slices.ContainsFunc(fn.OverloadDecls(), func(o *decls.OverloadDecl) bool { return guardedOverload(o.ID()) != nil }) {
				continue
			}
			bindings, err := fn.Bindings()
			if err != nil {
				return nil, err
			}
			impls := map[string]*functions.Overload{}
			for _, b := range bindings {
				impls[b.Operator] = b
			}
			for _, o := range fn.OverloadDecls() {
				guard, impl := guardedOverload(o.ID()), impls[o.ID()]
				if guard == nil || impl == nil {
					continue
				}
				opts = append(opts, cel.Function(name, redeclare(o.ID(), o.IsMemberFunction(), o.ArgTypes(), o.ResultType(), guarded(name, limit, guard, impl))))
			}
		}
		return env.Extend(opts...)
	}
}

func redeclare(id string, member bool, args []*cel.Type, result *cel.Type, impl cel.OverloadOpt) cel.FunctionOpt {
	if member {
		return cel.MemberOverload(id, args, result, impl)
	}
	return cel.Overload(id, args, result, impl)
}

// guarded wraps an overload's implementation in its guard.
func guarded(name string, limit uint64, guard callGuard, impl *functions.Overload) cel.OverloadOpt {
	refuse := func(args []ref.Val) ref.Val {
		if c := guard(args); c > limit {
			return types.NewErr("%s", costRefusal(name, c, limit))
		}
		return nil
	}
	switch {
	case impl.Unary != nil:
		return cel.UnaryBinding(func(a ref.Val) ref.Val {
			if err := refuse([]ref.Val{a}); err != nil {
				return err
			}
			return impl.Unary(a)
		})
	case impl.Binary != nil:
		return cel.BinaryBinding(func(a, b ref.Val) ref.Val {
			if err := refuse([]ref.Val{a, b}); err != nil {
				return err
			}
			return impl.Binary(a, b)
		})
	default:
		return cel.FunctionBinding(func(args ...ref.Val) ref.Val {
			if err := refuse(args); err != nil {
				return err
			}
			return impl.Function(args...)
		})
	}
}

// costRefusal is the message of a call refused before it ran.
func costRefusal(name string, cost, limit uint64) string {
	return fmt.Sprintf("the expression was stopped: %s would cost at least %s units, past the cost limit of %s units (CEL counts roughly one unit per operation and per element visited)", name, jsonpos.GroupDigits(cost), jsonpos.GroupDigits(limit))
}
