// FIELDBOOK PATCH: not in upstream; see README.md.

package jsonschema

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

var allDrafts = []*Draft{Draft4, Draft6, Draft7, Draft2019, Draft2020}

// metaschemasState tells how many of the drafts' schemas and vocabulary
// schemas are set, and how many there are.
func metaschemasState() (set, total int) {
	for _, d := range allDrafts {
		total++
		if d.sch != nil {
			set++
		}
		for _, s := range d.allVocabs {
			total++
			if s != nil {
				set++
			}
		}
	}
	return set, total
}

var lazyTestRan bool

// TestLazyMetaschemas checks that package init compiles no meta-schema,
// and that several goroutines compiling at once as the first users all get
// schemas checked against the meta-schemas (run it with -race). It must be
// the package's only test to compile a schema before its checks, since the
// meta-schemas are package state: it is the only test here that does.
func TestLazyMetaschemas(t *testing.T) {
	if lazyTestRan {
		t.Skip("the meta-schemas are package state: this test checks them once a process (go test -count)")
	}
	lazyTestRan = true
	if set, total := metaschemasState(); set != 0 {
		t.Fatalf("after package init, %d of the %d meta-schemas are compiled, want none", set, total)
	}

	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = compileConcurrently(i)
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", i, err)
		}
	}

	if set, total := metaschemasState(); set != total {
		t.Fatalf("after the first compiles, %d of the %d meta-schemas are compiled, want all", set, total)
	}
}

// compileConcurrently compiles, with a compiler of its own, a valid schema
// of draft i%5 and an invalid one (which only the meta-schema rejects), and
// validates an instance against the valid one.
func compileConcurrently(i int) error {
	d := allDrafts[i%len(allDrafts)]
	c := NewCompiler()
	if err := c.AddResource("mem:ok.json", map[string]any{
		"$schema": d.url + "#",
		"type":    "object",
		"properties": map[string]any{
			"n": map[string]any{"type": "integer", "minimum": 1.0},
		},
	}); err != nil {
		return err
	}
	sch, err := c.Compile("mem:ok.json")
	if err != nil {
		return fmt.Errorf("compile %s: %v", d.url, err)
	}
	if err := sch.Validate(map[string]any{"n": 2.0}); err != nil {
		return fmt.Errorf("valid instance rejected: %v", err)
	}
	if err := sch.Validate(map[string]any{"n": 0.0}); err == nil {
		return errors.New("invalid instance accepted")
	}
	if err := c.AddResource("mem:bad.json", map[string]any{"$schema": d.url + "#", "type": 5.0}); err != nil {
		return err
	}
	var serr *SchemaValidationError
	if _, err := c.Compile("mem:bad.json"); !errors.As(err, &serr) {
		return fmt.Errorf(`{"type": 5} of %s: got %v, want a SchemaValidationError from the meta-schema`, d.url, err)
	}
	return nil
}
