// Package workflows reads workflow test files (file.go) and holds
// Fieldbook's worked examples, Morf workflows built from the use cases of
// Morf's docs, as such files. The site runs each example when it is built
// and shows its steps; `go run ./site test workflows` holds each to what
// it expects; the README's example is one of them.
package workflows

import (
	"embed"
	"io/fs"
	"path"
	"strings"
)

//go:embed *.workflow.json
var files embed.FS

// Example is one worked example: its name (its file's, without the
// suffix) and its file.
type Example struct {
	Name string
	File *File
	Raw  []byte
}

// Examples reads the worked examples, by name.
func Examples() ([]Example, error) {
	names, err := fs.Glob(files, "*"+Suffix)
	if err != nil {
		return nil, err
	}
	var out []Example
	for _, n := range names {
		raw, err := files.ReadFile(n)
		if err != nil {
			return nil, err
		}
		f, err := Read(raw)
		if err != nil {
			return nil, err
		}
		out = append(out, Example{Name: strings.TrimSuffix(path.Base(n), Suffix), File: f, Raw: raw})
	}
	return out, nil
}
