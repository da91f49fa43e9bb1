// Package schemas embeds Fieldbook's payload schemas and catalog, and loads
// them into the field model the engine, the site and the tests share.
package schemas

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"fieldbook/schemas/ordered"
)

// BaseURL is the prefix of every schema's $id.
const BaseURL = "https://fieldbook.dev/schemas/"

// Catalog lists the event sources and action destinations Fieldbook knows,
// and which payloads each documents.
type Catalog struct {
	EventSources       []Source      `json:"eventSources"`
	ActionDestinations []Destination `json:"actionDestinations"`
	// ModelSources document shared models rather than webhook events.
	ModelSources []Source `json:"modelSources"`
}

// Source is an integration with payloads to document.
type Source struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Title    string   `json:"title,omitempty"`
	Payloads []string `json:"payloads"`
	// Pending says why the source's payloads are not documented yet.
	Pending string `json:"pending,omitempty"`
}

// Destination is an integration a workflow's actions send to or fetch
// from.
type Destination struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Actions []string `json:"actions,omitempty"` // action ids, <destination>/<version>/<action>
	// Pending says why the destination's actions are not documented.
	Pending string `json:"pending,omitempty"`
	// Outside says the destination is not in Morf's catalog list, though
	// Morf's docs have pages of its actions.
	Outside bool `json:"outside,omitempty"`
}

// Schema is one payload schema, or one action's: then Action says what the
// action takes, Root is its result, and Fields are read under its key.
type Schema struct {
	ID     string // "elation/appointment"; an action's "stripe/v1/create-card"
	Source string // "elation"; an action's destination, "stripe"
	Action *Action
	URL    string // the $id
	Raw    []byte // the document as written
	Root   *Node
	doc    *ordered.Object // Raw, decoded once
	// Fields lists every field once, depth first in document order.
	Fields []*Field

	set *Set
	// typePrefix begins the CEL names of its object types: the source for
	// a payload, <destination>.<version>.<action> for an action, whose
	// types are then apart from another action's of the same names.
	typePrefix string
}

// Title is the payload's name.
func (s *Schema) Title() string { return s.Root.Title }

// Events are the webhook event types that send this payload.
func (s *Schema) Events() []string { return s.Root.XEvents }

// Quirks are the source's known contradictions.
func (s *Schema) Quirks() []Quirk { return s.Root.XQuirks }

// Example is the whole example payload, or nil.
func (s *Schema) Example() any {
	v, _ := s.Root.Example()
	return v
}

// Validator is the compiled JSON Schema, with format assertion on.
func (s *Schema) Validator() (*jsonschema.Schema, error) {
	return s.set.validator(s.URL, s.doc)
}

// Field is one field of a payload, wherever it is nested.
type Field struct {
	Path     []string // property names from the root
	Pointer  string   // JSON pointer with * for array indexes, as quirks name it
	Node     *Node    // the field's schema, $ref resolved
	Required bool     // required by its parent object
	// InArray counts the arrays and maps between the root and the field:
	// the field's expression maps over each, so its value is a list (of
	// lists) rather than one value.
	InArray int
	// InMap counts the maps among them. CEL does not define the order in
	// which a map is iterated, so the order of those lists is not defined
	// either.
	InMap int
	// Into says, for each step of Path, what the path enters there: "[]"
	// the elements of an array, "{}" the values of a map, "" nothing (the
	// field's own step is always "").
	Into []string
	CEL  string // the CEL expression that reaches it from the top-level variables
}

// Name is the field's dotted path with [] after each array and {} after
// each map, as the docs show it: "members[].id", "form_answers{}.answer".
func (f *Field) Name() string {
	parts := make([]string, len(f.Path))
	for i, name := range f.Path {
		parts[i] = name + f.Into[i]
	}
	return strings.Join(parts, ".")
}

// Anchor is a stable HTML id for the field.
func (f *Field) Anchor() string { return strings.Join(f.Path, ".") }

