package inventory

import (
	"fmt"
	"math/rand"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/decode"
)

// event is one call on Observations.
type event func(o *Observations)

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

var (
	gwMAC    = decode.MAC{0xd8, 0x0d, 0x17, 0x00, 0x00, 0x01} // TP-Link router
	echoMAC  = decode.MAC{0x24, 0xce, 0x33, 0x00, 0x00, 0x0a} // Amazon
	nestMAC  = decode.MAC{0x64, 0x16, 0x66, 0x00, 0x00, 0x0b} // Nest Labs
	phoneMAC = decode.MAC{0xe6, 0xce, 0x94, 0x00, 0x00, 0x0c} // random MAC
	tvMAC    = decode.MAC{0x00, 0x17, 0x88, 0x00, 0x00, 0x0d} // Philips, LAN only
	bcast    = decode.MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
)

const (
	echoIP    = "192.168.1.50"
	privacyV6 = "2001:db8:1:2:1234:5678:9abc:def0"
	slaacV6   = "2001:db8:1:2:e4ce:94ff:fe00:c"
)

// homeScenario is a small home LAN: a router, an Echo that gets
// 192.168.1.50 by DHCP and leaves, a Nest that gets the same address later
// (lease change), a phone with only IPv6 (link-local, SLAAC and privacy
// addresses) and a TV that only talks on the LAN.
func homeScenario() []event {
	internet := []string{"93.184.216.34", "142.250.1.1", "52.94.236.248", "2a00:1450:4001::1", "2a00:1450:4001::2"}
	ev := []event{
		func(o *Observations) { o.ARP(10, 2, gwMAC, ip("192.168.1.1"), ip("192.168.1.60")) },
		func(o *Observations) {
			o.DHCP(20, nestMAC, 5, "", "", ip("192.168.1.60"), netip.Addr{}, ip("192.168.1.1"))
		},
		func(o *Observations) {
			o.DHCP(90, echoMAC, 1, "echo-dot", "udhcp 1.29.3", netip.Addr{}, netip.Addr{}, netip.Addr{})
		},
		func(o *Observations) {
			o.DHCP(100, echoMAC, 5, "echo-dot", "", ip(echoIP), netip.Addr{}, ip("192.168.1.1"))
		},
		func(o *Observations) { o.Frame(95, echoMAC, bcast, ip("0.0.0.0"), ip("255.255.255.255")) },
		func(o *Observations) { o.NDP(300, phoneMAC, ip(slaacV6)) },
		func(o *Observations) { o.MDNSName(310, phoneMAC, "Pixel-6.local.") },
		func(o *Observations) { o.MDNSName(320, phoneMAC, "_googlecast._tcp.local") },
		func(o *Observations) { o.SSDPServer(400, tvMAC, "Linux/4.9 UPnP/1.0 Roku/9.4") },
		func(o *Observations) {
			o.DHCP(2000, nestMAC, 5, "", "", ip(echoIP), ip(echoIP), ip("192.168.1.1"))
		},
	}
	for i := int64(0); i < 40; i++ {
		t := 100 + i*25
		remote := ip(internet[i%int64(len(internet))])
		switch {
		case remote.Is4() && t <= 1000:
			ev = append(ev,
				func(o *Observations) { o.Frame(t, echoMAC, gwMAC, ip(echoIP), remote) },
				func(o *Observations) { o.Frame(t+1, gwMAC, echoMAC, remote, ip(echoIP)) })
		case remote.Is6():
			src := ip(slaacV6)
			if i%2 == 0 {
				src = ip(privacyV6)
			}
			ev = append(ev,
				func(o *Observations) { o.Frame(t, phoneMAC, gwMAC, src, remote) },
				func(o *Observations) { o.Frame(t+1, gwMAC, phoneMAC, remote, src) })
		}
		ev = append(ev,
			func(o *Observations) { o.Frame(t, nestMAC, gwMAC, ip("192.168.1.60"), ip("52.94.236.248")) },
			func(o *Observations) { o.Frame(t+2, tvMAC, echoMAC, ip("192.168.1.70"), ip(echoIP)) },
			func(o *Observations) { o.Frame(t+3, phoneMAC, tvMAC, ip("fe80::c"), ip("fe80::d")) },
			func(o *Observations) { o.Frame(t+4, gwMAC, bcast, ip("fe80::1"), ip("ff02::1")) },
			func(o *Observations) { o.Frame(t+5, tvMAC, bcast, netip.Addr{}, netip.Addr{}) })
	}
	for i := int64(0); i < 20; i++ {
		t := 2000 + i*50
		ev = append(ev,
			func(o *Observations) { o.Frame(t, nestMAC, gwMAC, ip(echoIP), ip("34.120.0.1")) },
			func(o *Observations) { o.Frame(t+1, gwMAC, nestMAC, ip("34.120.0.1"), ip(echoIP)) })
	}
	return ev
}

