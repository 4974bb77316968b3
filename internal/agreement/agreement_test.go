package agreement

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/testutil"
)

// allowEntry excuses one known difference, with the reason.
type allowEntry struct {
	File   string `yaml:"file"`
	Field  string `yaml:"field"`
	Value  string `yaml:"value"`
	Side   string `yaml:"side"` // "tshark-only" or "iotlens-only"
	Reason string `yaml:"reason"`
}

func loadAllowlist(t *testing.T) []allowEntry {
	b, err := os.ReadFile("testdata/allowlist.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var list []allowEntry
	if err := yaml.Unmarshal(b, &list); err != nil {
		t.Fatalf("allowlist.yaml: %v", err)
	}
	for _, e := range list {
		if e.Reason == "" {
			t.Fatalf("allowlist entry %+v has no reason", e)
		}
	}
	return list
}

func captures(t *testing.T, root string) []string {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".pcap", ".pcapng", ".cap":
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

func requireTshark(t *testing.T) {
	if _, err := exec.LookPath("tshark"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tshark is not installed; .ci/run installs it with apt-get")
		}
		t.Skip("tshark not on PATH: skipping the agreement test (apt-get install tshark)")
	}
}

// tsharkFacts extracts the compared fields with tshark.
func tsharkFacts(path string) (*Facts, error) {
	fields := []string{"frame.len", "eth.src", "eth.dst", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
		"dns.qry.name", "dns.a", "dns.aaaa", "tls.handshake.extensions_server_name", "http.host"}
	args := []string{"-n", "-r", path, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=" + aggregator}
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	cmd := exec.Command("tshark", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil && len(out) == 0 {
		return nil, fmt.Errorf("tshark %s: %v: %s", path, err, stderr.String())
	}
	f := newFacts()
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		col := strings.Split(sc.Text(), "\t")
		for len(col) < len(fields) {
			col = append(col, "")
		}
		f.Frames++
		n, _ := strconv.ParseInt(col[0], 10, 64)
		f.WireBytes += n
		firstOf := func(s string) string { return strings.SplitN(s, aggregator, 2)[0] }
		if col[1] != "" && col[2] != "" {
			f.MACPairs[firstOf(col[1])+" "+firstOf(col[2])] = true
		}
		switch {
		case col[3] != "" && col[4] != "":
			f.IPPairs[firstOf(col[3])+" "+firstOf(col[4])] = true
		case col[5] != "" && col[6] != "":
			f.IPPairs[firstOf(col[5])+" "+firstOf(col[6])] = true
		}
		addAll(f.DNSNames, col[7])
		addAll(f.DNSAddrs, col[8])
		addAll(f.DNSAddrs, col[9])
		addAll(f.SNIs, col[10])
		addAll(f.HTTPHosts, col[11])
	}
	return f, sc.Err()
}

// aggregator separates several values of one field: the ASCII unit
// separator, which no name in the fixtures contains (mDNS names hold spaces).
const aggregator = "\x1f"

func addAll(set map[string]bool, s string) {
	if s == "" {
		return
	}
	for _, v := range strings.Split(s, aggregator) {
		if v != "" {
			set[v] = true
		}
	}
}

func iotlensFacts(path string) (*Facts, error) {
	files, err := engine.ExpandInputs([]string{path})
	if err != nil {
		return nil, err
	}
	res, err := engine.Run(context.Background(), engine.Config{Files: files, Workers: 1, Analyses: []engine.Analysis{Collector{}}})
	if err != nil {
		return nil, err
	}
	return res.Partials[0].(*Partial).Facts, nil
}

type diff struct{ field, side, value string }

func compare(want, got *Facts) []diff {
	var out []diff
	if want.Frames != got.Frames {
		out = append(out, diff{"frames", "count", fmt.Sprintf("tshark %d, iotlens %d", want.Frames, got.Frames)})
	}
	if want.WireBytes != got.WireBytes {
		out = append(out, diff{"wire-bytes", "count", fmt.Sprintf("tshark %d, iotlens %d", want.WireBytes, got.WireBytes)})
	}
	for _, s := range []struct {
		name   string
		ts, il map[string]bool
	}{{"mac-pairs", want.MACPairs, got.MACPairs}, {"ip-pairs", want.IPPairs, got.IPPairs},
		{"dns-names", want.DNSNames, got.DNSNames}, {"dns-addrs", want.DNSAddrs, got.DNSAddrs}, {"sni", want.SNIs, got.SNIs},
		{"http-hosts", want.HTTPHosts, got.HTTPHosts}} {
		for _, v := range sortedKeys(s.ts) {
			if !s.il[v] {
				out = append(out, diff{s.name, "tshark-only", v})
			}
		}
		for _, v := range sortedKeys(s.il) {
			if !s.ts[v] {
				out = append(out, diff{s.name, "iotlens-only", v})
			}
		}
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func allowed(list []allowEntry, rel string, d diff) bool {
	for _, e := range list {
		if (e.File == rel || e.File == "*") && e.Field == d.field && e.Side == d.side && (e.Value == d.value || e.Value == "*") {
			return true
		}
	}
	return false
}

// TestAgreementWithTshark runs over every fixture capture. Files are
// compared in parallel (tshark dominates the time).
func TestAgreementWithTshark(t *testing.T) {
	root := testutil.FixturesDir(t)
	requireTshark(t)
	allow := loadAllowlist(t)
	files := captures(t, root)
	if len(files) < 100 {
		t.Fatalf("expected the 101 fixture captures, found %d", len(files))
	}
	type outcome struct {
		rel   string
		diffs []diff
		err   error
		facts *Facts
	}
	results := make([]outcome, len(files))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, path := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			rel, _ := filepath.Rel(root, path)
			o := outcome{rel: filepath.ToSlash(rel)}
			want, err := tsharkFacts(path)
			if err == nil {
				var got *Facts
				got, err = iotlensFacts(path)
				if err == nil {
					o.diffs, o.facts = compare(want, got), got
				}
			}
			o.err = err
			results[i] = o
		}()
	}
	wg.Wait()
	var total, excused int
	for _, o := range results {
		if o.err != nil {
			t.Errorf("%s: %v", o.rel, o.err)
			continue
		}
		for _, d := range o.diffs {
			if allowed(allow, o.rel, d) {
				excused++
				continue
			}
			total++
			t.Errorf("%s: %s %s: %s", o.rel, d.field, d.side, d.value)
		}
	}
	t.Logf("%d captures compared with tshark: %d unexplained differences, %d allowlisted", len(results), total, excused)
}
