package engine

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"fieldbook/schemas"
	"fieldbook/wasm/jsonpos"
)

// maxDiagnostics bounds a response: past it, one more diagnostic says how
// many were left out.
const maxDiagnostics = 200

var printer = message.NewPrinter(language.English)

// Validate checks a payload against its schema and reports every problem at
// once. A problem the schema declares as a known quirk of the source is a
// warning carrying the quirk's note; any other is an error. Without a schema
// only the JSON itself is checked.
func (e *Engine) Validate(req ValidateRequest) ValidateResponse {
	prep, bad := e.prepare(preparation{schema: req.Schema, key: req.Key, payload: req.Payload, payloadIn: true})
	if bad != nil {
		return ValidateResponse{OK: false, Diagnostics: []Diagnostic{*bad}}
	}
	s, p := prep.schema, prep.payload
	var found []problem
	for _, w := range p.warnings {
		found = append(found, problem{severity: SeverityWarning, message: w.Message, pointer: w.Pointer})
	}
	if s != nil {
		schemaProblems, err := validateAgainst(s, p.value)
		if err != nil {
			return ValidateResponse{OK: false, Diagnostics: []Diagnostic{requestError(err.Error())}}
		}
		found = append(found, schemaProblems...)
		found = append(found, unknownFields(e.payloadName(s), s.Root, p.value, nil, 0)...)
	}
	diags := place(req.Payload, found)
	ok := true
	for _, d := range diags {
		if d.Severity == SeverityError {
			ok = false
		}
	}
	return ValidateResponse{OK: ok, Diagnostics: diags}
}

// maxUnknownFields bounds the warnings of fields a schema lacks: a payload
// of another kind entirely would otherwise list every field it has.
const maxUnknownFields = 20

// unknownFields warns of each field a payload sends and its schema does not
// document, where the schema leaves the object open (a closed one is an
// error of the validator's): a field Morf does not document is one an
// expression cannot name, and the reader should know the payload has it.
func unknownFields(payload string, n *schemas.Node, v any, at []string, found int) []problem {
	if n == nil || found >= maxUnknownFields {
		return nil
	}
	n = n.Resolved()
	var out []problem
	switch v := v.(type) {
	case map[string]any:
		if n.Type() != "object" || n.IsMap() || len(n.Properties) == 0 || n.AdditionalProperties != nil || len(n.PatternProperties) > 0 {
			return nil
		}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			path := append(slices.Clip(at), k)
			child := n.Property(k)
			if child == nil {
				if found+len(out) >= maxUnknownFields {
					break
				}
				out = append(out, problem{severity: SeverityWarning, pointer: pointerOf(path),
					message: fmt.Sprintf("%s is not a field of %s as its source documents it: an expression cannot name it", k, payload)})
				continue
			}
			out = append(out, unknownFields(payload, child, v[k], path, found+len(out))...)
		}
	case []any:
		for i, x := range v {
			out = append(out, unknownFields(payload, n.Items, x, append(slices.Clip(at), strconv.Itoa(i)), found+len(out))...)
		}
	}
	return out
}

// payloadName is how the warnings name a schema's payload: "Healthie
// Appointment".
func (e *Engine) payloadName(s *schemas.Schema) string {
	for _, src := range e.set.Catalog.EventSources {
		if src.ID == s.Source {
			return src.Name + " " + s.Title()
		}
	}
	return s.Title()
}

// problem is a diagnostic before it is placed in the text.
type problem struct {
	severity string
	message  string
	pointer  string
}

// validateAgainst runs the JSON Schema validator and sorts its findings into
// quirks (warnings) and errors.
func validateAgainst(s *schemas.Schema, value any) ([]problem, error) {
	v, err := s.Validator()
	if err != nil {
		return nil, fmt.Errorf("schema %s does not compile: %w", s.ID, err)
	}
	found, err := findingsOf(v, s.Quirks(), value)
	if err != nil {
		return nil, err
	}
	var out []problem
	// Findings at one place for one quirk are one warning: "null" for a
	// required enum breaks both its type and its enum, but it is one quirk.
	type quirkFinding struct {
		at      int // index in out
		note    string
		details []string
	}
	quirkAt := map[string]*quirkFinding{}
	var quirkOrder []*quirkFinding
	for _, f := range found {
		msg := f.message()
		if f.quirk == nil {
			out = append(out, problem{severity: SeverityError, pointer: f.pointer, message: msg})
			continue
		}
		key := f.pointer + "\x00" + f.quirk.Pointer
		if qf, seen := quirkAt[key]; seen {
			qf.details = append(qf.details, msg)
			continue
		}
		qf := &quirkFinding{at: len(out), note: f.quirk.Note, details: []string{msg}}
		quirkAt[key] = qf
		quirkOrder = append(quirkOrder, qf)
		out = append(out, problem{severity: SeverityWarning, pointer: f.pointer})
	}
	for _, f := range quirkOrder {
		out[f.at].message = "known quirk of the source: " + f.note + " (" + strings.Join(f.details, "; ") + ")"
	}
	return out, nil
}

