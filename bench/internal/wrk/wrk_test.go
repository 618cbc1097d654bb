package wrk

import (
	"testing"
	"time"
)

const sample = `Running 5s test @ http://127.0.0.1:40123/hello
  2 threads and 100 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.02ms  345.12us   9.87ms   78.12%
    Req/Sec    49.12k     2.34k   55.67k    70.00%
  Latency Distribution
     50%  981.00us
     75%    1.20ms
     90%    1.45ms
     99%    2.10ms
  488827 requests in 5.00s, 40.45MB read
Requests/sec:  97765.40
Transfer/sec:      8.09MB
`

func TestParse(t *testing.T) {
	r, err := Parse(sample)
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests != 488827 || r.Duration != 5*time.Second || r.RPS != 97765.40 {
		t.Fatalf("totals: %+v", r)
	}
	if r.P50 != 981*time.Microsecond || r.P99 != 2100*time.Microsecond {
		t.Fatalf("latencies: p50 %v p99 %v", r.P50, r.P99)
	}
	if err := r.Check(); err != nil {
		t.Fatalf("clean run rejected: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	out := sample + "  Socket errors: connect 0, read 3, write 1, timeout 2\n  Non-2xx or 3xx responses: 17\n"
	r, err := Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	if r.SocketErrors != 6 || r.Non2xx != 17 {
		t.Fatalf("errors: socket %d non2xx %d", r.SocketErrors, r.Non2xx)
	}
	if r.Check() == nil {
		t.Fatal("run with errors accepted")
	}
	if _, err := Parse("unable to connect to 127.0.0.1:1 Connection refused\n"); err == nil {
		t.Fatal("garbage accepted")
	}
}
