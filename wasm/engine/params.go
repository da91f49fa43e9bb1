package engine

import (
	"fmt"
	"strings"

	"cel.dev/cel-go/cel"
)

// ParamType reads the CEL type an action's parameter takes, as its schema
// writes it (`string`, `list(string)`, `map(string, dyn)`,
// `google.protobuf.Timestamp`): what a parameter's expression is checked
// against.
func ParamType(t string) (*cel.Type, error) {
	t = strings.TrimSpace(t)
	if inner, ok := strings.CutPrefix(t, "list("); ok && strings.HasSuffix(inner, ")") {
		elem, err := ParamType(strings.TrimSuffix(inner, ")"))
		if err != nil {
			return nil, err
		}
		return cel.ListType(elem), nil
	}
	if inner, ok := strings.CutPrefix(t, "map("); ok && strings.HasSuffix(inner, ")") {
		k, v, ok := strings.Cut(strings.TrimSuffix(inner, ")"), ",")
		if !ok {
			return nil, fmt.Errorf("%q: a map names its key and value types", t)
		}
		kt, err := ParamType(k)
		if err != nil {
			return nil, err
		}
		vt, err := ParamType(v)
		if err != nil {
			return nil, err
		}
		return cel.MapType(kt, vt), nil
	}
	switch t {
	case "string":
		return cel.StringType, nil
	case "int":
		return cel.IntType, nil
	case "uint":
		return cel.UintType, nil
	case "double":
		return cel.DoubleType, nil
	case "bool":
		return cel.BoolType, nil
	case "bytes":
		return cel.BytesType, nil
	case "google.protobuf.Timestamp":
		return cel.TimestampType, nil
	case "google.protobuf.Duration":
		return cel.DurationType, nil
	case "dyn":
		return cel.DynType, nil
	}
	return nil, fmt.Errorf("%q is not a type a parameter can take", t)
}