func run(events []event) *Observations {
	o := NewObservations()
	for _, e := range events {
		e(o)
	}
	return o
}

func hostByMAC(t *testing.T, hosts []Host, m decode.MAC) Host {
	t.Helper()
	for _, h := range hosts {
		if h.MAC == m {
			return h
		}
	}
	t.Fatalf("no host %s", m)
	return Host{}
}

func bindingsString(bs []Binding) string {
	var parts []string
	for _, b := range bs {
		parts = append(parts, fmt.Sprintf("%s[%d,%d]%s", b.IP, b.First, b.Last, b.Source))
	}
	return strings.Join(parts, " ")
}

func TestResolveHomeScenario(t *testing.T) {
	hosts := run(homeScenario()).Resolve()
	if len(hosts) != 5 {
		t.Fatalf("%d hosts, want 5: %+v", len(hosts), hosts)
	}
	tests := []struct {
		mac      decode.MAC
		gateway  bool
		bindings string
		vendor   string
	}{
		// The router: ARP-announced address and its link-local one; none
		// of the Internet addresses it forwards.
		{gwMAC, true, "192.168.1.1[10,10]arp fe80::1[104,1079]src-ip", "TP-LINK TECHNOLOGIES CO.,LTD."},
		// Lease change: the Echo held .50 until 1000, the Nest from 2000.
		{echoMAC, false, "192.168.1.50[100,1000]dhcp", "Amazon Technologies Inc."},
		{nestMAC, false, "192.168.1.60[20,1075]dhcp 192.168.1.50[2000,2950]dhcp", "Nest Labs Inc."},
		// IPv6 privacy and SLAAC addresses belong to the phone.
		{phoneMAC, false, "fe80::c[103,1078]src-ip " + slaacV6 + "[175,1075]ndp " + privacyV6 + "[200,1050]src-ip", ""},
		{tvMAC, false, "192.168.1.70[102,1077]src-ip", "Philips Lighting BV"},
	}
	for _, tc := range tests {
		h := hostByMAC(t, hosts, tc.mac)
		if h.Gateway != tc.gateway || bindingsString(h.IPs) != tc.bindings || h.Vendor != tc.vendor {
			t.Errorf("%s: gateway %v, bindings %q, vendor %q\nwant %v, %q, %q", tc.mac, h.Gateway, bindingsString(h.IPs), h.Vendor, tc.gateway, tc.bindings, tc.vendor)
		}
	}
	echo := hostByMAC(t, hosts, echoMAC)
	if !reflect.DeepEqual(echo.DHCPNames, []string{"echo-dot"}) || !reflect.DeepEqual(echo.DHCPVendorClasses, []string{"udhcp 1.29.3"}) {
		t.Errorf("echo names %v %v", echo.DHCPNames, echo.DHCPVendorClasses)
	}
	if echo.FirstSeen != 90 || echo.LastSeen != 1000 || echo.Frames != 24 {
		t.Errorf("echo first %d last %d frames %d", echo.FirstSeen, echo.LastSeen, echo.Frames)
	}
	phone := hostByMAC(t, hosts, phoneMAC)
	if !reflect.DeepEqual(phone.MDNSNames, []string{"Pixel-6.local", "_googlecast._tcp.local"}) {
		t.Errorf("phone mDNS names %v", phone.MDNSNames)
	}
	if tv := hostByMAC(t, hosts, tvMAC); !reflect.DeepEqual(tv.SSDPServers, []string{"Linux/4.9 UPnP/1.0 Roku/9.4"}) {
		t.Errorf("tv SSDP %v", tv.SSDPServers)
	}
	if hosts[0].MAC != gwMAC {
		t.Errorf("hosts not sorted by first sighting: first is %s", hosts[0].MAC)
	}
}

