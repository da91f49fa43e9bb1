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
	"unicode/utf8"
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
// be read off the front of a page of text. It is a parser of its own rather
// than encoding/json's Decoder.Token, which builds an error for every
// token it reads: loading the schemas, which the engine does before its
// first answer in the browser, took three times as long with it.
func Decode(text string) (any, int, error) {
	p := &parser{text: text}
	p.space()
	v, err := p.value()
	if err != nil {
		return nil, 0, err
	}
	return v, p.at, nil
}

var literals = []struct {
	word  string
	value any
}{{"true", true}, {"false", false}, {"null", nil}}

type parser struct {
	text string
	at   int
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("at byte %d: %s", p.at, fmt.Sprintf(format, args...))
}

func (p *parser) space() {
	for p.at < len(p.text) {
		switch p.text[p.at] {
		case ' ', '\t', '\n', '\r':
			p.at++
		default:
			return
		}
	}
}

func (p *parser) value() (any, error) {
	if p.at >= len(p.text) {
		return nil, p.errorf("unexpected end of JSON input")
	}
	switch c := p.text[p.at]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		return p.str()
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	for _, lit := range literals {
		if strings.HasPrefix(p.text[p.at:], lit.word) {
			p.at += len(lit.word)
			return lit.value, nil
		}
	}
	return nil, p.errorf("invalid character %q looking for beginning of value", p.text[p.at])
}

func (p *parser) object() (any, error) {
	o := New()
	p.at++ // {
	p.space()
	if p.at < len(p.text) && p.text[p.at] == '}' {
		p.at++
		return o, nil
	}
	for {
		if p.at >= len(p.text) || p.text[p.at] != '"' {
			return nil, p.errorf("expected a key in quotes")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		key := k.(string)
		p.space()
		if p.at >= len(p.text) || p.text[p.at] != ':' {
			return nil, p.errorf("expected ':' after key %q", key)
		}
		p.at++
		p.space()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		if _, dup := o.Vals[key]; dup {
			return nil, fmt.Errorf("duplicate key %q", key)
		}
		o.Set(key, v)
		p.space()
		if p.at < len(p.text) && p.text[p.at] == ',' {
			p.at++
			p.space()
			continue
		}
		if p.at < len(p.text) && p.text[p.at] == '}' {
			p.at++
			return o, nil
		}
		return nil, p.errorf("expected ',' or '}' after object value")
	}
}

func (p *parser) array() (any, error) {
	arr := []any{}
	p.at++ // [
	p.space()
	if p.at < len(p.text) && p.text[p.at] == ']' {
		p.at++
		return arr, nil
	}
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
		p.space()
		if p.at < len(p.text) && p.text[p.at] == ',' {
			p.at++
			p.space()
			continue
		}
		if p.at < len(p.text) && p.text[p.at] == ']' {
			p.at++
			return arr, nil
		}
		return nil, p.errorf("expected ',' or ']' after array element")
	}
}

// str reads a string. One without escapes is the text between its quotes;
// one with escapes goes to encoding/json, whose reading of \u and the
// others is the standard's.
func (p *parser) str() (any, error) {
	start := p.at
	escaped := false
	for i := start + 1; i < len(p.text); i++ {
		switch c := p.text[i]; {
		case c == '\\':
			escaped = true
			i++
		case c == '"':
			p.at = i + 1
			raw := p.text[start:p.at]
			// Invalid UTF-8 goes to encoding/json too, which reads it as
			// U+FFFD.
			if !escaped && utf8.ValidString(raw) {
				return raw[1 : len(raw)-1], nil
			}
			var s string
			if err := json.Unmarshal([]byte(raw), &s); err != nil {
				return nil, fmt.Errorf("at byte %d: %w", start, err)
			}
			return s, nil
		case c < 0x20:
			p.at = i
			return nil, p.errorf("invalid control character in string")
		}
	}
	p.at = len(p.text)
	return nil, p.errorf("unexpected end of JSON input in a string")
}

// number reads a number as the standard writes it, kept as its text.
func (p *parser) number() (any, error) {
	start := p.at
	digits := func() int {
		n := 0
		for p.at < len(p.text) && p.text[p.at] >= '0' && p.text[p.at] <= '9' {
			p.at++
			n++
		}
		return n
	}
	if p.text[p.at] == '-' {
		p.at++
	}
	switch {
	case p.at < len(p.text) && p.text[p.at] == '0':
		p.at++
	case digits() == 0:
		return nil, p.errorf("invalid number")
	}
	if p.at < len(p.text) && p.text[p.at] == '.' {
		p.at++
		if digits() == 0 {
			return nil, p.errorf("invalid number: no digits after '.'")
		}
	}
	if p.at < len(p.text) && (p.text[p.at] == 'e' || p.text[p.at] == 'E') {
		p.at++
		if p.at < len(p.text) && (p.text[p.at] == '+' || p.text[p.at] == '-') {
			p.at++
		}
		if digits() == 0 {
			return nil, p.errorf("invalid number: no digits in the exponent")
		}
	}
	return json.Number(p.text[start:p.at]), nil
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