// Set is the catalog and its schemas. A document is read when a call
// first needs it (Get, Action, All, Actions): the engine's start costs the
// same whatever the number of documents, and a first answer reads only the
// documents it is about. A payload's folder is read whole, since its
// documents may refer to each other.
type Set struct {
	Catalog Catalog
	fsys    fs.FS
	// payloadIDs and actionIDs are every document's id, from the names of
	// their files, in order.
	payloadIDs []string
	actionIDs  []string

	mu      sync.Mutex // guards what follows
	byID    map[string]*Schema
	byActID map[string]*Schema
	read    map[string]error // the units read (a payload's folder, an action's id), and how
	// keyed are the actions' results under a key, made as they are asked
	// for (Schema.Keyed).
	keyedMu sync.Mutex
	keyed   map[string]*Schema

	compileMu sync.Mutex
	compiler  *jsonschema.Compiler
	added     map[string]bool // the documents the compiler has
	compiled  map[string]*jsonschema.Schema
}

var (
	loadOnce sync.Once
	loaded   *Set
	loadErr  error
)

// Load returns the embedded schemas: their catalog and list, read once;
// each document is read when first needed. The tests read every document
// (LoadFS), so none that is shipped fails to read.
func Load() (*Set, error) {
	loadOnce.Do(func() { loaded, loadErr = index(embedded) })
	return loaded, loadErr
}