// TestMergeOrderIndependence splits the scenario into parts (contiguous
// file-like chunks and random scatter), merges them in several groupings
// and orders, and expects the same Resolve result every time.
func TestMergeOrderIndependence(t *testing.T) {
	events := homeScenario()
	want := run(events).Resolve()
	rng := rand.New(rand.NewSource(1))
	for trial := 0; trial < 40; trial++ {
		nparts := 2 + trial%5
		parts := make([][]event, nparts)
		for i, e := range events {
			p := i * nparts / len(events) // contiguous chunks
			if trial%2 == 1 {
				p = rng.Intn(nparts) // scattered
			}
			parts[p] = append(parts[p], e)
		}
		obs := make([]*Observations, nparts)
		for i := range parts {
			obs[i] = run(parts[i])
		}
		var merged *Observations
		switch trial % 3 {
		case 0: // left fold in file order
			merged = obs[0]
			for _, o := range obs[1:] {
				merged.Merge(o)
			}
		case 1: // right fold: later files merged first
			merged = obs[nparts-1]
			for i := nparts - 2; i >= 0; i-- {
				obs[i].Merge(merged)
				merged = obs[i]
			}
		default: // pairwise tree in shuffled order
			rng.Shuffle(len(obs), func(i, j int) { obs[i], obs[j] = obs[j], obs[i] })
			for len(obs) > 1 {
				obs[0].Merge(obs[1])
				obs = append(obs[:1], obs[2:]...)
				rng.Shuffle(len(obs), func(i, j int) { obs[i], obs[j] = obs[j], obs[i] })
			}
			merged = obs[0]
		}
		if got := merged.Resolve(); !reflect.DeepEqual(got, want) {
			t.Fatalf("trial %d (%d parts): merged result differs\ngot  %+v\nwant %+v", trial, nparts, got, want)
		}
	}
}

func TestGatewayDetection(t *testing.T) {
	lanHost := decode.MAC{0x24, 0xce, 0x33, 0, 0, 2}
	vpnBox := decode.MAC{0x24, 0xce, 0x33, 0, 0, 3}
	internetFrom := func(m decode.MAC, n int) []event {
		var ev []event
		for i := 0; i < n; i++ {
			remote := netip.AddrFrom4([4]byte{8, 8, byte(i), 1})
			ev = append(ev, func(o *Observations) { o.Frame(int64(i), m, lanHost, remote, ip("192.168.1.2")) })
		}
		return ev
	}
	lan := func(o *Observations) { o.Frame(1, lanHost, vpnBox, ip("192.168.1.2"), ip("192.168.1.3")) }
	routerARP := func(o *Observations) { o.ARP(1, 2, gwMAC, ip("192.168.1.1"), ip("192.168.1.2")) }
	routerDHCP := func(o *Observations) {
		o.DHCP(1, lanHost, 5, "", "", ip("192.168.1.2"), netip.Addr{}, ip("192.168.1.1"))
	}
	tests := []struct {
		name   string
		events []event
		want   decode.MAC
		wantOK bool
	}{
		{"most Internet peers, no DHCP", append(internetFrom(vpnBox, 5), lan), vpnBox, true},
		{"too few peers to be sure", append(internetFrom(vpnBox, 2), lan), decode.MAC{}, false},
		{"DHCP router beats a busier box", append(append(internetFrom(vpnBox, 9), internetFrom(gwMAC, 1)...), routerARP, routerDHCP), gwMAC, true},
		{"LAN-only capture: DHCP router held via ARP", []event{lan, routerARP, routerDHCP}, gwMAC, true},
		{"nothing to go on", []event{lan}, decode.MAC{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var gw decode.MAC
			found := false
			for _, h := range run(tc.events).Resolve() {
				if h.Gateway {
					if found {
						t.Fatal("two gateways")
					}
					gw, found = h.MAC, true
				}
			}
			if gw != tc.want || found != tc.wantOK {
				t.Errorf("gateway %s, %v; want %s, %v", gw, found, tc.want, tc.wantOK)
			}
		})
	}
}

