// Command wasmsize tells where a Go WebAssembly module's bytes go. It
// builds a package for GOOS=js GOARCH=wasm as build.sh's wasm entry does
// (-trimpath), but keeping the name section (-ldflags=-w, not -s: the
// code is the same), reads the module's sections, and sums the size of
// each function's body in the code section by the Go package the function
// belongs to, read from its name in the "name" custom section:
//
//	go run ./site/bench/wasmsize [-top 40] [-o module.wasm] [./wasm]
//
// It prints the sections (their sizes add up to the file's), the packages
// by code size, and the same summed by module ("std" for the standard
// library). Data (strings, type descriptors, pclntab) has no names in a Go
// module, so it is one line: the data section.
//
// The linker writes a function's name with every character other than a
// letter, a digit, _ and . replaced by _ (cel.dev/cel-go/cel.(*Env).Compile
// is cel.dev_cel_go_cel.__Env_.Compile), so the package is found by the
// longest of the build's packages, written the same way, that starts the
// name and is followed by a dot.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

func main() {
	top := flag.Int("top", 40, "packages to list (0: all)")
	out := flag.String("o", "", "keep the module built here (default: a temporary file)")
	flag.Parse()
	pkg := "./wasm"
	if flag.NArg() == 1 {
		pkg = flag.Arg(0)
	} else if flag.NArg() > 1 {
		fmt.Fprintln(os.Stderr, "usage: wasmsize [-top N] [-o module.wasm] [package]")
		os.Exit(2)
	}
	file := *out
	if file == "" {
		dir, err := os.MkdirTemp("", "wasmsize")
		if err != nil {
			fail(err)
		}
		defer os.RemoveAll(dir)
		file = filepath.Join(dir, "module.wasm")
	}
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-w", "-o", file, pkg)
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fail(fmt.Errorf("go build: %v", err))
	}
	pkgs, err := listPackages(pkg)
	if err != nil {
		fail(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		fail(err)
	}
	m, err := parse(b)
	if err != nil {
		fail(err)
	}
	if len(m.names) == 0 {
		fail(errors.New("the module has no name section"))
	}

	fmt.Printf("%s: %d bytes\n\nsection sizes (with their headers):\n", pkg, len(b))
	sum := 8 // magic and version
	for _, s := range m.sections {
		fmt.Printf("  %-22s %12d\n", s.name, s.size)
		sum += s.size
	}
	fmt.Printf("  %-22s %12d (= the file: %v)\n", "total", sum, sum == len(b))

	byPkg, byMod := map[string]int{}, map[string]int{}
	bodies := 0
	for i, size := range m.bodies {
		p := pkgs.of(m.names[m.imported+i])
		byPkg[p.path] += size
		byMod[p.module] += size
		bodies += size
	}
	fmt.Printf("\nfunction bodies: %d functions, %d bytes (the code section's other %d bytes are their size prefixes)\n\n",
		len(m.bodies), bodies, m.codeSection-bodies)
	printTable("package", byPkg, bodies, *top)
	fmt.Println()
	printTable("module", byMod, bodies, 0)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "wasmsize:", err)
	os.Exit(1)
}

func printTable(what string, sizes map[string]int, total, top int) {
	keys := make([]string, 0, len(sizes))
	for k := range sizes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if sizes[keys[i]] != sizes[keys[j]] {
			return sizes[keys[i]] > sizes[keys[j]]
		}
		return keys[i] < keys[j]
	})
	fmt.Printf("%12s %6s  %s\n", "bytes", "%", what)
	rest := 0
	for i, k := range keys {
		if top > 0 && i >= top {
			rest += sizes[k]
			continue
		}
		fmt.Printf("%12d %5.1f%%  %s\n", sizes[k], 100*float64(sizes[k])/float64(total), k)
	}
	if rest > 0 {
		fmt.Printf("%12d %5.1f%%  (%d others)\n", rest, 100*float64(rest)/float64(total), len(keys)-top)
	}
	fmt.Printf("%12d %5.1f%%  total\n", total, 100.0)
}

type section struct {
	name string
	size int // with its id and size prefix
}

type module struct {
	sections    []section
	imported    int            // functions imported: the first indexes
	bodies      []int          // the size of each function body, in order
	codeSection int            // the code section's content size
	names       map[int]string // function index -> name
}