// LoadFS loads catalog.json, every <source>/<payload>.json and every
// actions/<destination>/<version>/<action>.json of fsys, all of them at
// once: any document that does not read is an error here.
func LoadFS(fsys fs.FS) (*Set, error) {
	set, err := index(fsys)
	if err != nil {
		return nil, err
	}
	set.mu.Lock()
	defer set.mu.Unlock()
	for _, id := range set.payloadIDs {
		if err := set.readFolder(path.Dir(id)); err != nil {
			return nil, err
		}
	}
	for _, id := range set.actionIDs {
		if err := set.readAction(id); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// index reads the catalog and lists the documents, reading none, and
// checks the one against the other.
func index(fsys fs.FS) (*Set, error) {
	set := &Set{fsys: fsys, byID: map[string]*Schema{}, byActID: map[string]*Schema{}, read: map[string]error{}}
	cat, err := fs.ReadFile(fsys, "catalog.json")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(cat, &set.Catalog); err != nil {
		return nil, fmt.Errorf("catalog.json: %w", err)
	}
	paths, err := fs.Glob(fsys, "*/*.json")
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		set.payloadIDs = append(set.payloadIDs, strings.TrimSuffix(p, ".json"))
	}
	actions, err := fs.Glob(fsys, "actions/*/*/*.json")
	if err != nil {
		return nil, err
	}
	for _, p := range actions {
		set.actionIDs = append(set.actionIDs, strings.TrimSuffix(strings.TrimPrefix(p, "actions/"), ".json"))
	}
	sort.Strings(set.payloadIDs)
	sort.Strings(set.actionIDs)
	if err := set.checkCatalog(); err != nil {
		return nil, err
	}
	return set, nil
}

// readFolder reads and links a payload folder's documents, once; set.mu
// is held.
func (set *Set) readFolder(source string) error {
	if err, done := set.read[source]; done {
		return err
	}
	var read []*Schema
	err := func() error {
		for _, id := range set.payloadIDs {
			if path.Dir(id) != source {
				continue
			}
			s, err := set.readDocument(id+".json", func(raw []byte) (*Schema, error) { return set.add(id, raw) })
			if err != nil {
				return err
			}
			read = append(read, s)
		}
		return linkPayloads(read)
	}()
	if err != nil {
		for _, s := range read {
			delete(set.byID, s.ID) // a folder is read whole or not at all
		}
	}
	set.read[source] = err
	return err
}

// readDocument reads the document at p into the set with add, and checks
// that its $id is its place; a document whose $id is not is taken out
// again.
func (set *Set) readDocument(p string, add func(raw []byte) (*Schema, error)) (*Schema, error) {
	raw, err := fs.ReadFile(set.fsys, p)
	if err != nil {
		return nil, err
	}
	s, err := add(raw)
	if err != nil {
		return nil, err
	}
	if want := BaseURL + p; s.URL != want {
		delete(set.byID, s.ID)
		delete(set.byActID, s.ID)
		return nil, fmt.Errorf("%s: $id is %q, want %q", p, s.URL, want)
	}
	return s, nil
}

// readAction reads and links an action's document, once; set.mu is held.
func (set *Set) readAction(id string) error {
	unit := "actions/" + id
	if err, done := set.read[unit]; done {
		return err
	}
	err := func() error {
		s, err := set.readDocument(unit+".json", func(raw []byte) (*Schema, error) { return set.addAction(id, raw) })
		if err != nil {
			return err
		}
		if err := linkAction(s); err != nil {
			delete(set.byActID, id)
			return err
		}
		return nil
	}()
	set.read[unit] = err
	return err
}

// Standalone loads one schema document outside the catalog, such as one
// inferred from a payload: its $refs may only point into itself.
func Standalone(id string, raw []byte) (*Schema, error) {
	set := &Set{byID: map[string]*Schema{}, read: map[string]error{}}
	s, err := set.add(id, raw)
	if err != nil {
		return nil, err
	}
	if s.URL == "" {
		s.URL = BaseURL + id + ".json"
	}
	return s, linkPayloads([]*Schema{s})
}

// StandaloneAction loads one action document outside the catalog, such
// as a draft from an action page; id is <destination>/<version>/<action>
// and its $refs may only point into itself.
func StandaloneAction(id string, raw []byte) (*Schema, error) {
	set := &Set{byID: map[string]*Schema{}, byActID: map[string]*Schema{}, read: map[string]error{}}
	s, err := set.addAction(id, raw)
	if err != nil {
		return nil, err
	}
	if s.URL == "" {
		s.URL = BaseURL + "actions/" + id + ".json"
	}
	return s, linkAction(s)
}

// parseDocument reads a document's text into its object and root node.
func parseDocument(id string, raw []byte) (*ordered.Object, *Node, error) {
	doc, err := decodeDocument(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", id, err)
	}
	root, err := parseNode(doc, id)
	return doc, root, err
}

// add reads one document into the set.
func (set *Set) add(id string, raw []byte) (*Schema, error) {
	doc, root, err := parseDocument(id, raw)
	if err != nil {
		return nil, err
	}
	if root.XAction != nil {
		return nil, fmt.Errorf("%s: x-action in a payload's schema", id)
	}
	url, _ := doc.Vals["$id"].(string)
	s := &Schema{ID: id, Source: path.Dir(id), URL: url, Raw: raw, doc: doc, Root: root, set: set, typePrefix: path.Dir(id)}
	set.byID[id] = s
	return s, nil
}

// addAction reads one action document into the set.
func (set *Set) addAction(id string, raw []byte) (*Schema, error) {
	parts := strings.Split(id, "/")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%s: an action's id is <destination>/<version>/<action>", id)
	}
	doc, root, err := parseDocument(id, raw)
	if err != nil {
		return nil, err
	}
	if root.XAction == nil {
		return nil, fmt.Errorf("%s: an action's document has no x-action", id)
	}
	url, _ := doc.Vals["$id"].(string)
	s := &Schema{ID: id, Source: parts[0], Action: root.XAction, URL: url, Raw: raw, doc: doc, Root: root, set: set,
		typePrefix: parts[0] + "." + parts[1] + "." + strings.ReplaceAll(parts[2], "-", "_")}
	set.byActID[id] = s
	return s, nil
}

