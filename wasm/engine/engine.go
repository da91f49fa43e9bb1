// Package engine is Fieldbook's payload engine: it validates payloads against
// their JSON Schema and checks and evaluates typed CEL over them. It is pure
// Go, so the same code runs natively, in the browser as WebAssembly and in
// the Cloudflare Worker; Call is the one entry point all three use.
package engine

import (
	"sync"
	"time"

	"fieldbook/schemas"
)

// Version is Fieldbook's version.
const Version = "0.1.0"

// CelGoVersion is the cel-go release the engine is built with; a test holds
// it to go.mod.
const CelGoVersion = "v0.33.2"

// Limits bound every call, so no input can hang or crash the engine.
type Limits struct {
	MaxPayloadBytes     int    // payload text, in bytes
	MaxDepth            int    // nesting of objects and arrays in a payload
	MaxExpressionLength int    // expression text, in characters
	CostLimit           uint64 // CEL's runtime cost units per evaluation
	// TimeLimit ends an evaluation that runs longer, where the host lets a
	// timer fire while it runs (natively; not in a js/wasm call, where the
	// cost limit and the guards of costly calls bound it).
	TimeLimit time.Duration
	// MaxResultBytes bounds a result as an answer writes it: its JSON
	// value and its CEL display together.
	MaxResultBytes int
}

// DefaultLimits are the bounds Fieldbook runs with everywhere.
var DefaultLimits = Limits{
	MaxPayloadBytes:     5 << 20,
	MaxDepth:            64,
	MaxExpressionLength: 8192,
	CostLimit:           1_000_000,
	TimeLimit:           time.Second,
	MaxResultBytes:      1 << 20,
}

// Engine serves calls over one set of schemas. It is safe for concurrent use.
type Engine struct {
	set    *schemas.Set
	limits Limits

	mu        sync.Mutex
	base      map[string]*dialectEnv // by dialect
	envs      map[string]*celEnv     // by dialect and schema id
	inferred  *lru[string, *celEnv]  // by dialect and inferred schema: the environments of schema-less payloads
	lastEnvID uint64
	programs  *programCache
	contexts  *lru[string, *schemas.Schema] // workflow steps' contexts, by schemas.ContextID
	examples  map[string]*actionResult      // the example results of the actions, read, by action id
	lastInput *parsedPayload                // the last payload read, reused while it is unchanged
}

// maxContexts bounds the workflow contexts kept: a workflow page re-runs
// its workflow on every edit, over a few contexts (one a workflow, and one
// a step's editor for completion).
const maxContexts = 64

// New returns an engine over set.
func New(set *schemas.Set, limits Limits) *Engine {
	e := &Engine{set: set, limits: limits, base: map[string]*dialectEnv{}, envs: map[string]*celEnv{}, programs: newProgramCache()}
	e.examples = map[string]*actionResult{}
	e.contexts = newLRU[string, *schemas.Schema](maxContexts, nil)
	e.inferred = newLRU[string, *celEnv](inferredEnvBudget, func(env *celEnv) { e.programs.dropEnv(env.id) })
	return e
}
