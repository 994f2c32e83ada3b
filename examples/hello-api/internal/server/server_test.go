package server

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func newServer(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Version == "" {
		opts.Version = "1.2.3"
	}
	if opts.Commit == "" {
		opts.Commit = "abc"
	}
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	s.SetReady(true)
	return s
}

func do(t *testing.T, h http.Handler, method, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec
}

func scrape(t *testing.T, h http.Handler) map[string]*family {
	t.Helper()
	rec := do(t, h, http.MethodGet, "/metrics")
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/plain; version=0.0.4; charset=utf-8" {
		t.Fatalf("/metrics: Content-Type %q", ct)
	}
	return parseExposition(t, rec.Body.String())
}

func requestsTotal(t *testing.T, fams map[string]*family, code, path string) float64 {
	t.Helper()
	if fams["http_requests_total"] == nil {
		return 0
	}
	for _, s := range fams["http_requests_total"].samples {
		if s.labels["code"] == code && s.labels["path"] == path {
			return s.value
		}
	}
	return 0
}

func TestRootGreeting(t *testing.T) {
	h := newServer(t, Options{Version: "9.9.9"}).Handler()
	rec := do(t, h, http.MethodGet, "/")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	if got, want := rec.Body.String(), `{"message":"hello","version":"9.9.9"}`+"\n"; got != want {
		t.Fatalf("body %q, want %q", got, want)
	}
	var g struct{ Message, Version string }
	if err := json.Unmarshal(rec.Body.Bytes(), &g); err != nil || g.Message != "hello" || g.Version != "9.9.9" {
		t.Fatalf("decoded %+v, err %v", g, err)
	}
}

func TestRoutes(t *testing.T) {
	h := newServer(t, Options{}).Handler()
	for _, tc := range []struct {
		method, target string
		code           int
		body           string // exact, when non-empty
		ctype          string
	}{
		{"GET", "/healthz", 200, "ok", "text/plain; charset=utf-8"},
		{"HEAD", "/healthz", 200, "", "text/plain; charset=utf-8"},
		{"GET", "/readyz", 200, "ok", "text/plain; charset=utf-8"},
		{"HEAD", "/", 200, "", "application/json"},
		{"POST", "/", 405, `{"error":"method not allowed"}` + "\n", "application/json"},
		{"DELETE", "/healthz", 405, "", "application/json"},
		{"GET", "/nope", 404, `{"error":"not found"}` + "\n", "application/json"},
		{"GET", "/healthz/extra", 404, "", "application/json"},
	} {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			rec := do(t, h, tc.method, tc.target)
			if rec.Code != tc.code {
				t.Fatalf("status %d, want %d", rec.Code, tc.code)
			}
			if tc.body != "" && rec.Body.String() != tc.body {
				t.Fatalf("body %q, want %q", rec.Body.String(), tc.body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != tc.ctype {
				t.Fatalf("Content-Type %q, want %q", ct, tc.ctype)
			}
			if tc.code == 405 && rec.Header().Get("Allow") != "GET, HEAD" {
				t.Fatalf("Allow %q", rec.Header().Get("Allow"))
			}
		})
	}
}

func TestReadinessFlips(t *testing.T) {
	s, err := New(Options{Version: "v"})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	if rec := do(t, h, "GET", "/readyz"); rec.Code != 503 || rec.Body.String() != "not ready" {
		t.Fatalf("before start: %d %q, want 503", rec.Code, rec.Body.String())
	}
	s.SetReady(true)
	if rec := do(t, h, "GET", "/readyz"); rec.Code != 200 {
		t.Fatalf("after start: %d, want 200", rec.Code)
	}
	s.SetReady(false) // what main does on SIGTERM
	if rec := do(t, h, "GET", "/readyz"); rec.Code != 503 {
		t.Fatalf("shutting down: %d, want 503", rec.Code)
	}
	// Liveness is unaffected by readiness.
	if rec := do(t, h, "GET", "/healthz"); rec.Code != 200 {
		t.Fatalf("healthz while not ready: %d", rec.Code)
	}
	fams := scrape(t, h)
	if got := requestsTotal(t, fams, "503", "/readyz"); got != 2 {
		t.Fatalf(`http_requests_total{code="503",path="/readyz"} = %v, want 2`, got)
	}
}

