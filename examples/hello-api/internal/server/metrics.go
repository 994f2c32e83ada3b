package server

import (
	"bytes"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ContentType is the media type of the Prometheus text exposition format 0.0.4.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// DefaultBuckets are the upper bounds (in seconds) of the request duration
// histogram: the Prometheus client libraries' defaults, with bounds every 100 ms
// from 0.5 s to 1 s and at 0.95, 1.25, 1.5 and 2 s. histogram_quantile
// interpolates inside a bucket, so with the defaults alone every p99 between
// 0.5 s and 1 s read as 995 ms, just under the 1 s canary threshold: 0.6 s and
// 0.99 s could not be told apart. A bound at each threshold a pipeline uses
// (1 s by default) and fine bounds below it keep the verdict on the right side.
var DefaultBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, .6, .7, .8, .9, .95, 1, 1.25, 1.5, 2, 2.5, 5, 10}

// Metric names exposed by this service.
const (
	metricRequests  = "http_requests_total"
	metricDuration  = "http_request_duration_seconds"
	metricInFlight  = "http_requests_in_flight"
	metricBuildInfo = "hello_api_build_info"
)

type requestKey struct {
	code int
	path string
}

type histogram struct {
	counts []uint64 // per bucket, NOT cumulative; len == len(buckets)
	count  uint64   // total observations (this is the +Inf bucket)
	sum    float64
}

// Metrics is a tiny, dependency-free Prometheus registry holding exactly the
// metrics this service exposes. It is safe for concurrent use. A single mutex
// (rather than independent atomics) guarantees every scrape sees a consistent
// snapshot: the +Inf bucket always equals _count and buckets are monotonic.
type Metrics struct {
	version, commit string
	buckets         []float64

	mu        sync.Mutex
	requests  map[requestKey]uint64
	durations map[string]*histogram
	inFlight  int64
}

// NewMetrics returns an empty registry whose build-info gauge carries the
// given version and commit.
func NewMetrics(version, commit string) *Metrics {
	return &Metrics{
		version:   version,
		commit:    commit,
		buckets:   slices.Clone(DefaultBuckets),
		requests:  make(map[requestKey]uint64),
		durations: make(map[string]*histogram),
	}
}

// Start marks a request as in flight; call Finish when it completes.
func (m *Metrics) Start() {
	m.mu.Lock()
	m.inFlight++
	m.mu.Unlock()
}

// Finish ends a request begun with Start and records it like Observe.
func (m *Metrics) Finish(path string, code int, d time.Duration) {
	m.mu.Lock()
	m.inFlight--
	m.mu.Unlock()
	m.Observe(path, code, d)
}

// Observe records one finished request for route path with status code and
// wall-clock duration d.
func (m *Metrics) Observe(path string, code int, d time.Duration) {
	secs := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()

	m.requests[requestKey{code: code, path: path}]++

	h := m.durations[path]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(m.buckets))}
		m.durations[path] = h
	}
	// Buckets are inclusive upper bounds (le = "less than or equal").
	if i, _ := slices.BinarySearch(m.buckets, secs); i < len(m.buckets) {
		h.counts[i]++
	}
	h.count++
	h.sum += secs
}

// WriteTo renders all metrics in the Prometheus text exposition format 0.0.4.
// Families are emitted in a fixed order, series are sorted by labels, and
// families without samples are omitted (as the official client libraries do).
func (m *Metrics) WriteTo(w io.Writer) (int64, error) {
	var b bytes.Buffer

	m.mu.Lock()
	// Counter: requests by status code and route.
	if len(m.requests) > 0 {
		keys := make([]requestKey, 0, len(m.requests))
		for k := range m.requests {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b requestKey) int {
			if c := strings.Compare(a.path, b.path); c != 0 {
				return c
			}
			return a.code - b.code
		})
		writeHeader(&b, metricRequests, "counter", "Total number of HTTP requests handled, by status code and route.")
		for _, k := range keys {
			writeSample(&b, metricRequests, [][2]string{{"code", strconv.Itoa(k.code)}, {"path", k.path}}, formatUint(m.requests[k]))
		}
	}

	// Histogram: request latency by route.
	if len(m.durations) > 0 {
		paths := make([]string, 0, len(m.durations))
		for p := range m.durations {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		writeHeader(&b, metricDuration, "histogram", "Duration of HTTP requests in seconds, by route.")
		for _, p := range paths {
			h := m.durations[p]
			var cum uint64
			for i, le := range m.buckets {
				cum += h.counts[i]
				writeSample(&b, metricDuration+"_bucket", [][2]string{{"path", p}, {"le", formatFloat(le)}}, formatUint(cum))
			}
			writeSample(&b, metricDuration+"_bucket", [][2]string{{"path", p}, {"le", "+Inf"}}, formatUint(h.count))
			writeSample(&b, metricDuration+"_sum", [][2]string{{"path", p}}, formatFloat(h.sum))
			writeSample(&b, metricDuration+"_count", [][2]string{{"path", p}}, formatUint(h.count))
		}
	}

	// Gauge: requests currently being served (instrumented routes only).
	writeHeader(&b, metricInFlight, "gauge", "Number of HTTP requests currently being served.")
	writeSample(&b, metricInFlight, nil, strconv.FormatInt(m.inFlight, 10))
	m.mu.Unlock()

	// Gauge: constant 1, carrying build metadata as labels.
	writeHeader(&b, metricBuildInfo, "gauge", "A metric with a constant '1' value labeled by version and commit from which hello-api was built.")
	writeSample(&b, metricBuildInfo, [][2]string{{"version", m.version}, {"commit", m.commit}}, "1")

	return b.WriteTo(w)
}

func writeHeader(b *bytes.Buffer, name, typ, help string) {
	b.WriteString("# HELP ")
	b.WriteString(name)
	b.WriteByte(' ')
	b.WriteString(helpEscaper.Replace(help))
	b.WriteString("\n# TYPE ")
	b.WriteString(name)
	b.WriteByte(' ')
	b.WriteString(typ)
	b.WriteByte('\n')
}

func writeSample(b *bytes.Buffer, name string, labels [][2]string, value string) {
	b.WriteString(name)
	if len(labels) > 0 {
		b.WriteByte('{')
		for i, l := range labels {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(l[0])
			b.WriteString(`="`)
			b.WriteString(EscapeLabelValue(l[1]))
			b.WriteByte('"')
		}
		b.WriteByte('}')
	}
	b.WriteByte(' ')
	b.WriteString(value)
	b.WriteByte('\n')
}

// Escaping rules of the text format: HELP text escapes backslash and newline;
// label values additionally escape the double quote.
var (
	helpEscaper       = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
	labelValueEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
)

// EscapeLabelValue escapes v for use inside a double-quoted label value. The
// format requires UTF-8, so invalid byte sequences (e.g. from a bad -ldflags
// stamp) are replaced with U+FFFD first.
func EscapeLabelValue(v string) string {
	return labelValueEscaper.Replace(strings.ToValidUTF8(v, "\uFFFD"))
}

func formatUint(v uint64) string { return strconv.FormatUint(v, 10) }

func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, +1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
