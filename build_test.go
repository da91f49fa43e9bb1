package fieldbook

// The tests of build.sh's own logic, beside it: what its setup installs.

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// setupMachine is what a stubbed machine has, for one run of build.sh's
// setup.
type setupMachine struct {
	tools   []string // the commands on the PATH besides go, node, npm and id: wasm-opt, chromium, ...
	dpkg    []string // the packages dpkg-query says are installed; nil for no dpkg-query
	apt     bool     // apt-get is there
	uid     string   // what id -u says
	sudo    bool     // a sudo that runs without a password
	stamped bool     // node_modules was installed from the lockfile as it is
	oldNode bool     // node is older than 20
}

// debianTools are the commands by which setup tells its packages are there.
var debianTools = []string{"wasm-opt", "chromium", "curl", "pgrep", "brotli"}

var allPackages = []string{"ca-certificates", "fonts-dejavu-core"}

// runSetup runs build.sh (a copy, in a scratch directory with a lockfile of
// its own) with args, in a dry run (FIELDBOOK_SETUP_DRY_RUN=1: it prints
// what it would run and runs none of it), on a PATH that holds only stubs
// and the few real tools build.sh uses before and in its setup, so that a
// tool is missing or there as m says, whatever this machine has.
func runSetup(t *testing.T, m setupMachine, args ...string) (int, string) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	dir := t.TempDir()
	script, err := os.ReadFile("build.sh")
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, text string, mode os.FileMode) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(text), mode); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "build.sh"), string(script), 0o755)
	lock := `{"name": "fieldbook", "lockfileVersion": 3}` + "\n"
	write(filepath.Join(dir, "package-lock.json"), lock, 0o644)
	if m.stamped {
		sum := sha256.Sum256([]byte(lock))
		write(filepath.Join(dir, "node_modules", ".fieldbook-lockfile.sha256"), hex.EncodeToString(sum[:])+"\n", 0o644)
	}

	bin := filepath.Join(dir, "bin")
	for _, tool := range []string{"dirname", "sha256sum", "cut"} {
		real, err := exec.LookPath(tool)
		if err != nil {
			t.Skipf("no %s", tool)
		}
		if err := os.MkdirAll(bin, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(real, filepath.Join(bin, tool)); err != nil {
			t.Fatal(err)
		}
	}
	stub := func(name, body string) { write(filepath.Join(bin, name), "#!/bin/sh\n"+body+"\n", 0o755) }
	stub("go", `[ "$1 $2" = "env GOROOT" ] && echo /nonexistent/go; exit 0`)
	stub("npm", "exit 0")
	stub("id", "echo "+m.uid)
	if m.oldNode {
		stub("node", `[ "$1" = -e ] && exit 1; exit 0`)
	} else {
		stub("node", "exit 0")
	}
	for _, tool := range m.tools {
		stub(tool, "exit 0")
	}
	if m.dpkg != nil {
		var cases strings.Builder
		for _, p := range m.dpkg {
			cases.WriteString(p + ") printf 'install ok installed' ;; ")
		}
		stub("dpkg-query", `eval pkg=\${$#}; case $pkg in `+cases.String()+`*) exit 1 ;; esac`)
	}
	if m.apt {
		stub("apt-get", "echo apt-get ran in a dry run >&2; exit 1")
	}
	if m.sudo {
		stub("sudo", `[ "$1 $2" = "-n true" ] && exit 0; echo sudo ran in a dry run >&2; exit 1`)
	}

	cmd := exec.Command(bash, append([]string{filepath.Join(dir, "build.sh")}, args...)...)
	cmd.Env = []string{"PATH=" + bin, "FIELDBOOK_SETUP_DRY_RUN=1"}
	out, err := cmd.CombinedOutput()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), string(out)
}

// without is tools less the named ones.
func without(tools []string, drop ...string) []string {
	return slices.DeleteFunc(slices.Clone(tools), func(tool string) bool { return slices.Contains(drop, tool) })
}

