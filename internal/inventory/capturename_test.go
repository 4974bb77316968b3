package inventory

import (
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestParseCaptureName(t *testing.T) {
	tests := []struct {
		path   string
		device string
		ip     string
		start  string
		ok     bool
	}{
		{"/data/disk1/traffic/by-name/sonos/ctrl2/2025-07-01_12.30.00_192.168.1.50.pcap", "sonos", "192.168.1.50", "2025-07-01T12:30:00Z", true},
		{"by-name/echo/eth0/2024-02-29_23.59.59_10.0.0.7.pcapng.zst", "echo", "10.0.0.7", "2024-02-29T23:59:59Z", true},
		{"traffic/hue/br-lan/2023-01-02_03.04.05_fd00::5.cap.gz", "hue", "fd00::5", "2023-01-02T03:04:05Z", true},
		{"traffic/hue/wlan1/2023-01-02_03.04.05_10.0.0.1.PCAP", "hue", "10.0.0.1", "2023-01-02T03:04:05Z", true},
		{"traffic/hue/enp3s0/2023-01-02_03.04.05_10.0.0.1.pcap", "hue", "10.0.0.1", "2023-01-02T03:04:05Z", true},
		{"captures/kettle/2023-01-02_03.04.05_10.0.0.1.pcap", "kettle", "10.0.0.1", "2023-01-02T03:04:05Z", true}, // no interface folder
		{"ctrl2/2023-01-02_03.04.05_10.0.0.1.pcap", "", "10.0.0.1", "2023-01-02T03:04:05Z", true},
		{"2023-01-02_03.04.05_10.0.0.1.pcap", "", "10.0.0.1", "2023-01-02T03:04:05Z", true},
		{"dev/2023-01-02_03.04.05_10.0.0.1.txt", "", "", "", false},    // not a capture
		{"dev/2023-13-02_03.04.05_10.0.0.1.pcap", "", "", "", false},   // month 13
		{"dev/2023-01-02_03.04.05_host.pcap", "", "", "", false},       // not an IP
		{"dev/2023-01-02_03.04.05.pcap", "", "", "", false},            // no IP part
		{"dev/2023-01-02-03.04.05_10.0.0.1.pcap", "", "", "", false},   // wrong separator
		{"madea/monitoring_2023-5-31_10_11_20.cap", "", "", "", false}, // other layout
		{"dev/2023-01-02_03.04.05_10.0.0.1.pcap.gz.gz", "", "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			device, ip, start, ok := ParseCaptureName(tc.path)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			wantStart, _ := time.Parse(time.RFC3339, tc.start)
			if device != tc.device || ip != netip.MustParseAddr(tc.ip) || !start.Equal(wantStart) || start.Location() != time.UTC {
				t.Errorf("got %q %v %v, want %q %s %s", device, ip, start, tc.device, tc.ip, tc.start)
			}
		})
	}
}

func TestCaptureDevice(t *testing.T) {
	d, ok := CaptureDevice("by-name/sonos/ctrl2/2025-07-01_12.30.00_192.168.1.50.pcap")
	if !ok || d.Name != "sonos" || len(d.IPs) != 1 || d.IPs[0] != netip.MustParseAddr("192.168.1.50") || d.Source != SourceFileName {
		t.Errorf("CaptureDevice = %+v, %v", d, ok)
	}
	if _, ok := CaptureDevice("2025-07-01_12.30.00_192.168.1.50.pcap"); ok {
		t.Error("a capture without a device folder made a device")
	}
}

func FuzzParseCaptureName(f *testing.F) {
	f.Add("/data/disk1/traffic/by-name/sonos/ctrl2/2025-07-01_12.30.00_192.168.1.50.pcap")
	f.Add("x/br-lan/2023-01-02_03.04.05_fe80::1%eth0.pcapng.zst")
	f.Add("2023-01-02_03.04.05_.pcap")
	f.Fuzz(func(t *testing.T, path string) {
		device, ip, start, ok := ParseCaptureName(path)
		if !ok {
			if device != "" || ip.IsValid() || !start.IsZero() {
				t.Fatalf("not ok but returned %q %v %v", device, ip, start)
			}
			return
		}
		if !ip.IsValid() || start.IsZero() || strings.Contains(device, "/") {
			t.Fatalf("ParseCaptureName(%q) = %q %v %v", path, device, ip, start)
		}
	})
}
