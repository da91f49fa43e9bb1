package explain

// cel-go places each node of an expression at one token (an operator, a
// call's '(', a select's '.'), and its stop offsets count bytes where its
// starts count characters. A part's span is therefore worked out here, from
// the expression's own tokens: the node's token, its children's spans, and
// the brackets and names around them.

import "unicode"

// token is one lexical token of an expression, in characters (code points).
type token struct {
	from, to int
	kind     tokenKind
	text     rune // the bracket or operator's first character
}

type tokenKind uint8

const (
	tokIdent tokenKind = iota
	tokNumber
	tokString
	tokPunct
)

// tokenize splits an expression into tokens, leaving out spaces and
// comments. It is lenient: the expression has already parsed, so it only
// has to find the boundaries cel-go found.
func tokenize(r []rune) []token {
	var out []token
	prevValue := false // the previous token ends a value (then '.' selects)
	for i := 0; i < len(r); {
		c := r[i]
		switch {
		case unicode.IsSpace(c):
			i++
			continue
		case c == '/' && i+1 < len(r) && r[i+1] == '/':
			for i < len(r) && r[i] != '\n' {
				i++
			}
			continue
		}
		start := i
		kind := tokPunct
		switch {
		case isStringStart(r, i):
			kind = tokString
			i = stringEnd(r, i)
		case isIdentStart(c):
			kind = tokIdent
			for i < len(r) && isIdentPart(r[i]) {
				i++
			}
		case c == '`':
			kind = tokIdent
			i++
			for i < len(r) && r[i] != '`' {
				i++
			}
			i = min(i+1, len(r))
		case isDigit(c) || c == '.' && !prevValue && i+1 < len(r) && isDigit(r[i+1]):
			kind = tokNumber
			i = numberEnd(r, i)
		default:
			i++
			if i < len(r) && isTwoCharOperator(c, r[i]) {
				i++
			}
		}
		out = append(out, token{from: start, to: i, kind: kind, text: c})
		prevValue = kind != tokPunct || c == ')' || c == ']' || c == '}'
	}
	return out
}

func isIdentStart(c rune) bool { return c == '_' || c < 128 && unicode.IsLetter(c) }
func isIdentPart(c rune) bool  { return isIdentStart(c) || isDigit(c) }
func isDigit(c rune) bool      { return c >= '0' && c <= '9' }

func isTwoCharOperator(a, b rune) bool {
	switch string([]rune{a, b}) {
	case "&&", "||", "==", "!=", "<=", ">=":
		return true
	}
	return false
}

// isStringStart tells a string or bytes literal: a quote, or up to two of
// the prefixes r, R, b, B before one.
func isStringStart(r []rune, i int) bool {
	for n := 0; n < 3 && i < len(r); n, i = n+1, i+1 {
		switch r[i] {
		case '"', '\'':
			return true
		case 'r', 'R', 'b', 'B':
			continue
		}
		return false
	}
	return false
}

// stringEnd is the offset just past the literal starting at i.
func stringEnd(r []rune, i int) int {
	raw := false
	for r[i] != '"' && r[i] != '\'' {
		raw = raw || r[i] == 'r' || r[i] == 'R'
		i++
	}
	q := r[i]
	triple := i+2 < len(r) && r[i+1] == q && r[i+2] == q
	if triple {
		i += 3
	} else {
		i++
	}
	for i < len(r) {
		switch {
		case r[i] == '\\' && !raw:
			i += 2
			continue
		case r[i] == q && !triple:
			return i + 1
		case r[i] == q && i+2 < len(r) && r[i+1] == q && r[i+2] == q:
			return i + 3
		}
		i++
	}
	return len(r)
}

// numberEnd is the offset just past the number starting at i: decimal or
// hexadecimal, with a fraction, an exponent or an unsigned suffix.
func numberEnd(r []rune, i int) int {
	if r[i] == '0' && i+1 < len(r) && (r[i+1] == 'x' || r[i+1] == 'X') {
		i += 2
		for i < len(r) && (isDigit(r[i]) || unicode.In(r[i], unicode.ASCII_Hex_Digit)) {
			i++
		}
	} else {
		for i < len(r) && isDigit(r[i]) {
			i++
		}
		if i+1 < len(r) && r[i] == '.' && isDigit(r[i+1]) {
			i++
			for i < len(r) && isDigit(r[i]) {
				i++
			}
		}
		if i < len(r) && (r[i] == 'e' || r[i] == 'E') {
			j := i + 1
			if j < len(r) && (r[j] == '+' || r[j] == '-') {
				j++
			}
			if j < len(r) && isDigit(r[j]) {
				i = j
				for i < len(r) && isDigit(r[i]) {
					i++
				}
			}
		}
	}
	if i < len(r) && (r[i] == 'u' || r[i] == 'U') {
		i++
	}
	return i
}

// brackets pairs each bracket token with its match (-1 for a token that
// is not a bracket, or one left open).
func brackets(toks []token) []int {
	match := make([]int, len(toks))
	var open []int
	for i, t := range toks {
		match[i] = -1
		if t.kind != tokPunct {
			continue
		}
		switch t.text {
		case '(', '[', '{':
			open = append(open, i)
		case ')', ']', '}':
			if n := len(open); n > 0 {
				match[i], match[open[n-1]] = open[n-1], i
				open = open[:n-1]
			}
		}
	}
	return match
}

// tokenAt is the index of the token starting at offset, or -1.
func tokenAt(toks []token, offset int) int {
	lo, hi := 0, len(toks)
	for lo < hi {
		m := (lo + hi) / 2
		if toks[m].from < offset {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(toks) && toks[lo].from == offset {
		return lo
	}
	return -1
}
