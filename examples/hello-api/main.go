// Command hello-api is a small HTTP service used to demo Gantry: it greets,
// exposes health, readiness and Prometheus metrics, can inject errors and
// latency for canary demos, and shuts down gracefully on SIGTERM/SIGINT.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gantry-ci/gantry/examples/hello-api/internal/server"
)

// Build metadata, stamped at link time:
//
//	go build -ldflags "-X main.version=1.2.3 -X main.commit=abc -X main.date=2026-01-01"
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

// Exit codes.
const (
	exitOK      = 0
	exitRuntime = 1 // listen failure, server crash, drain timeout
	exitUsage   = 2 // bad flags or environment
)

func versionString() string {
	return fmt.Sprintf("hello-api %s (commit %s, built %s)", version, commit, date)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	go func() {
		<-ctx.Done()
		stop() // restore default handling: a second signal kills immediately
	}()
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr, nil)
	stop()
	os.Exit(code)
}

// run is the whole program minus process-global concerns, so tests can drive
// it: cancelling ctx is the equivalent of SIGTERM. If onListening is non-nil it
// is called with the bound address once the server accepts connections.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, onListening func(net.Addr)) int {
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		for line := range strings.Lines(err.Error()) { // one line per problem
			fmt.Fprintf(stderr, "hello-api: %s\n", strings.TrimSuffix(line, "\n"))
		}
		return exitUsage
	}
	if cfg.showVersion {
		fmt.Fprintln(stdout, versionString())
		return exitOK
	}

	logHandler := slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.logLevel})
	logger := slog.New(logHandler).With("service", "hello-api")

	srv, err := server.New(server.Options{
		Version:   version,
		Commit:    commit,
		ErrorRate: cfg.errorRate,
		Latency:   cfg.latency,
		Seed:      cfg.seed,
		Logger:    logger,
	})
	if err != nil {
		logger.Error("invalid configuration", "error", err)
		return exitUsage
	}

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		logger.Error("listen failed", "addr", cfg.addr, "error", err)
		return exitRuntime
	}

	httpSrv := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       60 * time.Second,
		ErrorLog:          slog.NewLogLogger(logHandler, slog.LevelWarn),
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- httpSrv.Serve(ln) }()

	srv.SetReady(true)
	logger.Info("listening",
		"addr", ln.Addr().String(),
		"version", version, "commit", commit, "date", date,
		"error_rate", cfg.errorRate, "latency", cfg.latency.String(),
		"shutdown_timeout", cfg.shutdownTimeout.String(), "shutdown_delay", cfg.shutdownDelay.String())
	if onListening != nil {
		onListening(ln.Addr())
	}

	select {
	case err := <-serveErr:
		srv.SetReady(false)
		logger.Error("server stopped unexpectedly", "error", err)
		return exitRuntime
	case <-ctx.Done():
	}

	// Graceful shutdown: fail readiness first so load balancers stop routing
	// here, optionally keep serving for shutdown-delay while that propagates,
	// then stop accepting and drain in-flight requests within the timeout.
	srv.SetReady(false)
	logger.Info("shutdown requested; readiness now failing",
		"shutdown_delay", cfg.shutdownDelay.String(), "shutdown_timeout", cfg.shutdownTimeout.String())
	if cfg.shutdownDelay > 0 {
		time.Sleep(cfg.shutdownDelay)
	}

	drainCtx, cancel := context.WithTimeout(context.Background(), cfg.shutdownTimeout)
	defer cancel()
	start := time.Now()
	if err := httpSrv.Shutdown(drainCtx); err != nil {
		logger.Error("graceful shutdown did not complete; closing remaining connections",
			"error", err, "waited", time.Since(start).String())
		_ = httpSrv.Close()
		<-serveErr
		return exitRuntime
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error("server error during shutdown", "error", err)
		return exitRuntime
	}
	logger.Info("shutdown complete", "drained_in", time.Since(start).String())
	return exitOK
}