// linkPayloads resolves the $refs of a folder's payloads (among them),
// names their object types, lists their fields and checks their facts.
func linkPayloads(list []*Schema) error {
	for _, s := range list {
		r := resolver{set: s.set, schema: s}
		s.Root.CELType = s.Source + "." + pascal(path.Base(s.ID))
		if err := r.resolve(s.Root, s.Root.CELType, s.ID); err != nil {
			return err
		}
	}
	for _, s := range list {
		s.Fields = flatten(s.Root)
		if err := checkFields(s); err != nil {
			return err
		}
	}
	return nil
}

// linkAction resolves an action's $refs (within its document), names its
// object types, lists its result's fields under its key and checks them.
func linkAction(s *Schema) error {
	r := resolver{set: s.set, schema: s}
	name := s.Action.Response
	if name == "" || !IsIdentifier(name) {
		name = "Result"
	}
	if err := r.resolve(s.Root, s.typePrefix+"."+name, s.ID); err != nil {
		return err
	}
	s.Fields = keyedFields(s.Root, s.Action.Key)
	return checkFields(s)
}

func checkFields(s *Schema) error {
	for _, f := range s.Fields {
		if err := f.checkProvenance(); err != nil {
			return fmt.Errorf("%s: %s: %w", s.ID, f.Name(), err)
		}
	}
	return nil
}

// checkProvenance refuses a field whose fact has two provenances, or a
// value beside the word that the source never gave one: a fact is stated
// by the source, inferred by Fieldbook (x-inferred), or not stated
// (x-unstated), and only one of these.
func (f *Field) checkProvenance() error {
	n := f.Node
	for _, fact := range n.XUnstated {
		if n.Inferred(fact) {
			return fmt.Errorf("%s is both inferred and not stated", fact)
		}
	}
	if n.Unstated("x-tags") && len(n.XTags) > 0 {
		return fmt.Errorf("has tags, yet says the source states none")
	}
	if n.Unstated("required") && f.Required {
		return fmt.Errorf("is required, yet says the source does not state whether it is")
	}
	return nil
}

// All returns every payload's schema, ordered by id, reading those not
// read yet. A document that does not read is left out (LoadFS says why;
// the tests read every document so).
func (set *Set) All() []*Schema {
	set.mu.Lock()
	defer set.mu.Unlock()
	var out []*Schema
	for _, id := range set.payloadIDs {
		if set.readFolder(path.Dir(id)) == nil {
			out = append(out, set.byID[id])
		}
	}
	return out
}

// Actions returns every action's schema, ordered by id, reading those not
// read yet.
func (set *Set) Actions() []*Schema {
	set.mu.Lock()
	defer set.mu.Unlock()
	var out []*Schema
	for _, id := range set.actionIDs {
		if set.readAction(id) == nil {
			out = append(out, set.byActID[id])
		}
	}
	return out
}

// IDs lists every payload's id and ActionIDs every action's, reading no
// document.
func (set *Set) IDs() []string       { return slices.Clone(set.payloadIDs) }
func (set *Set) ActionIDs() []string { return slices.Clone(set.actionIDs) }

// Action returns the action with the given id ("stripe/v1/create-card"),
// reading it on first use.
func (set *Set) Action(id string) (*Schema, bool) {
	if _, found := slices.BinarySearch(set.actionIDs, id); !found {
		return nil, false
	}
	set.mu.Lock()
	defer set.mu.Unlock()
	if set.readAction(id) != nil {
		return nil, false
	}
	return set.byActID[id], true
}

// Get returns the payload schema with the given id, reading its folder on
// first use.
func (set *Set) Get(id string) (*Schema, bool) {
	if _, found := slices.BinarySearch(set.payloadIDs, id); !found {
		return nil, false
	}
	set.mu.Lock()
	defer set.mu.Unlock()
	if set.readFolder(path.Dir(id)) != nil {
		return nil, false
	}
	return set.byID[id], true
}

// ReadError says why a listed document could not be read, if it could
// not: Get and Action then answer as for an unknown id.
func (set *Set) ReadError(id string) error {
	set.mu.Lock()
	defer set.mu.Unlock()
	if _, found := slices.BinarySearch(set.actionIDs, id); found {
		return set.readAction(id)
	}
	if _, found := slices.BinarySearch(set.payloadIDs, id); found {
		return set.readFolder(path.Dir(id))
	}
	return nil
}

