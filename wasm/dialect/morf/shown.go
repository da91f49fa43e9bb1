package morf

import (
	"strings"
	"sync"

	"cel.dev/cel-go/common/stdlib"
	"cel.dev/cel-go/parser"
)

// Morf's platform runs a CEL whose library its docs do not list: its CEL
// page and its use cases show a few functions in use, and nothing says
// whether cel-go's other functions and extensions exist there. The morf
// dialect keeps them, so that an expression checks as cel-go would, and
// says of each that Morf's docs do not show it.

// shownInDocs are the functions Morf's docs show in use, by name: the
// CEL page, the appointment-reminder and form-routing use cases
// (shared/sources/morf/cel-examples.json). Operators (==, in, +, &&, ||,
// indexing, optional selection) are CEL's own and not listed.
var shownInDocs = map[string]bool{
	"contains": true, "size": true, "orValue": true, "hasValue": true,
	"optional.of": true, "optional.none": true,
	"morf.now": true, "isAfter": true, "isBefore": true, "add": true, "sub": true,
	"parseDuration": true, "parseTimestamp": true, "customFormatInTimezone": true, "getAge": true,
}

// ShownInDocs tells whether Morf's docs show a function or macro in use.
func ShownInDocs(name string) bool { return shownInDocs[name] }

// standard holds the functions and macros of CEL's specification
// (cel-go's standard library): every CEL has them, Morf's too. Listed on
// first use.
var standard struct {
	once  sync.Once
	names map[string]bool
}

func isStandard(name string) bool {
	standard.once.Do(func() {
		standard.names = map[string]bool{}
		for _, f := range stdlib.Functions() {
			standard.names[f.Name()] = true
		}
		for _, m := range parser.AllMacros {
			standard.names[m.Function()] = true
		}
	})
	return standard.names[name]
}

// MayNotExist tells whether a function or macro may not exist in Morf:
// neither Morf's docs show it nor is it CEL's own (cel-go's extensions,
// Fieldbook's now()).
func MayNotExist(name string) bool { return !shownInDocs[name] && !isStandard(name) }

// notShown marks the warning NotShownMessage writes.
const notShown = " is not shown in Morf's docs: it may not exist in Morf"

// NotShownMessage is the warning on a function or macro that may not exist
// in Morf.
func NotShownMessage(name string) string {
	msg := name + notShown + ", where this expression could then fail"
	if name == "now" {
		msg += " (morf.now() is shown)"
	}
	return msg
}

// IsNotShownMessage tells whether a warning is NotShownMessage's.
func IsNotShownMessage(msg string) bool { return strings.Contains(msg, notShown) }

// Status says where a function or macro stands in Morf, for the dialect
// page: shown in Morf's docs, CEL's own, or cel-go's and not confirmed.
func Status(name string) string {
	switch {
	case shownInDocs[name]:
		return "shown in Morf's docs"
	case isStandard(name):
		return "CEL's standard library"
	}
	return Unconfirmed
}

// Unconfirmed is Status's word for a function or macro that may not exist
// in Morf.
const Unconfirmed = "cel-go, not confirmed in Morf"