func TestBindingsMACAt(t *testing.T) {
	b := NewBindings(run(homeScenario()).Resolve())
	tests := []struct {
		ip     string
		t      int64
		want   decode.MAC
		wantOK bool
	}{
		{echoIP, 500, echoMAC, true},
		{echoIP, 1500, echoMAC, true}, // between leases: the last holder
		{echoIP, 2000, nestMAC, true},
		{echoIP, 9999, nestMAC, true},
		{echoIP, 0, echoMAC, true}, // before any binding: the first holder
		{"::ffff:" + echoIP, 2500, nestMAC, true},
		{privacyV6, 600, phoneMAC, true},
		{"192.168.1.1", 600, gwMAC, true},
		{"93.184.216.34", 600, decode.MAC{}, false}, // Internet address: nobody's
	}
	for _, tc := range tests {
		got, ok := b.MACAt(ip(tc.ip), tc.t)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("MACAt(%s, %d) = %s, %v; want %s, %v", tc.ip, tc.t, got, ok, tc.want, tc.wantOK)
		}
	}
	if got := b.MACs(ip(echoIP)); !reflect.DeepEqual(got, []decode.MAC{echoMAC, nestMAC}) {
		t.Errorf("MACs(%s) = %v", echoIP, got)
	}
	if gw, ok := b.Gateway(); gw != gwMAC || !ok {
		t.Errorf("Gateway() = %s, %v", gw, ok)
	}
	// A lease that returns: A [0,500], B [200,300].
	ab := NewBindings([]Host{
		{MAC: echoMAC, IPs: []Binding{{IP: ip("10.0.0.9"), First: 0, Last: 500}}},
		{MAC: nestMAC, IPs: []Binding{{IP: ip("10.0.0.9"), First: 200, Last: 300}}},
	})
	for _, tc := range []struct {
		t    int64
		want decode.MAC
	}{{100, echoMAC}, {250, nestMAC}, {450, echoMAC}} {
		if got, _ := ab.MACAt(ip("10.0.0.9"), tc.t); got != tc.want {
			t.Errorf("returning lease: MACAt(%d) = %s, want %s", tc.t, got, tc.want)
		}
	}
	var none *Bindings
	if _, ok := none.MACAt(ip(echoIP), 1); ok {
		t.Error("nil Bindings found a MAC")
	}
}

