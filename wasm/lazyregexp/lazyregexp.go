// Package lazyregexp holds regular expressions compiled on first use, not
// at package init, which every call of a fresh module waits for (as Go's
// own internal/lazyregexp does). One small type, rather than a
// sync.OnceValue at each use, whose closures take several kilobytes of
// WebAssembly apiece.
package lazyregexp

import (
	"regexp"
	"sync"
)

// Regexp is a regular expression compiled when first used.
type Regexp struct {
	pattern string
	once    sync.Once
	rx      *regexp.Regexp
}

// New returns the pattern, to compile on first use; a bad pattern panics
// then, as regexp.MustCompile does.
func New(pattern string) *Regexp { return &Regexp{pattern: pattern} }

func (r *Regexp) re() *regexp.Regexp {
	r.once.Do(func() { r.rx = regexp.MustCompile(r.pattern) })
	return r.rx
}

// MatchString reports whether s holds a match.
func (r *Regexp) MatchString(s string) bool { return r.re().MatchString(s) }

// FindStringSubmatch is regexp's FindStringSubmatch.
func (r *Regexp) FindStringSubmatch(s string) []string { return r.re().FindStringSubmatch(s) }
