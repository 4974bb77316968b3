package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iotlens/iotlens/internal/capture"
)

// writePcap writes a tiny valid capture with one frame.
func writePcap(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := capture.NewPcapWriter(f, capture.LinkEthernet, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WritePacket(1e9, 60, make([]byte, 60)); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}

func names(files []FileInfo, root string) []string {
	var out []string
	for _, f := range files {
		rel, _ := filepath.Rel(root, f.Path)
		out = append(out, filepath.ToSlash(rel))
	}
	return out
}

func TestExpandInputsOrdersByDirectoryThenNameTime(t *testing.T) {
	root := t.TempDir()
	for _, p := range []string{
		"madea/monitoring_2023-6-13_0_8_15.cap",
		"madea/monitoring_2023-6-12_23_41_58.cap",
		"madea/monitoring_2023-6-13_12_13_40.cap",
		"by-name/plug/ctrl2/2025-07-02_00.00.00_192.168.1.5.pcap",
		"by-name/plug/ctrl2/2025-06-30_23.59.59_192.168.1.5.pcap",
		"ucl/1741797232.anon.pcap",
		"ucl/1741797105.anon.pcap",
	} {
		writePcap(t, filepath.Join(root, p))
	}
	os.WriteFile(filepath.Join(root, "madea", "notes.txt"), []byte("not a capture"), 0o644)
	files, err := ExpandInputs([]string{root})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(names(files, root), "\n")
	want := strings.Join([]string{
		"by-name/plug/ctrl2/2025-06-30_23.59.59_192.168.1.5.pcap",
		"by-name/plug/ctrl2/2025-07-02_00.00.00_192.168.1.5.pcap",
		"madea/monitoring_2023-6-12_23_41_58.cap",
		"madea/monitoring_2023-6-13_0_8_15.cap",
		"madea/monitoring_2023-6-13_12_13_40.cap",
		"ucl/1741797105.anon.pcap",
		"ucl/1741797232.anon.pcap",
	}, "\n")
	if got != want {
		t.Fatalf("order:\n%s\nwant:\n%s", got, want)
	}
	if files[0].DeviceName != "plug" || files[0].DeviceIP.String() != "192.168.1.5" {
		t.Errorf("file-name layout not understood: %+v", files[0])
	}
	if !files[5].NameTime.Equal(time.Unix(1741797105, 0)) {
		t.Errorf("epoch name time %v", files[5].NameTime)
	}
	for i, f := range files {
		if f.Index != i {
			t.Errorf("index %d = %d", i, f.Index)
		}
	}
}

func TestExpandInputsFileLists(t *testing.T) {
	root := t.TempDir()
	writePcap(t, filepath.Join(root, "caps", "a.pcap"))
	writePcap(t, filepath.Join(root, "caps", "b.pcap"))
	list := filepath.Join(root, "Jul_2025.txt")
	os.WriteFile(list, []byte("# July\ncaps/b.pcap\n\n"+filepath.Join(root, "caps", "a.pcap")+"\ncaps/b.pcap\n"), 0o644)
	files, err := ExpandInputs([]string{list})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names(files, root), ","); got != "caps/a.pcap,caps/b.pcap" {
		t.Fatalf("list expansion = %s", got)
	}
	bad := filepath.Join(root, "bad.txt")
	os.WriteFile(bad, []byte("caps/a.pcap\ncaps/missing.pcap\n"), 0o644)
	if _, err := ExpandInputs([]string{bad}); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("missing list entry must name the line, got %v", err)
	}
	notList := filepath.Join(root, "devices.csv")
	os.WriteFile(notList, []byte("MAC Address,Device Name\n"), 0o644)
	if _, err := ExpandInputs([]string{notList}); err == nil || !strings.Contains(err.Error(), "not a pcap/pcapng capture") {
		t.Fatalf("a CSV is neither capture nor list: %v", err)
	}
	empty := filepath.Join(root, "crashed-tcpdump.pcap")
	os.WriteFile(empty, nil, 0o644)
	if files, err := ExpandInputs([]string{empty}); err != nil || len(files) != 1 {
		t.Fatalf("an empty file is an empty capture: %v %v", files, err)
	}
	if res, err := Run(context.Background(), Config{Files: []FileInfo{{Path: empty}}}); err != nil || res.Frames != 0 || len(res.Warnings) != 0 {
		t.Fatalf("empty capture: %v %+v", err, res)
	}
	if _, err := ExpandInputs([]string{filepath.Join(root, "absent.pcap")}); err == nil {
		t.Fatal("absent input accepted")
	}
}

func TestNameTime(t *testing.T) {
	cases := []struct {
		name string
		want time.Time
	}{
		{"monitoring_2023-6-12_21_50_58.cap", time.Date(2023, 6, 12, 21, 50, 58, 0, time.UTC)},
		{"training_2023-5-26_1_13_9.cap", time.Date(2023, 5, 26, 1, 13, 9, 0, time.UTC)},
		{"1741797105.anon.pcap", time.Unix(1741797105, 0).UTC()},
		{"capture-2024-02-30_10.00.00.pcap", time.Time{}}, // no 30 February
		{"Setup-A-2-STA.pcap", time.Time{}},
	}
	for _, c := range cases {
		if got := nameTime(c.name); !got.Equal(c.want) {
			t.Errorf("nameTime(%q) = %v, want %v", c.name, got, c.want)
		}
	}
}
