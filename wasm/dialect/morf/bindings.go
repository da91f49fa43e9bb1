package morf

import (
	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/functions"
)

// cel-go's binding options are made through these, kept out of line:
// inlined, each binding copies cel-go's closure into its call site, about
// 1.6 KB of WebAssembly apiece in the shipped module.

//go:noinline
func unaryBinding(f functions.UnaryOp) cel.OverloadOpt { return cel.UnaryBinding(f) }

//go:noinline
func binaryBinding(f functions.BinaryOp) cel.OverloadOpt { return cel.BinaryBinding(f) }

//go:noinline
func functionBinding(f functions.FunctionOp) cel.OverloadOpt { return cel.FunctionBinding(f) }
