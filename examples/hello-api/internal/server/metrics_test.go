package server

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func render(t *testing.T, m *Metrics) string {
	t.Helper()
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestMetricsEmptyRegistryExposesOnlyGauges(t *testing.T) {
	out := render(t, NewMetrics("1.2.3", "abc"))
	want := "# HELP http_requests_in_flight Number of HTTP requests currently being served.\n" +
		"# TYPE http_requests_in_flight gauge\n" +
		"http_requests_in_flight 0\n" +
		"# HELP hello_api_build_info A metric with a constant '1' value labeled by version and commit from which hello-api was built.\n" +
		"# TYPE hello_api_build_info gauge\n" +
		`hello_api_build_info{version="1.2.3",commit="abc"} 1` + "\n"
	if out != want {
		t.Fatalf("got:\n%s\nwant:\n%s", out, want)
	}
	parseExposition(t, out)
}

func TestMetricsExpositionGolden(t *testing.T) {
	m := NewMetrics("v1", "c1")
	m.Observe("/", 200, 3*time.Millisecond)   // le=0.005
	m.Observe("/", 200, 10*time.Millisecond)  // exactly on a bound: le is inclusive
	m.Observe("/", 500, 300*time.Millisecond) // le=0.5
	m.Observe("/", 200, 20*time.Second)       // above every finite bucket
	m.Observe("/healthz", 200, time.Millisecond)

	want := `# HELP http_requests_total Total number of HTTP requests handled, by status code and route.
# TYPE http_requests_total counter
http_requests_total{code="200",path="/"} 3
http_requests_total{code="500",path="/"} 1
http_requests_total{code="200",path="/healthz"} 1
# HELP http_request_duration_seconds Duration of HTTP requests in seconds, by route.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{path="/",le="0.005"} 1
http_request_duration_seconds_bucket{path="/",le="0.01"} 2
http_request_duration_seconds_bucket{path="/",le="0.025"} 2
http_request_duration_seconds_bucket{path="/",le="0.05"} 2
http_request_duration_seconds_bucket{path="/",le="0.1"} 2
http_request_duration_seconds_bucket{path="/",le="0.25"} 2
http_request_duration_seconds_bucket{path="/",le="0.5"} 3
http_request_duration_seconds_bucket{path="/",le="0.6"} 3
http_request_duration_seconds_bucket{path="/",le="0.7"} 3
http_request_duration_seconds_bucket{path="/",le="0.8"} 3
http_request_duration_seconds_bucket{path="/",le="0.9"} 3
http_request_duration_seconds_bucket{path="/",le="0.95"} 3
http_request_duration_seconds_bucket{path="/",le="1"} 3
http_request_duration_seconds_bucket{path="/",le="1.25"} 3
http_request_duration_seconds_bucket{path="/",le="1.5"} 3
http_request_duration_seconds_bucket{path="/",le="2"} 3
http_request_duration_seconds_bucket{path="/",le="2.5"} 3
http_request_duration_seconds_bucket{path="/",le="5"} 3
http_request_duration_seconds_bucket{path="/",le="10"} 3
http_request_duration_seconds_bucket{path="/",le="+Inf"} 4
http_request_duration_seconds_sum{path="/"} 20.313
http_request_duration_seconds_count{path="/"} 4
http_request_duration_seconds_bucket{path="/healthz",le="0.005"} 1
http_request_duration_seconds_bucket{path="/healthz",le="0.01"} 1
http_request_duration_seconds_bucket{path="/healthz",le="0.025"} 1
http_request_duration_seconds_bucket{path="/healthz",le="0.05"} 1
http_request_duration_seconds_bucket{path="/healthz",le="0.1"} 1
http_request_duration_seconds_bucket{path="/healthz",le="0.25"} 1
http_request_duration_seconds_bucket{path="/healthz",le="0.5"} 1
http_request_duration_seconds_bucket{path="/healthz",le="0.6"} 1
http_request_duration_seconds_bucket{path="/healthz",le="0.7"} 1
http_request_duration_seconds_bucket{path="/healthz",le="0.8"} 1
http_request_duration_seconds_bucket{path="/healthz",le="0.9"} 1
http_request_duration_seconds_bucket{path="/healthz",le="0.95"} 1
http_request_duration_seconds_bucket{path="/healthz",le="1"} 1
http_request_duration_seconds_bucket{path="/healthz",le="1.25"} 1
http_request_duration_seconds_bucket{path="/healthz",le="1.5"} 1
http_request_duration_seconds_bucket{path="/healthz",le="2"} 1
http_request_duration_seconds_bucket{path="/healthz",le="2.5"} 1
http_request_duration_seconds_bucket{path="/healthz",le="5"} 1
http_request_duration_seconds_bucket{path="/healthz",le="10"} 1
http_request_duration_seconds_bucket{path="/healthz",le="+Inf"} 1
http_request_duration_seconds_sum{path="/healthz"} 0.001
http_request_duration_seconds_count{path="/healthz"} 1
# HELP http_requests_in_flight Number of HTTP requests currently being served.
# TYPE http_requests_in_flight gauge
http_requests_in_flight 0
# HELP hello_api_build_info A metric with a constant '1' value labeled by version and commit from which hello-api was built.
# TYPE hello_api_build_info gauge
hello_api_build_info{version="v1",commit="c1"} 1
`
	got := render(t, m)
	if got != want {
		t.Fatalf("exposition mismatch\n got:\n%s\nwant:\n%s", got, want)
	}

	fams := parseExposition(t, got)
	for name, typ := range map[string]string{
		"http_requests_total":           "counter",
		"http_request_duration_seconds": "histogram",
		"http_requests_in_flight":       "gauge",
		"hello_api_build_info":          "gauge",
	} {
		if fams[name] == nil || fams[name].typ != typ {
			t.Errorf("family %s: want type %s, got %+v", name, typ, fams[name])
		}
	}
}

func TestMetricsLabelValueEscaping(t *testing.T) {
	nasty := "v\"1\\beta\nrc\xff" // quote, backslash, newline, invalid UTF-8
	out := render(t, NewMetrics(nasty, `c"`))
	if !strings.Contains(out, `hello_api_build_info{version="v\"1\\beta\nrc`+"\uFFFD"+`",commit="c\""} 1`) {
		t.Fatalf("label values not escaped correctly:\n%s", out)
	}
	fams := parseExposition(t, out)
	got := fams["hello_api_build_info"].samples[0].labels["version"]
	if want := "v\"1\\beta\nrc\uFFFD"; got != want {
		t.Fatalf("round trip: got %q, want %q", got, want)
	}
}

func TestMetricsInFlight(t *testing.T) {
	m := NewMetrics("v", "c")
	m.Start()
	m.Start()
	fams := parseExposition(t, render(t, m))
	if v := find(t, fams, "http_requests_in_flight", "http_requests_in_flight", nil); v != 2 {
		t.Fatalf("in flight = %v, want 2", v)
	}
	m.Finish("/", 200, time.Millisecond)
	fams = parseExposition(t, render(t, m))
	if v := find(t, fams, "http_requests_in_flight", "http_requests_in_flight", nil); v != 1 {
		t.Fatalf("in flight = %v, want 1", v)
	}
	if v := find(t, fams, "http_requests_total", "http_requests_total", map[string]string{"code": "200", "path": "/"}); v != 1 {
		t.Fatalf("requests = %v, want 1", v)
	}
}

func TestEscapeLabelValue(t *testing.T) {
	for in, want := range map[string]string{
		"plain":   "plain",
		`a\b`:     `a\\b`,
		`say "x"`: `say \"x\"`,
		"l1\nl2":  `l1\nl2`,
		"ü":       "ü",
	} {
		if got := EscapeLabelValue(in); got != want {
			t.Errorf("EscapeLabelValue(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatFloat(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{0.005, "0.005"}, {1, "1"}, {2.5, "2.5"}, {10, "10"},
		{math.Inf(1), "+Inf"}, {math.Inf(-1), "-Inf"}, {math.NaN(), "NaN"},
		{1e-7, "1e-07"},
	} {
		if got := formatFloat(tc.in); got != tc.want {
			t.Errorf("formatFloat(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Concurrent observers and scrapers: must be race-free and every scrape must
// be internally consistent (cumulative buckets, +Inf == count).
func TestMetricsConcurrentObserveAndScrape(t *testing.T) {
	m := NewMetrics("v", "c")
	const workers, per = 8, 500
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range per {
				m.Observe("/", 200+(i%2)*300, time.Duration(w*i)*time.Microsecond)
			}
		})
	}
	stop := make(chan struct{})
	scrapes := make(chan []string)
	go func() {
		var outs []string
		for {
			select {
			case <-stop:
				scrapes <- outs
				return
			default:
				var b bytes.Buffer
				_, _ = m.WriteTo(&b)
				if len(outs) < 200 {
					outs = append(outs, b.String())
				}
			}
		}
	}()
	wg.Wait()
	close(stop)
	for _, out := range <-scrapes { // parse on the test goroutine (t.Fatal rule)
		parseExposition(t, out)
	}

	fams := parseExposition(t, render(t, m))
	total := find(t, fams, "http_requests_total", "http_requests_total", map[string]string{"code": "200", "path": "/"}) +
		find(t, fams, "http_requests_total", "http_requests_total", map[string]string{"code": "500", "path": "/"})
	count := find(t, fams, "http_request_duration_seconds", "http_request_duration_seconds_count", map[string]string{"path": "/"})
	if total != workers*per || count != workers*per {
		t.Fatalf("requests_total=%v count=%v, want %d", total, count, workers*per)
	}
}

// quantile is PromQL's histogram_quantile over cumulative buckets: linear
// interpolation inside the bucket the rank falls in.
func quantile(q float64, bounds []float64, cumulative []uint64, total uint64) float64 {
	rank := q * float64(total)
	lower, below := 0.0, uint64(0)
	for i, upper := range bounds {
		if float64(cumulative[i]) >= rank {
			return lower + (upper-lower)*(rank-float64(below))/float64(cumulative[i]-below)
		}
		lower, below = upper, cumulative[i]
	}
	return bounds[len(bounds)-1]
}

// p99 of n requests that each took `took`, as Prometheus would read the
// histogram this service exposes.
func p99Of(took time.Duration, n int) float64 {
	m := NewMetrics("v1", "c1")
	for range n {
		m.Observe("/", 200, took)
	}
	h := m.durations["/"]
	cumulative := make([]uint64, len(m.buckets))
	var sum uint64
	for i, c := range h.counts {
		sum += c
		cumulative[i] = sum
	}
	return quantile(0.99, m.buckets, cumulative, h.count)
}

// The buckets must resolve the thresholds pipelines use: a p99 under 1 s reads
// under it, one over reads over it, and 0.6 s is told from 0.99 s (with the
// client defaults both read 995 ms).
func TestBucketsResolveTheLatencyThreshold(t *testing.T) {
	fast, nearly, over := p99Of(600*time.Millisecond+time.Millisecond, 100), p99Of(990*time.Millisecond, 100), p99Of(1010*time.Millisecond, 100)
	if fast > 0.7 || nearly <= 0.95 || nearly > 1 || over <= 1 {
		t.Fatalf("p99 of 0.6 s, 0.99 s and 1.01 s read as %v, %v and %v", fast, nearly, over)
	}
	if nearly-fast < 0.2 {
		t.Fatalf("0.6 s and 0.99 s are not told apart: %v vs %v", fast, nearly)
	}
	if !slices.Contains(DefaultBuckets, 1) {
		t.Fatal("no bucket bound at the default 1 s threshold")
	}
}
