package celjson

import (
	"encoding/base64"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"

	"fieldbook/wasm/jsonpos"
)

// maxSafeInt is the largest integer a JavaScript number holds exactly.
const maxSafeInt = 1 << 53

// An answer is bounded by what writing its result adds to it (its JSON
// value and its CEL display together): a value of a hundred characters of
// CEL may hold millions of elements (cel.bind(a, [s, s], ...) doubles them
// at each step), and writing all of them took seconds and hundreds of
// megabytes. Writing stops as soon as the budget is spent.

// PreviewChars is how much of the display of a result too large to
// answer is kept, so that a reader sees how it starts.
const PreviewChars = 2000

// Budget is what is left of the bytes a result may take; it goes
// below zero once the result is too large, and every writer stops there.
type Budget struct{ Left int }

// Spend takes n bytes; false once past the budget.
func (b *Budget) Spend(n int) bool {
	b.Left -= n
	return b.Left >= 0
}

func (b *Budget) Over() bool { return b.Left < 0 }

// Write writes a value as JSON and as CEL within limit bytes for the
// two together. A result past the limit is answered by the first
// PreviewChars characters of its display, and tooLarge.
func Write(v ref.Val, limit int) (value any, display string, tooLarge bool) {
	b := &Budget{Left: limit}
	display = DisplayWithin(v, b)
	if !b.Over() {
		value = jsonValue(v, b)
	}
	if b.Over() {
		return nil, Preview(display, PreviewChars), true
	}
	return value, display, false
}

// TooLargeMessage says why a result was not answered.
func TooLargeMessage(limit int) string {
	return fmt.Sprintf("the result is too large to answer: its value and its display passed %s bytes, the limit of one answer, "+
		"and writing them stopped there; the first %s characters of its display are shown", jsonpos.GroupDigits(uint64(limit)), jsonpos.GroupDigits(PreviewChars))
}

// Preview is the first n characters of s.
func Preview(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// jsonValue writes a CEL value as JSON: timestamps in RFC 3339, durations as
// "3600s", bytes in base64, integers beyond ±2^53 as strings (a JavaScript
// number would round them), NaN and infinities as strings. It spends what
// encoding/json will write of it, and stops (nil) once b is spent.
func jsonValue(v ref.Val, b *Budget) any {
	out := jsonScalar(v)
	switch x := out.(type) {
	case nil:
		b.Spend(4)
	case bool:
		b.Spend(5)
	case int64:
		b.Spend(20)
	case uint64:
		b.Spend(20)
	case float64:
		b.Spend(24)
	case string:
		b.Spend(jsonStringLength(x))
	case jsonContainer:
		return x.write(b)
	}
	if b.Over() {
		return nil
	}
	return out
}

// jsonContainer is a list, a map or an optional, which jsonValue writes
// element by element.
type jsonContainer struct{ v ref.Val }

func (c jsonContainer) write(b *Budget) any {
	switch v := c.v.(type) {
	case *types.Optional:
		if v.HasValue() {
			return jsonValue(v.GetValue(), b)
		}
		b.Spend(4)
		return nil
	case traits.Lister:
		n := int(v.Size().(types.Int))
		if !b.Spend(2 + n) { // [], and at least a comma or a digit an element
			return nil
		}
		out := make([]any, n)
		for i := 0; i < n; i++ {
			if out[i] = jsonValue(v.Get(types.Int(i)), b); b.Over() {
				return nil
			}
		}
		return out
	case traits.Mapper:
		n := int(v.Size().(types.Int))
		if !b.Spend(2 + 6*n) { // {}, and "":0, at the least an entry
			return nil
		}
		out := make(map[string]any, n)
		for it := v.Iterator(); it.HasNext() == types.True; {
			k := it.Next()
			key := mapKey(k)
			if !b.Spend(jsonStringLength(key)) {
				return nil
			}
			if out[key] = jsonValue(v.Get(k), b); b.Over() {
				return nil
			}
		}
		return out
	}
	return nil
}

// jsonScalar is a value's JSON when it holds no other values, else a
// jsonContainer.
func jsonScalar(v ref.Val) any {
	switch v := v.(type) {
	case types.Null:
		return nil
	case types.Bool:
		return bool(v)
	case types.Int:
		if v > maxSafeInt || v < -maxSafeInt {
			return strconv.FormatInt(int64(v), 10)
		}
		return int64(v)
	case types.Uint:
		if v > maxSafeInt {
			return strconv.FormatUint(uint64(v), 10)
		}
		return uint64(v)
	case types.Double:
		f := float64(v)
		switch {
		case math.IsNaN(f):
			return "NaN"
		case math.IsInf(f, 1):
			return "Infinity"
		case math.IsInf(f, -1):
			return "-Infinity"
		}
		return f
	case types.String:
		return string(v)
	case types.Bytes:
		return base64.StdEncoding.EncodeToString(v)
	case types.Timestamp:
		return v.Time.UTC().Format(time.RFC3339Nano)
	case types.Duration:
		return durationString(v.Duration)
	case *types.Optional, traits.Lister, traits.Mapper:
		return jsonContainer{v}
	case ref.Type:
		return v.TypeName()
	}
	return fmt.Sprint(v.Value())
}

// jsonStringLength is the length encoding/json writes a string in: quoted,
// with its escapes.
func jsonStringLength(s string) int {
	n := len(s) + 2
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			n++
		case c < 0x20 || c == '<' || c == '>' || c == '&':
			n += 5
		}
	}
	return n
}

// mapKey writes a map key as a JSON object key.
func mapKey(k ref.Val) string {
	if s, ok := k.(types.String); ok {
		return string(s)
	}
	return Display(k)
}

