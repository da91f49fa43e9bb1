package engine

import (
	"container/list"
	"strconv"
	"strings"
	"sync"
)

// The programs compiled are kept, the least recently used let go first: a
// reader typing re-runs the same expressions on every key stroke. A
// program is keyed by its environment, its expression, its cost limit and
// its mode, so that programs of another kind (an explanation's, which
// records every value) live beside the plain ones.

// programCacheSize bounds the compiled programs kept: enough for a page of
// expressions being edited, small enough for a browser tab.
const programCacheSize = 256

// programMode is the kind of a program.
type programMode uint8

const (
	// modePlain evaluates an expression to its value.
	modePlain programMode = iota
	// modeExplain also records the value of each part (explain.go).
	modeExplain
)

// programKey names a compiled program: its environment, cost limit and
// mode, then its expression. The environment is named by an id, not a
// pointer: an evicted environment's address may be reused by a new one,
// which must not get its programs. (A string, not a struct: the one other
// cache is keyed by strings, and a second key type would add a second copy
// of the cache's code to the module.)
func programKey(env, limit uint64, mode programMode, expr string) string {
	return envPrefix(env) + strconv.FormatUint(limit, 10) + "/" + strconv.Itoa(int(mode)) + "/" + expr
}

// envPrefix starts the keys of an environment's programs.
func envPrefix(env uint64) string { return strconv.FormatUint(env, 10) + "/" }

// programCache holds the compiled programs, with a lock of its own.
type programCache struct {
	mu       sync.Mutex
	programs *lru[string, *compiled]
}

func newProgramCache() *programCache {
	return &programCache{programs: newLRU[string, *compiled](programCacheSize, nil)}
}

func (c *programCache) get(key string) (*compiled, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.programs.get(key)
}

func (c *programCache) keep(key string, p *compiled) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.programs.put(key, p)
}

// dropEnv forgets the programs compiled in an evicted environment, which
// would otherwise keep it alive.
func (c *programCache) dropEnv(env uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	prefix := envPrefix(env)
	for _, key := range c.programs.keys() {
		if strings.HasPrefix(key, prefix) {
			c.programs.remove(key)
		}
	}
}

// lru is a small least-recently-used cache, bounded by the total cost of
// its entries (their count, where each costs 1).
type lru[K comparable, V any] struct {
	max     int
	total   int
	order   *list.List
	items   map[K]*list.Element
	onEvict func(val V) // called under the engine's lock, or nil
}

type lruEntry[K comparable, V any] struct {
	key  K
	val  V
	cost int
}

func newLRU[K comparable, V any](max int, onEvict func(val V)) *lru[K, V] {
	return &lru[K, V]{max: max, order: list.New(), items: map[K]*list.Element{}, onEvict: onEvict}
}

func (c *lru[K, V]) get(key K) (V, bool) {
	if el, ok := c.items[key]; ok {
		c.order.MoveToFront(el)
		return el.Value.(*lruEntry[K, V]).val, true
	}
	var zero V
	return zero, false
}

// put adds an entry of cost 1 unless a cost is given, and evicts the least
// recently used past the bound (never the entry just added).
func (c *lru[K, V]) put(key K, val V, cost ...int) {
	n := 1
	if len(cost) == 1 {
		n = cost[0]
	}
	c.remove(key)
	c.items[key] = c.order.PushFront(&lruEntry[K, V]{key, val, n})
	c.total += n
	for c.total > c.max && c.order.Len() > 1 {
		old := c.order.Back().Value.(*lruEntry[K, V])
		c.remove(old.key)
		if c.onEvict != nil {
			c.onEvict(old.val)
		}
	}
}

func (c *lru[K, V]) remove(key K) {
	if el, ok := c.items[key]; ok {
		c.total -= el.Value.(*lruEntry[K, V]).cost
		c.order.Remove(el)
		delete(c.items, key)
	}
}

func (c *lru[K, V]) keys() []K {
	out := make([]K, 0, len(c.items))
	for k := range c.items {
		out = append(out, k)
	}
	return out
}
