//go:build !js

package engine

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestConformanceDataMatchesModule holds the embedded copies of cel-spec's
// conformance files to the cel.dev/expr that go.mod requires: the same
// files, byte for byte, and the README naming that version. It needs the
// go command and the module cache, so it runs natively only; the copies
// exist so that TestConformance needs neither.
func TestConformanceDataMatchesModule(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-json", "cel.dev/expr").Output()
	if err != nil {
		t.Fatalf("go list -m cel.dev/expr: %v", err)
	}
	var mod struct{ Version, Dir string }
	if err := json.Unmarshal(out, &mod); err != nil {
		t.Fatal(err)
	}
	if mod.Dir == "" {
		t.Fatalf("cel.dev/expr %s is not in the module cache: go mod download cel.dev/expr", mod.Version)
	}
	upstream := filepath.Join(mod.Dir, "tests", "simple", "testdata")

	want, err := filepath.Glob(filepath.Join(upstream, "*.textproto"))
	if err != nil || len(want) == 0 {
		t.Fatalf("no conformance files in %s: %v", upstream, err)
	}
	for i, p := range want {
		want[i] = filepath.Base(p)
	}
	got, err := fs.Glob(conformanceData, "testdata/conformance/*.textproto")
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range got {
		got[i] = path.Base(p)
	}
	refresh := "copy them again (testdata/conformance/README.md says how)"
	for _, name := range want {
		if !slices.Contains(got, name) {
			t.Errorf("cel.dev/expr %s has %s, which testdata/conformance lacks: %s", mod.Version, name, refresh)
		}
	}
	for _, name := range got {
		if !slices.Contains(want, name) {
			t.Errorf("testdata/conformance has %s, which cel.dev/expr %s does not: remove it", name, mod.Version)
			continue
		}
		ours, err := conformanceData.ReadFile("testdata/conformance/" + name)
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := os.ReadFile(filepath.Join(upstream, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ours, theirs) {
			t.Errorf("testdata/conformance/%s differs from cel.dev/expr %s's: %s", name, mod.Version, refresh)
		}
	}

	license, err := os.ReadFile(filepath.Join(mod.Dir, "LICENSE"))
	if err != nil {
		t.Fatal(err)
	}
	if ours, err := os.ReadFile(filepath.Join("testdata", "conformance", "LICENSE")); err != nil || !bytes.Equal(ours, license) {
		t.Errorf("testdata/conformance/LICENSE is not cel.dev/expr %s's LICENSE (%v): %s", mod.Version, err, refresh)
	}
	readme, err := os.ReadFile(filepath.Join("testdata", "conformance", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "`cel.dev/expr` "+mod.Version) {
		t.Errorf("testdata/conformance/README.md does not name cel.dev/expr %s, the version go.mod requires", mod.Version)
	}
}
