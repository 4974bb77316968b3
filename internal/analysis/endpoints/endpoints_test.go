package endpoints

import (
	"bytes"
	"encoding/gob"
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/iotlens/iotlens/internal/capture"
	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/dissect/dns"
	"github.com/iotlens/iotlens/internal/dissect/tls"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/inventory"
	"github.com/iotlens/iotlens/internal/names"
	"github.com/iotlens/iotlens/internal/proto"
)

var (
	camMAC   = decode.MAC{0x02, 0, 0, 0, 0, 0x01}
	plugMAC  = decode.MAC{0x02, 0, 0, 0, 0, 0x02}
	gwMAC    = decode.MAC{0x02, 0, 0, 0, 0, 0xfe}
	mdnsMAC  = decode.MAC{0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb}
	camIP    = netip.MustParseAddr("192.168.1.10")
	plugIP   = netip.MustParseAddr("192.168.1.20")
	plugIPv6 = netip.MustParseAddr("2001:db8::20")
	gwIP     = netip.MustParseAddr("192.168.1.1")
	cloudIP  = netip.MustParseAddr("52.1.2.3")
	otherIP  = netip.MustParseAddr("93.184.216.34")
	dnsIP    = netip.MustParseAddr("8.8.8.8")
	mdnsIP   = netip.MustParseAddr("224.0.0.251")
	bcastIP  = netip.MustParseAddr("255.255.255.255")
	t0       = time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC).UnixNano()
)

// frame describes one synthetic IP frame.
type frame struct {
	at       int64 // seconds after t0
	src, dst decode.MAC
	sip, dip netip.Addr
	size     int
	pr       proto.Proto
	facts    func(ev *engine.Event)
}

func event(f frame) *engine.Event {
	pk := &decode.Packet{Layers: decode.LayerEthernet | decode.LayerIPv4, SrcMAC: f.src, DstMAC: f.dst,
		HasSrcMAC: true, HasDstMAC: true, SrcIP: f.sip, DstIP: f.dip}
	if f.sip.Is6() {
		pk.Layers = decode.LayerEthernet | decode.LayerIPv6
	}
	ev := &engine.Event{Frame: &capture.Frame{Time: t0 + f.at*int64(time.Second), WireLen: f.size}, Packet: pk, Proto: f.pr,
		SrcLocal: inventory.IsLocal(f.sip), DstLocal: inventory.IsLocal(f.dip)}
	if f.facts != nil {
		f.facts(ev)
	}
	return ev
}

func dnsAnswer(query string, ip netip.Addr) func(*engine.Event) {
	return func(ev *engine.Event) {
		ev.DNS = []*dns.Message{{Response: true, Questions: []dns.Question{{Name: query, Type: dns.TypeA}},
			Answers: []dns.RR{{Name: query, Type: dns.TypeA, IP: ip}}}}
	}
}

func clientHello(sni string) func(*engine.Event) {
	return func(ev *engine.Event) { ev.ClientHello = &tls.ClientHello{SNI: sni} }
}

func serverCert(c tls.Certificate) func(*engine.Event) {
	return func(ev *engine.Event) { ev.Server = &tls.ServerInfo{Certificates: []tls.Certificate{c}} }
}

var vendorCert = tls.Certificate{SubjectCN: "api.vendor.example", SubjectOrg: "Vendor, Inc.", SubjectCountry: "US",
	IssuerCN: "Example CA", IssuerOrg: "Example Trust", DNSNames: []string{"api.vendor.example", "*.vendor.example"},
	NotBefore: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), SHA256: "ab12"}

