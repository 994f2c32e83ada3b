package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of slog and tests.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// instance is a hello-api running in-process via run().
type instance struct {
	base   string
	cancel context.CancelFunc // SIGTERM equivalent
	done   chan struct{}      // closed when run returns
	code   int                // run's exit code, valid once done is closed
	stderr *syncBuffer
}

func start(t *testing.T, args ...string) *instance {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	inst := &instance{cancel: cancel, done: make(chan struct{}), stderr: &syncBuffer{}}
	addrCh := make(chan net.Addr, 1)
	args = append([]string{"--addr", "127.0.0.1:0"}, args...)
	go func() {
		// env() keeps the test hermetic: the real environment is ignored.
		defer close(inst.done)
		inst.code = run(ctx, args, env(), io.Discard, inst.stderr, func(a net.Addr) { addrCh <- a })
	}()
	select {
	case a := <-addrCh:
		inst.base = "http://" + a.String()
	case <-inst.done:
		t.Fatalf("run exited early with %d; stderr:\n%s", inst.code, inst.stderr)
	case <-time.After(10 * time.Second):
		t.Fatal("server did not start")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case <-inst.done:
		case <-time.After(10 * time.Second):
			t.Errorf("run did not return after cancel")
		}
	})
	return inst
}

func (i *instance) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-i.done:
		return i.code
	case <-time.After(10 * time.Second):
		t.Fatalf("run did not return; stderr:\n%s", i.stderr)
		return -1
	}
}

func get(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body), resp.Header
}

// logMessages parses the JSON log lines and returns their "msg" fields.
func logMessages(t *testing.T, logs string) []string {
	t.Helper()
	var msgs []string
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", sc.Text())
		}
		for _, k := range []string{"time", "level", "msg"} {
			if _, ok := rec[k]; !ok {
				t.Fatalf("log line lacks %q: %q", k, sc.Text())
			}
		}
		msgs = append(msgs, rec["msg"].(string))
	}
	return msgs
}

