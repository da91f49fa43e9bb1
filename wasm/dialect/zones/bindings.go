package zones

import (
	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/functions"
)

// cel-go's binding option is made through this, kept out of line:
// inlined, it copies cel-go's closure into its call site, about
// 1.6 KB of WebAssembly apiece in the shipped module.

//go:noinline
func binaryBinding(f functions.BinaryOp) cel.OverloadOpt { return cel.BinaryBinding(f) }
