package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/iotlens/iotlens/internal/synth"
	"github.com/iotlens/iotlens/internal/testutil"
)

// checkSelfContained fails when the page at path would fetch anything:
// an element with src, a <link>, <iframe>, <object> or <embed>, a link or
// form to another site, a CSS url() or @import. It returns the page's text.
func checkSelfContained(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for n := range doc.Descendants() {
		switch n.Type {
		case html.TextNode:
			if n.Parent.Data == "style" && (strings.Contains(n.Data, "url(") || strings.Contains(n.Data, "@import")) {
				t.Errorf("%s: the style sheet fetches something", path)
			}
			if n.Parent.Data != "script" && n.Parent.Data != "style" {
				text.WriteString(n.Data + "\n")
			}
		case html.ElementNode:
			switch n.Data {
			case "link", "iframe", "object", "embed", "img", "form", "base":
				t.Errorf("%s: <%s> element", path, n.Data)
			}
			for _, a := range n.Attr {
				switch {
				case a.Key == "src" || a.Key == "srcset" || a.Key == "action":
					t.Errorf("%s: %s=%q on <%s>", path, a.Key, a.Val, n.Data)
				case a.Key == "href" && (strings.Contains(a.Val, "//") || strings.Contains(a.Val, ":")):
					t.Errorf("%s: link to %q", path, a.Val)
				}
			}
		}
	}
	return text.String()
}

func TestReportFromCaptures(t *testing.T) {
	dir := t.TempDir()
	capPath := synthCapture(t, dir, "home.pcap", synth.Options{Devices: 4, Duration: 30 * time.Minute, Seed: 2, Hostile: true})
	out := filepath.Join(dir, "out")
	if _, stderr, code := run(t, "report", "-q", "-j", "2", capPath, "-o", out); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	for _, name := range []string{"report.html", "summary.csv", "summary.json", "destinations/destinations.csv", "destinations/destinations.parquet"} {
		if st, err := os.Stat(filepath.Join(out, name)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty", name)
		}
	}
	text := checkSelfContained(t, filepath.Join(out, "report.html"))
	for _, want := range []string{"iotlens report: home.pcap", "Destinations", "Protocols", "summary.csv", "destinations/destinations.csv", "<script>alert(1)</script>"} {
		if !strings.Contains(text, want) {
			t.Errorf("report text lacks %q", want)
		}
	}

	// Rebuilt from the folder, into another folder: same devices, links
	// pointing back at the first folder's files.
	again := filepath.Join(dir, "again")
	if _, stderr, code := run(t, "report", "-q", "--from", out, "-o", again, "--title", "rebuilt"); code != 0 {
		t.Fatalf("report --from: exit %d: %s", code, stderr)
	}
	rebuilt := checkSelfContained(t, filepath.Join(again, "report.html"))
	for _, want := range []string{"rebuilt", "rebuilt from", "../out/summary.json", "../out/destinations/destinations.csv", "Destinations"} {
		if !strings.Contains(rebuilt, want) {
			t.Errorf("rebuilt report lacks %q", want)
		}
	}
	page, _ := os.ReadFile(filepath.Join(again, "report.html"))
	if !bytes.Contains(page, []byte(`href="../out/summary.json"`)) {
		t.Error("the rebuilt report does not link the first folder's summary.json")
	}
}

func TestReportUsage(t *testing.T) {
	empty := t.TempDir()
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no captures", []string{"report", "-o", empty}, exitUsage, "requires at least 1 arg"},
		{"no output", []string{"report", "x.pcap"}, exitUsage, "-o DIR is required"},
		{"from with captures", []string{"report", "--from", empty, "x.pcap"}, exitUsage, "give no captures"},
		{"bad format", []string{"report", "--format", "pdf", "-o", empty, "x.pcap"}, exitUsage, "--format"},
		{"bad tz", []string{"report", "--tz", "Mars/Olympus", "-o", empty, "x.pcap"}, exitUsage, "--tz"},
		{"nothing to rebuild", []string{"report", "--from", empty}, exitError, "iotlens summary"},
	}
	for _, c := range cases {
		_, stderr, code := run(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.msg) {
			t.Errorf("%s: exit %d, want %d; stderr %q should contain %q", c.name, code, c.code, stderr, c.msg)
		}
	}
}

// TestReportMADEA: the report of all MADEA captures (15 devices, 19 files)
// stays well under 2 MB and has a section per device.
func TestReportMADEA(t *testing.T) {
	madea := testutil.Fixture(t, "madea")
	out := t.TempDir()
	if _, stderr, code := run(t, "report", "-q", "--devices", filepath.Join(madea, "Device_MAC_Name_Mapping.csv"), madea, "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	path := filepath.Join(out, "report.html")
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() > 2<<20 {
		t.Errorf("report is %d bytes, over 2 MB", st.Size())
	}
	checkSelfContained(t, path)
	page, _ := os.ReadFile(path)
	if n := bytes.Count(page, []byte(`<section class="device"`)); n != 15 {
		t.Errorf("%d device sections, want 15", n)
	}
	t.Logf("MADEA report: %d bytes, %d charts", st.Size(), bytes.Count(page, []byte(`<figure class="chart"`)))
}
