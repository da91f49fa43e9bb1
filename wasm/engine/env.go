package engine

import (
	"maps"
	"slices"
	"sort"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/functions"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"fieldbook/schemas"
	"fieldbook/wasm/costguard"
	"fieldbook/wasm/dialect/morf"
	"fieldbook/wasm/infer"
)

// celEnv is a typed CEL environment for one schema (or, without one, for
// the schema inferred from a payload), built once and reused.
type celEnv struct {
	id      uint64 // names the environment in the program cache
	dialect string
	env     *cel.Env
	// vars are the top-level variables and the schema nodes they read.
	vars map[string]*schemas.Node
	// objects are the schema's object types by CEL name.
	objects *objectTypes
	// constants are the enum constants' qualified names.
	constants []string
	schema    *schemas.Schema // the payload's schema, or the one inferred from it
	// guards are the implementations of the guarded functions (costguard).
	guards map[string]*functions.Overload
	// events are the schema's event types where the environment declares
	// morf_event_type (the morf dialect, a schema with event types and no
	// field of that name), else nil.
	events []string
}

// newSchemaEnv declares the schema's top-level fields as variables, its
// objects as checked object types and its qualified enums as constants,
// over the dialect's base environment.
func newSchemaEnv(base *dialectEnv, s *schemas.Schema, dialect string) (*celEnv, error) {
	e := &celEnv{vars: map[string]*schemas.Node{}, schema: s, dialect: dialect, guards: base.guards}
	isMorf := dialect == DialectMorf
	objs := &objectTypes{byName: map[string]*objectType{}, loose: looseNodes(s, isMorf), nullIsAbsent: isMorf}
	e.objects = objs
	var opts []cel.EnvOption
	for _, p := range s.Root.Properties {
		if !schemas.IsIdentifier(p.Name) {
			continue
		}
		e.vars[p.Name] = p.Node
		opts = append(opts, cel.Variable(p.Name, objs.celType(p.Node)))
	}
	if _, own := e.vars[morf.EventTypeVariable]; isMorf && len(s.Events()) > 0 && !own {
		e.events = s.Events()
		opts = append(opts, cel.Variable(morf.EventTypeVariable, cel.StringType))
	}
	seen := map[string]bool{}
	for _, f := range s.Fields {
		n := f.Node
		if !strings.Contains(n.XType, ".") || n.Type() != "string" {
			continue
		}
		for _, v := range n.Enum {
			str, ok := v.(string)
			if !ok || !schemas.IsIdentifier(str) {
				continue
			}
			name := n.XType + "." + str
			if seen[name] {
				continue
			}
			seen[name] = true
			e.constants = append(e.constants, name)
			opts = append(opts, cel.Constant(name, cel.StringType, types.String(str)))
		}
	}
	sort.Strings(e.constants)
	if isMorf {
		var types []*cel.Type
		for _, name := range slices.Sorted(maps.Keys(objs.byName)) {
			types = append(types, objs.byName[name].t)
		}
		opts = append(opts, morf.ObjectOverloads(types)...)
	}
	opts = append([]cel.EnvOption{objs.option()}, opts...)
	env, err := base.env.Extend(opts...)
	if err != nil {
		return nil, err
	}
	e.env = env
	return e, nil
}

// objectTypes makes a schema's objects CEL object types. Payload objects
// stay maps at run time: the fields have no accessor of their own, so CEL
// selects them as map keys, while the checker knows every field's type.
type objectTypes struct {
	base   types.Provider
	byName map[string]*objectType
	// loose are the fields whose source sends values of another type than
	// it declares (a quirk): they are dyn, so that an expression may test
	// for what is really sent, such as deleted_at == "".
	loose map[*schemas.Node]bool
	// nullIsAbsent is the morf dialect's reading: null is no value, so a
	// nullable field has its declared type and may be absent.
	nullIsAbsent bool
}

