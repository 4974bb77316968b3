package oui

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil"
)

func mustMAC(t *testing.T, s string) [6]byte {
	t.Helper()
	var m [6]byte
	parts := strings.Split(s, ":")
	if len(parts) != 6 {
		t.Fatalf("bad test MAC %q", s)
	}
	for i, p := range parts {
		var v byte
		for _, c := range []byte(p) {
			switch {
			case '0' <= c && c <= '9':
				v = v<<4 | (c - '0')
			case 'a' <= c && c <= 'f':
				v = v<<4 | (c - 'a' + 10)
			case 'A' <= c && c <= 'F':
				v = v<<4 | (c - 'A' + 10)
			default:
				t.Fatalf("bad test MAC %q", s)
			}
		}
		m[i] = v
	}
	return m
}

// Expected names are the IEEE registry entries (ieee-data 2022-08-27) for
// the MADEA devices in Device_MAC_Name_Mapping.csv and for MA-M / MA-S / IAB
// blocks, read from oui.csv, mam.csv, oui36.csv and iab.csv.
func TestLookup(t *testing.T) {
	tests := []struct {
		mac    string
		org    string
		wantOK bool
	}{
		{"24:ce:33:24:b5:cb", "Amazon Technologies Inc.", true},       // MADEA Amazon Plug
		{"90:48:6c:06:8f:74", "Ring LLC", true},                       // Ring Doorbell
		{"64:16:66:49:3e:cb", "Nest Labs Inc.", true},                 // Nest Camera
		{"d8:0d:17:33:c2:52", "TP-LINK TECHNOLOGIES CO.,LTD.", true},  // Kasa Bulb
		{"d0:73:d5:12:8e:30", "LIFI LABS MANAGEMENT PTY LTD", true},   // LIFX bulb
		{"e4:5f:01:c3:64:86", "Raspberry Pi Trading Ltd", true},       // RPi emulated bulb
		{"70:74:14:c0:db:f0", "Murata Manufacturing Co., Ltd.", true}, // Rachio (Murata Wi-Fi module)
		{"d0:c5:d3:90:54:73", "AzureWave Technology Inc.", true},      // Roomba (AzureWave module)
		{"cc:a7:c1:62:cc:aa", "Google, Inc.", true},                   // Nest Protect
		{"34:6f:92:1d:ba:50", "White Rodgers Division", true},         // Sensi thermostat
		{"20:85:93:b1:22:33", "IOG Products LLC", true},               // MA-M 208593B
		{"20:85:93:f1:22:33", "IEEE Registration Authority", true},    // unassigned MA-M slot: MA-L parent
		{"70:b3:d5:f2:f1:23", "TELEPLATFORMS", true},                  // MA-S 70B3D5F2F
		{"00:50:c2:7d:51:23", "DEUTA-WERKE GmbH", true},               // IAB 0050C27D5
		{"e6:ce:94:c8:64:43", "", false},                              // Pixel 6: locally administered
		{"01:00:5e:00:00:fb", "", false},                              // IPv4 multicast (group bit)
		{"ff:ff:ff:ff:ff:ff", "", false},                              // broadcast
		{"00:00:00:00:00:00", "XEROX CORPORATION", true},              // first MA-L entry
	}
	for _, tc := range tests {
		t.Run(tc.mac, func(t *testing.T) {
			org, ok := Lookup(mustMAC(t, tc.mac))
			if ok != tc.wantOK || org != tc.org {
				t.Errorf("Lookup(%s) = %q, %v; want %q, %v", tc.mac, org, ok, tc.org, tc.wantOK)
			}
		})
	}
}

