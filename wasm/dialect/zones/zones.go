// Package zones is the IANA time zone database, read without a
// filesystem, and CEL's timestamp accessors that take a zone
// (getHours("America/Los_Angeles") and the like) over it, as a cel-go
// library: zones work the same natively, in the browser and in the Worker.
package zones

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io"
	"sort"
	"strconv"
	"sync"
	"time"

	"fieldbook/wasm/lazyregexp"
	"fieldbook/wasm/names"
)

// zoneinfoZipGz is the IANA time zone database as the Go toolchain ships
// it ($GOROOT/lib/time/zoneinfo.zip, the data time/tzdata embeds), gzipped
// for size. The engine reads zones from this copy only, never through
// time.LoadLocation: that looks in the filesystem first, which a browser
// and the Worker do not have, and which, where a JavaScript host does give
// one (Node with fs), is asynchronous and deadlocks a Go call made from
// JavaScript.
//
//go:embed zoneinfo.zip.gz
var zoneinfoZipGz []byte

var (
	zoneFiles = sync.OnceValues(readZoneFiles) // on the first named zone
	zoneCache sync.Map                         // name -> *time.Location
)

// readZoneFiles unpacks the zone database.
func readZoneFiles() (map[string][]byte, error) {
	r, err := gzip.NewReader(bytes.NewReader(zoneinfoZipGz))
	if err != nil {
		return nil, err
	}
	zipped, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return storedZipFiles(zipped)
}

// storedZipFiles lists the files of a zip archive whose entries are
// stored, not compressed, as the toolchain's zoneinfo.zip is. It reads
// the central directory, as time's own reader of that file does; archive/zip
// would add half a megabyte to the module for what this does.
func storedZipFiles(z []byte) (map[string][]byte, error) {
	le16 := func(b []byte) int { return int(binary.LittleEndian.Uint16(b)) }
	le32 := func(b []byte) int { return int(binary.LittleEndian.Uint32(b)) }
	bad := fmt.Errorf("the zone database is not a zip archive of stored files")
	if len(z) < 22 || le32(z[len(z)-22:]) != 0x06054b50 {
		return nil, bad
	}
	end := z[len(z)-22:]
	count, at := le16(end[10:]), le32(end[16:])
	files := make(map[string][]byte, count)
	for range count {
		if at+46 > len(z) || le32(z[at:]) != 0x02014b50 || le16(z[at+10:]) != 0 {
			return nil, bad
		}
		size, nameLen, extraLen, commentLen, local := le32(z[at+24:]), le16(z[at+28:]), le16(z[at+30:]), le16(z[at+32:]), le32(z[at+42:])
		if at+46+nameLen > len(z) || local+30 > len(z) {
			return nil, bad
		}
		name := string(z[at+46 : at+46+nameLen])
		data := local + 30 + le16(z[local+26:]) + le16(z[local+28:])
		if data+size > len(z) {
			return nil, bad
		}
		files[name] = z[data : data+size]
		at += 46 + nameLen + extraLen + commentLen
	}
	return files, nil
}

// utcOffset is a zone written as an offset from UTC: -07:00, +05:30, and
// as cel-go also reads them, 02:00 or -7:00.
var utcOffset = lazyregexp.New(`^([+-]?)(\d{1,2}):(\d{2})$`)

// Load finds a time zone by IANA name (America/Los_Angeles) or as an
// offset from UTC (-07:00), as CEL's timestamp functions take them.
func Load(name string) (*time.Location, error) {
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
	files, err := zoneFiles()
	if err != nil {
		return nil, fmt.Errorf("the time zone database could not be read: %v", err)
	}
	data, ok := files[name]
	if !ok {
		msg := fmt.Sprintf("unknown time zone %q: use an IANA name such as America/New_York, or an offset such as -07:00", name)
		if near := nearestZone(files, name); near != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", near)
		}
		return nil, fmt.Errorf("%s", msg)
	}
	loc, err := time.LoadLocationFromTZData(name, data)
	if err != nil {
		return nil, err
	}
	zoneCache.Store(name, loc)
	return loc, nil
}

// nearestZone is the zone name closest to a misspelt one, if any is close.
func nearestZone(files map[string][]byte, name string) string {
	known := make([]string, 0, len(files))
	for n := range files {
		known = append(known, n)
	}
	sort.Strings(known)
	best, bestDist := "", len(name)/4+2
	for _, n := range known {
		if d := names.Distance(name, n); d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}
