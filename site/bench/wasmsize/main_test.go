package main

import (
	"bytes"
	"testing"
)

func TestPackageOfAFunctionName(t *testing.T) {
	pkgs := packages{
		"cel.dev_cel_go_common_types":     {"cel.dev/cel-go/common/types", "cel.dev/cel-go"},
		"cel.dev_cel_go_common_types_ref": {"cel.dev/cel-go/common/types/ref", "cel.dev/cel-go"},
		"slices":                          {"slices", "std"},
		"main":                            {"fieldbook/wasm", "fieldbook"},
	}
	for name, want := range map[string]string{
		"cel.dev_cel_go_common_types.__Type_.String":             "cel.dev/cel-go/common/types",
		"cel.dev_cel_go_common_types_ref.TypeProvider.FindIdent": "cel.dev/cel-go/common/types/ref",
		"slices.medianCmpFunc_go.shape._uint8_":                  "slices",
		"type_.eq.cel.dev_cel_go_common_types.Err":               "cel.dev/cel-go/common/types",
		"type_.eq._2_cel.dev_cel_go_common_types_ref.Val":        "cel.dev/cel-go/common/types/ref",
		"main.main.func1": "fieldbook/wasm",
		"memchr":          "(memchr)",
		"type_.eq.struct___google.golang.org_protobuf_internal_impl.x": "(struct___google)",
	} {
		if got := pkgs.of(name).path; got != want {
			t.Errorf("%s: %s, want %s", name, got, want)
		}
	}
}

// TestParse reads a module made by hand: one imported function, then two
// defined ones with bodies of 2 and 4 bytes, and their names.
func TestParse(t *testing.T) {
	section := func(id byte, content ...byte) []byte { return append([]byte{id, byte(len(content))}, content...) }
	name := func(s string) []byte { return append([]byte{byte(len(s))}, s...) }
	var b bytes.Buffer
	b.WriteString("\x00asm\x01\x00\x00\x00")
	b.Write(section(2, append(append(append([]byte{1}, name("go")...), name("f")...), 0, 0)...)) // import go.f, a function of type 0
	b.Write(section(10, 2, 2, 0, 0x0b, 4, 0, 1, 1, 0x0b))                                        // two bodies, each after its size
	names := append([]byte{2}, append(append([]byte{1}, name("a.x")...), append([]byte{2}, name("b.y")...)...)...)
	b.Write(section(0, append(name("name"), append([]byte{1, byte(len(names))}, names...)...)...))
	m, err := parse(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if m.imported != 1 || len(m.bodies) != 2 || m.bodies[0] != 2 || m.bodies[1] != 4 || m.names[1] != "a.x" || m.names[2] != "b.y" {
		t.Errorf("imported %d, bodies %v, names %v", m.imported, m.bodies, m.names)
	}
	sum := 8
	for _, s := range m.sections {
		sum += s.size
	}
	if sum != b.Len() {
		t.Errorf("the sections add up to %d bytes, the module has %d", sum, b.Len())
	}
}