func TestDiscoveredAndAttach(t *testing.T) {
	hosts := run(homeScenario()).Resolve()
	// A second Echo announcing the same DHCP name gets a unique one.
	hosts = append(hosts, Host{MAC: decode.MAC{0x24, 0xce, 0x33, 0, 0, 0xee}, DHCPNames: []string{"echo-dot"}, Vendor: "Amazon Technologies Inc."})
	inv := Discovered(hosts)
	names := map[decode.MAC]string{}
	for _, d := range inv.Devices {
		names[d.MACs[0]] = d.Name
		if d.Source != SourceDiscovered {
			t.Errorf("%s source %q", d.Name, d.Source)
		}
	}
	want := map[decode.MAC]string{
		gwMAC:                          "TP-LINK TECHNOLOGIES_00:00:01",
		echoMAC:                        "echo-dot",
		nestMAC:                        "Nest Labs_00:00:0b",
		phoneMAC:                       "Pixel-6",
		tvMAC:                          "Philips Lighting_00:00:0d",
		{0x24, 0xce, 0x33, 0, 0, 0xee}: "echo-dot (2)",
	}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("names %v\nwant  %v", names, want)
	}
	if d := inv.ByIP(ip(echoIP)); d == nil || d.MACs[0] != nestMAC {
		t.Errorf("ByIP(%s) = %+v, want the Nest (latest holder)", echoIP, d)
	}
	if d := inv.ByMAC(gwMAC); d == nil || !d.Gateway {
		t.Errorf("gateway device %+v", d)
	}

	listed, err := Parse(strings.NewReader("NestCam:\n  ipv4: 192.168.1.60\nRouter:\n  ipv4: 192.168.1.1\nGone:\n  ipv4: 192.168.1.99\n"), "devices.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if n := listed.Attach(NewBindings(hosts)); n != 2 {
		t.Errorf("attached %d MACs, want 2", n)
	}
	if d := listed.ByMAC(nestMAC); d == nil || d.Name != "NestCam" || d.Vendor != "Nest Labs Inc." {
		t.Errorf("NestCam after Attach: %+v", d)
	}
	if d := listed.ByName("Router"); d == nil || !d.Gateway || len(d.MACs) != 1 || d.MACs[0] != gwMAC {
		t.Errorf("Router after Attach: %+v", d)
	}
	if d := listed.ByName("Gone"); len(d.MACs) != 0 {
		t.Errorf("Gone got MACs %v", d.MACs)
	}
}

func TestMDNSDisplayName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Philips-hue.local", "Philips-hue"},
		{"Living Room._hap._tcp.local", "Living Room"},
		{"_googlecast._tcp.local", ""},
		{"12.1.168.192.in-addr.arpa", ""},
		{"search.1231312241122bb67c3cadfde9599164.local", ""},
		{"Philips hue - 2476FF._hap._tcp.local", "Philips hue - 2476FF"},
		{"plain", "plain"},
		{"bad\x00name.local.", "badname"},
	}
	for _, tc := range tests {
		if got := mdnsDisplayName(tc.in); got != tc.want {
			t.Errorf("mdnsDisplayName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestIsLocal(t *testing.T) {
	tests := []struct {
		ip   string
		want bool
	}{
		{"10.1.2.3", true}, {"172.16.0.1", true}, {"172.32.0.1", false}, {"192.168.4.1", true},
		{"169.254.1.1", true}, {"127.0.0.1", true}, {"224.0.0.251", true}, {"239.255.255.250", true},
		{"255.255.255.255", true}, {"0.0.0.0", true}, {"100.64.0.1", true}, {"100.127.255.255", true},
		{"100.128.0.1", false}, {"8.8.8.8", false}, {"93.184.216.34", false},
		{"fe80::1", true}, {"fd00::1", true}, {"fc00::1", true}, {"ff02::fb", true}, {"::1", true}, {"::", true},
		{"fec0::1", true}, {"2001:db8::1", false}, {"2a00:1450:4001::1", false},
		{"::ffff:192.168.1.1", true}, {"::ffff:8.8.8.8", false},
	}
	for _, tc := range tests {
		if got := IsLocal(ip(tc.ip)); got != tc.want {
			t.Errorf("IsLocal(%s) = %v, want %v", tc.ip, got, tc.want)
		}
	}
	if IsLocal(netip.Addr{}) {
		t.Error("IsLocal(zero Addr) = true")
	}
}

func TestObservationsBounded(t *testing.T) {
	o := NewObservations()
	host := decode.MAC{0x24, 0xce, 0x33, 0, 0, 1}
	for i := 0; i < 300; i++ {
		t := int64(1000 - i) // out of order: earliest addresses win
		local := netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)})
		global := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0, byte(i), 14: byte(i >> 8), 15: byte(i)})
		remote := netip.AddrFrom4([4]byte{8, byte(i), 0, 1})
		o.Frame(t, host, gwMAC, local, remote)
		o.Frame(t, host, gwMAC, global, remote)
		o.Frame(t, gwMAC, host, remote, local)
		o.DHCP(t, host, 1, fmt.Sprintf("name-%03d", i), "", netip.Addr{}, netip.Addr{}, netip.Addr{})
		o.MDNSName(t, host, fmt.Sprintf("m%d.local", i))
	}
	s := o.macs.M[host]
	local, global := 0, 0
	for _, b := range s.bindings {
		if IsLocal(b.ip) {
			local++
		} else {
			global++
		}
		if b.first < 1000-299 || b.first > 1000-299+63 {
			t.Errorf("kept binding %s first %d: not among the earliest", b.ip, b.first)
		}
	}
	if local != maxBindingsPerMAC || global != maxGlobalV6PerMAC {
		t.Errorf("kept %d local, %d global bindings", local, global)
	}
	if len(s.dhcpNames) != maxNamesPerMAC || len(s.mdnsNames) != maxNamesPerMAC {
		t.Errorf("kept %d DHCP and %d mDNS names", len(s.dhcpNames), len(s.mdnsNames))
	}
	if got := o.macs.M[gwMAC]; len(got.peers) != maxPeersPerMAC {
		t.Errorf("gateway kept %d peers", len(got.peers))
	}
	h := hostByMAC(t, o.Resolve(), host)
	if h.DHCPNames[0] != "name-299" {
		t.Errorf("first DHCP name %q, want the earliest seen, name-299", h.DHCPNames[0])
	}
}

