package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"strconv"
	"strings"
	"time"
)

// config is the fully parsed and validated runtime configuration.
type config struct {
	showVersion     bool
	addr            string
	errorRate       float64
	latency         time.Duration
	seed            uint64
	shutdownTimeout time.Duration
	shutdownDelay   time.Duration
	logLevel        slog.Level
}

const (
	defaultAddr            = ":8080"
	defaultShutdownTimeout = 10 * time.Second
)

// parseConfig reads flags from args and environment variables through getenv.
// Precedence for every setting: command-line flag > environment > default.
// For the listen address: --addr > ADDR > PORT (as ":$PORT") > ":8080".
// Usage and flag-syntax errors are written to usage. A --help request returns
// flag.ErrHelp.
func parseConfig(args []string, getenv func(string) string, usage io.Writer) (config, error) {
	fs := flag.NewFlagSet("hello-api", flag.ContinueOnError)
	fs.SetOutput(usage)

	// Value flags are strings so that flag and env values go through the same
	// parser and produce the same, source-specific error messages.
	showVersion := fs.Bool("version", false, "print version information and exit")
	addr := fs.String("addr", defaultAddr, "listen `address` (env ADDR; env PORT=n means \":n\")")
	errorRate := fs.String("error-rate", "0", "`fraction` 0..1 of GET / requests answered with HTTP 500 (env ERROR_RATE)")
	latency := fs.String("latency", "0s", "extra `duration` added to every GET / request, e.g. 150ms (env LATENCY)")
	seed := fs.String("seed", "0", "random `seed` for failure injection; 0 picks one at random (env SEED)")
	shutdownTimeout := fs.String("shutdown-timeout", defaultShutdownTimeout.String(), "max `duration` to drain in-flight requests on SIGTERM/SIGINT (env SHUTDOWN_TIMEOUT)")
	shutdownDelay := fs.String("shutdown-delay", "0s", "`duration` to keep serving (with /readyz failing) before draining (env SHUTDOWN_DELAY)")
	logLevel := fs.String("log-level", "info", "log `level`: debug, info, warn or error (env LOG_LEVEL)")

	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: hello-api [flags]\n\nA tiny HTTP service used to demo Gantry. Flags override environment variables.\n\nFlags:\n")
		fs.PrintDefaults()
	}

	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return config{}, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}

	cfg := config{showVersion: *showVersion}
	if cfg.showVersion {
		return cfg, nil // --version must work whatever the environment holds
	}

	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	// pick returns the value to use and a human-readable name of its source.
	pick := func(flagName, envName, flagVal string) (string, string) {
		if set[flagName] {
			return flagVal, "--" + flagName
		}
		if v := getenv(envName); v != "" {
			return v, envName
		}
		return flagVal, "--" + flagName // default
	}

	var errs []error

	// Listen address.
	switch {
	case set["addr"]:
		cfg.addr = *addr
		errs = append(errs, checkAddr("--addr", cfg.addr))
	case getenv("ADDR") != "":
		cfg.addr = getenv("ADDR")
		errs = append(errs, checkAddr("ADDR", cfg.addr))
	case getenv("PORT") != "":
		p := getenv("PORT")
		if n, err := strconv.ParseUint(p, 10, 16); err != nil {
			errs = append(errs, fmt.Errorf("invalid PORT %q: must be a port number 0-65535", p))
		} else {
			cfg.addr = ":" + strconv.FormatUint(n, 10)
		}
	default:
		cfg.addr = defaultAddr
	}

	{
		v, src := pick("error-rate", "ERROR_RATE", *errorRate)
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		switch {
		case err != nil || math.IsNaN(f):
			errs = append(errs, fmt.Errorf("invalid %s %q: must be a number between 0 and 1", src, v))
		case f < 0 || f > 1:
			errs = append(errs, fmt.Errorf("invalid %s %q: must be between 0 and 1 (fraction of requests, not a percentage)", src, v))
		default:
			cfg.errorRate = f
		}
	}

	var err error
	if cfg.latency, err = parseDuration(pick("latency", "LATENCY", *latency)); err != nil {
		errs = append(errs, err)
	}
	if cfg.shutdownDelay, err = parseDuration(pick("shutdown-delay", "SHUTDOWN_DELAY", *shutdownDelay)); err != nil {
		errs = append(errs, err)
	}
	{
		v, src := pick("shutdown-timeout", "SHUTDOWN_TIMEOUT", *shutdownTimeout)
		d, err := parseDuration(v, src)
		switch {
		case err != nil:
			errs = append(errs, err)
		case d == 0:
			errs = append(errs, fmt.Errorf("invalid %s %q: must be greater than zero", src, v))
		default:
			cfg.shutdownTimeout = d
		}
	}

	{
		v, src := pick("seed", "SEED", *seed)
		n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("invalid %s %q: must be an unsigned integer", src, v))
		}
		cfg.seed = n
	}

	{
		v, src := pick("log-level", "LOG_LEVEL", *logLevel)
		if err := cfg.logLevel.UnmarshalText([]byte(strings.TrimSpace(v))); err != nil {
			errs = append(errs, fmt.Errorf("invalid %s %q: must be debug, info, warn or error", src, v))
		}
	}

	if err := errors.Join(errs...); err != nil {
		return config{}, err
	}
	return cfg, nil
}

// parseDuration parses a non-negative Go duration such as "150ms" or "2s".
// A bare "0" is accepted, as time.ParseDuration does.
func parseDuration(v, src string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil {
		return 0, fmt.Errorf("invalid %s %q: must be a Go duration such as 150ms, 2s or 1m30s", src, v)
	}
	if d < 0 {
		return 0, fmt.Errorf("invalid %s %q: must not be negative", src, v)
	}
	return d, nil
}

func checkAddr(src, addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("invalid %s %q: must be host:port or :port (e.g. :8080, 127.0.0.1:8080)", src, addr)
	}
	if port == "" {
		return fmt.Errorf("invalid %s %q: missing port", src, addr)
	}
	return nil
}
