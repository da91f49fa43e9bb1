package engine

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
)

// maxSafeInt is the largest integer a JavaScript number holds exactly.
const maxSafeInt = 1 << 53

// jsonValue writes a CEL value as JSON: timestamps in RFC 3339, durations as
// "3600s", bytes in base64, integers beyond ±2^53 as strings (a JavaScript
// number would round them), NaN and infinities as strings.
func jsonValue(v ref.Val) any {
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
	case *types.Optional:
		if v.HasValue() {
			return jsonValue(v.GetValue())
		}
		return nil
	case ref.Type:
		return v.TypeName()
	}
	if l, ok := v.(traits.Lister); ok {
		n := int(l.Size().(types.Int))
		out := make([]any, n)
		for i := 0; i < n; i++ {
			out[i] = jsonValue(l.Get(types.Int(i)))
		}
		return out
	}
	if m, ok := v.(traits.Mapper); ok {
		out := map[string]any{}
		for it := m.Iterator(); it.HasNext() == types.True; {
			k := it.Next()
			out[mapKey(k)] = jsonValue(m.Get(k))
		}
		return out
	}
	return fmt.Sprint(v.Value())
}

// mapKey writes a map key as a JSON object key.
func mapKey(k ref.Val) string {
	if s, ok := k.(types.String); ok {
		return string(s)
	}
	return display(k)
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

// display writes a CEL value as a CEL expression that makes it:
// timestamp("2016-10-13T11:15:00Z"), 15u, b"...", optional.of(1).
func display(v ref.Val) string {
	var b strings.Builder
	writeDisplay(&b, v)
	return b.String()
}

func writeDisplay(b *strings.Builder, v ref.Val) {
	switch v := v.(type) {
	case types.Null:
		b.WriteString("null")
	case types.Bool:
		b.WriteString(strconv.FormatBool(bool(v)))
	case types.Int:
		b.WriteString(strconv.FormatInt(int64(v), 10))
	case types.Uint:
		b.WriteString(strconv.FormatUint(uint64(v), 10) + "u")
	case types.Double:
		b.WriteString(doubleLiteral(float64(v)))
	case types.String:
		b.WriteString(strconv.Quote(string(v)))
	case types.Bytes:
		b.WriteString("b" + strconv.Quote(string(v)))
	case types.Timestamp:
		b.WriteString(`timestamp("` + v.Time.UTC().Format(time.RFC3339Nano) + `")`)
	case types.Duration:
		b.WriteString(`duration("` + durationString(v.Duration) + `")`)
	case *types.Optional:
		if v.HasValue() {
			b.WriteString("optional.of(")
			writeDisplay(b, v.GetValue())
			b.WriteString(")")
		} else {
			b.WriteString("optional.none()")
		}
	case ref.Type:
		b.WriteString(v.TypeName())
	default:
		if l, ok := v.(traits.Lister); ok {
			b.WriteString("[")
			n := int(l.Size().(types.Int))
			for i := 0; i < n; i++ {
				if i > 0 {
					b.WriteString(", ")
				}
				writeDisplay(b, l.Get(types.Int(i)))
			}
			b.WriteString("]")
			return
		}
		if m, ok := v.(traits.Mapper); ok {
			type entry struct {
				key string
				val ref.Val
			}
			var entries []entry
			for it := m.Iterator(); it.HasNext() == types.True; {
				k := it.Next()
				entries = append(entries, entry{display(k), m.Get(k)})
			}
			sort.Slice(entries, func(i, j int) bool { return entries[i].key < entries[j].key })
			b.WriteString("{")
			for i, e := range entries {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(e.key + ": ")
				writeDisplay(b, e.val)
			}
			b.WriteString("}")
			return
		}
		fmt.Fprint(b, v.Value())
	}
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

// resultType names a result's type: the checked type where it says more
// than dyn and the value agrees with it, else the value's own type (a quirk
// value, such as "" where a timestamp was declared, is a string).
func resultType(checked *cel.Type, v ref.Val) string {
	rt, ok := v.Type().(*types.Type)
	if checked != nil && checked.Kind() != types.DynKind && ok {
		ck, vk := checked.Kind(), rt.Kind()
		if ck == vk || (ck == types.StructKind && vk == types.MapKind) {
			return typeName(checked)
		}
	}
	return v.Type().TypeName()
}