func TestMetricsCountRequestsButNotScrapes(t *testing.T) {
	h := newServer(t, Options{}).Handler()
	for range 3 {
		do(t, h, "GET", "/")
	}
	do(t, h, "GET", "/healthz")
	do(t, h, "GET", "/does-not-exist")
	do(t, h, "GET", "/does-not-exist/either")
	do(t, h, "POST", "/")

	first := do(t, h, "GET", "/metrics").Body.String()
	second := do(t, h, "GET", "/metrics").Body.String()
	if first != second {
		t.Fatalf("scraping changed the metrics:\n%s\n---\n%s", first, second)
	}
	if strings.Contains(first, `path="/metrics"`) {
		t.Fatalf("/metrics must not be instrumented:\n%s", first)
	}

	fams := parseExposition(t, first)
	for _, c := range []struct {
		code, path string
		want       float64
	}{
		{"200", "/", 3}, {"405", "/", 1}, {"200", "/healthz", 1}, {"404", "unmatched", 2},
	} {
		if got := requestsTotal(t, fams, c.code, c.path); got != c.want {
			t.Errorf(`http_requests_total{code=%q,path=%q} = %v, want %v`, c.code, c.path, got, c.want)
		}
	}
	if got := find(t, fams, "http_request_duration_seconds", "http_request_duration_seconds_count", map[string]string{"path": "/"}); got != 4 {
		t.Errorf("duration count for / = %v, want 4", got)
	}
	if got := find(t, fams, "hello_api_build_info", "hello_api_build_info", map[string]string{"version": "1.2.3", "commit": "abc"}); got != 1 {
		t.Errorf("build info = %v", got)
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		ok   bool
	}{
		{"zero", Options{}, true},
		{"rate 1", Options{ErrorRate: 1}, true},
		{"rate 0.5 latency", Options{ErrorRate: .5, Latency: time.Second}, true},
		{"negative rate", Options{ErrorRate: -0.1}, false},
		{"rate above 1", Options{ErrorRate: 1.01}, false},
		{"NaN rate", Options{ErrorRate: math.NaN()}, false},
		{"negative latency", Options{Latency: -time.Millisecond}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.opts)
			if (err == nil) != tc.ok {
				t.Fatalf("New(%+v) err = %v, want ok=%v", tc.opts, err, tc.ok)
			}
		})
	}
}

// codes issues n GET / requests and returns the status codes in order.
func codes(t *testing.T, s *Server, n int) []int {
	t.Helper()
	h := s.Handler()
	out := make([]int, n)
	for i := range out {
		out[i] = do(t, h, "GET", "/").Code
	}
	return out
}

func TestErrorRateInjectionIsStatisticallyCorrectAndSeeded(t *testing.T) {
	const n = 4000
	for _, rate := range []float64{0.05, 0.25, 0.5} {
		s := newServer(t, Options{ErrorRate: rate, Seed: 42})
		got := codes(t, s, n)
		fails := 0
		for _, c := range got {
			switch c {
			case 500:
				fails++
			case 200:
			default:
				t.Fatalf("unexpected status %d", c)
			}
		}
		// Deterministic for a fixed seed; the bound (±5 standard deviations)
		// only guards against a broken implementation, not randomness.
		sd := math.Sqrt(n * rate * (1 - rate))
		if d := math.Abs(float64(fails) - n*rate); d > 5*sd {
			t.Errorf("rate %v: %d/%d failures, expected about %v (±%.0f)", rate, fails, n, n*rate, 5*sd)
		}
		// Metrics agree with what clients saw.
		fams := scrape(t, s.Handler())
		if m := requestsTotal(t, fams, "500", "/"); m != float64(fails) {
			t.Errorf("rate %v: metrics report %v failures, clients saw %d", rate, m, fails)
		}

		// Same seed, same sequence.
		again := codes(t, newServer(t, Options{ErrorRate: rate, Seed: 42}), n)
		for i := range got {
			if got[i] != again[i] {
				t.Fatalf("rate %v: seed 42 not reproducible at request %d", rate, i)
			}
		}
	}

	a := codes(t, newServer(t, Options{ErrorRate: .5, Seed: 1}), 200)
	b := codes(t, newServer(t, Options{ErrorRate: .5, Seed: 2}), 200)
	if slices.Equal(a, b) {
		t.Fatal("different seeds produced identical sequences")
	}
}

func TestErrorRateExtremes(t *testing.T) {
	for _, c := range codes(t, newServer(t, Options{ErrorRate: 0}), 500) {
		if c != 200 {
			t.Fatalf("rate 0 produced %d", c)
		}
	}
	s := newServer(t, Options{ErrorRate: 1})
	for _, c := range codes(t, s, 500) {
		if c != 500 {
			t.Fatalf("rate 1 produced %d", c)
		}
	}
	rec := do(t, s.Handler(), "GET", "/")
	if rec.Body.String() != `{"error":"injected failure"}`+"\n" {
		t.Fatalf("failure body %q", rec.Body.String())
	}
	// Only / is affected.
	if rec := do(t, s.Handler(), "GET", "/healthz"); rec.Code != 200 {
		t.Fatalf("/healthz with rate 1: %d", rec.Code)
	}
}