func TestSetup(t *testing.T) {
	const aptInstall = "apt-get install -y --no-install-recommends "
	for _, c := range []struct {
		name    string
		m       setupMachine
		args    []string
		code    int
		want    []string // lines of the output
		notWant []string // anywhere in the output
	}{{
		name: "everything there: nothing installed",
		m:    setupMachine{tools: debianTools, dpkg: allPackages, apt: true, uid: "0", stamped: true},
		args: []string{"setup", "test"},
		want: []string{"would run: go mod download"},
		// npm ci neither: node_modules matches the lockfile.
		notWant: []string{"apt-get", "npm ci", "installing"},
	}, {
		name: "root without wasm-opt: apt-get installs binaryen",
		m:    setupMachine{tools: without(debianTools, "wasm-opt"), dpkg: allPackages, apt: true, uid: "0", stamped: true},
		args: []string{"setup", "test"},
		want: []string{
			"would run: env DEBIAN_FRONTEND=noninteractive apt-get update -qq",
			"would run: env DEBIAN_FRONTEND=noninteractive " + aptInstall + "binaryen",
			"would run: go mod download",
		},
	}, {
		name: "a package without a command, asked of dpkg",
		m:    setupMachine{tools: debianTools, dpkg: []string{"ca-certificates"}, apt: true, uid: "0", stamped: true},
		args: []string{"setup", "test"},
		want: []string{"would run: env DEBIAN_FRONTEND=noninteractive " + aptInstall + "fonts-dejavu-core"},
	}, {
		name:    "not root, no sudo: says what to run, and stops",
		m:       setupMachine{tools: without(debianTools, "wasm-opt", "chromium"), dpkg: allPackages, apt: true, uid: "1000", stamped: true},
		args:    []string{"test"},
		code:    1,
		want:    []string{"missing Debian packages: binaryen chromium. Install them as root, then run ./build.sh test again:", "  apt-get update && " + aptInstall + "binaryen chromium"},
		notWant: []string{"would run"},
	}, {
		name: "not root, passwordless sudo",
		m:    setupMachine{tools: without(debianTools, "wasm-opt"), dpkg: allPackages, apt: true, uid: "1000", sudo: true, stamped: true},
		args: []string{"setup", "test"},
		want: []string{"would run: sudo -n env DEBIAN_FRONTEND=noninteractive " + aptInstall + "binaryen"},
	}, {
		name:    "no apt-get: says so, and stops",
		m:       setupMachine{tools: without(debianTools, "curl"), uid: "0", stamped: true},
		args:    []string{"setup"},
		code:    1,
		want:    []string{"missing: curl (Debian's package names), and there is no apt-get here to install them."},
		notWant: []string{"would run"},
	}, {
		name:    "serve needs no wasm-opt, no browser, no curl, no pgrep, no brotli",
		m:       setupMachine{dpkg: []string{"ca-certificates"}, apt: true, uid: "0", stamped: true},
		args:    []string{"setup", "serve"},
		want:    []string{"would run: go mod download"},
		notWant: []string{"apt-get"},
	}, {
		name: "node_modules not from this lockfile: npm ci",
		m:    setupMachine{tools: debianTools, dpkg: allPackages, apt: true, uid: "0"},
		args: []string{"setup"},
		want: []string{"would run: npm ci --no-audit --no-fund"},
	}, {
		name:    "Node older than 20",
		m:       setupMachine{tools: debianTools, dpkg: allPackages, apt: true, uid: "0", stamped: true, oldNode: true},
		args:    []string{"setup"},
		code:    1,
		want:    []string{"Fieldbook needs Node 20 or later, with npm, on the PATH (on Debian: apt-get install nodejs npm)"},
		notWant: []string{"would run"},
	}} {
		t.Run(c.name, func(t *testing.T) {
			code, out := runSetup(t, c.m, c.args...)
			if code != c.code {
				t.Errorf("exit status %d, want %d", code, c.code)
			}
			lines := strings.Split(out, "\n")
			for _, w := range c.want {
				if !slices.Contains(lines, w) {
					t.Errorf("no line %q", w)
				}
			}
			for _, w := range c.notWant {
				if strings.Contains(out, w) {
					t.Errorf("%q in the output", w)
				}
			}
			if t.Failed() {
				t.Logf("output:\n%s", out)
			}
		})
	}
}
