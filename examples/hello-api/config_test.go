package main

import (
	"errors"
	"flag"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestParseConfigDefaults(t *testing.T) {
	cfg, err := parseConfig(nil, env(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := config{
		addr:            ":8080",
		shutdownTimeout: 10 * time.Second,
		logLevel:        slog.LevelInfo,
	}
	if cfg != want {
		t.Fatalf("got %+v\nwant %+v", cfg, want)
	}
}

func TestParseConfigPrecedence(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  func(string) string
		want config
	}{
		{
			name: "env only",
			env: env("ADDR", "127.0.0.1:9000", "ERROR_RATE", "0.25", "LATENCY", "150ms", "SEED", "42",
				"SHUTDOWN_TIMEOUT", "30s", "SHUTDOWN_DELAY", "5s", "LOG_LEVEL", "debug"),
			want: config{addr: "127.0.0.1:9000", errorRate: .25, latency: 150 * time.Millisecond, seed: 42,
				shutdownTimeout: 30 * time.Second, shutdownDelay: 5 * time.Second, logLevel: slog.LevelDebug},
		},
		{
			name: "flags beat env",
			args: []string{"--addr", ":7000", "--error-rate=1", "-latency", "1s", "--seed", "7",
				"--shutdown-timeout", "2s", "--shutdown-delay", "0", "--log-level", "WARN"},
			env: env("ADDR", ":9000", "ERROR_RATE", "0.25", "LATENCY", "150ms", "SEED", "42",
				"SHUTDOWN_TIMEOUT", "30s", "SHUTDOWN_DELAY", "5s", "LOG_LEVEL", "debug", "PORT", "1234"),
			want: config{addr: ":7000", errorRate: 1, latency: time.Second, seed: 7,
				shutdownTimeout: 2 * time.Second, logLevel: slog.LevelWarn},
		},
		{
			name: "PORT used when ADDR unset",
			env:  env("PORT", "3000"),
			want: config{addr: ":3000", shutdownTimeout: 10 * time.Second},
		},
		{
			name: "ADDR beats PORT",
			env:  env("PORT", "3000", "ADDR", "127.0.0.1:4000"),
			want: config{addr: "127.0.0.1:4000", shutdownTimeout: 10 * time.Second},
		},
		{
			name: "--addr beats PORT",
			args: []string{"--addr=127.0.0.1:0"},
			env:  env("PORT", "3000"),
			want: config{addr: "127.0.0.1:0", shutdownTimeout: 10 * time.Second},
		},
		{
			name: "explicit flag equal to default still wins over env",
			args: []string{"--error-rate", "0"},
			env:  env("ERROR_RATE", "0.9"),
			want: config{addr: ":8080", shutdownTimeout: 10 * time.Second},
		},
		{
			name: "whitespace in env tolerated",
			env:  env("ERROR_RATE", " 0.5 ", "LATENCY", " 20ms"),
			want: config{addr: ":8080", errorRate: .5, latency: 20 * time.Millisecond, shutdownTimeout: 10 * time.Second},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseConfig(tc.args, tc.env, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestParseConfigValidation(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		env     func(string) string
		wantErr string // substring
	}{
		{"rate above 1 flag", []string{"--error-rate", "1.5"}, env(), `invalid --error-rate "1.5": must be between 0 and 1`},
		{"rate percentage env", nil, env("ERROR_RATE", "20"), `invalid ERROR_RATE "20": must be between 0 and 1 (fraction of requests, not a percentage)`},
		{"rate negative", []string{"--error-rate=-0.1"}, env(), `invalid --error-rate "-0.1"`},
		{"rate NaN", nil, env("ERROR_RATE", "NaN"), `invalid ERROR_RATE "NaN": must be a number between 0 and 1`},
		{"rate garbage", nil, env("ERROR_RATE", "lots"), `invalid ERROR_RATE "lots": must be a number`},
		{"latency no unit", nil, env("LATENCY", "150"), `invalid LATENCY "150": must be a Go duration such as 150ms`},
		{"latency negative", []string{"--latency", "-1s"}, env(), `invalid --latency "-1s": must not be negative`},
		{"shutdown timeout zero", []string{"--shutdown-timeout", "0s"}, env(), `invalid --shutdown-timeout "0s": must be greater than zero`},
		{"shutdown timeout garbage", nil, env("SHUTDOWN_TIMEOUT", "soon"), `invalid SHUTDOWN_TIMEOUT "soon"`},
		{"shutdown delay negative", nil, env("SHUTDOWN_DELAY", "-5s"), `invalid SHUTDOWN_DELAY "-5s": must not be negative`},
		{"seed negative", nil, env("SEED", "-1"), `invalid SEED "-1": must be an unsigned integer`},
		{"log level", nil, env("LOG_LEVEL", "loud"), `invalid LOG_LEVEL "loud"`},
		{"port not a number", nil, env("PORT", "http"), `invalid PORT "http": must be a port number 0-65535`},
		{"port too big", nil, env("PORT", "70000"), `invalid PORT "70000"`},
		{"addr without port", []string{"--addr", "localhost"}, env(), `invalid --addr "localhost": must be host:port`},
		{"ADDR empty port", nil, env("ADDR", "127.0.0.1:"), `invalid ADDR "127.0.0.1:": missing port`},
		{"positional args", []string{"serve"}, env(), `unexpected arguments: ["serve"]`},
		{"unknown flag", []string{"--nope"}, env(), `flag provided but not defined: -nope`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseConfig(tc.args, tc.env, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestParseConfigReportsAllErrors(t *testing.T) {
	_, err := parseConfig(nil, env("ERROR_RATE", "2", "LATENCY", "x"), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "ERROR_RATE") || !strings.Contains(err.Error(), "LATENCY") {
		t.Fatalf("want both problems reported, got %v", err)
	}
}

func TestParseConfigVersionIgnoresBadEnv(t *testing.T) {
	cfg, err := parseConfig([]string{"--version"}, env("ERROR_RATE", "bogus"), io.Discard)
	if err != nil || !cfg.showVersion {
		t.Fatalf("cfg %+v err %v", cfg, err)
	}
}

func TestParseConfigHelp(t *testing.T) {
	var out strings.Builder
	_, err := parseConfig([]string{"-h"}, env(), &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err = %v, want flag.ErrHelp", err)
	}
	for _, s := range []string{"-addr", "-error-rate", "-latency", "-seed", "-shutdown-timeout", "-shutdown-delay", "-log-level", "-version",
		"ADDR", "PORT", "ERROR_RATE", "LATENCY", "SEED", "SHUTDOWN_TIMEOUT", "SHUTDOWN_DELAY", "LOG_LEVEL"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("usage does not mention %s:\n%s", s, out.String())
		}
	}
}