func TestLatencyInjection(t *testing.T) {
	const lat = 60 * time.Millisecond
	s := newServer(t, Options{Latency: lat})
	h := s.Handler()

	start := time.Now()
	rec := do(t, h, "GET", "/")
	if took := time.Since(start); took < lat {
		t.Fatalf("GET / took %v, want at least %v", took, lat)
	}
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}

	// Probes are not delayed (a slow probe would get the pod killed).
	start = time.Now()
	do(t, h, "GET", "/healthz")
	if took := time.Since(start); took >= lat {
		t.Fatalf("/healthz took %v; latency must only apply to /", took)
	}

	// The histogram saw the delay: nothing at or below 50ms for "/".
	fams := scrape(t, h)
	if v := find(t, fams, "http_request_duration_seconds", "http_request_duration_seconds_bucket", map[string]string{"path": "/", "le": "0.05"}); v != 0 {
		t.Errorf(`le="0.05" bucket = %v, want 0`, v)
	}
	if v := find(t, fams, "http_request_duration_seconds", "http_request_duration_seconds_bucket", map[string]string{"path": "/", "le": "+Inf"}); v != 1 {
		t.Errorf(`le="+Inf" bucket = %v, want 1`, v)
	}
	if v := find(t, fams, "http_request_duration_seconds", "http_request_duration_seconds_sum", map[string]string{"path": "/"}); v < lat.Seconds() {
		t.Errorf("sum = %v, want >= %v", v, lat.Seconds())
	}
}

func TestLatencyAbortsWhenClientGoesAway(t *testing.T) {
	s := newServer(t, Options{Latency: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequest("GET", "/", nil).WithContext(ctx)
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		s.Handler().ServeHTTP(rec, req)
		close(done)
	}()
	time.Sleep(10 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("handler did not return after client cancellation")
	}
	fams := scrape(t, s.Handler())
	if v := find(t, fams, "http_requests_in_flight", "http_requests_in_flight", nil); v != 0 {
		t.Fatalf("in flight after cancellation = %v, want 0", v)
	}
	if got := requestsTotal(t, fams, "499", "/"); got != 1 {
		t.Fatalf(`http_requests_total{code="499",path="/"} = %v, want 1`, got)
	}
}

// Real HTTP server, concurrent clients and scrapes: exercised under -race.
func TestConcurrentTrafficOverHTTP(t *testing.T) {
	s := newServer(t, Options{ErrorRate: 0.3, Seed: 7})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()

	const clients, per = 8, 25
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		seen  = map[int]int{}
		errCh = make(chan error, clients*per)
	)
	for range clients {
		wg.Go(func() {
			for range per {
				resp, err := ts.Client().Get(ts.URL + "/")
				if err != nil {
					errCh <- err
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				seen[resp.StatusCode]++
				mu.Unlock()
				if r, err := ts.Client().Get(ts.URL + "/metrics"); err == nil {
					_, _ = io.Copy(io.Discard, r.Body)
					r.Body.Close()
				}
			}
		})
	}
	wg.Wait()
	close(errCh)
	for err := range errCh {
		t.Fatal(err)
	}
	fams := scrape(t, s.Handler())
	if got, want := requestsTotal(t, fams, "200", "/"), float64(seen[200]); got != want {
		t.Errorf("200s: metrics %v, clients %v", got, want)
	}
	if got, want := requestsTotal(t, fams, "500", "/"), float64(seen[500]); got != want {
		t.Errorf("500s: metrics %v, clients %v", got, want)
	}
	if seen[200]+seen[500] != clients*per {
		t.Errorf("unexpected statuses: %v", seen)
	}
}

func TestInstrumentRecordsPanicsAs500(t *testing.T) {
	s := newServer(t, Options{})
	h := s.instrument("/boom", http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	}))
	func() {
		defer func() {
			if p := recover(); p != http.ErrAbortHandler {
				t.Fatalf("panic not re-raised: %v", p)
			}
		}()
		do(t, h, "GET", "/boom")
	}()
	fams := scrape(t, s.Handler())
	if got := requestsTotal(t, fams, "500", "/boom"); got != 1 {
		t.Fatalf(`http_requests_total{code="500",path="/boom"} = %v, want 1`, got)
	}
	if v := find(t, fams, "http_requests_in_flight", "http_requests_in_flight", nil); v != 0 {
		t.Fatalf("in flight = %v, want 0", v)
	}
}
