package main

import (
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fieldbook/schemas"
	"fieldbook/wasm/engine"
	"fieldbook/workflows"
)

// runWorkflow runs one workflow test file and prints the run, step by
// step (or, with --json, the engine's response).
func runWorkflow(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("run", stderr)
	asJSON := fs.Bool("json", false, "print the response object")
	expect := fs.Bool("expect", false, "write this run's answers into the file as what it expects")
	rest, err := parse(fs, args)
	if err != nil || len(rest) != 1 || *expect && rest[0] == "-" {
		if err == nil {
			fmt.Fprintln(stderr, "run takes one workflow test file (or - for standard input, without -expect)")
		}
		return exitUsage
	}
	eng, set := newEngineAndSet(stderr)
	f, resp, code := runFile(eng, set, rest[0], stdin, stderr)
	if code != exitOK {
		return code
	}
	if *expect {
		exp := workflows.Expectations(resp)
		f.Expect = &exp
		if err := os.WriteFile(rest[0], f.Encode(), 0o644); err != nil {
			fmt.Fprintln(stderr, "error:", err)
			return exitUsage
		}
	}
	if *asJSON {
		printJSON(stdout, resp)
	} else {
		printRun(stdout, rest[0], resp)
	}
	if !resp.OK {
		return exitInvalid
	}
	return exitOK
}

// testWorkflows runs every workflow test file named, and those under the
// folders named, and says of each whether it gave what it expects.
func testWorkflows(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "test takes workflow test files or folders that hold them (*"+workflows.Suffix+")")
		return exitUsage
	}
	files, err := workflowFiles(args)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return exitUsage
	}
	if len(files) == 0 {
		fmt.Fprintf(stderr, "error: no workflow test files (*%s) in %s\n", workflows.Suffix, strings.Join(args, ", "))
		return exitUsage
	}
	eng, set := newEngineAndSet(stderr)
	failed := 0
	for _, name := range files {
		problems := checkFile(eng, set, name)
		if len(problems) == 0 {
			fmt.Fprintf(stdout, "ok    %s\n", name)
			continue
		}
		failed++
		fmt.Fprintf(stdout, "FAIL  %s\n", name)
		for _, p := range problems {
			fmt.Fprintf(stdout, "      %s\n", p)
		}
	}
	if failed > 0 {
		fmt.Fprintf(stdout, "%d of %d workflow files failed\n", failed, len(files))
		return exitInvalid
	}
	fmt.Fprintf(stdout, "all %d workflow files hold\n", len(files))
	return exitOK
}

// checkFile runs one file and lists where it departs from what it expects.
func checkFile(eng *engine.Engine, set *schemas.Set, name string) []string {
	var errs strings.Builder
	f, resp, code := runFile(eng, set, name, nil, &errs)
	if code != exitOK {
		return []string{strings.TrimSpace(errs.String())}
	}
	if f.Expect == nil {
		return []string{"the file expects nothing: export it from the workflow page, or add \"expect\""}
	}
	return workflows.Differences(*f.Expect, resp)
}

// workflowFiles lists the files named and the workflow test files under
// the folders named, in order.
func workflowFiles(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, workflows.Suffix) {
				found = append(found, path)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		slices.Sort(found)
		out = append(out, found...)
	}
	return out, nil
}

func readWorkflowFile(name string, stdin io.Reader) (*workflows.File, error) {
	b, _, over, err := readAtMost(name, stdin, maxRequestBytes)
	if err != nil {
		return nil, err
	}
	if over {
		return nil, fmt.Errorf("%s is over the request limit", name)
	}
	f, err := workflows.Read(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return f, nil
}

// runFile reads a file and runs it; a file that cannot be read or whose
// request the engine cannot take is bad usage.
func runFile(eng *engine.Engine, set *schemas.Set, name string, stdin io.Reader, stderr io.Writer) (*workflows.File, engine.RunResponse, int) {
	f, err := readWorkflowFile(name, stdin)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return nil, engine.RunResponse{}, exitUsage
	}
	req, err := f.Request(set)
	if err != nil {
		fmt.Fprintf(stderr, "error: %s: %s\n", name, err)
		return nil, engine.RunResponse{}, exitUsage
	}
	resp := eng.Run(req)
	return f, resp, requestProblem(resp.Diagnostics, stderr)
}

// printRun writes a run as a reader follows it: a line a step, its
// parameters and its diagnostics under it, then the outcome.
func printRun(w io.Writer, name string, resp engine.RunResponse) {
	line := func(label string, s engine.StepRun, what string) {
		kind := s.Kind
		if label == "trigger" {
			kind = ""
		}
		fmt.Fprintf(w, "%-8s %-7s %-8s %s\n", label, kind, s.Status, what)
		for _, k := range slices.Sorted(maps.Keys(s.Params)) {
			p := s.Params[k]
			fmt.Fprintf(w, "%26s%s = %s  (%s)\n", "", k, p.Display, p.Type)
		}
		for _, d := range s.Diagnostics {
			where := name + ": " + label
			if d.Param != "" {
				where += " param " + d.Param
			}
			fmt.Fprintf(w, "%26s%s\n", "", describe(where, d))
		}
	}
	fmt.Fprintf(w, "clock    %s\n", resp.Now)
	if resp.Trigger != nil {
		what := "no condition"
		if resp.Trigger.Display != "" {
			what = resp.Trigger.Display
		}
		line("trigger", *resp.Trigger, what)
	}
	for i, s := range resp.Steps {
		var what string
		switch {
		case s.Kind == engine.KindAction && s.Status == engine.StatusDone && s.Key != "":
			what = "result under " + s.Key
		case s.Display != "":
			what = s.Display
		}
		if s.Kind == engine.KindWait && s.Now != "" {
			what += "  (clock " + s.Now + ")"
		}
		line(fmt.Sprintf("step %d", i+1), s, what)
	}
	for _, d := range resp.Diagnostics {
		fmt.Fprintln(w, describe(name, d))
	}
	fmt.Fprintf(w, "outcome  %s\n", resp.Outcome)
}
