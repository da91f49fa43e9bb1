package costguard

import (
	"math"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
)

// A value's deep size is what comparing, copying, scanning or writing it
// may visit. A list or a map costs little memory for what it may hold: in
// cel.bind(a, [x, x], cel.bind(b, [a, a], ...)) each level doubles the
// elements an equality visits and adds 32 bytes, so an expression of 600
// characters holds lists of millions of elements. The bounds count the deep
// size before the work, never after it.

// stringUnitBytes is how many bytes of a string or bytes value count one
// unit, as cel-go's cost model scans text at a tenth of a unit a character.
const stringUnitBytes = 10

// sizes counts deep sizes with cel-go's own calculator, which keeps each
// list's and map's size in the value once counted: a value shared many
// times over is counted once per distinct part (the thirty lists of a
// thirty-level doubling, not its billion elements), and counted again for
// free. It stops past maxCountedSize parts not yet counted, and past
// maxCountedDepth levels, and answers "too large" then.
var sizes = types.NewSizeCalculator(
	types.SizeCalculatorStringUnitLength(stringUnitBytes),
	types.SizeCalculatorMaxTraversal(maxCountedSize),
	types.SizeCalculatorMaxDepth(maxCountedDepth),
)

const (
	// maxCountedSize is where counting stops: past any cost limit a
	// request may have (the engine's DefaultLimits.CostLimit), so that a value past it
	// is refused, whatever its exact size.
	maxCountedSize  = 1_000_001
	maxCountedDepth = 10_000
)

// tooLarge is deepSize's answer for a value it stopped counting.
const tooLarge = math.MaxUint32

// deepSize counts a value's units: one for the value, and inside a list, a
// map or an optional, the deep size of every element, key and value; a
// string or bytes value one per stringUnitBytes bytes. A value it stopped
// counting (too many parts, or too deep) is tooLarge.
func deepSize(v ref.Val) uint64 {
	s := sizes.ApproximateAggregateSize(v)
	if s.LimitExceeded {
		return tooLarge
	}
	return uint64(s.Size)
}

// isContainer tells a list, a map or an optional: a value whose comparison
// visits what it holds.
func isContainer(v ref.Val) bool {
	switch v.(type) {
	case traits.Lister, traits.Mapper, *types.Optional:
		return true
	}
	return false
}
