// Package jsonpos reads JSON text the way a payload editor needs it: within
// bounds on size and depth, with syntax errors at a line and column, and with
// the position of any JSON pointer in the text, so a diagnostic about
// /members/0/status can point at the line the reader pasted.
//
// Values come out as encoding/json would decode them into an any with
// UseNumber: map[string]any, []any, string, json.Number, bool and nil.
package jsonpos

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits bound what Parse accepts.
type Limits struct {
	MaxBytes int // text length in bytes; 0 means no bound
	MaxDepth int // nesting of objects and arrays; 0 means no bound
}

// Error is a problem with the text, at a position in it.
type Error struct {
	Message string
	Offset  int // byte offset
	Line    int // 1-based
	Column  int // 1-based, in characters (Unicode code points)
}

func (e *Error) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Message)
}

// Warning is something legal but suspicious, such as a duplicate key.
type Warning struct {
	Message string
	Pointer string
	Offset  int
}

// Parse reads one JSON value from text.
func Parse(text string, lim Limits) (any, []Warning, *Error) {
	if lim.MaxBytes > 0 && len(text) > lim.MaxBytes {
		return nil, nil, &Error{
			Message: OverLimit("the payload", len(text), lim.MaxBytes),
			Line:    1, Column: 1,
		}
	}
	if !utf8.ValidString(text) {
		off := firstInvalidUTF8(text)
		return nil, nil, errorAt(text, off, "the text is not valid UTF-8")
	}
	p := &parser{text: text, maxDepth: lim.MaxDepth}
	p.skipBOM()
	p.skipSpace()
	v, err := p.value(0)
	if err != nil {
		return nil, nil, err
	}
	p.skipSpace()
	if p.pos < len(p.text) {
		return nil, nil, p.errorf("unexpected %s after the end of the JSON value", p.describe())
	}
	return v, p.warnings, nil
}

// Locate finds where each pointer's value starts in text, in one pass, as
// byte offsets. A pointer that names nothing (a missing property) gets the
// offset of the deepest value on its path that exists, so a diagnostic
// about it still points somewhere sensible. text must be valid JSON.
func Locate(text string, pointers []string) map[string]int {
	want := map[string]int{}
	for _, ptr := range pointers {
		for q := ptr; ; q = parentPointer(q) {
			want[q] = -1
			if q == "" {
				break
			}
		}
	}
	p := &parser{text: text, want: want}
	p.skipBOM()
	p.skipSpace()
	p.value(0)
	out := make(map[string]int, len(pointers))
	for _, ptr := range pointers {
		q := ptr
		for want[q] < 0 && q != "" {
			q = parentPointer(q)
		}
		out[ptr] = max(want[q], 0)
	}
	return out
}

func parentPointer(ptr string) string {
	if i := strings.LastIndexByte(ptr, '/'); i >= 0 {
		return ptr[:i]
	}
	return ""
}

// LineColumn turns a byte offset into a 1-based line and column, the column
// counted in characters.
func LineColumn(text string, offset int) (line, column int) {
	if offset > len(text) {
		offset = len(text)
	}
	if offset < 0 {
		offset = 0
	}
	before := text[:offset]
	line = strings.Count(before, "\n") + 1
	lineStart := strings.LastIndexByte(before, '\n') + 1
	column = utf8.RuneCountInString(before[lineStart:]) + 1
	return line, column
}

// FormatBytes writes a size the way the bounds' messages speak of it.
// OverLimit says that what is n bytes is over the limit: "the payload is
// 6.0 MiB; the limit is 5.0 MiB", in bytes where rounding would write both
// the same ("5,242,887 bytes; the limit is 5,242,880 bytes").
func OverLimit(what string, n, limit int) string {
	size, max := FormatBytes(n), FormatBytes(limit)
	if size == max && n != limit {
		size, max = groupedBytes(n), groupedBytes(limit)
	}
	return fmt.Sprintf("%s is %s; the limit is %s", what, size, max)
}

func groupedBytes(n int) string {
	return GroupDigits(uint64(n)) + " bytes"
}

// GroupDigits writes a count with commas between thousands: 1,000,000.
func GroupDigits(n uint64) string {
	s := strconv.FormatUint(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func FormatBytes(n int) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.Itoa(n) + " bytes"
}

func errorAt(text string, offset int, msg string) *Error {
	line, col := LineColumn(text, offset)
	return &Error{Message: msg, Offset: offset, Line: line, Column: col}
}

func firstInvalidUTF8(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return i
			}
		}
	}
	return 0
}

type parser struct {
	text     string
	pos      int
	maxDepth int
	warnings []Warning
	// path is the property names and indexes from the root to the value
	// being read; pointers are built from it only when needed.
	path []string
	// want, when set, collects the offsets of the pointers it holds.
	want map[string]int
}

func (p *parser) pointer() string {
	var b strings.Builder
	for _, tok := range p.path {
		b.WriteByte('/')
		b.WriteString(escapeToken(tok))
	}
	return b.String()
}

func (p *parser) errorf(format string, args ...any) *Error {
	return errorAt(p.text, p.pos, fmt.Sprintf(format, args...))
}

func (p *parser) skipBOM() {
	if strings.HasPrefix(p.text, "\uFEFF") {
		p.pos += len("\uFEFF")
	}
}

