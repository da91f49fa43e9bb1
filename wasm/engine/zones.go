package engine

import (
	"archive/zip"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"time"
)

// zoneinfoZip is the IANA time zone database as the Go toolchain ships it
// ($GOROOT/lib/time/zoneinfo.zip, the data time/tzdata embeds). The engine
// reads zones from this copy only, never through time.LoadLocation: that
// looks in the filesystem first, which a browser and the Worker do not
// have, and which, where a JavaScript host does give one (Node with fs),
// is asynchronous and deadlocks a Go call made from JavaScript.
//
//go:embed zoneinfo.zip
var zoneinfoZip []byte

var (
	zoneArchive = sync.OnceValues(func() (map[string]*zip.File, error) {
		r, err := zip.NewReader(bytes.NewReader(zoneinfoZip), int64(len(zoneinfoZip)))
		if err != nil {
			return nil, err
		}
		files := make(map[string]*zip.File, len(r.File))
		for _, f := range r.File {
			files[f.Name] = f
		}
		return files, nil
	})
	zoneCache sync.Map // name -> *time.Location
)

// utcOffset is a zone written as an offset from UTC: -07:00, +05:30.
var utcOffset = regexp.MustCompile(`^([+-])(\d{2}):(\d{2})$`)

// loadZone finds a time zone by IANA name (America/Los_Angeles) or as an
// offset from UTC (-07:00), as CEL's timestamp functions take them.
func loadZone(name string) (*time.Location, error) {
	if name == "UTC" || name == "Z" {
		return time.UTC, nil
	}
	if m := utcOffset.FindStringSubmatch(name); m != nil {
		h, _ := strconv.Atoi(m[2])
		mins, _ := strconv.Atoi(m[3])
		if h > 23 || mins > 59 {
			return nil, fmt.Errorf("the UTC offset %q is out of range: hours go to 23, minutes to 59", name)
		}
		secs := (h*60 + mins) * 60
		if m[1] == "-" {
			secs = -secs
		}
		return time.FixedZone(name, secs), nil
	}
	if loc, ok := zoneCache.Load(name); ok {
		return loc.(*time.Location), nil
	}
	files, err := zoneArchive()
	if err != nil {
		return nil, fmt.Errorf("the time zone database could not be read: %v", err)
	}
	f, ok := files[name]
	if !ok {
		msg := fmt.Sprintf("unknown time zone %q: use an IANA name such as America/New_York, or an offset such as -07:00", name)
		if near := nearestZone(files, name); near != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", near)
		}
		return nil, fmt.Errorf("%s", msg)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocationFromTZData(name, data)
	if err != nil {
		return nil, err
	}
	zoneCache.Store(name, loc)
	return loc, nil
}

// nearestZone is the zone name closest to a misspelt one, if any is close.
func nearestZone(files map[string]*zip.File, name string) string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	best, bestDist := "", len(name)/4+2
	for _, n := range names {
		if d := editDistance(name, n); d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}
