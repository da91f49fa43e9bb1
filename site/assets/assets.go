// Package assets embeds the site's front-end files: the stylesheet, the
// catalog filter, the search box and the Web Worker that runs the engine.
// The playground's modules (playground/) are not embedded: build.sh bundles
// them with esbuild, and the site's build reads the bundle.
package assets

import "embed"

//go:embed *.css *.js
var files embed.FS

// Read returns an embedded file; the names are fixed, so a missing one is a
// build mistake.
func Read(name string) []byte {
	b, err := files.ReadFile(name)
	if err != nil {
		panic("site/assets: " + err.Error())
	}
	return b
}