// looseNodes finds the fields named by the schema's type and format quirks.
// Where null is absent (morf), a quirk whose example sends only null does
// not loosen its field: absent is not another type.
func looseNodes(s *schemas.Schema, nullIsAbsent bool) map[*schemas.Node]bool {
	loose := map[*schemas.Node]bool{}
	for _, q := range s.Quirks() {
		if !slices.Contains(q.Keywords, "type") && !slices.Contains(q.Keywords, "format") {
			continue
		}
		if nullIsAbsent && onlyNulls(s.Example(), strings.Split(strings.TrimPrefix(q.Pointer, "/"), "/")) {
			continue
		}
		n := s.Root
		for _, tok := range strings.Split(strings.TrimPrefix(q.Pointer, "/"), "/") {
			if n == nil {
				break
			}
			if r := n.Resolved(); tok == "*" && r.Items != nil {
				n = r.Items
			} else if tok == "*" { // a map's values
				n = r.MapValues()
			} else {
				n = r.Property(tok)
			}
		}
		if n != nil {
			loose[n] = true
		}
	}
	return loose
}

// onlyNulls tells whether every value a quirk's pointer (with * for any
// array index or map key) reaches in an example is null, and there is one.
func onlyNulls(v any, tokens []string) bool {
	if len(tokens) == 0 {
		return v == nil
	}
	var all []any
	switch x := v.(type) {
	case map[string]any:
		if child, ok := x[tokens[0]]; ok || tokens[0] != "*" {
			return ok && onlyNulls(child, tokens[1:])
		}
		for _, el := range x {
			all = append(all, el)
		}
	case []any:
		if tokens[0] != "*" {
			return false
		}
		all = x
	}
	for _, el := range all {
		if !onlyNulls(el, tokens[1:]) {
			return false
		}
	}
	return len(all) > 0
}

type objectType struct {
	t      *types.Type
	node   *schemas.Node
	fields map[string]*types.FieldType
	names  []string
}

// celType is the CEL type of values of a schema node.
func (o *objectTypes) celType(n *schemas.Node) *cel.Type {
	if n == nil || o.loose[n] {
		return cel.DynType
	}
	n = n.Resolved()
	if n.Nullable() && !o.nullIsAbsent { // null or a value: only dyn says both
		return cel.DynType
	}
	switch n.Type() {
	case "string":
		if n.Format == "date-time" {
			return cel.TimestampType
		}
		return cel.StringType
	case "integer":
		return cel.IntType
	case "number":
		return cel.DoubleType
	case "boolean":
		return cel.BoolType
	case "array":
		if n.Items == nil {
			return cel.ListType(cel.DynType)
		}
		return cel.ListType(o.celType(n.Items))
	case "object":
		if n.IsMap() { // keys that are data: answers["First Name"]
			return cel.MapType(cel.StringType, o.celType(n.MapValues()))
		}
		if len(n.Properties) == 0 || n.CELType == "" {
			return cel.MapType(cel.StringType, cel.DynType)
		}
		if ot, ok := o.byName[n.CELType]; ok {
			return ot.t
		}
		ot := &objectType{t: types.NewObjectType(n.CELType), node: n, fields: map[string]*types.FieldType{}}
		o.byName[n.CELType] = ot // before the fields: a type may refer to itself
		for _, p := range n.Properties {
			ot.names = append(ot.names, p.Name)
			ot.fields[p.Name] = &types.FieldType{Type: o.celType(p.Node)}
		}
		return ot.t
	}
	return cel.DynType
}

// option installs the object types over the environment's own provider.
func (o *objectTypes) option() cel.EnvOption {
	return func(env *cel.Env) (*cel.Env, error) {
		o.base = env.CELTypeProvider()
		return cel.CustomTypeProvider(o)(env)
	}
}

func (o *objectTypes) EnumValue(name string) ref.Val { return o.base.EnumValue(name) }

func (o *objectTypes) FindIdent(name string) (ref.Val, bool) { return o.base.FindIdent(name) }

func (o *objectTypes) FindStructType(name string) (*types.Type, bool) {
	if ot, ok := o.byName[name]; ok {
		return types.NewTypeTypeWithParam(ot.t), true
	}
	return o.base.FindStructType(name)
}