func (set *Set) checkCatalog() error {
	listed := map[string]bool{}
	for _, src := range append(append([]Source{}, set.Catalog.EventSources...), set.Catalog.ModelSources...) {
		if err := checkListed(src.ID, src.Pending, src.Payloads, set.payloadIDs, "payload", "source", listed); err != nil {
			return err
		}
	}
	for i, d := range set.Catalog.ActionDestinations {
		if len(d.Actions) == 0 && d.Pending == "" {
			// Without a list, a destination's actions are the documents
			// under its folder, in the order of their ids.
			for _, id := range set.actionIDs {
				if strings.HasPrefix(id, d.ID+"/") {
					d.Actions = append(d.Actions, id)
				}
			}
			set.Catalog.ActionDestinations[i] = d
		}
		if err := checkListed(d.ID, d.Pending, d.Actions, set.actionIDs, "action", "destination", listed); err != nil {
			return err
		}
	}
	for _, id := range set.payloadIDs {
		if !listed[id] {
			return fmt.Errorf("catalog: no source lists %s", id)
		}
	}
	for _, id := range set.actionIDs {
		if !listed[id] {
			return fmt.Errorf("catalog: no destination lists the action %s", id)
		}
	}
	return nil
}

// checkListed checks one catalog entry's list of documents (a source's
// payloads, a destination's actions): none where it says why it has none,
// and each a document of the set (docs, sorted) under the entry's own
// folder. It marks each listed.
func checkListed(owner, pending string, ids, docs []string, kind, ownerKind string, listed map[string]bool) error {
	if pending != "" && len(ids) > 0 {
		return fmt.Errorf("catalog: %s has %ss, yet says why it has none (pending)", owner, kind)
	}
	for _, id := range ids {
		if _, ok := slices.BinarySearch(docs, id); !ok {
			return fmt.Errorf("catalog: %s lists the %s %s, which has no schema", owner, kind, id)
		}
		if !strings.HasPrefix(id, owner+"/") {
			return fmt.Errorf("catalog: %s lists %s, another %s's %s", owner, id, ownerKind, kind)
		}
		listed[id] = true
	}
	return nil
}

// validator compiles a schema on its first use, with the schemas it refers
// to; the others wait until they are asked for, since compiling is a good
// part of the engine's start in the browser.
func (set *Set) validator(url string, doc *ordered.Object) (*jsonschema.Schema, error) {
	set.compileMu.Lock()
	defer set.compileMu.Unlock()
	if sch, ok := set.compiled[url]; ok {
		return sch, nil
	}
	if set.compiler == nil {
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		c.AssertFormat()
		set.compiler, set.compiled, set.added = c, map[string]*jsonschema.Schema{}, map[string]bool{}
	}
	// The documents read since the last compile join the compiler: a
	// document's $refs lead into its own folder, read with it.
	set.mu.Lock()
	var docs []*Schema
	for _, m := range []map[string]*Schema{set.byID, set.byActID} {
		for _, s := range m {
			if !set.added[s.URL] {
				docs = append(docs, s)
			}
		}
	}
	set.mu.Unlock()
	for _, s := range docs {
		if err := set.compiler.AddResource(s.URL, ordered.Plain(s.doc)); err != nil {
			return nil, fmt.Errorf("%s: %w", s.ID, err)
		}
		set.added[s.URL] = true
	}
	if strings.HasPrefix(url, BaseURL+"keyed/") {
		// An action's result under a key, made after the documents were
		// added (compiled once, above): its one $ref leads to one of them.
		if err := set.compiler.AddResource(url, ordered.Plain(doc)); err != nil {
			return nil, fmt.Errorf("%s: %w", url, err)
		}
	}
	sch, err := set.compiler.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	set.compiled[url] = sch
	return sch, nil
}