// finding is one place where a payload breaks its schema: the
// validator's finding, where it is, and the source's quirk it is, if it is
// one.
type finding struct {
	leaf    *jsonschema.ValidationError
	pointer string
	quirk   *schemas.Quirk
}

// message says what is wrong, written when asked for: a batch writes only
// the errors out, most payloads carrying quirks.
func (f finding) message() string { return friendly(f.leaf.ErrorKind.LocalizedString(printer)) }

// findingsOf validates value and lists its findings, each matched against
// the source's quirks; an error is one the validator gave other than its
// findings.
func findingsOf(v *jsonschema.Schema, quirks []schemas.Quirk, value any) ([]finding, error) {
	err := v.Validate(value)
	if err == nil {
		return nil, nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return nil, err
	}
	var out []finding
	for _, leaf := range leaves(ve) {
		f := finding{leaf: leaf, pointer: pointerOf(leaf.InstanceLocation)}
		if q, ok := matchQuirk(quirks, f.pointer, keywordOf(leaf.ErrorKind)); ok {
			f.quirk = &q
		}
		out = append(out, f)
	}
	return out, nil
}

// leaves are the validator's findings that have no finer cause: the ones
// that say what is wrong, rather than that a subschema failed.
func leaves(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return []*jsonschema.ValidationError{ve}
	}
	var out []*jsonschema.ValidationError
	for _, c := range ve.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

func pointerOf(loc []string) string {
	var b strings.Builder
	for _, tok := range loc {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1"))
	}
	return b.String()
}

// keywordOf names the schema keyword a finding comes from.
func keywordOf(k jsonschema.ErrorKind) string {
	path := k.KeywordPath()
	if len(path) == 0 {
		return ""
	}
	return path[len(path)-1]
}

// matchQuirk finds the quirk declared for a finding: the same pointer, with
// * matching any one step (an array's index or a map's key: the fields of
// a map's values are named with * too), and one of its keywords.
func matchQuirk(quirks []schemas.Quirk, pointer, keyword string) (schemas.Quirk, bool) {
	got := strings.Split(pointer, "/")
	for _, q := range quirks {
		want := strings.Split(q.Pointer, "/")
		if len(want) != len(got) {
			continue
		}
		same := true
		for i := range want {
			if want[i] != got[i] && want[i] != "*" {
				same = false
				break
			}
		}
		if !same {
			continue
		}
		for _, kw := range q.Keywords {
			if kw == keyword {
				return q, true
			}
		}
	}
	return schemas.Quirk{}, false
}

// friendly rewrites the validator's terse messages where a reader would
// otherwise have to guess: "got null, want string" names JSON types.
func friendly(msg string) string {
	if rest, ok := strings.CutPrefix(msg, "got "); ok {
		if got, want, ok := strings.Cut(rest, ", want "); ok {
			return fmt.Sprintf("expected %s, got %s", want, got)
		}
	}
	return msg
}

// place gives each problem its line and column in the payload text and
// orders them as they appear in it.
func place(text string, found []problem) []Diagnostic {
	if len(found) == 0 {
		return []Diagnostic{}
	}
	pointers := make([]string, len(found))
	for i, p := range found {
		pointers[i] = p.pointer
	}
	offsets := jsonpos.Locate(text, pointers)
	type placed struct {
		d      Diagnostic
		offset int
	}
	all := make([]placed, len(found))
	for i, p := range found {
		off := offsets[p.pointer]
		line, col := jsonpos.LineColumn(text, off)
		all[i] = placed{Diagnostic{Severity: p.severity, Message: p.message, Pointer: p.pointer, Line: line, Column: col, Source: "payload"}, off}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].offset < all[j].offset })
	out := make([]Diagnostic, 0, min(len(all), maxDiagnostics+1))
	for i, p := range all {
		if i == maxDiagnostics {
			out = append(out, Diagnostic{Severity: SeverityError, Message: fmt.Sprintf("%d more problems not shown", len(all)-maxDiagnostics), Source: "payload"})
			break
		}
		out = append(out, p.d)
	}
	return out
}