// scenario is a small home: a camera talking to its cloud, DNS, the
// gateway, mDNS, a broadcast, and a plug over IPv4 and global IPv6.
var scenario = []frame{
	{at: 1, src: camMAC, dst: gwMAC, sip: camIP, dip: dnsIP, size: 80, pr: proto.DNS},
	{at: 1, src: gwMAC, dst: camMAC, sip: dnsIP, dip: camIP, size: 120, pr: proto.DNS, facts: dnsAnswer("api.vendor.example", cloudIP)},
	{at: 2, src: camMAC, dst: gwMAC, sip: camIP, dip: cloudIP, size: 300, pr: proto.TLS, facts: clientHello("mqtt.vendor.example")},
	{at: 2, src: gwMAC, dst: camMAC, sip: cloudIP, dip: camIP, size: 1500, pr: proto.TLS, facts: serverCert(vendorCert)},
	{at: 3, src: camMAC, dst: gwMAC, sip: camIP, dip: cloudIP, size: 100, pr: proto.TLS},
	{at: 4, src: camMAC, dst: gwMAC, sip: camIP, dip: otherIP, size: 60, pr: proto.TCPPort(8080)},
	{at: 5, src: camMAC, dst: mdnsMAC, sip: camIP, dip: mdnsIP, size: 200, pr: proto.MDNS},
	{at: 5, src: plugMAC, dst: mdnsMAC, sip: plugIP, dip: mdnsIP, size: 210, pr: proto.MDNS}, // not the camera's
	{at: 6, src: camMAC, dst: broadcastMAC, sip: camIP, dip: netip.MustParseAddr("192.168.1.255"), size: 90, pr: proto.UDPPort(6667)},
	{at: 7, src: camMAC, dst: plugMAC, sip: camIP, dip: plugIP, size: 70, pr: proto.TCPPort(9999)},
	{at: 7, src: plugMAC, dst: camMAC, sip: plugIP, dip: camIP, size: 75, pr: proto.TCPPort(9999)},
	{at: 8, src: camMAC, dst: plugMAC, sip: netip.MustParseAddr("2001:db8::10"), dip: plugIPv6, size: 100, pr: proto.UDPPort(5000)},
	{at: 9, src: camMAC, dst: gwMAC, sip: camIP, dip: gwIP, size: 64, pr: proto.ICMP},
	{at: 10, src: camMAC, dst: broadcastMAC, sip: netip.MustParseAddr("0.0.0.0"), dip: bcastIP, size: 342, pr: proto.DHCP},
}

