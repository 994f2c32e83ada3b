// Package server implements hello-api's HTTP handlers, readiness state,
// failure injection and hand-written Prometheus metrics.
package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Route labels used for the "path" label of the HTTP metrics. Labels are the
// registered routes, never raw URLs, so cardinality stays bounded.
const (
	RouteRoot      = "/"
	RouteHealthz   = "/healthz"
	RouteReadyz    = "/readyz"
	RouteMetrics   = "/metrics"
	RouteUnmatched = "unmatched"
)

// StatusClientClosedRequest is recorded (nginx-style) when the client goes
// away before an injected delay elapses. The client never sees it.
const StatusClientClosedRequest = 499

// Options configures a Server.
type Options struct {
	// Version and Commit are reported by GET / and hello_api_build_info.
	Version string
	Commit  string

	// ErrorRate is the fraction (0..1) of GET / requests answered with 500.
	ErrorRate float64
	// Latency is added to every GET / request before it is answered.
	Latency time.Duration
	// Seed seeds the failure-injection random source. Zero means "pick a
	// random seed"; any other value makes injected failures reproducible.
	Seed uint64

	// Logger receives access logs (debug level). Nil discards them.
	Logger *slog.Logger
}

// Validate reports whether the options are usable.
func (o Options) Validate() error {
	// Written as a negated range check so NaN is rejected too.
	if !(o.ErrorRate >= 0 && o.ErrorRate <= 1) {
		return fmt.Errorf("error rate must be between 0 and 1, got %v", o.ErrorRate)
	}
	if o.Latency < 0 {
		return fmt.Errorf("latency must not be negative, got %v", o.Latency)
	}
	return nil
}

// Server holds the service state. Create it with New.
type Server struct {
	opts    Options
	log     *slog.Logger
	metrics *Metrics
	ready   atomic.Bool

	rngMu sync.Mutex // *rand.Rand is not safe for concurrent use
	rng   *rand.Rand
}

// New validates opts and returns a Server that is NOT yet ready; call
// SetReady(true) once it is accepting connections.
func New(opts Options) (*Server, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	seed := opts.Seed
	if seed == 0 {
		seed = rand.Uint64() // auto-seeded global source
	}
	return &Server{
		opts:    opts,
		log:     log,
		metrics: NewMetrics(opts.Version, opts.Commit),
		rng:     rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
	}, nil
}

// SetReady flips the readiness reported by /readyz.
func (s *Server) SetReady(ready bool) { s.ready.Store(ready) }

// Ready reports the current readiness.
func (s *Server) Ready() bool { return s.ready.Load() }

// Metrics returns the server's metrics registry.
func (s *Server) Metrics() *Metrics { return s.metrics }

// Handler returns the HTTP handler serving all routes. /metrics is
// deliberately not instrumented: scrapes must not change the numbers they
// read, which keeps both dashboards and tests deterministic.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/{$}", s.instrument(RouteRoot, getOnly(http.HandlerFunc(s.handleRoot))))
	mux.Handle(RouteHealthz, s.instrument(RouteHealthz, getOnly(http.HandlerFunc(s.handleHealthz))))
	mux.Handle(RouteReadyz, s.instrument(RouteReadyz, getOnly(http.HandlerFunc(s.handleReadyz))))
	mux.Handle(RouteMetrics, getOnly(http.HandlerFunc(s.handleMetrics)))
	mux.Handle("/", s.instrument(RouteUnmatched, http.HandlerFunc(s.handleNotFound)))
	return mux
}

type greeting struct {
	Message string `json:"message"`
	Version string `json:"version"`
}

func (s *Server) handleRoot(w http.ResponseWriter, r *http.Request) {
	if d := s.opts.Latency; d > 0 {
		if err := sleep(r.Context(), d); err != nil {
			w.WriteHeader(StatusClientClosedRequest)
			return
		}
	}
	if s.injectFailure() {
		s.log.DebugContext(r.Context(), "injected failure", "path", r.URL.Path)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "injected failure"})
		return
	}
	writeJSON(w, http.StatusOK, greeting{Message: "hello", Version: s.opts.Version})
}

func (s *Server) handleHealthz(w http.ResponseWriter, _ *http.Request) {
	writeText(w, http.StatusOK, "ok")
}

func (s *Server) handleReadyz(w http.ResponseWriter, _ *http.Request) {
	if !s.Ready() {
		writeText(w, http.StatusServiceUnavailable, "not ready")
		return
	}
	writeText(w, http.StatusOK, "ok")
}

func (s *Server) handleMetrics(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", ContentType)
	w.WriteHeader(http.StatusOK)
	_, _ = s.metrics.WriteTo(w)
}

func (s *Server) handleNotFound(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
}

// injectFailure draws from the seeded source and reports whether this request
// should fail. With ErrorRate 0 it never draws, so the sequence is untouched.
func (s *Server) injectFailure() bool {
	rate := s.opts.ErrorRate
	if rate <= 0 {
		return false
	}
	s.rngMu.Lock()
	f := s.rng.Float64() // [0, 1), so rate 1 always fails
	s.rngMu.Unlock()
	return f < rate
}

// instrument records the status code and duration of every request under the
// fixed route label and emits a debug-level access log.
func (s *Server) instrument(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.metrics.Start()
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			d := time.Since(start)
			code := rec.status()
			p := recover()
			if p != nil {
				code = http.StatusInternalServerError // net/http drops the connection
			}
			s.metrics.Finish(route, code, d)
			s.log.DebugContext(r.Context(), "request",
				"method", r.Method, "path", r.URL.Path, "route", route,
				"status", code, "duration_ms", float64(d.Microseconds())/1000)
			if p != nil {
				panic(p)
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// getOnly answers anything but GET/HEAD with 405 Method Not Allowed.
func getOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method not allowed"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(append(body, '\n'))
}

func writeText(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, body)
}

// sleep waits for d or until ctx is done, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// statusRecorder captures the status code written by a handler.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(p []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) status() int {
	if r.code == 0 {
		// Handler wrote nothing: net/http sends 200 with an empty body.
		return http.StatusOK
	}
	return r.code
}