func TestLookupMADEACSV(t *testing.T) {
	path := testutil.Fixture(t, "madea", "Device_MAC_Name_Mapping.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	found := 0
	for sc.Scan() {
		macText, device, _ := strings.Cut(sc.Text(), ",")
		mac := mustMAC(t, macText)
		org, ok := Lookup(mac)
		local := mac[0]&0x02 != 0
		if ok == local {
			t.Errorf("%s (%s): Lookup ok=%v, locally administered=%v", macText, device, ok, local)
		}
		if ok {
			found++
		}
		t.Logf("%-28s %s -> %q", device, macText, org)
	}
	if found != 14 {
		t.Errorf("found vendors for %d MADEA devices, want 14 (all but the phone's random MAC)", found)
	}
}

func TestRegistry(t *testing.T) {
	if err := LoadError(); err != nil {
		t.Fatal(err)
	}
	date, n := Registry()
	if date != "2022-08-27" {
		t.Errorf("date = %q, want 2022-08-27 (ieee-data .lastupdate 1661630937)", date)
	}
	// oui.csv 32542 rows - 2 duplicates + mam 4412 + oui36 5050 + iab 4575.
	if n != 46524-3 {
		t.Errorf("entries = %d, want %d", n, 46524-3)
	}
	if len(registryGz) > 1<<20 {
		t.Errorf("embedded registry is %d bytes, want under 1 MiB", len(registryGz))
	}
}

func TestLookupDoesNotAllocate(t *testing.T) {
	mac := mustMAC(t, "24:ce:33:24:b5:cb")
	Lookup(mac)
	allocs := testing.AllocsPerRun(1000, func() {
		if _, ok := Lookup(mac); !ok {
			t.Fatal("lookup failed")
		}
		mac[5]++
	})
	if allocs != 0 {
		t.Errorf("Lookup allocates %.1f times per call", allocs)
	}
}

func TestParseRegistryErrors(t *testing.T) {
	tests := []struct {
		name, text, wantErr string
	}{
		{"missing tabs", "001122 24 Acme\n", "separated by tabs"},
		{"bad bits", "001122\tx\tAcme\n", "bad prefix length"},
		{"length mismatch", "0011223\t24\tAcme\n", "does not have 24 bits"},
		{"unknown length", "0011\t16\tAcme\n", "does not have 16 bits"},
		{"bad hex", "00112G\t24\tAcme\n", "bad hex prefix"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseRegistry(bytes.NewReader(gz(t, tc.text)))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("err = %v, want it to mention %q", err, tc.wantErr)
			}
		})
	}
	if _, err := parseRegistry(strings.NewReader("plain text")); err == nil {
		t.Error("non-gzip input accepted")
	}
}

func TestParseRegistryLongestPrefix(t *testing.T) {
	text := "# date 2000-01-02\n001122\t24\tBig Block\n0011223\t28\tMid Block\n001122334\t36\tSmall Block\n001122\t24\tDuplicate\n"
	r, err := parseRegistry(bytes.NewReader(gz(t, text)))
	if err != nil {
		t.Fatal(err)
	}
	if r.date != "2000-01-02" || r.entries != 3 {
		t.Errorf("date, entries = %q, %d; want 2000-01-02, 3", r.date, r.entries)
	}
	tests := []struct {
		mac  [6]byte
		want string
	}{
		{[6]byte{0x00, 0x11, 0x22, 0x33, 0x45, 0x00}, "Small Block"},
		{[6]byte{0x00, 0x11, 0x22, 0x34, 0x00, 0x00}, "Mid Block"},
		{[6]byte{0x00, 0x11, 0x22, 0x44, 0x00, 0x00}, "Big Block"},
	}
	for _, tc := range tests {
		got, _ := r.lookup(tc.mac)
		if got != tc.want {
			t.Errorf("%x: got %q, want %q", tc.mac, got, tc.want)
		}
	}
}

func gz(t testing.TB, text string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write([]byte(text)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestAgreesWithTshark compares Short names with the vendor prefix tshark
// prints in eth.src_resolved (Wireshark's own manuf table, 8 characters,
// spaces dropped) for every host in a MADEA capture.
func TestAgreesWithTshark(t *testing.T) {
	capture := testutil.Fixture(t, "madea", "monitoring_2023-6-12_21_50_58.cap")
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not on PATH")
	}
	out, err := exec.Command("tshark", "-r", capture, "-T", "fields", "-e", "eth.src", "-e", "eth.src_resolved").Output()
	if err != nil {
		t.Fatalf("tshark: %v", err)
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		macText, resolved, ok := strings.Cut(line, "\t")
		if !ok || seen[macText] {
			continue
		}
		seen[macText] = true
		vendor, _, named := strings.Cut(resolved, "_")
		org, found := Lookup(mustMAC(t, macText))
		if !named {
			if found {
				t.Errorf("%s: tshark knows no vendor, we say %q", macText, org)
			}
			continue
		}
		if !strings.HasPrefix(alnumLower(Short(org)), alnumLower(vendor)) {
			t.Errorf("%s: tshark %q, we %q (%q)", macText, vendor, Short(org), org)
		}
	}
	if len(seen) < 10 {
		t.Errorf("only %d hosts compared", len(seen))
	}
}

func alnumLower(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

func FuzzParseRegistry(f *testing.F) {
	f.Add("# date 2022-08-27\n001122\t24\tAcme Inc.\n0011223\t28\tMid\n001122334\t36\tSmall\n")
	f.Add("001122\t24\t\n")
	f.Add("0011\t16\tx\n#\n\n")
	f.Fuzz(func(t *testing.T, text string) {
		r, err := parseRegistry(bytes.NewReader(gz(t, text)))
		if err != nil {
			return
		}
		for i := range r.tables {
			for _, sp := range r.tables[i].names {
				if sp.start > sp.end || int(sp.end) > len(r.text) {
					t.Fatalf("name span %v outside the text", sp)
				}
			}
		}
		r.lookup([6]byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55})
	})
}

// BenchmarkLoad measures decoding the embedded registry, which every
// command that reads an inventory pays once at start.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := parseRegistry(bytes.NewReader(registryGz)); err != nil {
			b.Fatal(err)
		}
	}
}
