#!/usr/bin/env bash
# nofs_exec.sh runs a GOOS=js GOARCH=wasm program in Node without a
# filesystem, as a browser has it (see nofs_exec.mjs); go test -exec needs
# an executable. The larger stack is the one the Go toolchain's
# go_js_wasm_exec gives Node, which deep tests need.
exec node --stack-size=8192 "$(dirname "${BASH_SOURCE[0]}")/nofs_exec.mjs" "$@"