// parse reads the sections of a WebAssembly binary module (the core
// specification's binary format): the import section for the count of
// imported functions, which come first in the function index space, the
// code section for the body sizes, and the name section's function names.
func parse(b []byte) (*module, error) {
	if len(b) < 8 || !bytes.Equal(b[:4], []byte("\x00asm")) {
		return nil, errors.New("not a WebAssembly module")
	}
	m := &module{names: map[int]string{}}
	r := &reader{b: b, at: 8}
	for r.at < len(b) {
		start := r.at
		id := r.byte()
		size := r.uint()
		end := r.at + size
		if r.err != nil || end > len(b) {
			return nil, fmt.Errorf("section at %d: truncated", start)
		}
		body := &reader{b: b[:end], at: r.at}
		name := sectionNames[id]
		switch id {
		case 0:
			custom := body.name()
			name = "custom " + custom
			if custom == "name" {
				readNames(body, m.names)
			}
		case 2:
			m.imported = countImportedFunctions(body)
		case 10:
			m.codeSection = size
			for n := body.uint(); n > 0 && body.err == nil; n-- {
				s := body.uint()
				m.bodies = append(m.bodies, s)
				body.at += s
			}
		}
		if body.err != nil {
			return nil, fmt.Errorf("section %s: %v", name, body.err)
		}
		m.sections = append(m.sections, section{name, end - start})
		r.at = end
	}
	return m, nil
}

var sectionNames = map[byte]string{1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global",
	7: "export", 8: "start", 9: "element", 10: "code", 11: "data", 12: "data count"}

// countImportedFunctions reads the import section: imports of kind 0 are
// functions; the others (table, memory, global) are skipped by their type.
func countImportedFunctions(r *reader) int {
	n, funcs := r.uint(), 0
	for range n {
		r.name()
		r.name()
		switch r.byte() {
		case 0: // function: a type index
			r.uint()
			funcs++
		case 1: // table: a reference type and limits
			r.byte()
			r.limits()
		case 2: // memory: limits
			r.limits()
		case 3: // global: a value type and mutability
			r.byte()
			r.byte()
		}
	}
	return funcs
}

// readNames reads the name section's function names (subsection 1).
func readNames(r *reader, names map[int]string) {
	for r.at < len(r.b) && r.err == nil {
		id := r.byte()
		size := r.uint()
		end := r.at + size
		if id == 1 {
			for n := r.uint(); n > 0 && r.err == nil; n-- {
				idx := r.uint()
				names[idx] = r.name()
			}
		}
		r.at = end
	}
}

type reader struct {
	b   []byte
	at  int
	err error
}

func (r *reader) byte() byte {
	if r.at >= len(r.b) {
		r.err = errors.New("truncated")
		return 0
	}
	r.at++
	return r.b[r.at-1]
}

// uint reads an unsigned LEB128 number.
func (r *reader) uint() int {
	var v, shift int
	for {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		v |= int(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
		shift += 7
	}
}

func (r *reader) name() string {
	n := r.uint()
	if r.at+n > len(r.b) {
		r.err = errors.New("truncated")
		return ""
	}
	r.at += n
	return string(r.b[r.at-n : r.at])
}

func (r *reader) limits() {
	if r.byte() == 1 {
		r.uint()
	}
	r.uint()
}

type goPkg struct{ path, module string }

// packages are a build's packages by their names as the linker writes
// them in the name section.
type packages map[string]goPkg

var (
	mangle         = regexp.MustCompile(`[^\w.]`)
	arrayOrPointer = regexp.MustCompile(`^(_\d*_|_)*`)
)

// listPackages lists the packages a build links, with their modules.
func listPackages(pkg string) (packages, error) {
	cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{.Name}} {{with .Module}}{{.Path}}{{end}}", pkg)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v", err)
	}
	pkgs := packages{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		path, name, module := f[0], f[1], "std"
		if len(f) == 3 {
			module = f[2]
		}
		pkgs[mangle.ReplaceAllString(path, "_")] = goPkg{path, module}
		if name == "main" { // the linker names a command's functions main.*
			pkgs["main"] = goPkg{path, module}
		}
	}
	return pkgs, nil
}

// of finds the package of a function by its name. Generated functions
// (type:.eq.T, a type's equality, written type_.eq.T) count for the
// package of their type; what matches no package (the equality of an
// unnamed type such as struct{...}, the runtime's assembly, go:buildid) is
// listed by the name's first word, in parentheses.
func (p packages) of(name string) goPkg {
	for _, prefix := range []string{"type_.eq.", "type_.hash."} {
		name = strings.TrimPrefix(name, prefix)
	}
	name = arrayOrPointer.ReplaceAllString(name, "") // the equality of [2]T or *T is T's package's
	best := ""
	for i, c := range name {
		if c != '.' {
			continue
		}
		if _, ok := p[name[:i]]; ok {
			best = name[:i] // keep looking: a longer package may match
		}
	}
	if best == "" {
		first, _, _ := strings.Cut(name, ".")
		return goPkg{"(" + first + ")", "(no package)"}
	}
	return p[best]
}