// resolver links $refs to their nodes and names object types.
type resolver struct {
	set    *Set
	schema *Schema
}

func (r resolver) resolve(n *Node, celType, at string) error {
	if n.Ref != "" {
		t, err := r.lookup(n.Ref)
		if err != nil {
			return fmt.Errorf("%s: %w", at, err)
		}
		n.target = t
		return nil
	}
	if len(n.Properties) > 0 {
		if n.Type() != "object" {
			return fmt.Errorf("%s: properties on a %q", at, n.Type())
		}
		n.CELType = celType
	}
	for name, d := range n.Defs {
		d.CELType = r.schema.typePrefix + "." + name
		if err := r.resolve(d, d.CELType, at+"/$defs/"+name); err != nil {
			return err
		}
	}
	for _, p := range n.Properties {
		if err := r.resolve(p.Node, celType+"."+pascal(p.Name), at+"/"+p.Name); err != nil {
			return err
		}
	}
	if n.Items != nil {
		if n.Items.Ref == "" && len(n.Items.Properties) > 0 {
			return fmt.Errorf("%s: an array of inline objects; name the element type in $defs", at)
		}
		if err := r.resolve(n.Items, celType, at+"[]"); err != nil {
			return err
		}
	}
	values := n.PatternProperties
	if n.AdditionalProperties != nil {
		values = append([]Property{{Name: "additionalProperties", Node: n.AdditionalProperties}}, values...)
	}
	for _, v := range values {
		if v.Node.Ref == "" && len(v.Node.Properties) > 0 {
			return fmt.Errorf("%s: a map of inline objects; name the value type in $defs", at)
		}
		if err := r.resolve(v.Node, celType, at+"{}"); err != nil {
			return err
		}
	}
	return nil
}

// lookup finds a $ref: "#/$defs/Name", "other.json" or "other.json#/$defs/Name",
// relative to the schema's own source folder.
func (r resolver) lookup(ref string) (*Node, error) {
	file, frag, _ := strings.Cut(ref, "#")
	s := r.schema
	if file != "" {
		other, ok := r.set.byID[path.Join(s.Source, strings.TrimSuffix(file, ".json"))]
		if !ok {
			return nil, fmt.Errorf("$ref %q: no such schema", ref)
		}
		s = other
	}
	if frag == "" {
		return s.Root, nil
	}
	name, ok := strings.CutPrefix(frag, "/$defs/")
	if !ok || s.Root.Defs[name] == nil {
		return nil, fmt.Errorf("$ref %q: no such definition", ref)
	}
	return s.Root.Defs[name], nil
}

// segment is one step of a field's path.
type segment struct {
	name string
	into string // "[]": the path enters the array's elements; "{}": the map's values
}

func flatten(root *Node) []*Field {
	var out []*Field
	var walk func(n *Node, segs []segment, pointer string, depth int)
	walk = func(n *Node, segs []segment, pointer string, depth int) {
		if depth > 16 { // a $ref cycle; the docs stop there
			return
		}
		for _, p := range n.Properties {
			node := withAnnotations(p.Node)
			path := append(append([]segment{}, segs...), segment{name: p.Name})
			f := &Field{
				Node:     node,
				Required: n.IsRequired(p.Name),
				Pointer:  pointer + "/" + escapePointer(p.Name),
			}
			for _, s := range path {
				f.Path = append(f.Path, s.name)
				f.Into = append(f.Into, s.into)
				if s.into != "" {
					f.InArray++
				}
				if s.into == "{}" {
					f.InMap++
				}
			}
			f.CEL = celPath(path)
			out = append(out, f)
			// The fields of an object, of an array's elements and of a
			// map's values are listed; in a quirk's pointer, * stands for
			// any index of an array and any key of a map alike.
			switch {
			case node.Type() == "object" && len(node.Properties) > 0:
				walk(node, path, f.Pointer, depth+1)
			case node.Type() == "array" && node.Items != nil:
				items := node.Items.Resolved()
				if len(items.Properties) > 0 {
					path[len(path)-1].into = "[]"
					walk(items, path, f.Pointer+"/*", depth+1)
				}
			case node.IsMap() && node.MapValues() != nil:
				values := node.MapValues().Resolved()
				if len(values.Properties) > 0 {
					path[len(path)-1].into = "{}"
					walk(values, path, f.Pointer+"/*", depth+1)
				}
			}
		}
	}
	walk(root, nil, "", 0)
	return out
}

