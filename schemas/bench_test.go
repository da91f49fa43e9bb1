package schemas

import "testing"

// BenchmarkLoadFS loads the embedded schemas, as the engine does before
// its first answer in the browser.
func BenchmarkLoadFS(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := LoadFS(embedded); err != nil {
			b.Fatal(err)
		}
	}
}
