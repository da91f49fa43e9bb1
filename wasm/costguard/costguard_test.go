package costguard

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/ext"
	"cel.dev/cel-go/interpreter"
)

// On a bare environment with cel.bind, a list that holds itself twice, 22
// levels deep (four million elements for a few dozen units), is compared
// with itself: cel-go alone charges the equality its outer length and runs
// it for seconds; with the guards it is refused before it runs, and small
// calls still answer.
func TestACostlyCallIsRefusedBeforeItRuns(t *testing.T) {
	env, err := cel.NewEnv(ext.Bindings(), ext.Lists())
	if err != nil {
		t.Fatal(err)
	}
	impls, err := Implementations(env)
	if err != nil {
		t.Fatal(err)
	}
	run := func(expr string) (string, error) {
		ast, iss := env.Compile(expr)
		if iss.Err() != nil {
			t.Fatal(iss.Err())
		}
		const limit = 1_000_000
		prg, err := env.Program(ast, append(ProgramOptions(impls, limit), cel.CostLimit(limit))...)
		if err != nil {
			t.Fatal(err)
		}
		out, _, err := prg.Eval(cel.NoVars())
		var cancelled interpreter.EvalCancelledError
		if errors.As(err, &cancelled) {
			return "", errors.New(cancelled.Message)
		}
		if err != nil {
			return "", err
		}
		return fmt.Sprint(out.Value()), nil
	}
	doubled := "[0, 0]"
	for i := 0; i < 22; i++ {
		doubled = "cel.bind(x, " + doubled + ", [x, x])"
	}
	if _, err := run("[" + doubled + "] == [" + doubled + "]"); err == nil || !strings.HasPrefix(err.Error(), RefusalPrefix) ||
		!strings.Contains(err.Error(), "== would go past the cost limit of 1,000,000 units") {
		t.Errorf("the doubled equality: %v", err)
	}
	if _, err := run(doubled + " != " + doubled); err == nil || !strings.Contains(err.Error(), "!= would go past the cost limit") {
		t.Errorf("the doubled inequality: %v", err)
	}
	if got, err := run("[1, [2, 3]] == [1, [2, 3]] && [1, 2].reverse() == [2, 1]"); err != nil || got != "true" {
		t.Errorf("small calls: %s, %v", got, err)
	}
}
