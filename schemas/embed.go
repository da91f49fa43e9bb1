//go:build !fieldbook_noactions

package schemas

import "embed"

// embedded is every document: the catalog, the payloads and the actions.
//
//go:embed catalog.json */*.json actions/*/*/*.json
var embedded embed.FS
