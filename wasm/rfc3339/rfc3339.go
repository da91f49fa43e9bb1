// Package rfc3339 reads RFC 3339 date-times as JSON Schema's date-time
// format has them, within CEL's range of timestamps: the engine's payload
// fields and Morf's parseTimestamp read them alike.
package rfc3339

import (
	"fieldbook/wasm/lazyregexp"
	"time"
)

// dateTime is RFC 3339's date-time production, which Go's time.Parse is
// laxer than (it takes a one-digit hour, and an offset of +00:60). It is
// compiled on first use, not at package init, which every call of a fresh
// module waits for.
var dateTime = lazyregexp.New(`^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$`)

// Parse reads an RFC 3339 date-time within CEL's range of timestamps,
// years 1 to 9999.
func Parse(s string) (time.Time, bool) {
	if !dateTime.MatchString(s) {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	y := t.UTC().Year()
	return t, y >= 1 && y <= 9999
}
