// Package morf is Morf's workflow CEL as a cel-go library: its functions
// (morf.now, isAfter, isBefore, add, sub, parseDuration, parseTimestamp,
// customFormatInTimezone, getAge) and its reading of absent fields (a
// field missing from the payload and one sent as null are the same;
// orValue and hasValue work on any field). Each declaration carries its
// description and examples, which the engine's completion and hover and
// the site's dialect page read: this is the one place they are written.
package morf

import (
	"fmt"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"fieldbook/wasm/dialect/zones"
	"fieldbook/wasm/lazyregexp"
	"fieldbook/wasm/rfc3339"
)

// SignatureNote says where the Morf functions' signatures come from; it
// ends each of their descriptions.
const SignatureNote = "Morf's documentation shows this function in use but states no signature; Fieldbook reads it from Morf's examples."

// Library is Morf's functions and absent fields. It goes before cel-go's
// optional types in an environment: its decorator of orValue must see the
// calls before theirs does (declare AbsentFunctions again after them, for
// the descriptions). Options: Version.
func Library(opts ...Option) cel.EnvOption {
	lib := &library{version: LatestVersion}
	for _, o := range opts {
		o(lib)
	}
	return cel.Lib(lib)
}

// LatestVersion is the library's latest version: 1, the functions Morf's
// documentation shows in use and the reading of absent fields.
const LatestVersion uint32 = 1

// Option configures the library.
type Option func(*library)

// Version pins the library to a version, as cel-go's extension libraries
// are pinned, so that a later version's additions do not change what an
// environment built for an earlier one accepts.
func Version(v uint32) Option { return func(l *library) { l.version = v } }

type library struct{ version uint32 }

func (*library) LibraryName() string { return "fieldbook.morf" }

func (*library) CompileOptions() []cel.EnvOption {
	ts, dur, str := cel.TimestampType, cel.DurationType, cel.StringType
	return append(AbsentFunctions(),
		cel.Function("morf.now",
			cel.FunctionDocs("The time the workflow runs: in Fieldbook, the playground's clock, as now() is. "+SignatureNote),
			cel.Overload("morf_now", nil, ts, cel.LateFunctionBinding(),
				cel.OverloadExamples(`appointment_datetime.isAfter(morf.now())`))),
		cel.Function("isAfter",
			cel.FunctionDocs("Whether the timestamp is later than the other. "+SignatureNote),
			cel.MemberOverload("morf_timestamp_isAfter_timestamp", []*cel.Type{ts, ts}, cel.BoolType,
				cel.OverloadExamples(`timestamp("2024-06-12T09:00:00Z").isAfter(timestamp("2024-06-11T09:00:00Z")) // true`),
				binaryBinding(func(a, b ref.Val) ref.Val {
					return types.Bool(a.(types.Timestamp).Time.After(b.(types.Timestamp).Time))
				}))),
		cel.Function("isBefore",
			cel.FunctionDocs("Whether the timestamp is earlier than the other. "+SignatureNote),
			cel.MemberOverload("morf_timestamp_isBefore_timestamp", []*cel.Type{ts, ts}, cel.BoolType,
				cel.OverloadExamples(`timestamp("2024-06-10T09:00:00Z").isBefore(timestamp("2024-06-11T09:00:00Z")) // true`),
				binaryBinding(func(a, b ref.Val) ref.Val {
					return types.Bool(a.(types.Timestamp).Time.Before(b.(types.Timestamp).Time))
				}))),
		cel.Function("add",
			cel.FunctionDocs("The timestamp plus a duration. "+SignatureNote),
			cel.MemberOverload("morf_timestamp_add_duration", []*cel.Type{ts, dur}, ts,
				cel.OverloadExamples(`timestamp("2024-06-11T09:00:00Z").add(parseDuration("167h")) // timestamp("2024-06-18T08:00:00Z")`),
				binaryBinding(func(t, d ref.Val) ref.Val { return t.(types.Timestamp).Add(d) }))),
		cel.Function("sub",
			cel.FunctionDocs("The timestamp minus a duration. "+SignatureNote),
			cel.MemberOverload("morf_timestamp_sub_duration", []*cel.Type{ts, dur}, ts,
				cel.OverloadExamples(`timestamp("2024-06-11T09:00:00Z").sub(parseDuration("24h")) // timestamp("2024-06-10T09:00:00Z")`),
				binaryBinding(func(t, d ref.Val) ref.Val { return t.(types.Timestamp).Subtract(d) }))),
		cel.Function("parseDuration",
			cel.FunctionDocs(`A duration written in Go's syntax: a number and a unit, repeated ("10m", "1h30m", "167h"; units ns, us, ms, s, m, h). `+SignatureNote),
			cel.Overload("morf_parseDuration_string", []*cel.Type{str}, dur,
				cel.OverloadExamples(`parseDuration("1h30m") // duration("5400s")`),
				unaryBinding(func(s ref.Val) ref.Val { return parseDuration(string(s.(types.String))) }))),
		cel.Function("parseTimestamp",
			cel.FunctionDocs(`A timestamp written in RFC 3339, with Z or an offset ("2024-06-11T09:00:00Z", "2024-06-11T09:00:00-07:00"). `+SignatureNote),
			cel.Overload("morf_parseTimestamp_string", []*cel.Type{str}, ts,
				cel.OverloadExamples(`parseTimestamp("2024-06-11T09:00:00-07:00") // timestamp("2024-06-11T16:00:00Z")`),
				unaryBinding(func(s ref.Val) ref.Val { return parseTimestampValue(string(s.(types.String))) }))),
		cel.Function("customFormatInTimezone",
			cel.FunctionDocs(`The timestamp written in a time zone (an IANA name such as "America/Phoenix", or an offset such as "-07:00") with a layout in Go's reference time, Mon Jan 2 15:04:05 MST 2006 ("2006-01-02", "Mon Jan 2 3:04 PM"). `+SignatureNote),
			cel.MemberOverload("morf_timestamp_customFormatInTimezone_string_string", []*cel.Type{ts, str, str}, str,
				cel.OverloadExamples(`timestamp("2024-06-11T16:00:00Z").customFormatInTimezone("2006-01-02 3:04 PM", "America/Phoenix") // "2024-06-11 9:00 AM"`),
				functionBinding(func(args ...ref.Val) ref.Val {
					return formatInZone(args[0].(types.Timestamp).Time, string(args[1].(types.String)), string(args[2].(types.String)))
				}))),
		cel.Function("getAge",
			cel.FunctionDocs(`Whole years from a date of birth (a date such as "2000-03-15", an RFC 3339 time or a timestamp) to the given time, counted on the calendar in UTC. `+SignatureNote),
			cel.MemberOverload("morf_string_getAge_timestamp", []*cel.Type{str, ts}, cel.IntType,
				cel.OverloadExamples(`"2000-03-15".getAge(timestamp("2024-06-11T00:00:00Z")) // 24`),
				binaryBinding(func(dob, at ref.Val) ref.Val {
					born, err := parseBirthDate(string(dob.(types.String)))
					if err != nil {
						return types.WrapErr(err)
					}
					return age(born, at.(types.Timestamp).Time)
				})),
			cel.MemberOverload("morf_timestamp_getAge_timestamp", []*cel.Type{ts, ts}, cel.IntType,
				cel.OverloadExamples(`timestamp("2000-03-15T00:00:00Z").getAge(timestamp("2024-03-14T00:00:00Z")) // 23`),
				binaryBinding(func(dob, at ref.Val) ref.Val {
					return age(dob.(types.Timestamp).Time, at.(types.Timestamp).Time)
				}))),
	)
}

