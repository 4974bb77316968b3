package destinations_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/analysis/destinations"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/pipeline"
	"github.com/iotlens/iotlens/internal/testutil"
)

// gaplessRun is the 11-file MADEA run in which DNS answers often lie in an
// earlier file than the long-lived TLS flows they name.
var gaplessRun = []string{
	"monitoring_2023-6-12_21_50_58.cap", "monitoring_2023-6-12_22_15_49.cap", "monitoring_2023-6-12_22_34_51.cap",
	"monitoring_2023-6-12_22_59_41.cap", "monitoring_2023-6-12_23_21_33.cap", "monitoring_2023-6-12_23_41_58.cap",
	"monitoring_2023-6-13_0_8_15.cap", "monitoring_2023-6-13_0_28_38.cap", "monitoring_2023-6-13_0_55_26.cap",
	"monitoring_2023-6-13_1_23_16.cap", "monitoring_2023-6-13_1_44_49.cap",
}

func run(t *testing.T, inputs []string, workers int) []destinations.Month {
	t.Helper()
	out, err := pipeline.Run(context.Background(), pipeline.Options{Inputs: inputs, Workers: workers, Quiet: true, Stderr: io.Discard,
		DevicesFile: testutil.Fixture(t, "madea", "Device_MAC_Name_Mapping.csv"),
		Analyses:    []engine.Analysis{destinations.Analysis{}}})
	if err != nil {
		t.Fatal(err)
	}
	return destinations.Report(out.Partial(destinations.Name).(*destinations.Partial), out.Inventory, destinations.Enricher{})
}

func runFiles(t *testing.T, files []string, workers int) []destinations.Month {
	var paths []string
	for _, f := range files {
		paths = append(paths, testutil.Fixture(t, "madea", f))
	}
	return run(t, paths, workers)
}

// namedBytes sums the bytes of named destinations per device.
func named(months []destinations.Month) (namedBytes, allBytes int64, domains map[string]map[string]bool) {
	domains = map[string]map[string]bool{}
	for _, m := range months {
		if domains[m.Device.Name] == nil {
			domains[m.Device.Name] = map[string]bool{}
		}
		for _, r := range m.Rows {
			b := r.BytesUp + r.BytesDown
			allBytes += b
			if r.NameSource != "none" {
				namedBytes += b
				domains[m.Device.Name][r.Domain] = true
			}
		}
		for _, d := range m.Unique {
			domains[m.Device.Name][d] = true
		}
	}
	return namedBytes, allBytes, domains
}

// TestNamesCarryAcrossFiles: a file's flows are named by DNS answers seen
// in earlier files of the run (the last file of the gapless run has more
// named bytes after the run than alone), and the result does not depend on -j.
func TestNamesCarryAcrossFiles(t *testing.T) {
	last := gaplessRun[len(gaplessRun)-1]
	alone, _, _ := named(runFiles(t, []string{last}, 1))
	all1, _, _ := named(runFiles(t, gaplessRun, 1))
	all2, _, _ := named(runFiles(t, gaplessRun, 2))
	if all1 != all2 {
		t.Fatalf("-j 1 named %d bytes, -j 2 %d", all1, all2)
	}
	without, _, _ := named(runFiles(t, gaplessRun[:len(gaplessRun)-1], 2))
	afterRun := all1 - without
	if afterRun <= alone {
		t.Fatalf("earlier files' DNS answers named nothing more: alone %d bytes named, after the run %d", alone, afterRun)
	}
	t.Logf("last file of the run: %d bytes named alone, %d when preceded by the run", alone, afterRun)
}

// TestNamesAgreeWithTshark: every DNS/SNI name iotlens gives a destination
// is one tshark shows in the same captures, and per device the server names
// of madea/smart_home_devices_profile.csv that occur in these captures are found.
func TestNamesAgreeWithTshark(t *testing.T) {
	if _, err := exec.LookPath("tshark"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tshark not installed")
		}
		t.Skip("tshark not on PATH")
	}
	dir := testutil.Fixture(t, "madea")
	files, _ := filepath.Glob(filepath.Join(dir, "*.cap"))
	tsharkNames := map[string]bool{}
	namesByMAC := map[string]map[string]bool{} // names in frames to or from a MAC
	for _, f := range files {
		out, _ := exec.Command("tshark", "-n", "-r", f, "-Y", "dns.flags.response==1 || tls.handshake.type==1", "-T", "fields",
			"-E", "occurrence=a", "-E", "aggregator=\x1f", "-e", "eth.src", "-e", "eth.dst",
			"-e", "dns.qry.name", "-e", "dns.cname", "-e", "tls.handshake.extensions_server_name").Output()
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			col := strings.Split(sc.Text(), "\t")
			if len(col) < 5 {
				continue
			}
			for _, v := range strings.FieldsFunc(strings.Join(col[2:], "\x1f"), func(r rune) bool { return r == '\x1f' }) {
				v = strings.ToLower(v)
				tsharkNames[v] = true
				for _, mac := range col[:2] {
					if namesByMAC[mac] == nil {
						namesByMAC[mac] = map[string]bool{}
					}
					namesByMAC[mac][v] = true
				}
			}
		}
	}
	months := run(t, []string{dir}, 2)
	for _, m := range months {
		for _, r := range m.Rows {
			if (r.NameSource == "dns" || r.NameSource == "sni") && !tsharkNames[r.Domain] {
				t.Errorf("%s: %s (%s) is not a name tshark shows", m.Device.Name, r.Domain, r.NameSource)
			}
		}
	}
	_, _, domains := named(months)
	profile := readProfile(t, filepath.Join(dir, "smart_home_devices_profile.csv"))
	var found, expected []string
	for _, p := range profile {
		if !namesByMAC[p.mac][strings.ToLower(p.server)] {
			continue // the profile was built from more traffic than these captures
		}
		expected = append(expected, p.device+" "+p.server)
		if domains[p.device][strings.ToLower(p.server)] {
			found = append(found, p.device+" "+p.server)
		} else {
			t.Errorf("%s: profile server %s occurs in the captures but was not found", p.device, p.server)
		}
	}
	if len(expected) == 0 {
		t.Fatal("no profile server name occurs in the captures: the check would be empty")
	}
	t.Logf("profile server names occurring in the captures: %d, found: %d", len(expected), len(found))
}

type profileEntry struct{ mac, device, server string }

func readProfile(t *testing.T, path string) []profileEntry {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[profileEntry]bool{}
	var out []profileEntry
	for _, r := range recs[1:] {
		e := profileEntry{mac: strings.ToLower(r[0]), device: r[4], server: r[2]}
		if !seen[e] && strings.ContainsAny(e.server, "abcdefghijklmnopqrstuvwxyz") {
			seen[e] = true
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
	return out
}
