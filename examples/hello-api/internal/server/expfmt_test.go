package server

import (
	"bufio"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// This file holds a small, strict parser for the Prometheus text exposition
// format 0.0.4, used to check our hand-written output without dependencies.

type sample struct {
	name   string
	labels map[string]string
	value  float64
}

type family struct {
	name    string
	typ     string
	help    string
	samples []sample
}

// parseExposition parses text and enforces the structural rules Prometheus
// relies on: HELP/TYPE at most once per family and before its samples, all
// samples of a family contiguous, valid names, correct escaping, a trailing
// newline, and the histogram invariants.
func parseExposition(t *testing.T, text string) map[string]*family {
	t.Helper()
	if text != "" && !strings.HasSuffix(text, "\n") {
		t.Fatalf("exposition must end with a newline")
	}
	fams := map[string]*family{}
	var order []string
	var current string // family whose samples we are in
	closed := map[string]bool{}

	get := func(name string) *family {
		f, ok := fams[name]
		if !ok {
			f = &family{name: name}
			fams[name] = f
			order = append(order, name)
		}
		return f
	}
	switchTo := func(name string, line int) {
		if name == current {
			return
		}
		if closed[name] {
			t.Fatalf("line %d: family %q is not contiguous", line, name)
		}
		if current != "" {
			closed[current] = true
		}
		current = name
	}

	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case line == "":
			t.Fatalf("line %d: unexpected blank line", n)
		case strings.HasPrefix(line, "# HELP "):
			name, help, ok := strings.Cut(strings.TrimPrefix(line, "# HELP "), " ")
			if !ok || !validMetricName(name) {
				t.Fatalf("line %d: bad HELP line %q", n, line)
			}
			switchTo(name, n)
			f := get(name)
			if f.help != "" || f.typ != "" || len(f.samples) > 0 {
				t.Fatalf("line %d: HELP for %q must come first and only once", n, name)
			}
			f.help = unescape(t, help, false)
		case strings.HasPrefix(line, "# TYPE "):
			name, typ, ok := strings.Cut(strings.TrimPrefix(line, "# TYPE "), " ")
			if !ok || !validMetricName(name) {
				t.Fatalf("line %d: bad TYPE line %q", n, line)
			}
			switch typ {
			case "counter", "gauge", "histogram", "summary", "untyped":
			default:
				t.Fatalf("line %d: unknown type %q", n, typ)
			}
			switchTo(name, n)
			f := get(name)
			if f.typ != "" || len(f.samples) > 0 {
				t.Fatalf("line %d: TYPE for %q must precede samples and appear once", n, name)
			}
			f.typ = typ
		case strings.HasPrefix(line, "#"):
			t.Fatalf("line %d: unexpected comment %q", n, line)
		default:
			s := parseSample(t, n, line)
			fam := s.name
			for _, suf := range []string{"_bucket", "_sum", "_count"} {
				base := strings.TrimSuffix(s.name, suf)
				if base != s.name && fams[base] != nil && fams[base].typ == "histogram" {
					fam = base
				}
			}
			switchTo(fam, n)
			f := get(fam)
			if f.typ == "" || f.help == "" {
				t.Fatalf("line %d: sample %q without HELP and TYPE", n, s.name)
			}
			f.samples = append(f.samples, s)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, name := range order {
		if fams[name].typ == "histogram" {
			checkHistogram(t, fams[name])
		}
	}
	return fams
}

func parseSample(t *testing.T, n int, line string) sample {
	t.Helper()
	s := sample{labels: map[string]string{}}
	i := strings.IndexAny(line, "{ ")
	if i < 0 {
		t.Fatalf("line %d: malformed sample %q", n, line)
	}
	s.name = line[:i]
	if !validMetricName(s.name) {
		t.Fatalf("line %d: invalid metric name %q", n, s.name)
	}
	rest := line[i:]
	if rest[0] == '{' {
		rest = rest[1:]
		for {
			if strings.HasPrefix(rest, "}") {
				rest = rest[1:]
				break
			}
			eq := strings.Index(rest, `="`)
			if eq < 0 {
				t.Fatalf("line %d: malformed labels in %q", n, line)
			}
			lname := rest[:eq]
			if !validLabelName(lname) {
				t.Fatalf("line %d: invalid label name %q", n, lname)
			}
			rest = rest[eq+2:]
			// find the closing unescaped quote
			j, esc := 0, false
			for ; j < len(rest); j++ {
				if esc {
					esc = false
					continue
				}
				if rest[j] == '\\' {
					esc = true
					continue
				}
				if rest[j] == '"' {
					break
				}
			}
			if j == len(rest) {
				t.Fatalf("line %d: unterminated label value in %q", n, line)
			}
			if _, dup := s.labels[lname]; dup {
				t.Fatalf("line %d: duplicate label %q", n, lname)
			}
			s.labels[lname] = unescape(t, rest[:j], true)
			rest = rest[j+1:]
			if strings.HasPrefix(rest, ",") {
				rest = rest[1:]
			} else if !strings.HasPrefix(rest, "}") {
				t.Fatalf("line %d: expected , or } in %q", n, line)
			}
		}
	}
	if !strings.HasPrefix(rest, " ") {
		t.Fatalf("line %d: expected space before value in %q", n, line)
	}
	fields := strings.Fields(rest)
	if len(fields) != 1 {
		t.Fatalf("line %d: expected exactly one value (no timestamp) in %q", n, line)
	}
	v, err := parseValue(fields[0])
	if err != nil {
		t.Fatalf("line %d: bad value %q: %v", n, fields[0], err)
	}
	s.value = v
	return s
}

func parseValue(s string) (float64, error) {
	switch s {
	case "+Inf":
		return math.Inf(1), nil
	case "-Inf":
		return math.Inf(-1), nil
	case "NaN":
		return math.NaN(), nil
	}
	return strconv.ParseFloat(s, 64)
}

func unescape(t *testing.T, s string, quotes bool) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\n' {
			t.Fatalf("raw newline in %q", s)
		}
		if quotes && c == '"' {
			t.Fatalf("unescaped quote in label value %q", s)
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i == len(s) {
			t.Fatalf("dangling backslash in %q", s)
		}
		switch s[i] {
		case '\\':
			b.WriteByte('\\')
		case 'n':
			b.WriteByte('\n')
		case '"':
			if !quotes {
				t.Fatalf(`\" is not a valid escape in HELP text %q`, s)
			}
			b.WriteByte('"')
		default:
			t.Fatalf("invalid escape \\%c in %q", s[i], s)
		}
	}
	return b.String()
}