// withAnnotations is the node a property's $ref leads to, with the
// annotations written beside the $ref taking precedence, as JSON Schema
// 2020-12 reads them.
func withAnnotations(n *Node) *Node {
	t := n.Resolved()
	if t == n {
		return n
	}
	merged := *t
	if n.Description != "" {
		merged.Description = n.Description
	}
	if n.Title != "" {
		merged.Title = n.Title
	}
	if len(n.Examples) > 0 {
		merged.Examples = n.Examples
	}
	if n.XType != "" {
		merged.XType = n.XType
	}
	if len(n.XTags) > 0 {
		merged.XTags = n.XTags
		// Whether the tags were proposed is said where they are written.
		merged.XInferred = slices.DeleteFunc(slices.Clone(t.XInferred), func(k string) bool { return k == "x-tags" })
		if n.Inferred("x-tags") {
			merged.XInferred = append(merged.XInferred, "x-tags")
		}
	}
	if len(n.XUnstated) > 0 {
		// What the source leaves unsaid is a fact of the field, not of its type.
		merged.XUnstated = n.XUnstated
	}
	merged.ReadOnly = merged.ReadOnly || n.ReadOnly
	merged.Deprecated = merged.Deprecated || n.Deprecated
	return &merged
}

// celPath writes the expression that reaches a field: top-level fields are
// variables, nested ones are selected, each array is entered with map(),
// messages.map(x, x.associated_document.id), and each map by its keys,
// form_answers.map(x, form_answers[x].answer), since a map's map() ranges
// over its keys.
func celPath(path []segment) string {
	vars := []string{"x", "y", "z", "u", "v", "w"}
	var build func(base string, i, depth int) string
	build = func(base string, i, depth int) string {
		expr := base
		for ; i < len(path); i++ {
			expr = selectField(expr, path[i].name)
			if expr == "" {
				return ""
			}
			if path[i].into != "" && i < len(path)-1 {
				v := vars[depth%len(vars)]
				elem := v
				if path[i].into == "{}" {
					elem = expr + "[" + v + "]"
				}
				inner := build(elem, i+1, depth+1)
				if inner == "" {
					return ""
				}
				return expr + ".map(" + v + ", " + inner + ")"
			}
		}
		return expr
	}
	return build("", 0, 0)
}

// selectField selects name from base; a name that is no CEL identifier is
// indexed instead, and at the top level cannot be reached at all ("").
func selectField(base, name string) string {
	if IsIdentifier(name) {
		if base == "" {
			return name
		}
		return base + "." + name
	}
	if base == "" {
		return ""
	}
	q, _ := json.Marshal(name)
	return base + "[" + string(q) + "]"
}

// IsIdentifier tells whether name can be written as a CEL identifier: a
// top-level field becomes a variable only then.
func IsIdentifier(name string) bool {
	if name == "" || celReserved[name] {
		return false
	}
	for i, r := range name {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && r >= '0' && r <= '9':
		default:
			return false
		}
	}
	return true
}

// celReserved are CEL's keywords and reserved words (the CEL spec's lexis).
var celReserved = map[string]bool{
	"true": true, "false": true, "null": true, "in": true,
	"as": true, "break": true, "const": true, "continue": true, "else": true,
	"for": true, "function": true, "if": true, "import": true, "let": true,
	"loop": true, "package": true, "namespace": true, "return": true,
	"var": true, "void": true, "while": true,
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
