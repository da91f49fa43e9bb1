package engine

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"fieldbook/schemas"
	"fieldbook/wasm/dialect/morf"
)

// Every method that reads a schema, a dialect, a clock, a payload or an
// environment starts from prepare, which reads them in that order and
// stops at the first that is wrong: the one prologue of the engine's calls.

// preparation says what a call brings and needs.
type preparation struct {
	schema, dialect string
	// key is the result key an action's result is read under ("" for the
	// action's own), where schema is an action's id.
	key string
	// results are a workflow step's earlier actions, whose results it
	// reads under their keys, where schema is a payload's id; with
	// someResults, one that cannot be read is left out rather than
	// refused: completion offers what it can while a key is being typed.
	results     []ResultRef
	someResults bool
	// now is the clock's RFC 3339 time ("" for the real time), read when
	// clock is set.
	now   string
	clock bool
	// payload is the payload's text: the call's input where payloadIn is
	// set, read against the schema; else, without a schema, what the
	// environment is inferred from (an empty object when there is none).
	payload   string
	payloadIn bool
	// env builds the dialect's environment for the schema (or, without
	// one, for the payload's inferred schema).
	env bool
	// event is the trigger's event type the call names ("" for the
	// schema's first), read with the environment.
	event string
}

// prepared is what a call starts from.
type prepared struct {
	schema  *schemas.Schema // nil without one
	dialect string
	now     time.Time
	payload *parsedPayload // nil where the call reads none
	env     *celEnv
	// context is what an expression reads beside the payload's fields:
	// morf_event_type, where the environment declares it.
	context map[string]any
}

// prepare reads what p asks for, in order; a diagnostic says what was
// wrong first.
func (e *Engine) prepare(p preparation) (*prepared, *Diagnostic) {
	s, bad := e.schema(p.schema, p.key)
	if bad != nil {
		return nil, bad
	}
	if len(p.results) > 0 {
		if s, bad = e.stepContext(s, p.results, p.someResults); bad != nil {
			return nil, bad
		}
	}
	out := &prepared{schema: s}
	if out.dialect, bad = e.dialectFor(p.dialect, s); bad != nil {
		return nil, bad
	}
	if p.clock {
		if out.now, bad = parseClock(p.now); bad != nil {
			return out, bad
		}
	}
	switch {
	case p.payloadIn:
		out.payload = e.readPayload(s, p.payload)
	case p.env && s == nil:
		text := p.payload
		if strings.TrimSpace(text) == "" {
			text = "{}"
		}
		out.payload = e.readPayload(nil, text)
	}
	if out.payload != nil && out.payload.err != nil {
		return out, out.payload.err
	}
	if p.env {
		typed := s
		if typed == nil {
			typed = out.payload.inferred
		}
		env, err := e.envFor(typed, out.dialect)
		if err != nil {
			d := requestError("the CEL environment could not be built: " + err.Error())
			return out, &d
		}
		out.env = env
		if out.context, bad = eventContext(s, env, p.event); bad != nil {
			return out, bad
		}
	}
	return out, nil
}

// eventContext checks the event type a call names against the schema's,
// and gives morf_event_type its value where the environment declares it.
func eventContext(s *schemas.Schema, env *celEnv, event string) (map[string]any, *Diagnostic) {
	var events []string
	if s != nil {
		events = s.Events()
	}
	if event != "" && !slices.Contains(events, event) {
		d := requestError(fmt.Sprintf("unknown event %q: this payload has none", event))
		if len(events) > 0 {
			d = requestError(fmt.Sprintf("unknown event %q: use one of %s", event, strings.Join(events, ", ")))
		}
		return nil, &d
	}
	if env.events == nil {
		return nil, nil
	}
	if event == "" {
		event = env.events[0]
	}
	return map[string]any{morf.EventTypeVariable: morf.EventType(event)}, nil
}

// schema finds a schema by id; "" is the schema-less mode (nil, nil).
func (e *Engine) schema(id, key string) (*schemas.Schema, *Diagnostic) {
	if id == "" {
		if key != "" {
			d := requestError("a key is read only with an action's id as the schema")
			return nil, &d
		}
		return nil, nil
	}
	if s, ok := e.set.Get(id); ok {
		if key != "" {
			d := requestError(fmt.Sprintf("%s is a payload: a key is read only with an action's id as the schema", id))
			return nil, &d
		}
		return s, nil
	}
	if a, ok := e.set.Action(id); ok {
		// An action's result is read as a later step reads it: under its
		// key.
		s, err := a.Keyed(key)
		if err != nil {
			d := requestError(err.Error())
			return nil, &d
		}
		return s, nil
	}
	if err := e.set.ReadError(id); err != nil { // listed, but it did not read
		d := requestError(fmt.Sprintf("the schema %s could not be read: %v", id, err))
		return nil, &d
	}
	d := requestError(fmt.Sprintf("unknown schema %q: use one of %s, an action's id (such as open-phone/v1/send-text-message), or \"\" for none", id, strings.Join(e.set.IDs(), ", ")))
	return nil, &d
}

// stepContext is what a workflow step over payload s reads: its fields and
// each earlier action's result under its key.
func (e *Engine) stepContext(s *schemas.Schema, refs []ResultRef, some bool) (*schemas.Schema, *Diagnostic) {
	if s == nil || s.Action != nil {
		d := requestError("results are read only with a payload's id as the schema: a workflow starts with a payload")
		return nil, &d
	}
	var results []schemas.Result
	for _, r := range refs {
		a, ok := e.set.Action(r.Action)
		if !ok {
			if some {
				continue
			}
			d := requestError(fmt.Sprintf("unknown action %q in results", r.Action))
			return nil, &d
		}
		key := r.Key
		if key == "" {
			key = a.Action.Key
		}
		result := schemas.Result{Key: key, Action: a}
		if _, err := s.Context(append(slices.Clip(results), result)); err != nil && some {
			continue // a key that is no identifier, a field's or another's
		}
		results = append(results, result)
	}
	ctx, err := e.context(s, results)
	if err != nil {
		d := requestError(err.Error())
		return nil, &d
	}
	return ctx, nil
}

// context is the context of a workflow's steps (schemas.Context), made
// once and kept while it is used: making it lists every field again.
func (e *Engine) context(s *schemas.Schema, results []schemas.Result) (*schemas.Schema, error) {
	id := schemas.ContextID(s.ID, results)
	e.mu.Lock()
	ctx, ok := e.contexts.get(id)
	e.mu.Unlock()
	if ok {
		return ctx, nil
	}
	ctx, err := s.Context(results)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	e.contexts.put(id, ctx)
	e.mu.Unlock()
	return ctx, nil
}

// parseClock reads the time now() returns: an RFC 3339 time, or "" for
// the real time.
func parseClock(s string) (time.Time, *Diagnostic) {
	if s == "" {
		return time.Now(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		d := requestError(fmt.Sprintf("now %q is not an RFC 3339 time such as 2024-06-11T09:30:00Z", s))
		return time.Time{}, &d
	}
	return t, nil
}

// clockFunctions binds now() and Morf's morf.now() to a time, for an
// activation.
func clockFunctions(now time.Time) map[string]cel.LateBoundFunction {
	clock := func(string, ...ref.Val) ref.Val { return types.Timestamp{Time: now} }
	return map[string]cel.LateBoundFunction{"now": clock, "morf.now": clock}
}