func testInventory(t *testing.T) *inventory.Inventory {
	t.Helper()
	inv := &inventory.Inventory{}
	for _, d := range []inventory.Device{
		{Name: "Camera", MACs: []decode.MAC{camMAC}},
		{Name: "Plug", MACs: []decode.MAC{plugMAC}, IPs: []netip.Addr{plugIP, plugIPv6}},
	} {
		if err := inv.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	return inv
}

func runFrames(frames []frame) *Partial {
	p := Analysis{}.NewPartial(engine.FileInfo{}).(*Partial)
	for _, f := range frames {
		p.Packet(event(f))
	}
	return p
}

func rowByIP(t *testing.T, rows []Row, ip string) Row {
	t.Helper()
	for _, r := range rows {
		if r.IP.String() == ip {
			return r
		}
	}
	t.Fatalf("no endpoint %s", ip)
	return Row{}
}

func TestCameraEndpoints(t *testing.T) {
	devs := Report(runFrames(scenario), testInventory(t), Enricher{}, nil)
	if len(devs) != 2 || devs[0].Device.Name != "Camera" {
		t.Fatalf("devices: %+v", devs)
	}
	var order []string
	for _, r := range devs[0].Rows {
		order = append(order, r.IP.String())
	}
	wantOrder := []string{"8.8.8.8", "52.1.2.3", "93.184.216.34", "192.168.1.1", "192.168.1.20", "192.168.1.255",
		"224.0.0.251", "255.255.255.255", "2001:db8::20"}
	if !reflect.DeepEqual(order, wantOrder) {
		t.Fatalf("row order %v, want %v (WAN by address, then LAN by address)", order, wantOrder)
	}
	tests := []struct {
		ip               string
		lan              bool
		typ, rule        string
		host             string
		source           names.Source
		tx, txB, rx, rxB int64
		protos           string
	}{
		{"8.8.8.8", false, "Unknown", "none", "", names.None, 1, 80, 1, 120, "dns=2"},
		{"52.1.2.3", false, "Unknown", "none", "mqtt.vendor.example", names.SNI, 2, 400, 1, 1500, "tls=3"},
		{"93.184.216.34", false, "Unknown", "none", "", names.None, 1, 60, 0, 0, "tcp:8080=1"},
		{"192.168.1.1", true, "Local", "local:address", "", names.None, 1, 64, 0, 0, "icmp=1"},
		{"192.168.1.20", true, "Local (Plug)", "local:device:Plug", "", names.None, 1, 70, 1, 75, "tcp:9999=2"},
		{"192.168.1.255", true, "Local Broadcast", "local:broadcast", "", names.None, 1, 90, 0, 0, "udp:6667=1"},
		{"224.0.0.251", true, "Local Multicast", "local:multicast", "", names.None, 1, 200, 0, 0, "mdns=1"},
		{"255.255.255.255", true, "Local Broadcast", "local:broadcast", "", names.None, 1, 342, 0, 0, "dhcp=1"},
		{"2001:db8::20", true, "Local (Plug)", "local:device-address:Plug", "", names.None, 1, 100, 0, 0, "udp:5000=1"},
	}
	for _, tc := range tests {
		r := rowByIP(t, devs[0].Rows, tc.ip)
		got := []any{r.LAN, r.Type, r.Rule, r.Hostname, r.HostnameSource, r.TxPackets, r.TxBytes, r.RxPackets, r.RxBytes, protoSummary(r.Protos)}
		want := []any{tc.lan, tc.typ, tc.rule, tc.host, tc.source, tc.tx, tc.txB, tc.rx, tc.rxB, tc.protos}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %v, want %v", tc.ip, got, want)
		}
	}
	cloud := rowByIP(t, devs[0].Rows, "52.1.2.3")
	if got := nameSummary(cloud.Names); got != "api.vendor.example (dns,cert); mqtt.vendor.example (sni)" {
		t.Errorf("names %q", got)
	}
	if c := cloud.Cert; c == nil || c.SubjectOrg != "Vendor, Inc." || c.SubjectCountry != "US" || c.IssuerCN != "Example CA" ||
		len(c.SANs) != 2 || c.NotAfter != time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix() {
		t.Errorf("certificate %+v", c)
	}
	// The plug's own view: the camera's frames to it are its Rx.
	plug := rowByIP(t, devs[1].Rows, "192.168.1.10")
	if plug.RxPackets != 1 || plug.RxBytes != 70 || plug.TxPackets != 1 || plug.TxBytes != 75 || plug.Type != "Local (Camera)" {
		t.Errorf("plug's camera endpoint %+v", plug)
	}
}

func TestClassifierAndOverrides(t *testing.T) {
	var seen []Input
	enr := Enricher{
		Classify: func(in Input) (string, string, string) {
			seen = append(seen, in)
			if in.CertOrg == "Vendor, Inc." {
				return "First-party", "Vendor", "manufacturer-cert-org:Vendor"
			}
			if inventory.IsLocal(in.IP) {
				return "Local", "", "local:address"
			}
			return "third", "", "default:third"
		},
		Geo: func(ip netip.Addr) (uint, string, string) {
			if ip == cloudIP {
				return 16509, "AMAZON-02", "US"
			}
			return 0, "", ""
		},
	}
	ov, err := ParseOverrides([]byte("domains:\n  - cidr: 8.8.8.0/24\n    category: Support\n    organization: Google DNS\n"), "ov.yaml")
	if err != nil {
		t.Fatal(err)
	}
	devs := Report(runFrames(scenario), testInventory(t), enr, ov)
	tests := []struct{ ip, typ, org, rule string }{
		{"8.8.8.8", "Support", "Google DNS", "override:8.8.8.0/24"},
		{"52.1.2.3", "First", "Vendor", "manufacturer-cert-org:Vendor"},
		{"93.184.216.34", "Third", "", "default:third"},
		{"192.168.1.1", "Local", "", "local:address"},
		{"224.0.0.251", "Local Multicast", "", "local:multicast"},
		{"192.168.1.20", "Local (Plug)", "", "local:device:Plug"},
	}
	for _, tc := range tests {
		r := rowByIP(t, devs[0].Rows, tc.ip)
		if r.Type != tc.typ || r.Organization != tc.org || r.Rule != tc.rule {
			t.Errorf("%s: %q %q %q, want %q %q %q", tc.ip, r.Type, r.Organization, r.Rule, tc.typ, tc.org, tc.rule)
		}
	}
	cloud := rowByIP(t, devs[0].Rows, "52.1.2.3")
	if cloud.ASN != 16509 || cloud.ASOrg != "AMAZON-02" || cloud.Country != "US" {
		t.Errorf("geo %d %q %q", cloud.ASN, cloud.ASOrg, cloud.Country)
	}
	for _, in := range seen {
		if in.IP == cloudIP && (len(in.Names) != 2 || in.Names[0] != "mqtt.vendor.example" || in.Device.Name != "Camera") {
			t.Errorf("classifier input %+v", in)
		}
	}
}

