package rbench

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	out := "WARNING: Could not fetch server CONFIG\n" +
		`"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"` + "\n" +
		`"SET","76045.62","0.355","0.136","0.303","0.511","1.207","4.583"` + "\n" +
		`"GET","77821.02","0.336","0.112","0.311","0.463","1.047","2.343"` + "\n"
	rows, err := Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Test != "SET" || rows[1].Test != "GET" {
		t.Fatalf("rows: %+v", rows)
	}
	if rows[0].RPS != 76045.62 || rows[0].P50 != 303*time.Microsecond || rows[1].P99 != 1047*time.Microsecond {
		t.Fatalf("values: %+v", rows)
	}
	if _, err := Parse("Could not connect to Redis at 127.0.0.1:1: Connection refused\n"); err == nil {
		t.Fatal("garbage accepted")
	}
}
