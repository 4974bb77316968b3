package inventory

import (
	"net/netip"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// captureNameLayout is the destination-analysis file name's time part:
// YYYY-MM-DD_HH.MM.SS, then "_<device IP>".
const captureNameLayout = "2006-01-02_15.04.05"

// compressionSuffixes and captureSuffixes are stripped, in that order.
var (
	compressionSuffixes = []string{".gz", ".zst", ".zstd"}
	captureSuffixes     = []string{".pcapng", ".pcap", ".cap"}
)

// interfaceFolder matches folder names of capture interfaces (ctrl2, eth0,
// wlan1, enp3s0, br-lan, mon0, ...): a capture tree keeps them below the
// device folder.
var interfaceFolder = regexp.MustCompile(`^(?:(?:ctrl|eth|wlan|wlp\d+s|enp\d+s|ens|eno|en|em|mon|br|bond|tap|tun|veth|vlan|ath|wl|ppp|usb|ra|phy|wifi)\d+(?:\.\d+)?|br-[a-z0-9]+|lan|wan|any)$`)

// ParseCaptureName understands the destination-analysis layout
// `<root>/by-name/<device>/<interface>/YYYY-MM-DD_HH.MM.SS_<ip>.pcap` (also
// .pcapng/.cap, optionally .gz/.zst compressed). The time is read as UTC.
// The device is the folder above a capture-interface folder (ctrl2, eth0,
// wlan1, br-lan, mon0, ...), otherwise the parent folder; it is "" when the
// path has no folder. ok reports whether the file name matched.
func ParseCaptureName(path string) (device string, ip netip.Addr, start time.Time, ok bool) {
	path = filepath.ToSlash(path)
	dir, base := splitPath(path)
	base = trimAnySuffix(base, compressionSuffixes)
	stem := trimAnySuffix(base, captureSuffixes)
	if stem == base || len(stem) <= len(captureNameLayout)+1 || stem[len(captureNameLayout)] != '_' {
		return "", netip.Addr{}, time.Time{}, false
	}
	start, err := time.Parse(captureNameLayout, stem[:len(captureNameLayout)])
	if err != nil {
		return "", netip.Addr{}, time.Time{}, false
	}
	ip, err = netip.ParseAddr(stem[len(captureNameLayout)+1:])
	if err != nil {
		return "", netip.Addr{}, time.Time{}, false
	}
	return deviceFolder(dir), ip, start, true
}

// CaptureDevice turns a capture named in the destination-analysis layout
// into an inventory device (name from the folder, IP from the file name).
func CaptureDevice(path string) (Device, bool) {
	name, ip, _, ok := ParseCaptureName(path)
	if !ok || name == "" {
		return Device{}, false
	}
	return Device{Name: name, IPs: []netip.Addr{ip}, Source: SourceFileName}, true
}

func splitPath(p string) (dir, base string) {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return "", p
	}
	return p[:i], p[i+1:]
}

func trimAnySuffix(s string, suffixes []string) string {
	lower := strings.ToLower(s)
	for _, suf := range suffixes {
		if strings.HasSuffix(lower, suf) {
			return s[:len(s)-len(suf)]
		}
	}
	return s
}

func deviceFolder(dir string) string {
	parent, name := splitPath(dir)
	if interfaceFolder.MatchString(strings.ToLower(name)) {
		_, name = splitPath(parent)
	}
	if name == "." || name == ".." {
		return ""
	}
	return name
}
