package importer

import (
	"bytes"
	"strings"

	"fieldbook/schemas/ordered"
)

// encode writes a value indented by two spaces, as the hand-written
// schemas are: a short array of plain values stays on one line.
func encode(v any) []byte {
	var b bytes.Buffer
	write(&b, v, "")
	b.WriteByte('\n')
	return b.Bytes()
}

func write(b *bytes.Buffer, v any, indent string) {
	switch v := v.(type) {
	case *ordered.Object:
		if len(v.Keys) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i, k := range v.Keys {
			b.WriteString(indent + "  ")
			b.Write(ordered.Scalar(k))
			b.WriteString(": ")
			write(b, v.Vals[k], indent+"  ")
			if i < len(v.Keys)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "}")
	case []any:
		if line, ok := oneLine(v); ok {
			b.WriteString(line)
			return
		}
		b.WriteString("[\n")
		for i, x := range v {
			b.WriteString(indent + "  ")
			write(b, x, indent+"  ")
			if i < len(v)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "]")
	default:
		b.Write(ordered.Scalar(v))
	}
}

// oneLine writes an array of plain values on one line when it is short.
func oneLine(arr []any) (string, bool) {
	parts := make([]string, len(arr))
	n := 0
	for i, x := range arr {
		switch x.(type) {
		case *ordered.Object, []any:
			return "", false
		}
		parts[i] = string(ordered.Scalar(x))
		n += len(parts[i]) + 2
	}
	if n > 90 {
		return "", false
	}
	return "[" + strings.Join(parts, ", ") + "]", true
}
