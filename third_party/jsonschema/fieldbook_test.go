// FIELDBOOK PATCH: not in upstream; see README.md.

package jsonschema_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// upstreamVersion is the release this directory copies.
const upstreamVersion = "v6.0.3"

// TestUpstreamStillEager fails when the patch may have become unnecessary,
// or stale: when go.mod no longer requires upstreamVersion through this
// directory, or when that release's draft.go (in the module cache, or
// downloaded) no longer compiles the meta-schemas in its func init. Either
// way, see README.md: compare upstream with this copy, then drop or redo
// the patch.
func TestUpstreamStillEager(t *testing.T) {
	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"\tgithub.com/santhosh-tekuri/jsonschema/v6 " + upstreamVersion + "\n",
		"replace github.com/santhosh-tekuri/jsonschema/v6 " + upstreamVersion + " => ./third_party/jsonschema\n",
	} {
		if !bytes.Contains(gomod, []byte(want)) {
			t.Errorf("go.mod has no line %q: the copy in third_party/jsonschema is of %s; see its README.md", strings.TrimSpace(want), upstreamVersion)
		}
	}

	// The original release, as the Go command fetches it (from the module
	// cache when it is there).
	out, err := exec.Command("go", "mod", "download", "-json", "github.com/santhosh-tekuri/jsonschema/v6@"+upstreamVersion).Output()
	if err != nil {
		t.Fatalf("go mod download: %v\n%s", err, out)
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go mod download: no directory in %s (%v)", out, err)
	}
	draft, err := os.ReadFile(filepath.Join(mod.Dir, "draft.go"))
	if err != nil {
		t.Fatal(err)
	}
	eager := regexp.MustCompile(`(?m)^func init\(\) \{\n\tc := NewCompiler\(\)\n\tc\.AssertFormat\(\)\n\tfor _, d := range \[\]\*Draft\{Draft4, Draft6, Draft7, Draft2019, Draft2020\} \{\n\t\td\.sch = c\.MustCompile\(d\.url\)`)
	if !eager.Match(draft) {
		t.Errorf("%s/draft.go no longer compiles the meta-schemas in func init: the patch may be unnecessary; see third_party/jsonschema/README.md", mod.Dir)
	}
}

// TestSuiteDraft2020 runs the required tests of the JSON Schema Test Suite's
// draft 2020-12 (not optional/), set up as upstream's own suite_test.go sets
// them up: the copy in ../json-schema-test-suite (its SOURCE.txt), or the
// one $JSON_SCHEMA_TEST_SUITE names.
func TestSuiteDraft2020(t *testing.T) {
	suite := os.Getenv("JSON_SCHEMA_TEST_SUITE")
	if suite == "" {
		suite = "../json-schema-test-suite"
	}
	dir := filepath.Join(suite, "tests", "draft2020-12")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files, groups, tests, failed int
	for _, e := range entries {
		if e.IsDir() || filepath.Ext(e.Name()) != ".json" {
			continue
		}
		files++
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		var gs []struct {
			Description string
			Schema      any
			Tests       []struct {
				Description string
				Data        any
				Valid       bool
			}
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&gs); err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		for _, g := range gs {
			groups++
			tests += len(g.Tests)
			const url = "http://testsuites.com/schema.json"
			c := jsonschema.NewCompiler()
			c.DefaultDraft(jsonschema.Draft2020)
			c.UseLoader(jsonschema.SchemeURLLoader{
				"file": jsonschema.FileLoader{},
				"http": suiteRemotes(filepath.Join(suite, "remotes")),
			})
			if err := c.AddResource(url, g.Schema); err != nil {
				t.Errorf("%s / %s: add resource: %v", e.Name(), g.Description, err)
				failed += len(g.Tests)
				continue
			}
			sch, err := c.Compile(url)
			if err != nil {
				t.Errorf("%s / %s: compile: %v", e.Name(), g.Description, err)
				failed += len(g.Tests)
				continue
			}
			for _, test := range g.Tests {
				if got := sch.Validate(test.Data) == nil; got != test.Valid {
					t.Errorf("%s / %s / %s: valid %v, want %v", e.Name(), g.Description, test.Description, got, test.Valid)
					failed++
				}
			}
		}
	}
	t.Logf("draft2020-12, required: %d files, %d groups, %d tests, %d failed", files, groups, tests, failed)
	if tests == 0 {
		t.Fatal("no tests found")
	}
}

// suiteRemotes loads the suite's remotes, as upstream's suite_test.go does.
type suiteRemotes string

func (dir suiteRemotes) Load(url string) (any, error) {
	rel, ok := strings.CutPrefix(url, "http://localhost:1234/")
	if !ok {
		return nil, errors.New("no internet")
	}
	f, err := os.Open(filepath.Join(string(dir), filepath.FromSlash(rel)))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return jsonschema.UnmarshalJSON(f)
}
