package zones

import (
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/overloads"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// Library redeclares CEL's timestamp accessors that take a time zone
// (getHours("America/Los_Angeles") and the like) over this package's
// database, so that they never read the filesystem. Options: Version.
func Library(opts ...Option) cel.EnvOption {
	lib := &library{version: LatestVersion}
	for _, o := range opts {
		o(lib)
	}
	return cel.Lib(lib)
}

// LatestVersion is the library's latest version: 1, the accessors of
// CEL's standard library that take a zone.
const LatestVersion uint32 = 1

// Option configures the library.
type Option func(*library)

// Version pins the library to a version, as cel-go's extension libraries
// are pinned, so that a later version's additions do not change what an
// environment built for an earlier one accepts.
func Version(v uint32) Option { return func(l *library) { l.version = v } }

type library struct{ version uint32 }

func (*library) LibraryName() string { return "fieldbook.zones" }

func (*library) ProgramOptions() []cel.ProgramOption { return nil }

func (*library) CompileOptions() []cel.EnvOption {
	accessors := []struct {
		function, overload string
		get                func(time.Time) int
	}{
		{overloads.TimeGetFullYear, overloads.TimestampToYearWithTz, func(t time.Time) int { return t.Year() }},
		{overloads.TimeGetMonth, overloads.TimestampToMonthWithTz, func(t time.Time) int { return int(t.Month()) - 1 }},
		{overloads.TimeGetDayOfYear, overloads.TimestampToDayOfYearWithTz, func(t time.Time) int { return t.YearDay() - 1 }},
		{overloads.TimeGetDayOfMonth, overloads.TimestampToDayOfMonthZeroBasedWithTz, func(t time.Time) int { return t.Day() - 1 }},
		{overloads.TimeGetDate, overloads.TimestampToDayOfMonthOneBasedWithTz, func(t time.Time) int { return t.Day() }},
		{overloads.TimeGetDayOfWeek, overloads.TimestampToDayOfWeekWithTz, func(t time.Time) int { return int(t.Weekday()) }},
		{overloads.TimeGetHours, overloads.TimestampToHoursWithTz, func(t time.Time) int { return t.Hour() }},
		{overloads.TimeGetMinutes, overloads.TimestampToMinutesWithTz, func(t time.Time) int { return t.Minute() }},
		{overloads.TimeGetSeconds, overloads.TimestampToSecondsWithTz, func(t time.Time) int { return t.Second() }},
		{overloads.TimeGetMilliseconds, overloads.TimestampToMillisecondsWithTz, func(t time.Time) int { return t.Nanosecond() / 1e6 }},
	}
	var opts []cel.EnvOption
	for _, a := range accessors {
		get := a.get
		opts = append(opts, cel.Function(a.function,
			cel.MemberOverload(a.overload, []*cel.Type{cel.TimestampType, cel.StringType}, cel.IntType,
				binaryBinding(func(t, zone ref.Val) ref.Val {
					loc, err := Load(string(zone.(types.String)))
					if err != nil {
						return types.WrapErr(err)
					}
					return types.Int(get(t.(types.Timestamp).Time.In(loc)))
				}))))
	}
	return opts
}