func TestObservationsIgnoreGroupAndUnusableAddresses(t *testing.T) {
	o := NewObservations()
	o.Frame(1, bcast, echoMAC, ip("192.168.1.9"), ip("8.8.8.8"))
	o.ARP(1, 1, echoMAC, ip("0.0.0.0"), ip("192.168.1.9")) // probe
	o.ARP(1, 1, decode.MAC{}, ip("192.168.1.8"), ip("192.168.1.9"))
	o.DHCP(1, echoMAC, 5, "", "", ip("0.0.0.0"), netip.Addr{}, netip.Addr{})
	o.NDP(1, echoMAC, ip("ff02::1"))
	o.Frame(1, echoMAC, bcast, ip("224.0.0.1"), netip.Addr{})
	o.MDNSName(1, bcast, "x.local")
	o.SSDPServer(1, bcast, "x")
	if hosts := o.Resolve(); len(hosts) != 0 {
		t.Errorf("hosts from unusable facts: %+v", hosts)
	}
	var zero Observations
	zero.Frame(1, echoMAC, gwMAC, ip("192.168.1.9"), ip("8.8.8.8"))
	zero.Merge(NewObservations())
	zero.Merge(nil)
	zero.Merge(&zero)
	if len(zero.Resolve()) != 1 {
		t.Error("zero-value Observations lost its host")
	}
}

func TestHotPathsDoNotAllocate(t *testing.T) {
	o := run(homeScenario())
	src, dst := ip(privacyV6), ip("2a00:1450:4001::1")
	b := NewBindings(o.Resolve())
	tests := []struct {
		name string
		fn   func()
	}{
		{"Frame out", func() { o.Frame(5000, phoneMAC, gwMAC, src, dst) }},
		{"Frame in", func() { o.Frame(5000, gwMAC, phoneMAC, dst, src) }},
		{"Frame non-IP", func() { o.Frame(5000, tvMAC, bcast, netip.Addr{}, netip.Addr{}) }},
		{"ARP", func() { o.ARP(5000, 2, gwMAC, ip("192.168.1.1"), ip("192.168.1.60")) }},
		{"MDNSName known", func() { o.MDNSName(5000, phoneMAC, "Pixel-6.local") }},
		{"MACAt", func() { b.MACAt(ip(echoIP), 1500) }},
	}
	for _, tc := range tests {
		if allocs := testing.AllocsPerRun(1000, tc.fn); allocs != 0 {
			t.Errorf("%s allocates %.1f times per call", tc.name, allocs)
		}
	}
}