func validMetricName(s string) bool {
	for i, r := range s {
		ok := r == '_' || r == ':' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return s != ""
}

func validLabelName(s string) bool {
	return validMetricName(s) && !strings.Contains(s, ":") && !strings.HasPrefix(s, "__")
}

// checkHistogram verifies, for every label set, that buckets are sorted by le,
// cumulative, end with le="+Inf", and that +Inf equals _count; _sum must exist.
func checkHistogram(t *testing.T, f *family) {
	t.Helper()
	type series struct {
		les    []float64
		counts []float64
		sum    *float64
		count  *float64
	}
	all := map[string]*series{}
	for _, s := range f.samples {
		key := labelKey(s.labels, "le")
		sr := all[key]
		if sr == nil {
			sr = &series{}
			all[key] = sr
		}
		switch strings.TrimPrefix(s.name, f.name) {
		case "_bucket":
			le, ok := s.labels["le"]
			if !ok {
				t.Fatalf("%s: bucket without le label", f.name)
			}
			v, err := parseValue(le)
			if err != nil {
				t.Fatalf("%s: bad le %q", f.name, le)
			}
			if sr.sum != nil || sr.count != nil {
				t.Fatalf("%s{%s}: bucket after _sum/_count", f.name, key)
			}
			sr.les = append(sr.les, v)
			sr.counts = append(sr.counts, s.value)
		case "_sum":
			v := s.value
			sr.sum = &v
		case "_count":
			v := s.value
			sr.count = &v
		default:
			t.Fatalf("%s: unexpected sample %q in histogram", f.name, s.name)
		}
	}
	for key, sr := range all {
		if len(sr.les) == 0 || !math.IsInf(sr.les[len(sr.les)-1], 1) {
			t.Fatalf("%s{%s}: last bucket must be le=\"+Inf\"", f.name, key)
		}
		for i := 1; i < len(sr.les); i++ {
			if !(sr.les[i] > sr.les[i-1]) {
				t.Fatalf("%s{%s}: le not strictly increasing: %v", f.name, key, sr.les)
			}
			if sr.counts[i] < sr.counts[i-1] {
				t.Fatalf("%s{%s}: buckets not cumulative: %v", f.name, key, sr.counts)
			}
		}
		if sr.sum == nil || sr.count == nil {
			t.Fatalf("%s{%s}: missing _sum or _count", f.name, key)
		}
		if inf := sr.counts[len(sr.counts)-1]; inf != *sr.count {
			t.Fatalf("%s{%s}: +Inf bucket %v != _count %v", f.name, key, inf, *sr.count)
		}
	}
}

func labelKey(labels map[string]string, skip string) string {
	var parts []string
	for k, v := range labels {
		if k != skip {
			parts = append(parts, fmt.Sprintf("%s=%q", k, v))
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// find returns the value of the sample name{labels...} or fails.
func find(t *testing.T, fams map[string]*family, fam, name string, labels map[string]string) float64 {
	t.Helper()
	f := fams[fam]
	if f == nil {
		t.Fatalf("family %q not exposed", fam)
	}
	for _, s := range f.samples {
		if s.name == name && labelKey(s.labels, "") == labelKey(labels, "") {
			return s.value
		}
	}
	t.Fatalf("sample %s%v not found", name, labels)
	return 0
}
