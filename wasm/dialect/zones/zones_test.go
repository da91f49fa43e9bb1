package zones

import (
	"strings"
	"testing"
	"time"

	"cel.dev/cel-go/cel"
)

// TestEveryZoneLoads reads the whole embedded zone database: every name
// the archive holds is a zone Go can load.
func TestEveryZoneLoads(t *testing.T) {
	files, err := zoneFiles()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 500 {
		t.Fatalf("%d zones", len(files))
	}
	for name := range files {
		if _, err := Load(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	la, _ := Load("America/Los_Angeles")
	if _, off := time.Date(2024, 7, 1, 0, 0, 0, 0, la).Zone(); off != -7*3600 {
		t.Errorf("Los Angeles in July is %d s from UTC", off)
	}
}

func TestOffsetsAndMistakes(t *testing.T) {
	for name, offset := range map[string]int{"-07:00": -7 * 3600, "+05:30": 5*3600 + 1800, "02:00": 2 * 3600, "UTC": 0, "Z": 0} {
		loc, err := Load(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, off := time.Date(2024, 1, 1, 0, 0, 0, 0, loc).Zone(); off != offset {
			t.Errorf("%s: %d s from UTC, want %d", name, off, offset)
		}
	}
	if _, err := Load("America/Los_Angles"); err == nil || !strings.Contains(err.Error(), `did you mean "America/Los_Angeles"?`) {
		t.Errorf("a misspelt zone: %v", err)
	}
	if _, err := Load("+24:00"); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("an offset out of range: %v", err)
	}
}

// TestLibraryOnABareEnvironment: the accessors that take a zone, in an
// environment of nothing but CEL's standard library and this one.
func TestLibraryOnABareEnvironment(t *testing.T) {
	env, err := cel.NewEnv(Library())
	if err != nil {
		t.Fatal(err)
	}
	for expr, want := range map[string]int64{
		`timestamp("2024-06-14T05:30:00Z").getHours("America/Los_Angeles")`:     22,
		`timestamp("2024-06-14T05:30:00Z").getDate("America/Los_Angeles")`:      13,
		`timestamp("2024-06-14T05:30:00Z").getDayOfWeek("Asia/Tokyo")`:          5,
		`timestamp("2024-12-31T23:30:00Z").getFullYear("+01:00")`:               2025,
		`timestamp("2024-06-14T05:30:45.123Z").getMilliseconds("Asia/Kolkata")`: 123,
	} {
		ast, iss := env.Compile(expr)
		if iss.Err() != nil {
			t.Fatal(iss.Err())
		}
		prg, _ := env.Program(ast)
		out, _, err := prg.Eval(cel.NoVars())
		if err != nil || out.Value() != want {
			t.Errorf("%s = %v %v, want %d", expr, out, err, want)
		}
	}
	ast, _ := env.Compile(`timestamp("2024-06-14T05:30:00Z").getHours("Mars/Olympus")`)
	prg, _ := env.Program(ast)
	if _, _, err := prg.Eval(cel.NoVars()); err == nil || !strings.Contains(err.Error(), "unknown time zone") {
		t.Errorf("an unknown zone: %v", err)
	}
}

// BenchmarkZoneDatabase unpacks the embedded zone database, which the
// first expression naming a time zone pays for once.
func BenchmarkZoneDatabase(b *testing.B) {
	for b.Loop() {
		if _, err := readZoneFiles(); err != nil {
			b.Fatal(err)
		}
	}
}
