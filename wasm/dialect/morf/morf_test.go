package morf

import (
	"strings"
	"testing"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// bareEnv is CEL's standard library and this one, nothing else.
func bareEnv(t *testing.T, opts ...cel.EnvOption) *cel.Env {
	t.Helper()
	env, err := cel.NewEnv(append([]cel.EnvOption{Library()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// eval runs expr with vars, and morf.now() at now.
func eval(t *testing.T, env *cel.Env, expr string, vars map[string]any, now time.Time) (ref.Val, error) {
	t.Helper()
	ast, iss := env.Compile(expr)
	if iss.Err() != nil {
		t.Fatalf("%s: %v", expr, iss.Err())
	}
	prg, err := env.Program(ast)
	if err != nil {
		t.Fatal(err)
	}
	clock := func(string, ...ref.Val) ref.Val { return types.Timestamp{Time: now} }
	if vars == nil {
		vars = map[string]any{}
	}
	base, _ := cel.NewActivation(vars)
	act, _ := cel.FunctionVars(base, map[string]cel.LateBoundFunction{"morf.now": clock})
	out, _, err := prg.Eval(act)
	return out, err
}

// TestEveryExampleOfTheDeclarations runs each example the library declares
// with its value ("expr // value"), on a bare environment: the examples
// completion, hover and the site's dialect page show are the library's
// own answers.
func TestEveryExampleOfTheDeclarations(t *testing.T) {
	env := bareEnv(t)
	examples := 0
	for name, fn := range env.Functions() {
		for _, o := range fn.OverloadDecls() {
			if !strings.HasPrefix(o.ID(), "morf_") { // CEL's own
				continue
			}
			for _, ex := range o.Examples() {
				expr, want, ok := strings.Cut(ex, " // ")
				if !ok {
					continue
				}
				examples++
				out, err := eval(t, env, expr, nil, time.Now())
				if err != nil {
					t.Errorf("%s: %s: %v", name, expr, err)
					continue
				}
				wantVal, err := eval(t, env, want, nil, time.Now())
				if err != nil || out.Equal(wantVal) != types.True {
					t.Errorf("%s: %s = %v, the example says %s", name, expr, out, want)
				}
			}
		}
	}
	if examples < 9 { // every function but morf.now, whose value is the clock
		t.Errorf("%d examples with a value", examples)
	}
}

// TestAbsentFields: orValue and hasValue on a field a map lacks, one it
// has, and one sent as null; plain use of a missing one names it.
func TestAbsentFields(t *testing.T) {
	env := bareEnv(t, cel.Variable("p", cel.MapType(cel.StringType, cel.StringType)))
	vars := map[string]any{"p": map[string]string{"a": "x"}}
	for expr, want := range map[string]any{
		`p.a.orValue("none")`: "x",
		`p.b.orValue("none")`: "none",
		`p.a.hasValue()`:      true,
		`p.b.hasValue()`:      false,
	} {
		out, err := eval(t, env, expr, vars, time.Now())
		if err != nil || out.Value() != want {
			t.Errorf("%s = %v %v, want %v", expr, out, err, want)
		}
	}
	ast, _ := env.Compile(`p.b == "x"`)
	prg, _ := env.Program(ast)
	out, _, _ := prg.Eval(vars)
	celErr, ok := out.(*types.Err)
	if !ok {
		t.Fatalf("a missing field compared: %v", out)
	}
	if msg := AbsentMessage(ast, celErr); !strings.HasPrefix(msg, "p.b is absent from this payload") {
		t.Errorf("the message: %q", msg)
	}
}

// TestMorfNowIsTheClock: morf.now() is whatever the host binds it to.
func TestMorfNowIsTheClock(t *testing.T) {
	env := bareEnv(t)
	at := time.Date(2024, 7, 1, 9, 0, 0, 0, time.UTC)
	out, err := eval(t, env, `morf.now().add(parseDuration("72h")).isAfter(timestamp("2024-07-03T00:00:00Z"))`, nil, at)
	if err != nil || out != types.True {
		t.Errorf("%v %v", out, err)
	}
}

func TestFunctionsSayWhatIsWrong(t *testing.T) {
	env := bareEnv(t)
	for expr, want := range map[string]string{
		`parseDuration("3 days")`:      "is not a duration",
		`parseTimestamp("2024-06-11")`: "is not an RFC 3339 time",
		`timestamp("2024-06-11T16:00:00Z").customFormatInTimezone("YYYY-MM-DD", "UTC")`:    "which Go's layouts do not know",
		`timestamp("2024-06-11T16:00:00Z").customFormatInTimezone("2006", "Mars/Olympus")`: "unknown time zone",
		`"2030-01-01".getAge(timestamp("2024-06-11T00:00:00Z"))`:                           "is after",
	} {
		_, err := eval(t, env, expr, nil, time.Now())
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", expr, err, want)
		}
	}
}

func TestEventType(t *testing.T) {
	for name, want := range map[string]string{
		"Healthie Appointment Scheduled":  "HEALTHIE_APPOINTMENT_SCHEDULED",
		"Elation Appointment Deleted":     "ELATION_APPOINTMENT_DELETED",
		"Calendly Invitee.Created (v2)":   "CALENDLY_INVITEE_CREATED_V2",
		"Formsort Form Response – Answer": "FORMSORT_FORM_RESPONSE_ANSWER",
	} {
		if got := EventType(name); got != want {
			t.Errorf("EventType(%q) = %q, want %q", name, got, want)
		}
	}
}
