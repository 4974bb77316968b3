package signatures

import (
	"net/netip"
	"testing"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/profile"
)

var (
	devIP  = netip.MustParseAddr("192.168.1.135")
	gwIP   = netip.MustParseAddr("192.168.1.1")
	devMAC = decode.MAC{0x50, 0xc7, 0xbf, 0xf5, 0xa0, 0x83}
)

func ap(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }

// flowSpec builds a flow from the device at devIP.
type flowSpec struct {
	transport, app string
	local, remote  string // addr:port
	names          []string
	out, in        int64
	bytesEach      int64
	devInit        bool
	first          int64
	dns, dnsType   string
	dhcp           string
	seq            []int32
}

func mkFlow(s flowSpec) *Flow {
	f := &Flow{Transport: s.transport, App: s.app, Device: ap(s.local), Remote: ap(s.remote), RemoteNames: s.names,
		PktsOut: s.out, PktsIn: s.in, BytesOut: s.out * s.bytesEach, BytesIn: s.in * s.bytesEach,
		DeviceInitiated: s.devInit, First: s.first, Last: s.first + 1e6, ICMPType: -1,
		DNSName: s.dns, DNSType: s.dnsType, DHCPType: s.dhcp, DHCPRequest: s.devInit, Seq: s.seq}
	if s.dhcp != "" {
		f.App, f.DHCPClient = "dhcp", devMAC
	}
	return f
}

func mkTrace(name string, flows ...*Flow) *Trace {
	for i, f := range flows {
		if f.First == 0 {
			f.First, f.Last = int64(i+1)*1e9, int64(i+1)*1e9+1e6
		}
	}
	return &Trace{File: name, Flows: flows, Gateways: []netip.Addr{gwIP}, DeviceIPs: []netip.Addr{devIP}, DeviceMAC: devMAC.String()}
}

// bootFlows is a typical boot: DHCP, DNS, TLS to the named cloud, NTP.
func bootFlows(tlsPackets int64, ntpServer string) []*Flow {
	return []*Flow{
		mkFlow(flowSpec{transport: "udp", app: "dhcp", local: "0.0.0.0:68", remote: "255.255.255.255:67", out: 1, bytesEach: 590, devInit: true, dhcp: "discover"}),
		mkFlow(flowSpec{transport: "udp", app: "dhcp", local: "192.168.1.135:68", remote: "192.168.1.1:67", in: 1, bytesEach: 342, dhcp: "offer"}),
		mkFlow(flowSpec{transport: "udp", app: "dns", local: "192.168.1.135:40001", remote: "192.168.1.1:53", out: 1, in: 1, bytesEach: 100, devInit: true,
			dns: "n-devs.tplinkcloud.com", dnsType: "A", seq: []int32{82, -236}}),
		mkFlow(flowSpec{transport: "tcp", app: "tls", local: "192.168.1.135:42010", remote: "52.49.16.218:443", names: []string{"n-devs.tplinkcloud.com"},
			out: tlsPackets / 2, in: tlsPackets - tlsPackets/2, bytesEach: 400, devInit: true, seq: []int32{373, -1514, -1514, 192, -117}}),
		mkFlow(flowSpec{transport: "udp", app: "ntp", local: "192.168.1.135:58745", remote: ntpServer + ":123", out: 1, in: 1, bytesEach: 90, devInit: true}),
	}
}

func mustProfile(t *testing.T, yaml string) *profile.Profile {
	t.Helper()
	p, err := profile.Parse([]byte(yaml), "test.yaml", profile.Options{ResolveIncludes: true})
	if err != nil {
		t.Fatal(err)
	}
	return p
}
