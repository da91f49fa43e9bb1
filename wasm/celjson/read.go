// Package celjson carries values between the payload's JSON and CEL:
// read.go makes what CEL reads of a decoded JSON value, guided by its
// schema; write.go writes a CEL result back as JSON and as CEL's own
// display, within a budget of bytes; TypeName names CEL types as CEL writes
// them.
package celjson

import (
	"encoding/json"
	"strconv"
	"strings"

	"fieldbook/schemas"
	"fieldbook/wasm/rfc3339"
)

// FromJSON turns a decoded JSON value into what CEL reads, guided by its
// schema node (nil where the schema says nothing): integers become ints,
// RFC 3339 strings of date-time fields become timestamps. A value that does
// not fit its declared type (a quirk such as "" for a timestamp) is kept as
// the payload has it, so an expression sees what was sent, never a guess.
// Where null is absent (the morf dialect), an object's null members are
// left out: such a field is not there.
func FromJSON(v any, n *schemas.Node, nullIsAbsent bool) any {
	if n != nil {
		n = n.Resolved()
	}
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, child := range v {
			if child == nil && nullIsAbsent {
				continue
			}
			var cn *schemas.Node
			if n != nil && n.Type() == "object" {
				if cn = n.Property(k); cn == nil && n.IsMap() {
					cn = n.MapValues()
				}
			}
			out[k] = FromJSON(child, cn, nullIsAbsent)
		}
		return out
	case []any:
		var items *schemas.Node
		if n != nil && n.Type() == "array" {
			items = n.Items
		}
		out := make([]any, len(v))
		for i, child := range v {
			out[i] = FromJSON(child, items, nullIsAbsent)
		}
		return out
	case json.Number:
		if n != nil && n.Type() == "number" {
			f, _ := v.Float64()
			return f
		}
		return jsonNumber(v)
	case string:
		if n != nil && n.Type() == "string" && n.Format == "date-time" {
			if t, ok := rfc3339.Parse(v); ok {
				return t
			}
		}
		return v
	}
	return v // bool, nil
}

// jsonNumber is an integer when the number is one that fits, else a double.
func jsonNumber(v json.Number) any {
	if i, ok := Int(v); ok {
		return i
	}
	if u, err := strconv.ParseUint(string(v), 10, 64); err == nil {
		return u // beyond int64, within uint64
	}
	f, _ := v.Float64()
	return f
}

// Int reads an integer literal (no fraction, no exponent) within int64.
func Int(v json.Number) (int64, bool) {
	s := string(v)
	if strings.ContainsAny(s, ".eE") {
		return 0, false
	}
	i, err := strconv.ParseInt(s, 10, 64)
	return i, err == nil
}