// TestMergeEqualsOnePass: any grouping of the frames into files, merged in
// order, gives the result of one pass; a gob round trip changes nothing.
func TestMergeEqualsOnePass(t *testing.T) {
	inv := testInventory(t)
	want := Tidy(Report(runFrames(scenario), inv, Enricher{}, nil))
	for _, cuts := range [][]int{{1}, {3, 7}, {2, 4, 6, 9, 12}} {
		var parts []*Partial
		prev := 0
		for _, c := range append(cuts, len(scenario)) {
			parts = append(parts, runFrames(scenario[prev:c]))
			prev = c
		}
		// Merge the later half first, as parallel workers may.
		for i := len(parts) - 2; i >= 0; i-- {
			parts[i].Merge(parts[i+1])
		}
		if got := Tidy(Report(parts[0], inv, Enricher{}, nil)); !reflect.DeepEqual(got, want) {
			t.Errorf("cuts %v: merged result differs:\n%+v\nwant\n%+v", cuts, got, want)
		}
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(runFrames(scenario)); err != nil {
		t.Fatal(err)
	}
	back := Analysis{}.NewPartial(engine.FileInfo{Index: -1}).(*Partial)
	if err := gob.NewDecoder(&buf).Decode(back); err != nil {
		t.Fatal(err)
	}
	if got := Tidy(Report(back, inv, Enricher{}, nil)); !reflect.DeepEqual(got, want) {
		t.Errorf("gob round trip differs:\n%+v\nwant\n%+v", got, want)
	}
}

func TestHostsWithoutMAC(t *testing.T) {
	// Raw-IP capture: hosts are identified by address.
	inv := &inventory.Inventory{}
	if err := inv.Add(inventory.Device{Name: "Cam", IPs: []netip.Addr{camIP}}); err != nil {
		t.Fatal(err)
	}
	p := Analysis{}.NewPartial(engine.FileInfo{}).(*Partial)
	for _, f := range []frame{
		{at: 1, sip: camIP, dip: cloudIP, size: 100, pr: proto.TLS},
		{at: 2, sip: cloudIP, dip: camIP, size: 200, pr: proto.TLS},
		{at: 3, sip: camIP, dip: mdnsIP, size: 50, pr: proto.MDNS},
	} {
		ev := event(f)
		ev.Packet.Layers = decode.LayerIPv4
		ev.Packet.HasSrcMAC, ev.Packet.HasDstMAC = false, false
		p.Packet(ev)
	}
	devs := Report(p, inv, Enricher{}, nil)
	r := rowByIP(t, devs[0].Rows, "52.1.2.3")
	if r.TxBytes != 100 || r.RxBytes != 200 {
		t.Errorf("raw IP: %+v", r.Traffic)
	}
	if m := rowByIP(t, devs[0].Rows, "224.0.0.251"); m.TxPackets != 1 || m.RxPackets != 0 {
		t.Errorf("multicast: %+v", m.Traffic)
	}
	if _, ok := p.Endpoints.M[Key{ByIP: true, HostIP: mdnsIP, Remote: camIP}]; ok {
		t.Error("a multicast address was counted as a receiving host")
	}
}

func TestKeepFilter(t *testing.T) {
	a := Analysis{Keep: func(ev *engine.Event) bool { return ev.Proto != proto.DNS }}
	p := a.NewPartial(engine.FileInfo{}).(*Partial)
	for _, f := range scenario[:3] {
		p.Packet(event(f))
	}
	devs := Report(p, testInventory(t), Enricher{}, nil)
	if len(devs[0].Rows) != 1 || devs[0].Rows[0].IP != cloudIP || devs[0].Rows[0].Hostname != "mqtt.vendor.example" {
		t.Fatalf("rows %+v", devs[0].Rows)
	}
	// The DNS answer was not counted but still named the endpoint.
	if got := nameSummary(devs[0].Rows[0].Names); got != "api.vendor.example (dns); mqtt.vendor.example (sni)" {
		t.Errorf("names %q", got)
	}
}

func TestBestName(t *testing.T) {
	n := func(name string, first, last int64, srcs ...names.Source) NameSeen {
		ns := NameSeen{Name: name, First: first, Last: last}
		for _, s := range srcs {
			ns.Sources |= 1 << s
		}
		return ns
	}
	tests := []struct {
		name string
		in   []NameSeen
		want string
		src  names.Source
	}{
		{"latest SNI wins", []NameSeen{n("a.sni", 1, 5, names.SNI), n("b.sni", 2, 9, names.SNI), n("c.dns", 0, 0, names.DNS)}, "b.sni", names.SNI},
		{"QUIC ranks with SNI", []NameSeen{n("a.sni", 1, 2, names.SNI), n("q.quic", 3, 3, names.QUIC)}, "q.quic", names.QUIC},
		{"HTTP before certificate", []NameSeen{n("c.cert", 1, 1, names.Cert), n("h.http", 2, 2, names.HTTP)}, "h.http", names.HTTP},
		{"certificate before DNS", []NameSeen{n("d.dns", 1, 1, names.DNS), n("c.cert", 2, 2, names.Cert)}, "c.cert", names.Cert},
		{"earliest DNS", []NameSeen{n("first.dns", 1, 8, names.DNS), n("second.dns", 2, 9, names.DNS)}, "first.dns", names.DNS},
		{"PTR last", []NameSeen{n("p.ptr", 1, 1, names.PTR)}, "p.ptr", names.PTR},
		{"no names", nil, "", names.None},
	}
	for _, tc := range tests {
		if got, src := bestName(tc.in); got != tc.want || src != tc.src {
			t.Errorf("%s: %q (%v), want %q (%v)", tc.name, got, src, tc.want, tc.src)
		}
	}
}

func TestPacketAllocatesNothing(t *testing.T) {
	p := runFrames(scenario)
	ev := event(scenario[4])
	if n := testing.AllocsPerRun(200, func() { p.Packet(ev) }); n != 0 {
		t.Fatalf("%v allocations per packet", n)
	}
}

func TestManyProtocolsStayIndexed(t *testing.T) {
	var frames []frame
	for port := 1; port <= 300; port++ {
		frames = append(frames, frame{at: int64(port), src: camMAC, dst: gwMAC, sip: camIP, dip: cloudIP, size: 60, pr: proto.TCPPort(uint16(port))})
	}
	frames = append(frames, frames...)
	devs := Report(runFrames(frames), testInventory(t), Enricher{}, nil)
	r := devs[0].Rows[0]
	if len(r.Protos) != 300 || r.TxPackets != 600 {
		t.Fatalf("%d protocols, %d packets", len(r.Protos), r.TxPackets)
	}
	for _, pt := range r.Protos {
		if pt.TxPackets != 2 {
			t.Fatalf("%s: %d packets", pt.Proto, pt.TxPackets)
		}
	}
}
