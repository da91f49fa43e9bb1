// nofs_exec.mjs runs a GOOS=js GOARCH=wasm program, such as a test binary,
// in Node without giving Go a filesystem, as a browser does not:
//
//   node wasm/nofs_exec.mjs prog.wasm [args...]
//   GOOS=js GOARCH=wasm go test -count=1 -exec "$PWD/wasm/nofs_exec.sh" ./wasm/engine/
//
// The Go toolchain's own runner, wasm_exec_node.js, sets globalThis.fs to
// Node's fs, so os.Open works there and a test that reads testdata passes
// although it could not in a browser. This one loads wasm_exec.js with no
// globalThis.fs, so it installs its stand-in: every file operation fails
// with ENOSYS, and writes to stdout and stderr go line by line to
// console.log. Go programs see FIELDBOOK_NOFS=1, so a test can check the
// promise.
//
// go test must not ask for files either: -count=1 keeps it from passing
// -test.testlogfile (for its cache), and -run must leave out the fuzz
// targets, which read their corpora from testdata.

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import process from "node:process";

if (process.argv.length < 3) {
  console.error("usage: node nofs_exec.mjs prog.wasm [args...]");
  process.exit(2);
}
const [prog, ...args] = process.argv.slice(2);

// wasm_exec.js of the Go that built the program: the two must match.
const wasmExec =
  process.env.FIELDBOOK_WASM_EXEC ??
  `${execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim()}/lib/wasm/wasm_exec.js`;
if (globalThis.fs !== undefined) {
  throw new Error("globalThis.fs is set: wasm_exec.js would give Go a filesystem");
}
createRequire(import.meta.url)(wasmExec); // defines globalThis.Go

const go = new globalThis.Go();
go.argv = [prog, ...args];
go.env = { ...process.env, FIELDBOOK_NOFS: "1" };
go.exit = (code) => {
  process.exitCode = code;
};

const { instance } = await WebAssembly.instantiate(readFileSync(prog), go.importObject);
process.on("exit", (code) => {
  // Node exits when nothing is pending, which for a Go program that has
  // not exited means every goroutine is asleep: resume it, so that Go
  // reports the deadlock and its stacks (as wasm_exec_node.js does).
  if (code === 0 && !go.exited) {
    go._pendingEvent = { id: 0 };
    go._resume();
  }
});
await go.run(instance);
// The program has exited. Timers it left would keep Node alive; on Linux,
// console.log to a pipe or a file is synchronous, so nothing is lost.
process.exit(process.exitCode ?? 0);
