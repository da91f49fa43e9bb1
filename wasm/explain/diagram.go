package explain

import (
	"slices"
	"strconv"
	"strings"
)

// Diagram writes an explanation as test frameworks write a power
// assertion: each line of the expression once, and under it each part's
// value, hung from where the part is (its operator, its call's or field's
// name) by a bar, then the summary and what was not evaluated.
//
//	mode == "VIDEO" && minutes > 20
//	|    |          |  |       |
//	|    true       |  15      false
//	"VIDEO"         false
func Diagram(expression string, x *Explanation) string {
	text := []rune(strings.ReplaceAll(expression, "\t", " "))
	var b strings.Builder
	start := 0
	for _, line := range strings.Split(string(text), "\n") {
		n := len([]rune(line))
		b.WriteString(strings.TrimRight(line, " ") + "\n")
		writeValues(&b, labelsIn(x, start, start+n))
		start += n + 1
	}
	if x.Summary != "" {
		b.WriteString("\n" + x.Summary + "\n")
	}
	if skipped := outermostSkipped(text, x); len(skipped) > 0 {
		b.WriteString("not evaluated (an earlier operand decided): " + strings.Join(skipped, ", ") + "\n")
	}
	if x.Truncated {
		b.WriteString("(the explanation stops here: it keeps at most " + strconv.Itoa(MaxParts) + " parts)\n")
	}
	return b.String()
}

// label is one value written under a line, at a column (in characters).
type label struct {
	col  int
	text string
}

// mostLabelChars bounds a value written in a diagram.
const mostLabelChars = 40

// labelsIn are the values of the parts anchored on the line from start to
// end (character offsets), left to right.
func labelsIn(x *Explanation, start, end int) []label {
	var out []label
	for _, p := range x.Parts {
		if p.At < start || p.At >= end {
			continue
		}
		var t string
		switch p.State {
		case StateValue:
			t = p.Display
			if p.Cut {
				t += "…"
			}
		case StateAbsent:
			t = "absent"
		case StateError:
			t = "error"
		default:
			continue
		}
		if r := []rune(t); len(r) > mostLabelChars {
			t = string(r[:mostLabelChars-1]) + "…"
		}
		out = append(out, label{p.At - start, t})
	}
	slices.SortStableFunc(out, func(a, b label) int { return a.col - b.col })
	return out
}

// writeValues writes a row of bars, then rows of values: from the right,
// each value goes on the first row where it ends before the next value or
// bar to its right; those that do not fit hang lower.
func writeValues(b *strings.Builder, labels []label) {
	if len(labels) == 0 {
		return
	}
	width := 0
	for _, l := range labels {
		width = max(width, l.col+len([]rune(l.text))+1)
	}
	bars := func(row []rune, ls []label) {
		for _, l := range ls {
			row[l.col] = '|'
		}
	}
	row := blank(width)
	bars(row, labels)
	writeRow(b, row)
	for pending := labels; len(pending) > 0; {
		row = blank(width)
		var lower []label
		limit := width + 1
		for i := len(pending) - 1; i >= 0; i-- {
			l := pending[i]
			if l.col+len([]rune(l.text)) < limit {
				copy(row[l.col:], []rune(l.text))
			} else {
				lower = append([]label{l}, lower...)
				if row[l.col] == ' ' { // not where a value of the same column went
					row[l.col] = '|'
				}
			}
			limit = l.col
		}
		writeRow(b, row)
		pending = lower
	}
}

func blank(n int) []rune {
	row := make([]rune, n)
	for i := range row {
		row[i] = ' '
	}
	return row
}

func writeRow(b *strings.Builder, row []rune) {
	b.WriteString(strings.TrimRight(string(row), " ") + "\n")
}

// outermostSkipped are the texts of the parts not evaluated whose parent
// was: the operands short-circuiting passed over.
func outermostSkipped(text []rune, x *Explanation) []string {
	var out []string
	for _, p := range x.Parts {
		if p.State == StateSkipped && (p.Parent < 0 || x.Parts[p.Parent].State != StateSkipped) {
			out = append(out, "`"+shorten(string(text[p.From:p.To]))+"`")
		}
	}
	return out
}
