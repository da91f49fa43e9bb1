package schemas

import "testing"

// BenchmarkLoadFS reads every embedded document, as the engine did before
// its first answer in the browser until documents were read when first
// needed, and as the site's build and the tests still do.
func BenchmarkLoadFS(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := LoadFS(embedded); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadThenOnePayload starts as the engine does (the catalog and
// the list of documents, Load) and reads one payload, as a payload page's
// first answer needs: what the start costs now that documents are read
// when first needed.
func BenchmarkLoadThenOnePayload(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		set, err := index(embedded)
		if err != nil {
			b.Fatal(err)
		}
		if _, ok := set.Get("elation/appointment"); !ok {
			b.Fatal("no elation/appointment")
		}
	}
}
