//go:build fieldbook_noactions

package schemas

import "embed"

// embedded, built with -tags fieldbook_noactions, leaves out the action
// documents (schemas/actions/), for the page-load benchmark's module
// without them (BENCHMARKS.md, "Intent → first result against a bare
// cel-go page"). Nothing that ships is built so: the catalog lists no
// destination's actions by name, so it still reads, with none.
//
//go:embed catalog.json */*.json
var embedded embed.FS
