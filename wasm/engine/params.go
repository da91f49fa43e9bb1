package engine

import (
	"cel.dev/cel-go/cel"

	"fieldbook/schemas"
)

// ParamType reads the CEL type an action's parameter takes, as its schema
// writes it (`string`, `list(string)`, `map(string, dyn)`,
// `google.protobuf.Timestamp`): what a parameter's expression is checked
// against. The schemas package reads the text, as its loader does.
func ParamType(t string) (*cel.Type, error) {
	p, err := schemas.ParseParamType(t)
	if err != nil {
		return nil, err
	}
	return celParamType(p), nil
}

// celParamType makes the cel.Type of a parsed parameter type.
func celParamType(p schemas.ParamType) *cel.Type {
	switch p.Name {
	case "list":
		return cel.ListType(celParamType(p.Args[0]))
	case "map":
		return cel.MapType(celParamType(p.Args[0]), celParamType(p.Args[1]))
	case "string":
		return cel.StringType
	case "int":
		return cel.IntType
	case "uint":
		return cel.UintType
	case "double":
		return cel.DoubleType
	case "bool":
		return cel.BoolType
	case "bytes":
		return cel.BytesType
	case "google.protobuf.Timestamp":
		return cel.TimestampType
	case "google.protobuf.Duration":
		return cel.DurationType
	}
	return cel.DynType
}