func TestRunServesAndShutsDownGracefully(t *testing.T) {
	inst := start(t)

	code, body, hdr := get(t, inst.base+"/")
	if code != 200 || body != `{"message":"hello","version":"dev"}`+"\n" || hdr.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /: %d %q %v", code, body, hdr)
	}
	if code, body, _ := get(t, inst.base+"/healthz"); code != 200 || body != "ok" {
		t.Fatalf("/healthz: %d %q", code, body)
	}
	if code, body, _ := get(t, inst.base+"/readyz"); code != 200 || body != "ok" {
		t.Fatalf("/readyz: %d %q", code, body)
	}
	code, body, hdr = get(t, inst.base+"/metrics")
	if code != 200 || hdr.Get("Content-Type") != "text/plain; version=0.0.4; charset=utf-8" {
		t.Fatalf("/metrics: %d %v", code, hdr)
	}
	for _, want := range []string{
		`http_requests_total{code="200",path="/"} 1`,
		`http_request_duration_seconds_count{path="/"} 1`,
		`http_request_duration_seconds_bucket{path="/",le="+Inf"} 1`,
		`hello_api_build_info{version="dev",commit="none"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, body)
		}
	}

	inst.cancel() // SIGTERM
	if code := inst.wait(t); code != 0 {
		t.Fatalf("exit code %d, want 0; stderr:\n%s", code, inst.stderr)
	}
	msgs := logMessages(t, inst.stderr.String())
	for _, want := range []string{"listening", "shutdown requested; readiness now failing", "shutdown complete"} {
		if !slices.Contains(msgs, want) {
			t.Errorf("log lacks %q: %q", want, msgs)
		}
	}
	if _, err := http.Get(inst.base + "/healthz"); err == nil {
		t.Error("server still accepting connections after shutdown")
	}
}

// waitInFlight polls /metrics until n instrumented requests are in flight.
func waitInFlight(t *testing.T, base string, n int) {
	t.Helper()
	want := fmt.Sprintf("http_requests_in_flight %d\n", n)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if _, body, _ := get(t, base+"/metrics"); strings.Contains(body, want) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("never saw %q", want)
}

func TestRunDrainsInFlightRequests(t *testing.T) {
	inst := start(t, "--latency", "400ms", "--shutdown-timeout", "5s")

	type result struct {
		code int
		body string
		err  error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := http.Get(inst.base + "/")
		if err != nil {
			res <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		res <- result{resp.StatusCode, string(b), err}
	}()
	waitInFlight(t, inst.base, 1)

	begin := time.Now()
	inst.cancel() // SIGTERM while the request sleeps
	r := <-res
	if r.err != nil || r.code != 200 || !strings.Contains(r.body, `"message":"hello"`) {
		t.Fatalf("in-flight request was not drained: %+v", r)
	}
	if code := inst.wait(t); code != 0 {
		t.Fatalf("exit code %d, want 0; stderr:\n%s", code, inst.stderr)
	}
	if took := time.Since(begin); took > 4*time.Second {
		t.Fatalf("shutdown took %v", took)
	}
}

func TestRunReadinessFailsDuringShutdownDelay(t *testing.T) {
	inst := start(t, "--shutdown-delay", "1s")
	if code, _, _ := get(t, inst.base+"/readyz"); code != 200 {
		t.Fatalf("/readyz before shutdown: %d", code)
	}
	inst.cancel()

	// Still serving during the delay, but no longer ready.
	deadline := time.Now().Add(900 * time.Millisecond)
	for {
		code, body, _ := get(t, inst.base+"/readyz")
		if code == 503 && body == "not ready" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz never returned 503 during shutdown delay (last %d %q)", code, body)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code, _, _ := get(t, inst.base+"/healthz"); code != 200 {
		t.Fatalf("/healthz during shutdown delay: %d, want 200 (liveness must hold)", code)
	}
	if code := inst.wait(t); code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}
}

func TestRunDrainTimeoutExitsNonZero(t *testing.T) {
	inst := start(t, "--latency", "30s", "--shutdown-timeout", "200ms")
	go func() {
		if resp, err := http.Get(inst.base + "/"); err == nil {
			resp.Body.Close()
		}
	}()
	waitInFlight(t, inst.base, 1)
	begin := time.Now()
	inst.cancel()
	if code := inst.wait(t); code != exitRuntime {
		t.Fatalf("exit code %d, want %d", code, exitRuntime)
	}
	if took := time.Since(begin); took > 5*time.Second {
		t.Fatalf("timeout not enforced: took %v", took)
	}
	if !slices.Contains(logMessages(t, inst.stderr.String()), "graceful shutdown did not complete; closing remaining connections") {
		t.Fatalf("missing timeout log:\n%s", inst.stderr)
	}
}

func TestRunErrorInjectionEndToEnd(t *testing.T) {
	inst := start(t, "--error-rate", "1", "--seed", "1")
	code, body, _ := get(t, inst.base+"/")
	if code != 500 || body != `{"error":"injected failure"}`+"\n" {
		t.Fatalf("GET /: %d %q", code, body)
	}
	_, metrics, _ := get(t, inst.base+"/metrics")
	if !strings.Contains(metrics, `http_requests_total{code="500",path="/"} 1`) {
		t.Fatalf("500 not counted:\n%s", metrics)
	}
}

func TestRunVersion(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"--version"}, env(), &out, &errOut, nil); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	if got, want := out.String(), "hello-api dev (commit none, built unknown)\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}

	defer func(v, c, d string) { version, commit, date = v, c, d }(version, commit, date)
	version, commit, date = "1.2.3", "abc", "2026-01-01"
	out.Reset()
	run(context.Background(), []string{"-version"}, env(), &out, io.Discard, nil)
	if got, want := out.String(), "hello-api 1.2.3 (commit abc, built 2026-01-01)\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestRunExitCodes(t *testing.T) {
	var errOut bytes.Buffer
	if code := run(context.Background(), []string{"--error-rate", "2"}, env(), io.Discard, &errOut, nil); code != exitUsage {
		t.Fatalf("bad flag: exit %d, want %d", code, exitUsage)
	}
	if !strings.HasPrefix(errOut.String(), `hello-api: invalid --error-rate "2"`) {
		t.Fatalf("stderr %q", errOut.String())
	}
	if code := run(context.Background(), []string{"--help"}, env(), io.Discard, io.Discard, nil); code != exitOK {
		t.Fatalf("--help: exit %d, want 0", code)
	}

	// Port already taken -> runtime error.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	errOut.Reset()
	if code := run(context.Background(), []string{"--addr", ln.Addr().String()}, env(), io.Discard, &errOut, nil); code != exitRuntime {
		t.Fatalf("busy port: exit %d, want %d", code, exitRuntime)
	}
	if !slices.Contains(logMessages(t, errOut.String()), "listen failed") {
		t.Fatalf("stderr %q", errOut.String())
	}
}

// TestMainSIGTERM re-executes the test binary as the real program (through
// main(), so the signal wiring is covered) and sends it a real SIGTERM.
func TestMainSIGTERM(t *testing.T) {
	if os.Getenv("HELLO_API_RUN_MAIN") == "1" {
		os.Args = append([]string{"hello-api"}, strings.Fields(os.Getenv("HELLO_API_ARGS"))...)
		main()
		return
	}
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM on windows")
	}
	if testing.Short() {
		t.Skip("spawns a subprocess")
	}

	// The child binds an ephemeral port and we learn it from its JSON
	// "listening" log line: no port-reservation race.
	cmd := exec.Command(os.Args[0], "-test.run=^TestMainSIGTERM$")
	cmd.Env = append(os.Environ(), "HELLO_API_RUN_MAIN=1", "HELLO_API_ARGS=--addr 127.0.0.1:0")
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() { _ = cmd.Process.Kill() }()

	var addr string
	deadline := time.Now().Add(10 * time.Second)
	for addr == "" {
		for _, line := range strings.Split(stderr.String(), "\n") {
			var rec struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening" {
				addr = rec.Addr
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("child never logged its address; stderr:\n%s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code, body, _ := get(t, "http://"+addr+"/readyz"); code != 200 || body != "ok" {
		t.Fatalf("child /readyz: %d %q", code, body)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("child exited with %v; stderr:\n%s", ee, stderr.String())
		} else if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("child did not exit after SIGTERM; stderr:\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), `"msg":"shutdown complete"`) {
		t.Fatalf("no graceful shutdown log; stderr:\n%s", stderr.String())
	}
}
