package inventory

import (
	"net/netip"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/testutil"
)

// tsharkFields are the facts Observations needs, as tshark names them.
var tsharkFields = []string{
	"frame.time_epoch", "eth.src", "eth.dst", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
	"arp.opcode", "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.proto_ipv4",
	"dhcp.hw.mac_addr", "dhcp.option.dhcp", "dhcp.option.hostname", "dhcp.option.vendor_class_id",
	"dhcp.ip.your", "dhcp.option.requested_ip_address", "dhcp.option.router",
}

// observeWithTshark feeds a real capture into Observations, using tshark
// as the dissector (the project's own readers live in other packages).
func observeWithTshark(t *testing.T, capture string) *Observations {
	t.Helper()
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not on PATH")
	}
	args := []string{"-r", capture, "-T", "fields", "-E", "separator=|", "-E", "occurrence=f"}
	for _, f := range tsharkFields {
		args = append(args, "-e", f)
	}
	out, err := exec.Command("tshark", args...).Output()
	if err != nil {
		t.Fatalf("tshark: %v", err)
	}
	o := NewObservations()
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		c := strings.Split(line, "|")
		if len(c) != len(tsharkFields) {
			t.Fatalf("tshark line has %d fields: %q", len(c), line)
		}
		feedTsharkLine(o, c)
	}
	return o
}

func feedTsharkLine(o *Observations, c []string) {
	secs, _ := strconv.ParseFloat(c[0], 64)
	ts := int64(secs * 1e9)
	macOf := func(s string) decode.MAC { m, _ := decode.ParseMAC(s); return m }
	addrOf := func(s string) netip.Addr { a, _ := netip.ParseAddr(s); return a }
	srcIP, dstIP := addrOf(c[3]), addrOf(c[4])
	if c[5] != "" {
		srcIP, dstIP = addrOf(c[5]), addrOf(c[6])
	}
	o.Frame(ts, macOf(c[1]), macOf(c[2]), srcIP, dstIP)
	if c[7] != "" {
		op, _ := strconv.Atoi(c[7])
		o.ARP(ts, uint16(op), macOf(c[8]), addrOf(c[9]), addrOf(c[10]))
	}
	if c[11] != "" {
		msgType, _ := strconv.Atoi(c[12])
		o.DHCP(ts, macOf(c[11]), uint8(msgType), c[13], c[14], addrOf(c[15]), addrOf(c[16]), addrOf(c[17]))
	}
}

// Expected values were read from the captures with tshark (ARP replies and
// DHCP ACKs) and agree with the dataset documentation: MADEA's router is
// 192.168.4.1, UCLouvain's gateway 192.168.1.1 and the TP-Link plug
// 192.168.1.135 (devices.yaml).
func TestRealCaptures(t *testing.T) {
	tests := []struct {
		name      string
		capture   []string
		gateway   string
		gatewayIP string
		hosts     int
		host      string
		hostIP    string
		hostName  string
	}{
		{"MADEA monitoring", []string{"madea", "monitoring_2023-6-12_21_50_58.cap"}, "dc:a6:32:ce:31:63", "192.168.4.1", 15, "64:16:66:49:3e:cb", "192.168.4.230", "Nest Labs_49:3e:cb"},
		{"IoT Sentinel Hue", []string{"iot-sentinel", "HueBridge", "Setup-A-2-STA.pcap"}, "00:b5:6d:06:08:ba", "10.10.10.1", 3, "00:17:88:24:76:ff", "10.10.10.6", "Philips-hue"},
		{"UCLouvain TP-Link plug", []string{"uclouvain-shhcp", "TpLinkPlug", "boot", "1741767184.anon.pcap"}, "c0:56:27:38:8f:8c", "192.168.1.1", 2, "50:c7:bf:f5:a0:83", "192.168.1.135", "HS110"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hosts := observeWithTshark(t, testutil.Fixture(t, tc.capture...)).Resolve()
			if len(hosts) != tc.hosts {
				t.Errorf("%d hosts, want %d", len(hosts), tc.hosts)
			}
			b := NewBindings(hosts)
			if gw, ok := b.Gateway(); !ok || gw.String() != tc.gateway {
				t.Errorf("gateway %s, %v; want %s", gw, ok, tc.gateway)
			}
			if m, _ := b.MACAt(netip.MustParseAddr(tc.gatewayIP), hosts[0].FirstSeen); m.String() != tc.gateway {
				t.Errorf("MACAt(%s) = %s, want the gateway", tc.gatewayIP, m)
			}
			if m, _ := b.MACAt(netip.MustParseAddr(tc.hostIP), hosts[0].LastSeen); m.String() != tc.host {
				t.Errorf("MACAt(%s) = %s, want %s", tc.hostIP, m, tc.host)
			}
			d := Discovered(hosts).ByMAC(mac(t, tc.host))
			if d == nil || d.Name != tc.hostName {
				t.Errorf("discovered %+v, want name %q", d, tc.hostName)
			}
		})
	}
}

// TestAttachDevicesYAML names the anonymized UCLouvain plug by its IP.
func TestAttachDevicesYAML(t *testing.T) {
	hosts := observeWithTshark(t, testutil.Fixture(t, "uclouvain-shhcp", "TpLinkPlug", "boot", "1741767184.anon.pcap")).Resolve()
	inv, err := Load(testutil.Fixture(t, "uclouvain-shhcp", "devices.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if n := inv.Attach(NewBindings(hosts)); n != 1 {
		t.Errorf("attached %d MACs, want 1", n)
	}
	d := inv.ByMAC(mac(t, "50:c7:bf:f5:a0:83"))
	if d == nil || d.Name != "TpLinkPlug" || d.Vendor != "TP-LINK TECHNOLOGIES CO.,LTD." {
		t.Errorf("plug after Attach: %+v", d)
	}
}
