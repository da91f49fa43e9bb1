// Package ordered reads and writes JSON whose objects keep their keys in
// the order they were written. A schema's properties are in the order its
// source documents its fields; the loader keeps that order for the docs,
// the import keeps a hand-edited schema's order when it runs again, and
// the OpenAPI document copies schemas as they are written.
package ordered

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Object is a JSON object with its keys in order.
type Object struct {
	Keys []string
	Vals map[string]any
}

// New is an empty object.
func New() *Object { return &Object{Vals: map[string]any{}} }

// Get is the value of k; a nil object has none.
func (o *Object) Get(k string) (any, bool) {
	if o == nil {
		return nil, false
	}
	v, ok := o.Vals[k]
	return v, ok
}

// Set adds k at the end, or replaces its value where it is.
func (o *Object) Set(k string, v any) {
	if _, ok := o.Vals[k]; !ok {
		o.Keys = append(o.Keys, k)
	}
	o.Vals[k] = v
}

// SetBefore adds k just before the key before, or at the end without it;
// a key already there keeps its place.
func (o *Object) SetBefore(k string, v any, before string) {
	if _, ok := o.Vals[k]; ok {
		o.Vals[k] = v
		return
	}
	o.Vals[k] = v
	for i, x := range o.Keys {
		if x == before {
			o.Keys = append(o.Keys[:i], append([]string{k}, o.Keys[i:]...)...)
			return
		}
	}
	o.Keys = append(o.Keys, k)
}

// Delete removes k.
func (o *Object) Delete(k string) {
	if _, ok := o.Vals[k]; !ok {
		return
	}
	delete(o.Vals, k)
	for i, x := range o.Keys {
		if x == k {
			o.Keys = append(o.Keys[:i], o.Keys[i+1:]...)
			return
		}
	}
}

// MarshalJSON writes the object with its keys in order. Its strings keep
// <, > and &; json.Marshal escapes them again, an Encoder with
// SetEscapeHTML(false) does not.
func (o *Object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.Keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(Scalar(k))
		b.WriteByte(':')
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(o.Vals[k]); err != nil {
			return nil, err
		}
		b.Truncate(b.Len() - 1) // Encode's newline
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Decode reads one JSON value off the front of text: objects as *Object,
// numbers as json.Number (an integer stays an integer), a duplicate key
// refused. It also says how many bytes the value took, so that a value can
// be read off the front of a page of text.
func Decode(text string) (any, int, error) {
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
		return tok, nil // string, json.Number, bool or nil
	}
	switch delim {
	case '{':
		o := New()
		for d.More() {
			k, err := d.Token()
			if err != nil {
				return nil, err
			}
			key := k.(string)
			v, err := decodeValue(d)
			if err != nil {
				return nil, err
			}
			if _, dup := o.Vals[key]; dup {
				return nil, fmt.Errorf("duplicate key %q", key)
			}
			o.Set(key, v)
		}
		_, err = d.Token() // }
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
		_, err = d.Token() // ]
		return arr, err
	}
	return nil, fmt.Errorf("unexpected %v", delim)
}

// Plain turns decoded values into what encoding/json with UseNumber gives
// (map[string]any for objects), for validators and comparisons.
func Plain(v any) any {
	switch v := v.(type) {
	case *Object:
		m := make(map[string]any, len(v.Keys))
		for k, x := range v.Vals {
			m[k] = Plain(x)
		}
		return m
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = Plain(x)
		}
		return out
	}
	return v
}

// Scalar is a key or plain value as JSON, with <, > and & left as they
// are: schemas are read by people and tools, not inlined in HTML.
func Scalar(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