func (o *objectTypes) FindStructFieldNames(name string) ([]string, bool) {
	if ot, ok := o.byName[name]; ok {
		return ot.names, true
	}
	return o.base.FindStructFieldNames(name)
}

func (o *objectTypes) FindStructFieldType(name, field string) (*types.FieldType, bool) {
	if ot, ok := o.byName[name]; ok {
		ft, found := ot.fields[field]
		return ft, found
	}
	return o.base.FindStructFieldType(name, field)
}

// NewValue refuses to build payload objects: they are read from payloads,
// not made by expressions.
func (o *objectTypes) NewValue(name string, fields map[string]ref.Val) ref.Val {
	if _, ok := o.byName[name]; ok {
		return types.NewErr("%s is a payload type; expressions cannot create one", name)
	}
	return o.base.NewValue(name, fields)
}

// envFor returns the dialect's environment for schema s (a payload's own,
// or the one inferred from a payload that has none), built once.
func (e *Engine) envFor(s *schemas.Schema, dialect string) (*celEnv, error) {
	key := s.ID
	if s.ID == infer.ID {
		// Inferred schemas differ by content, not by name: their text is
		// the key (a hash would link crypto into the module, 0.1 MB, and
		// the schema's text is kept with its environment anyway).
		key = "?" + string(s.Raw)
	}
	key = dialect + "\x00" + key
	e.mu.Lock()
	defer e.mu.Unlock()
	if env, ok := e.envs[key]; ok {
		return env, nil
	}
	if env, ok := e.inferred.get(key); ok {
		return env, nil
	}
	base, err := e.baseEnv(dialect)
	if err != nil {
		return nil, err
	}
	env, err := newSchemaEnv(base, s, dialect)
	if err != nil {
		return nil, err
	}
	// An id, not the pointer, keys its programs: an evicted environment's
	// address may be reused by a new one, which must not get its programs.
	e.lastEnvID++
	env.id = e.lastEnvID
	if e.isCatalogs(s) {
		e.envs[key] = env
	} else {
		// Inferred environments come and go with payloads, and those of
		// workflow contexts and renamed result keys with the requests
		// that name them: they are kept within a memory budget, the
		// least recently used dropped first.
		e.inferred.put(key, env, inferredEnvCost(s))
	}
	return env, nil
}

// isCatalogs tells whether a schema is one of the catalog's, a payload or
// an action read under its own key, whose environment is kept for good:
// there are as many as the catalog has documents.
func (e *Engine) isCatalogs(s *schemas.Schema) bool {
	if s.Action != nil {
		_, key, _ := strings.Cut(s.ID, "#")
		return key == s.Action.Key
	}
	got, ok := e.set.Get(s.ID)
	return ok && got == s
}

// inferredEnvBudget bounds the memory the inferred environments kept may
// take, as inferredEnvCost estimates it: a Worker's isolate has 128 MB.
const inferredEnvBudget = 24 << 20

// inferredEnvCost estimates the heap an inferred schema's environment
// takes: about twenty times its schema's text (measured: 2 MiB for the
// 100 KB schema of a 300-field payload with nested objects), and its key,
// the text once more; a workflow's context, whose text is its payload's,
// a KiB more for each field.
func inferredEnvCost(s *schemas.Schema) int {
	return 64<<10 + 21*len(s.Raw) + 1<<10*len(s.Fields)
}

// dialectEnv is a dialect's base environment, with the implementations of
// its guarded functions (costguard), which every environment built on it
// shares.
type dialectEnv struct {
	env    *cel.Env
	guards map[string]*functions.Overload
}

// baseEnv is a dialect's base environment, built on first use; e.mu must
// be held.
func (e *Engine) baseEnv(dialect string) (*dialectEnv, error) {
	if d := e.base[dialect]; d != nil {
		return d, nil
	}
	env, err := cel.NewEnv(dialectOptions(dialect, e.limits)...)
	if err != nil {
		return nil, err
	}
	impls, err := costguard.Implementations(env)
	if err != nil {
		return nil, err
	}
	d := &dialectEnv{env: env, guards: impls}
	e.base[dialect] = d
	return d, nil
}
