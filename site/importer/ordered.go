package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// obj is a JSON object that keeps its keys in order: a schema's properties
// follow the example, and a hand-edited schema keeps the order it was
// written in when the import runs over it again.
type obj struct {
	keys []string
	vals map[string]any
}

func newObj() *obj { return &obj{vals: map[string]any{}} }

func (o *obj) get(k string) (any, bool) {
	if o == nil {
		return nil, false
	}
	v, ok := o.vals[k]
	return v, ok
}

// set adds k at the end, or replaces its value where it is.
func (o *obj) set(k string, v any) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

// setBefore adds k just before the key before, or at the end without it.
func (o *obj) setBefore(k string, v any, before string) {
	if _, ok := o.vals[k]; ok {
		o.vals[k] = v
		return
	}
	o.vals[k] = v
	for i, x := range o.keys {
		if x == before {
			o.keys = append(o.keys[:i], append([]string{k}, o.keys[i:]...)...)
			return
		}
	}
	o.keys = append(o.keys, k)
}

func (o *obj) del(k string) {
	if _, ok := o.vals[k]; !ok {
		return
	}
	delete(o.vals, k)
	for i, x := range o.keys {
		if x == k {
			o.keys = append(o.keys[:i], o.keys[i+1:]...)
			return
		}
	}
}

// decodeOrdered reads one JSON value: objects as *obj, numbers as
// json.Number (an integer stays an integer). It also returns how many
// bytes the value took, so a value can be read off the front of a page.
func decodeOrdered(text string) (any, int, error) {
	d := json.NewDecoder(strings.NewReader(text))
	d.UseNumber()
	v, err := decodeValue(d)
	if err != nil {
		return nil, 0, err
	}
	return v, int(d.InputOffset()), nil
}

func decodeValue(d *json.Decoder) (any, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	switch delim {
	case '{':
		o := newObj()
		for d.More() {
			k, err := d.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeValue(d)
			if err != nil {
				return nil, err
			}
			if _, dup := o.vals[k.(string)]; dup {
				return nil, fmt.Errorf("duplicate key %q", k)
			}
			o.set(k.(string), v)
		}
		_, err = d.Token()
		return o, err
	case '[':
		arr := []any{}
		for d.More() {
			v, err := decodeValue(d)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		_, err = d.Token()
		return arr, err
	}
	return nil, fmt.Errorf("unexpected %v", delim)
}

// plain turns ordered values into what the validator takes.
func plain(v any) any {
	switch v := v.(type) {
	case *obj:
		m := make(map[string]any, len(v.keys))
		for k, x := range v.vals {
			m[k] = plain(x)
		}
		return m
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = plain(x)
		}
		return out
	}
	return v
}

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
	case *obj:
		if len(v.keys) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i, k := range v.keys {
			b.WriteString(indent + "  ")
			b.Write(scalar(k))
			b.WriteString(": ")
			write(b, v.vals[k], indent+"  ")
			if i < len(v.keys)-1 {
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
		b.Write(scalar(v))
	}
}

// oneLine writes an array of plain values on one line when it is short.
func oneLine(arr []any) (string, bool) {
	parts := make([]string, len(arr))
	n := 0
	for i, x := range arr {
		switch x.(type) {
		case *obj, []any:
			return "", false
		}
		parts[i] = string(scalar(x))
		n += len(parts[i]) + 2
	}
	if n > 90 {
		return "", false
	}
	return "[" + strings.Join(parts, ", ") + "]", true
}

func scalar(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