// durationString writes a duration as protobuf's JSON does: "3600s", "1.5s".
func durationString(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign = "-"
		d = -d
	}
	secs, nanos := int64(d/time.Second), int64(d%time.Second)
	if nanos == 0 {
		return fmt.Sprintf("%s%ds", sign, secs)
	}
	frac := strings.TrimRight(fmt.Sprintf("%09d", nanos), "0")
	return fmt.Sprintf("%s%d.%ss", sign, secs, frac)
}

// Display writes a CEL value as a CEL expression that makes it:
// timestamp("2016-10-13T11:15:00Z"), 15u, b"...", optional.of(1). It is
// for values known to be small (map keys, the values of the site's
// examples); a result is written by DisplayWithin.
func Display(v ref.Val) string {
	return DisplayWithin(v, &Budget{Left: math.MaxInt / 2})
}

// DisplayWithin writes v as display does, stopping once b is spent; what
// was written is kept, a prefix of the whole.
func DisplayWithin(v ref.Val, b *Budget) string {
	w := displayWriter{budget: b}
	w.write(v)
	return w.String()
}

type displayWriter struct {
	strings.Builder
	budget *Budget
}

// put writes s; false once the budget is spent. It is kept out of line:
// inlined at each of its uses in write, it took 27 KB of WebAssembly.
//
//go:noinline
func (w *displayWriter) put(s string) bool {
	if w.budget.Over() {
		return false
	}
	if len(s) > w.budget.Left+1 {
		s = s[:w.budget.Left+1] // enough to know it is over, and to show the start
	}
	w.WriteString(s)
	return w.budget.Spend(len(s))
}

func (w *displayWriter) write(v ref.Val) bool {
	switch v := v.(type) {
	case types.Null:
		return w.put("null")
	case types.Bool:
		return w.put(strconv.FormatBool(bool(v)))
	case types.Int:
		return w.put(strconv.FormatInt(int64(v), 10))
	case types.Uint:
		return w.put(strconv.FormatUint(uint64(v), 10) + "u")
	case types.Double:
		return w.put(doubleLiteral(float64(v)))
	case types.String:
		if len(v) > w.budget.Left {
			return w.put(strconv.Quote(string(v[:w.budget.Left])))
		}
		return w.put(strconv.Quote(string(v)))
	case types.Bytes:
		if len(v) > w.budget.Left {
			return w.put("b" + strconv.Quote(string(v[:w.budget.Left])))
		}
		return w.put("b" + strconv.Quote(string(v)))
	case types.Timestamp:
		return w.put(`timestamp("` + v.Time.UTC().Format(time.RFC3339Nano) + `")`)
	case types.Duration:
		return w.put(`duration("` + durationString(v.Duration) + `")`)
	case *types.Optional:
		if !v.HasValue() {
			return w.put("optional.none()")
		}
		return w.put("optional.of(") && w.write(v.GetValue()) && w.put(")")
	case ref.Type:
		return w.put(v.TypeName())
	case traits.Lister:
		if !w.put("[") {
			return false
		}
		n := int(v.Size().(types.Int))
		for i := 0; i < n; i++ {
			if i > 0 && !w.put(", ") || !w.write(v.Get(types.Int(i))) {
				return false
			}
		}
		return w.put("]")
	case traits.Mapper:
		n := int(v.Size().(types.Int))
		if n > w.budget.Left/4 { // at least "": 0, an entry: too large to sort
			w.put("{")
			w.budget.Left = -1
			return false
		}
		type entry struct {
			key string
			val ref.Val
		}
		entries := make([]entry, 0, n)
		for it := v.Iterator(); it.HasNext() == types.True; {
			k := it.Next()
			entries = append(entries, entry{Display(k), v.Get(k)})
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].key < entries[j].key })
		if !w.put("{") {
			return false
		}
		for i, e := range entries {
			if i > 0 && !w.put(", ") || !w.put(e.key+": ") || !w.write(e.val) {
				return false
			}
		}
		return w.put("}")
	}
	return w.put(fmt.Sprint(v.Value()))
}

// doubleLiteral writes a double so that CEL reads it back as a double.
func doubleLiteral(f float64) string {
	switch {
	case math.IsNaN(f):
		return `double("NaN")`
	case math.IsInf(f, 1):
		return `double("Infinity")`
	case math.IsInf(f, -1):
		return `double("-Infinity")`
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	return s
}

// ResultType names a result's type: the checked type where it says more
// than dyn and the value agrees with it, else the value's own type (a quirk
// value, such as "" where a timestamp was declared, is a string).
func ResultType(checked *cel.Type, v ref.Val) string {
	rt, ok := v.Type().(*types.Type)
	if checked != nil && checked.Kind() != types.DynKind && ok {
		ck, vk := checked.Kind(), rt.Kind()
		if ck == vk || (ck == types.StructKind && vk == types.MapKind) {
			return TypeName(checked)
		}
	}
	return v.Type().TypeName()
}

// TypeName writes a CEL type as CEL names it: bool, list(string),
// google.protobuf.Timestamp, elation.Appointment.ServiceLocation.
func TypeName(t *types.Type) string {
	params := t.Parameters()
	switch {
	case t.Kind() == types.ListKind && len(params) == 1:
		return "list(" + TypeName(params[0]) + ")"
	case t.Kind() == types.MapKind && len(params) == 2:
		return "map(" + TypeName(params[0]) + ", " + TypeName(params[1]) + ")"
	case t.Kind() == types.TypeKind && len(params) == 1:
		return "type(" + TypeName(params[0]) + ")"
	case len(params) > 0:
		names := make([]string, len(params))
		for i, p := range params {
			names[i] = TypeName(p)
		}
		return t.TypeName() + "(" + strings.Join(names, ", ") + ")"
	}
	return t.TypeName()
}
