package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fieldbook/workflows"
)

// The repository's workflow files (workflows/) hold: they are the README's
// example and the worked examples of /workflows/.
func TestTheRepositorysWorkflowFilesHold(t *testing.T) {
	code, out, errOut := cli(t, "", "test", "../workflows")
	if code != exitOK || !strings.Contains(out, "all 3 workflow files hold") {
		t.Fatalf("site test ../workflows: %d\n%s%s", code, out, errOut)
	}
}

// copyWorkflow copies a repository workflow file into a temporary folder,
// edited by edit, and returns its path.
func copyWorkflow(t *testing.T, name string, edit func(string) string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "workflows", name))
	if err != nil {
		t.Fatal(err)
	}
	edited := edit(string(b))
	if edited == string(b) {
		t.Fatalf("the edit changed nothing in %s", name)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTestSaysWhichExpectationDiffered(t *testing.T) {
	for _, c := range []struct {
		name, file, from, to, want string
	}{
		{"a value", "appointment-reminder.workflow.json", `"value": "2024-07-11T15:00:00Z"`, `"value": "2024-07-11T16:00:00Z"`,
			`step 2 (wait): value "2024-07-11T15:00:00Z", expected "2024-07-11T16:00:00Z"`},
		{"a status", "form-routing-another-step.workflow.json", `"status": "stopped"`, `"status": "passed"`,
			"step 1 (filter): status stopped, expected passed"},
		{"a parameter", "form-routing.workflow.json", `"event_name": "contact_info_completed"`, `"event_name": "contact_info"`,
			`step 4 (action): parameter event_name is "contact_info_completed", expected "contact_info"`},
		{"an outcome", "form-routing.workflow.json", `"outcome": "completed"`, `"outcome": "stopped"`,
			"outcome: completed, expected stopped"},
		{"a broken expression", "appointment-reminder.workflow.json", `appointment_datetime.isAfter(morf.now())`, `appointment_datetme.isAfter(morf.now())`,
			"step 1 (filter): status invalid, expected passed (undeclared reference to 'appointment_datetme' (did you mean 'appointment_datetime'?))"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := copyWorkflow(t, c.file, func(s string) string { return strings.Replace(s, c.from, c.to, 1) })
			code, out, errOut := cli(t, "", "test", p)
			if code != exitInvalid || !strings.Contains(out, "FAIL  "+p) || !strings.Contains(out, c.want) {
				t.Errorf("site test with %s changed: %d\n%s%s\nwant a failure saying %q", c.name, code, out, errOut, c.want)
			}
		})
	}
}

func TestTestRefusesWhatIsNoWorkflowFile(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := cli(t, "", "test", dir); code != exitUsage || !strings.Contains(errOut, "no workflow test files") {
		t.Errorf("an empty folder: %d %q", code, errOut)
	}
	p := copyWorkflow(t, "form-routing.workflow.json", func(s string) string { return strings.Replace(s, `"now"`, `"clock"`, 1) })
	if code, out, _ := cli(t, "", "test", p); code != exitInvalid || !strings.Contains(out, `unknown field "clock"`) {
		t.Errorf("a misspelt member: %d %q", code, out)
	}
	p = copyWorkflow(t, "form-routing.workflow.json", func(s string) string {
		f, err := workflows.Read([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		f.Expect = nil
		return string(f.Encode())
	})
	if code, out, _ := cli(t, "", "test", p); code != exitInvalid || !strings.Contains(out, "expects nothing") {
		t.Errorf("a file without expectations: %d %q", code, out)
	}
}

func TestRunPrintsEachStep(t *testing.T) {
	code, out, errOut := cli(t, "", "run", "../workflows/appointment-reminder.workflow.json")
	if code != exitOK {
		t.Fatalf("run: %d %s", code, errOut)
	}
	for _, want := range []string{
		"step 2   wait    waited   timestamp(\"2024-07-11T15:00:00Z\")  (clock 2024-07-11T15:00:00Z)",
		`content = "Hi Test, see you tomorrow at 11:00 AM"  (string)`,
		"step 4   action  done     result under reminder_text",
		"outcome  completed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("run printed\n%s\nwithout %q", out, want)
		}
	}
	// -expect writes what this run gave as the file's expectations.
	p := copyWorkflow(t, "form-routing.workflow.json", func(s string) string { return strings.Replace(s, `"status": "done"`, `"status": "failed"`, 1) })
	if code, _, _ := cli(t, "", "run", "-expect", p); code != exitOK {
		t.Fatalf("run -expect: %d", code)
	}
	b, _ := os.ReadFile(p)
	f, err := workflows.Read(b)
	if err != nil || f.Expect == nil || f.Expect.Steps[2].Status != "done" {
		t.Fatalf("run -expect did not write the run's statuses: %v %s", err, b)
	}
	if code, _, _ := cli(t, "", "test", p); code != exitOK {
		t.Errorf("the file run -expect wrote does not hold")
	}
}
