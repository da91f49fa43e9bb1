// Package names tells how near two names are, for the "did you mean"
// of a misspelt field, variable or time zone.
package names

import "strings"

// Distance is the Levenshtein distance between two names, in characters.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Closest is the option nearest to wrong, ignoring case, where it is near
// enough to be what was meant (within a third of its length, plus two), or
// the one option that wrong begins; "" when none is.
func Closest(wrong string, options []string) string {
	var starts []string
	for _, o := range options {
		if wrong != "" && strings.HasPrefix(strings.ToLower(o), strings.ToLower(wrong)) {
			starts = append(starts, o)
		}
	}
	if len(starts) == 1 {
		return starts[0]
	}
	best, bestDist := "", len([]rune(wrong))/3+2
	for _, o := range options {
		if d := Distance(strings.ToLower(wrong), strings.ToLower(o)); d < bestDist {
			best, bestDist = o, d
		}
	}
	return best
}