func (*library) ProgramOptions() []cel.ProgramOption {
	return []cel.ProgramOption{cel.CustomDecoratorV2(decorateAbsent)}
}

// parseDuration reads Go's duration syntax.
func parseDuration(s string) ref.Val {
	d, err := time.ParseDuration(s)
	if err != nil {
		return types.NewErr(`parseDuration: %q is not a duration: write a number and a unit, such as "10m", "1h30m" or "167h" (units ns, us, ms, s, m, h; there is no unit for days)`, s)
	}
	return types.Duration{Duration: d}
}

// parseTimestampValue reads an RFC 3339 time.
func parseTimestampValue(s string) ref.Val {
	t, ok := rfc3339.Parse(s)
	if !ok {
		return types.NewErr(`parseTimestamp: %q is not an RFC 3339 time such as "2024-06-11T09:00:00Z" or "2024-06-11T09:00:00-07:00" (a date, a T, a time, and Z or an offset)`, s)
	}
	return types.Timestamp{Time: t}
}

// foreignLayout finds the date patterns of other languages (YYYY-MM-DD),
// which Go's layouts would copy out as literal text.
var foreignLayout = lazyregexp.New(`(^|[^A-Za-z])(YYYY|yyyy|YY|yy|MM|DD|dd|HH|hh|mm|SS|ss)([^A-Za-z]|$)`)

// formatInZone writes t in a zone with a Go layout.
func formatInZone(t time.Time, layout, zone string) ref.Val {
	if m := foreignLayout.FindStringSubmatch(layout); m != nil {
		return types.NewErr(`customFormatInTimezone: the layout %q has %q, which Go's layouts do not know: write the layout as Go's reference time, Mon Jan 2 15:04:05 MST 2006, would look, such as "2006-01-02" for a date or "3:04 PM" for a time`, layout, m[2])
	}
	// A layout with no element of the reference time writes itself
	// whatever the time: that is a mistake, not a format.
	a := time.Date(2001, 2, 3, 4, 5, 6, 7e6, time.UTC)
	if a.Format(layout) == layout && a.AddDate(1, 1, 1).Add(61*time.Minute).Format(layout) == layout {
		return types.NewErr(`customFormatInTimezone: the layout %q has no element of Go's reference time, Mon Jan 2 15:04:05 MST 2006: write it as that time would look, such as "2006-01-02" or "Mon Jan 2 3:04 PM"`, layout)
	}
	loc, err := zones.Load(zone)
	if err != nil {
		return types.NewErr("customFormatInTimezone: %v", err)
	}
	return types.String(t.In(loc).Format(layout))
}

// parseBirthDate reads a date of birth: a date (2000-03-15) or an RFC 3339
// time.
func parseBirthDate(s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, ok := rfc3339.Parse(s); ok {
		return t, nil
	}
	return time.Time{}, fmt.Errorf(`getAge: the date of birth %q is neither a date such as "2000-03-15" nor an RFC 3339 time`, s)
}

// age counts whole years from born to at on the calendar in UTC: a year
// is complete on the birthday (for 29 February, on 1 March in other years).
func age(born, at time.Time) ref.Val {
	born, at = born.UTC(), at.UTC()
	if at.Before(born) {
		return types.NewErr("getAge: the date of birth %s is after %s", born.Format("2006-01-02"), at.Format(time.RFC3339))
	}
	years := at.Year() - born.Year()
	if at.Month() < born.Month() || at.Month() == born.Month() && at.Day() < born.Day() {
		years--
	}
	return types.Int(years)
}