func (p *parser) skipSpace() {
	for p.pos < len(p.text) {
		switch p.text[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// describe names the character at the current position for an error.
func (p *parser) describe() string {
	if p.pos >= len(p.text) {
		return "end of input"
	}
	r, _ := utf8.DecodeRuneInString(p.text[p.pos:])
	return strconv.QuoteRune(r)
}

func (p *parser) value(depth int) (any, *Error) {
	if p.want != nil {
		ptr := p.pointer()
		if _, ok := p.want[ptr]; ok {
			p.want[ptr] = p.pos
		}
	}
	if p.pos >= len(p.text) {
		return nil, p.errorf("unexpected end of input: expected a value")
	}
	switch c := p.text[p.pos]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		return p.str()
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	}
	return nil, p.errorf("unexpected %s: expected a value", p.describe())
}

func (p *parser) checkDepth(depth int) *Error {
	if p.maxDepth > 0 && depth > p.maxDepth {
		return p.errorf("the payload nests deeper than %d levels", p.maxDepth)
	}
	return nil
}

func (p *parser) object(depth int) (any, *Error) {
	if err := p.checkDepth(depth); err != nil {
		return nil, err
	}
	p.pos++ // {
	obj := map[string]any{}
	p.skipSpace()
	if p.pos < len(p.text) && p.text[p.pos] == '}' {
		p.pos++
		return obj, nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.text) || p.text[p.pos] != '"' {
			return nil, p.errorf("unexpected %s: expected a property name in double quotes", p.describe())
		}
		keyAt := p.pos
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		key := k.(string)
		p.skipSpace()
		if p.pos >= len(p.text) || p.text[p.pos] != ':' {
			return nil, p.errorf("unexpected %s: expected ':' after a property name", p.describe())
		}
		p.pos++
		p.skipSpace()
		p.path = append(p.path, key)
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		if _, dup := obj[key]; dup && p.want == nil {
			p.warnings = append(p.warnings, Warning{
				Message: fmt.Sprintf("duplicate property %q: the last one counts", key),
				Pointer: p.pointer(), Offset: keyAt,
			})
		}
		p.path = p.path[:len(p.path)-1]
		obj[key] = v
		p.skipSpace()
		if p.pos >= len(p.text) {
			return nil, p.errorf("unexpected end of input: expected ',' or '}'")
		}
		switch p.text[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return obj, nil
		default:
			return nil, p.errorf("unexpected %s: expected ',' or '}'", p.describe())
		}
	}
}

func (p *parser) array(depth int) (any, *Error) {
	if err := p.checkDepth(depth); err != nil {
		return nil, err
	}
	p.pos++ // [
	arr := []any{}
	p.skipSpace()
	if p.pos < len(p.text) && p.text[p.pos] == ']' {
		p.pos++
		return arr, nil
	}
	for {
		p.skipSpace()
		p.path = append(p.path, strconv.Itoa(len(arr)))
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		p.path = p.path[:len(p.path)-1]
		arr = append(arr, v)
		p.skipSpace()
		if p.pos >= len(p.text) {
			return nil, p.errorf("unexpected end of input: expected ',' or ']'")
		}
		switch p.text[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return arr, nil
		default:
			return nil, p.errorf("unexpected %s: expected ',' or ']'", p.describe())
		}
	}
}

// str reads a string token. Escapes are decoded by encoding/json, so the
// result is exactly what the standard library would give.
func (p *parser) str() (any, *Error) {
	start := p.pos
	p.pos++ // "
	escaped := false
	for p.pos < len(p.text) {
		c := p.text[p.pos]
		switch {
		case c == '"':
			p.pos++
			raw := p.text[start:p.pos]
			if !escaped {
				return raw[1 : len(raw)-1], nil
			}
			var s string
			if err := json.Unmarshal([]byte(raw), &s); err != nil {
				return nil, errorAt(p.text, start, "invalid escape sequence in string")
			}
			return s, nil
		case c == '\\':
			escaped = true
			p.pos += 2
		case c < 0x20:
			return nil, p.errorf("control character in string: write it as an escape such as \\n")
		default:
			p.pos++
		}
	}
	return nil, errorAt(p.text, start, "unterminated string")
}

// number reads a number token per the JSON grammar.
func (p *parser) number() (any, *Error) {
	start := p.pos
	digits := func() int {
		n := 0
		for p.pos < len(p.text) && p.text[p.pos] >= '0' && p.text[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if p.text[p.pos] == '-' {
		p.pos++
	}
	intStart := p.pos
	if digits() == 0 {
		return nil, p.errorf("invalid number: expected a digit")
	}
	if p.text[intStart] == '0' && p.pos-intStart > 1 {
		return nil, errorAt(p.text, intStart, "invalid number: leading zero")
	}
	if p.pos < len(p.text) && p.text[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return nil, p.errorf("invalid number: expected a digit after '.'")
		}
	}
	if p.pos < len(p.text) && (p.text[p.pos] == 'e' || p.text[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.text) && (p.text[p.pos] == '+' || p.text[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return nil, p.errorf("invalid number: expected a digit in the exponent")
		}
	}
	return json.Number(p.text[start:p.pos]), nil
}

func (p *parser) literal(word string) *Error {
	if !strings.HasPrefix(p.text[p.pos:], word) {
		return p.errorf("unexpected %s: expected a value", p.describe())
	}
	p.pos += len(word)
	return nil
}

func escapeToken(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
