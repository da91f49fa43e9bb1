package importer

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"fieldbook/schemas"
	"fieldbook/schemas/ordered"
)

// ActionOptions name the action document and say where its page is.
type ActionOptions struct {
	ID          string // "stripe/v1/create-card": destination, version, action
	URL         string // the action's page, for x-source-page
	Partial     string // what the page leaves out, when it is cut short
	Title       string // the title, where the page's copy has none
	Description string // what the action does, in Fieldbook's words
}

func (o ActionOptions) parts() ([]string, error) {
	parts := strings.Split(o.ID, "/")
	if len(parts) != 3 {
		return nil, fmt.Errorf("the action's id %q is not <destination>/<version>/<action>", o.ID)
	}
	for _, p := range parts {
		if p == "" || p != Slug(p) {
			return nil, fmt.Errorf("the action's id %q is not <destination>/<version>/<action>, in lower case with dashes", o.ID)
		}
	}
	return parts, nil
}

// Path is the document's place under the schemas folder:
// actions/<destination>/<version>/<action>.json.
func (o ActionOptions) Path() string { return "actions/" + o.ID + ".json" }

// resultVerbs are the leading verbs of an action's name that say what it
// does, not what it returns; longer ones first.
var resultVerbs = []string{"create_or_update", "find_first_matching", "save_to", "get", "list", "create", "update",
	"send", "find", "fetch", "add", "upsert", "generate", "check"}

// ResultKey is the result object key Fieldbook writes CEL under by
// default: the action's name in snake case without its leading verb, and
// without what it is "for" (list_appointments_for_patient: appointments;
// create_card: card); "result" where that leaves no CEL identifier.
func ResultKey(action string) string {
	name := strings.ReplaceAll(strings.ToLower(action), "-", "_")
	for _, v := range resultVerbs {
		if rest, ok := strings.CutPrefix(name, v+"_"); ok {
			name = rest
			break
		}
		if name == v {
			name = ""
		}
	}
	if i := strings.Index(name, "_for_"); i > 0 {
		name = name[:i]
	}
	if !schemas.IsIdentifier(name) {
		return "result"
	}
	return name
}

// actionTitleOf titles an action's name as Morf heads its pages
// (create-card: Create Card).
func actionTitleOf(action string) string {
	words := strings.FieldsFunc(action, func(r rune) bool { return r == '-' || r == '_' })
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

var (
	morfInt    = regexp.MustCompile(`^(s?int(32|64)?|s?fixed(32|64)|long|integer)$`)
	morfUint   = regexp.MustCompile(`^(uint(32|64)?|fixed(32|64))$`)
	morfList   = regexp.MustCompile(`^(?:repeated (.+)|(.+)\[\]|(?i:list|array)<(.+)>)$`)
	intLiteral = regexp.MustCompile(`^-?\d+$`)
)

// celOfType is the CEL type a parameter's expression must have, from
// Morf's type as the page writes it.
func celOfType(t string, enum []string) string {
	t = strings.TrimSpace(t)
	lower := strings.ToLower(t)
	switch {
	case len(enum) > 0, lower == "string", strings.HasPrefix(lower, "string "), strings.HasPrefix(lower, "string("):
		return "string"
	case morfUint.MatchString(lower):
		return "uint"
	case morfInt.MatchString(lower):
		return "int"
	case lower == "bool" || lower == "boolean":
		return "bool"
	case lower == "double" || lower == "float" || lower == "number":
		return "double"
	case lower == "bytes":
		return "bytes"
	case strings.HasPrefix(lower, "map<"):
		return "map(string, string)"
	case strings.HasSuffix(t, "Timestamp"):
		return "google.protobuf.Timestamp"
	case strings.HasSuffix(t, "Duration"):
		return "google.protobuf.Duration"
	}
	if g := morfList.FindStringSubmatch(t); g != nil {
		return "list(" + celOfType(g[1]+g[2]+g[3], nil) + ")"
	}
	return "dyn"
}

// celGuess reads a CEL type off what a parameter without a stated type
// shows: its enum (string), its default (a whole number: int; true or
// false: bool), or its key (ids: list(string); an id: string); dyn where
// none says.
func celGuess(p ActionParameter) string {
	last := p.Key[strings.LastIndex(p.Key, ".")+1:]
	switch d := strings.ToLower(p.Default); {
	case len(p.Enum) > 0:
		return "string"
	case intLiteral.MatchString(d):
		return "int"
	case d == "true" || d == "false":
		return "bool"
	case strings.HasSuffix(last, "Ids") || strings.HasSuffix(last, "IDs") || strings.HasSuffix(last, "_ids") || last == "ids":
		return "list(string)"
	case last == "id" || strings.HasSuffix(last, "Id") || strings.HasSuffix(last, "ID") || strings.HasSuffix(last, "_id"):
		return "string"
	}
	return "dyn"
}

// parameterOrder is the order of a parameter's members in x-action.
var parameterOrder = []string{"key", "mapsTo", "name", "type", "cel", "required", "tags", "enum", "default", "description", "unstated", "inferred"}

// parameterObject writes one parameter of x-action.
func parameterObject(p ActionParameter) *ordered.Object {
	o := ordered.New()
	o.Set("key", p.Key)
	if p.MapsTo != "" {
		o.Set("mapsTo", p.MapsTo)
	}
	if p.Name != "" {
		o.Set("name", p.Name)
	}
	if p.Type != "" {
		o.Set("type", p.Type)
		o.Set("cel", celOfType(p.Type, p.Enum))
	} else {
		o.Set("cel", celGuess(p))
	}
	if p.Required != nil {
		o.Set("required", *p.Required)
	}
	o.Set("tags", strs(p.Tags))
	if len(p.Enum) > 0 {
		o.Set("enum", strs(p.Enum))
	}
	if p.Default != "" {
		o.Set("default", p.Default)
	}
	if len(p.Unstated) > 0 {
		o.Set("unstated", strs(p.Unstated))
	}
	if p.Type == "" {
		o.Set("inferred", []any{"cel"})
	}
	return o
}

// unwrapDescriptions gives the descriptions of an array's elements where
// the page writes them as a one-element array.
func unwrapDescriptions(d any) any {
	if arr, ok := d.([]any); ok && len(arr) > 0 && isObj(arr[0]) {
		return arr[0]
	}
	return d
}

// draftAction is the action document of the material alone: the result's
// schema, built as a payload's, with x-action and x-source-page.
func draftAction(m ActionMaterial, opt ActionOptions, action string) *ordered.Object {
	desc := unwrapDescriptions(m.Descriptions)
	declared := ""
	shape := m.Example
	if shape == nil {
		shape = m.Descriptions
	}
	switch shape.(type) {
	case *ordered.Object:
		declared = "object"
	case []any:
		declared = "array"
	}
	key := ResultKey(action)
	b := newBuilder(Material{Example: m.Example, Descriptions: desc, Details: m.Details})
	var values []any
	if m.Example != nil {
		values = []any{m.Example}
	}
	root := b.build(nil, values, desc, declared, nil, false)
	if declared != "" {
		root.typeInf = false // the page's wrapper shows an object or an array: read, not inferred
	}
	b.nameDefs(root, key)

	doc := ordered.New()
	doc.Set("$schema", "https://json-schema.org/draft/2020-12/schema")
	doc.Set("$id", schemas.BaseURL+opt.Path())
	doc.Set("title", m.Title)
	if opt.Description != "" {
		doc.Set("description", opt.Description)
	}
	body := b.render(root, false)
	if t, ok := body.Get("type"); ok {
		doc.Set("type", t)
	}

	a := ordered.New()
	a.Set("title", m.Title)
	if m.Response != "" {
		a.Set("response", m.Response)
	}
	a.Set("key", key)
	params := []any{}
	seen := map[string]bool{}
	for _, p := range m.Parameters {
		if p.Key == "" || seen[p.Key] {
			continue
		}
		seen[p.Key] = true
		params = append(params, parameterObject(p))
	}
	a.Set("parameters", params)
	doc.Set("x-action", a)

	if opt.URL != "" {
		page := ordered.New()
		page.Set("url", opt.URL)
		if opt.Partial != "" {
			page.Set("partial", opt.Partial)
		}
		doc.Set("x-source-page", page)
	}
	for _, k := range body.Keys {
		if k != "type" && k != "description" {
			doc.Set(k, body.Vals[k])
		}
	}
	if len(b.defs) > 0 {
		defs := ordered.New()
		for _, d := range b.defs {
			defs.Set(d.def, b.render(d, false))
		}
		doc.Set("$defs", defs)
	}
	if m.Example != nil {
		doc.Set("examples", []any{m.Example})
	}
	return doc
}

// ImportAction writes the action document of an action page's material.
// existing is the document already at its place, or nil: the result keeps
// what was edited by hand as a payload's schema does, and x-action keeps
// what the existing document says of the action and of each parameter
// (its description, its CEL type where it is not inferred, its key),
// adding the parameters the page shows that it lacks. Warnings say what
// the draft still needs from a person.
func ImportAction(m ActionMaterial, opt ActionOptions, existing []byte) ([]byte, []string, error) {
	parts, err := opt.parts()
	if err != nil {
		return nil, nil, err
	}
	var warnings []string
	if opt.Title != "" {
		m.Title = opt.Title
	}
	if m.Title == "" {
		m.Title = actionTitleOf(parts[2])
		warnings = append(warnings, fmt.Sprintf("the page's copy has no heading: the title %q is the action's name (pass -title, and say so in -partial)", m.Title))
	}
	if m.Example == nil && m.Descriptions == nil && len(m.Details) == 0 {
		if len(m.Parameters) == 0 {
			return nil, nil, errors.New("the page shows neither parameters nor a result: is it an action page?")
		}
	}
	doc := draftAction(m, opt, parts[2])
	keepQuirks := false
	if existing != nil {
		old, _, err := ordered.Decode(string(existing))
		if err != nil {
			return nil, nil, fmt.Errorf("the existing document: %w", err)
		}
		oldDoc, ok := old.(*ordered.Object)
		if !ok {
			return nil, nil, errors.New("the existing document is not a JSON object")
		}
		newAction, _ := doc.Vals["x-action"].(*ordered.Object)
		oldAction, _ := oldDoc.Vals["x-action"].(*ordered.Object)
		doc = merge(oldDoc, doc)
		doc.Set("x-action", mergeAction(oldAction, newAction))
		_, has := oldDoc.Get("x-quirks")
		keepQuirks = has && !inferredIn(oldDoc)["x-quirks"]
	}
	load := func(raw []byte) (*schemas.Schema, error) { return schemas.StandaloneAction(opt.ID, raw) }
	if _, hasExample := doc.Get("examples"); !keepQuirks && hasExample {
		doc.Delete("x-quirks")
		markInferred(doc, "x-quirks", false)
		quirks, err := inferQuirks(doc, load)
		if err != nil {
			return nil, nil, err
		}
		if len(quirks) > 0 {
			doc.SetBefore("x-quirks", quirks, firstOf(doc, "x-inferred", "properties", "items", "examples"))
			markInferred(doc, "x-quirks", true)
		}
	}
	ProposeTags(doc)
	out := encode(doc)
	more, err := checkAction(out, opt.ID, load)
	return out, append(warnings, more...), err
}

// mergeAction runs the page's x-action over the existing one: what the
// existing one says stays (title, key, response, a note on the parameter
// list); each parameter the page shows is matched with the existing one of
// the same page words (mapsTo, else key) or key and merged; the page's
// parameters the existing list lacks are added after it.
func mergeAction(old, new *ordered.Object) *ordered.Object {
	if old == nil {
		return new
	}
	out := ordered.New()
	for _, k := range old.Keys {
		out.Set(k, old.Vals[k])
	}
	for _, k := range new.Keys {
		if _, had := out.Get(k); !had {
			out.SetBefore(k, new.Vals[k], firstOf(out, "key", "parameters"))
		}
	}
	oldParams, _ := old.Vals["parameters"].([]any)
	newParams, _ := new.Vals["parameters"].([]any)
	words := func(p *ordered.Object) string {
		if s, _ := p.Vals["mapsTo"].(string); s != "" {
			return s
		}
		s, _ := p.Vals["key"].(string)
		return s
	}
	used := map[int]bool{}
	match := func(o *ordered.Object) int {
		for pass := 0; pass < 2; pass++ {
			for i, n := range newParams {
				np, _ := n.(*ordered.Object)
				if np == nil || used[i] {
					continue
				}
				if pass == 0 && words(np) == words(o) || pass == 1 && np.Vals["key"] == o.Vals["key"] {
					return i
				}
			}
		}
		return -1
	}
	var params []any
	keys := map[any]bool{}
	for _, p := range oldParams {
		op, _ := p.(*ordered.Object)
		if op == nil {
			params = append(params, p)
			continue
		}
		keys[op.Vals["key"]] = true
		if i := match(op); i >= 0 {
			used[i] = true
			params = append(params, mergeParameter(op, newParams[i].(*ordered.Object)))
		} else {
			params = append(params, op) // added by hand, or no longer shown
		}
	}
	for i, n := range newParams {
		np, _ := n.(*ordered.Object)
		if np == nil || used[i] || keys[np.Vals["key"]] {
			continue
		}
		params = append(params, np)
	}
	if params == nil {
		params = []any{}
	}
	out.Set("parameters", params)
	return out
}

// mergeParameter keeps what the existing parameter says and adds what
// the page shows that it lacks. Its CEL type is the page's where the
// existing one lists it inferred; a fact is unstated only where neither
// says it.
func mergeParameter(old, new *ordered.Object) *ordered.Object {
	m := map[string]any{}
	for _, k := range old.Keys {
		m[k] = old.Vals[k]
	}
	oldInf := listSet(old.Vals["inferred"])
	newInf := listSet(new.Vals["inferred"])
	for _, k := range new.Keys {
		if k == "inferred" || k == "unstated" {
			continue
		}
		if _, had := m[k]; !had || k == "cel" && oldInf["cel"] {
			m[k] = new.Vals[k]
		}
	}
	delete(m, "inferred")
	if oldInf["cel"] && newInf["cel"] {
		m["inferred"] = []any{"cel"}
	}
	oldUn, newUn := listSet(old.Vals["unstated"]), listSet(new.Vals["unstated"])
	var unstated []any
	for _, f := range []string{"name", "type", "required", "tags"} {
		if _, present := m[f]; oldUn[f] && newUn[f] && !present {
			unstated = append(unstated, f)
		}
	}
	delete(m, "unstated")
	if len(unstated) > 0 {
		m["unstated"] = unstated
	}
	out := ordered.New()
	for _, k := range parameterOrder {
		if v, ok := m[k]; ok {
			out.Set(k, v)
			delete(m, k)
		}
	}
	for _, k := range old.Keys {
		if v, ok := m[k]; ok {
			out.Set(k, v) // a member Fieldbook does not know: the loader says so
		}
	}
	return out
}

// checkAction loads the document as the site will and validates its
// example: it must load, and the example must raise nothing but its
// quirks. What a person must still write is a warning.
func checkAction(raw []byte, id string, load func([]byte) (*schemas.Schema, error)) ([]string, error) {
	s, err := load(raw)
	if err != nil {
		return nil, fmt.Errorf("the document does not load: %w", err)
	}
	var warnings []string
	if _, ok := s.Root.Example(); ok {
		leaves, err := findings(s)
		if err != nil {
			return nil, err
		}
		doc, _, _ := ordered.Decode(string(raw))
		example := firstExample(doc.(*ordered.Object))
		for _, l := range leaves {
			pointer, _ := generalize(example, l.InstanceLocation)
			if !quirkCovers(s.Quirks(), pointer, keywordOf(l)) {
				warnings = append(warnings, fmt.Sprintf("the result example breaks %s at %s, and no quirk says so", keywordOf(l), pointer))
			}
		}
	} else {
		warnings = append(warnings, "the page shows no result example: say so in x-source-page's partial (-partial)")
	}
	if s.Root.Description == "" {
		warnings = append(warnings, "write what the action does in Fieldbook's words (the root's description, or pass -description)")
	}
	if len(s.Action.Parameters) == 0 {
		warnings = append(warnings, "the page shows no parameter entries: write them by hand (a Morf action describes them in prose), or say what is cut in parametersPartial")
	}
	var dyn []string
	for _, p := range s.Action.Parameters {
		if p.CEL == "dyn" {
			dyn = append(dyn, p.Key)
		}
	}
	if len(dyn) > 0 {
		warnings = append(warnings, "no CEL type could be read for the parameters "+strings.Join(dyn, ", ")+" (dyn): write it where you know it, and take cel out of inferred")
	}
	var undescribed []string
	for _, f := range s.Fields {
		if f.Node != s.Root && f.Node.Description == "" {
			undescribed = append(undescribed, f.Name())
		}
	}
	if len(undescribed) > 0 {
		warnings = append(warnings, "no description on the page for: "+strings.Join(undescribed, ", "))
	}
	return warnings, nil
}
