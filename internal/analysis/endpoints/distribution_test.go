package endpoints

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/inventory"
	"github.com/iotlens/iotlens/internal/proto"
)

// row builds a report row whose traffic is the sum of its protocols'.
func row(ip, typ string, protos ...ProtoTraffic) Row {
	r := Row{IP: netip.MustParseAddr(ip), Type: typ, Protos: protos}
	for i := range protos {
		r.Traffic.add(&protos[i].Traffic)
	}
	return r
}

func pt(p proto.Proto, txP, txB, rxP, rxB int64) ProtoTraffic {
	return ProtoTraffic{Proto: p, Traffic: Traffic{TxPackets: txP, TxBytes: txB, RxPackets: rxP, RxBytes: rxB}}
}

func dev(name string, rows ...Row) DeviceEndpoints {
	return DeviceEndpoints{Device: &inventory.Device{Name: name}, Rows: rows}
}

// Hand-computed cases. Device A: First 4 pkts/400 B (3 Tx), Third 1/100
// (Tx), Local Multicast 4/400 (Tx), Unknown 2/200 (Tx): Overall 11 packets,
// 1100 bytes, 10 Tx / 1000 B, 1 Rx / 100 B.
var (
	devA = dev("A",
		row("52.1.2.3", "First", pt(proto.TLS, 3, 300, 1, 100)),
		row("93.184.216.34", "Third", pt(proto.HTTP, 1, 100, 0, 0)),
		row("198.51.100.7", "Unknown", pt(proto.TCPPort(1234), 2, 200, 0, 0)),
		row("224.0.0.251", "Local Multicast", pt(proto.MDNS, 4, 400, 0, 0)))
	devB = dev("B") // no traffic at all
	// C talks HTTP and TLS to one First-party endpoint: the seed counted
	// the endpoint's whole traffic in both Encrypted and Unencrypted.
	devC = dev("C", row("52.1.2.4", "First", pt(proto.TLS, 2, 200, 0, 0), pt(proto.HTTP, 1, 50, 0, 0)))
	devD = dev("D",
		row("192.168.1.20", "Local (Plug)", pt(proto.TCPPort(9999), 1, 100, 1, 100)),
		row("192.168.1.255", "Local Broadcast", pt(proto.UDPPort(6667), 2, 300, 0, 0)))
)

func TestTypeDistribution(t *testing.T) {
	got := map[string]string{}
	for _, s := range TypeDistribution([]DeviceEndpoints{devA, devB}) {
		got[s.Device] = strings.Join(s.Record(false), ",")
	}
	want := map[string]string{
		"A": "A,11,1100,10,1000,1,100," +
			"0.36363636363636365,0.36363636363636365,0.3,0.3,1.0,1.0," + // First
			"0.0,0.0,0.0,0.0,0.0,0.0," + // Support
			"0.09090909090909091,0.09090909090909091,0.1,0.1,0.0,0.0," + // Third
			"0.36363636363636365,0.36363636363636365,0.4,0.4,0.0,0.0", // Local
		"B": "B,0,0,0,0,0,0" + strings.Repeat(",0", 24),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%v\nwant\n%v", got, want)
	}
}

func TestProtocolDistribution(t *testing.T) {
	var got []string
	for _, s := range ProtocolDistribution([]DeviceEndpoints{devA, devC}, Enricher{}) {
		got = append(got, strings.Join(s.Record(true), ","))
	}
	zero6 := strings.Repeat(",0", 6)
	fl := func(s string) string { return "," + s }
	none := strings.Repeat(fl("0.0"), 6)
	want := []string{
		"A,Management,0,0,0,0,0,0" + strings.Repeat(",0", 24),
		"A,Discovery,4,400,4,400,0,0" + ",0.0,0.0,0.0,0.0,0,0" + ",0.0,0.0,0.0,0.0,0,0" + ",0.0,0.0,0.0,0.0,0,0" + ",1.0,1.0,1.0,1.0,0,0",
		"A,Encrypted,4,400,3,300,1,100" + strings.Repeat(fl("1.0"), 6) + none + none + none,
		"A,Unencrypted,1,100,1,100,0,0" + ",0.0,0.0,0.0,0.0,0,0" + ",0.0,0.0,0.0,0.0,0,0" + ",1.0,1.0,1.0,1.0,0,0" + ",0.0,0.0,0.0,0.0,0,0",
		"C,Management,0,0,0,0,0,0" + strings.Repeat(zero6, 4),
		"C,Discovery,0,0,0,0,0,0" + strings.Repeat(zero6, 4),
		"C,Encrypted,2,200,2,200,0,0" + ",1.0,1.0,1.0,1.0,0,0" + strings.Repeat(",0.0,0.0,0.0,0.0,0,0", 3),
		"C,Unencrypted,1,50,1,50,0,0" + ",1.0,1.0,1.0,1.0,0,0" + strings.Repeat(",0.0,0.0,0.0,0.0,0,0", 3),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A user table moves HTTP to Encrypted: C's traffic is then all there.
	enr := Enricher{Category: func(p proto.Proto) string {
		if p == proto.HTTP || p == proto.TLS {
			return "Encrypted"
		}
		return ""
	}}
	rows := ProtocolDistribution([]DeviceEndpoints{devC}, enr)
	if rows[2].ProtocolType != "Encrypted" || rows[2].Overall != (Metrics{3, 250, 3, 250, 0, 0}) || rows[3].Overall != (Metrics{}) {
		t.Errorf("custom categories: %+v", rows)
	}
}

func TestLocalDistribution(t *testing.T) {
	var got []string
	for _, s := range LocalDistribution([]DeviceEndpoints{devA, devB, devC, devD}) {
		for _, rec := range s.Records() {
			got = append(got, strings.Join(rec, ","))
		}
	}
	want := []string{
		"A,4,400,4,400,0,0,Local Multicast,1.0,1.0,1.0,1.0,0,0",
		"D,4,500,3,400,1,100,Local (Plug),0.5,0.4,0.3333333333333333,0.25,1.0,1.0",
		"D,4,500,3,400,1,100,Local Broadcast,0.5,0.6,0.6666666666666666,0.75,0.0,0.0",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestDistributionHeaders(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		want   string
	}{
		{"type", TypeDistributionHeader, "Device,PacketsOverall,BytesOverall,TxPacketsOverall,TxBytesOverall,RxPacketsOverall,RxBytesOverall," +
			"PacketsPctFirst,BytesPctFirst,TxPacketsPctFirst,TxBytesPctFirst,RxPacketsPctFirst,RxBytesPctFirst," +
			"PacketsPctSupport,BytesPctSupport,TxPacketsPctSupport,TxBytesPctSupport,RxPacketsPctSupport,RxBytesPctSupport," +
			"PacketsPctThird,BytesPctThird,TxPacketsPctThird,TxBytesPctThird,RxPacketsPctThird,RxBytesPctThird," +
			"PacketsPctLocal,BytesPctLocal,TxPacketsPctLocal,TxBytesPctLocal,RxPacketsPctLocal,RxBytesPctLocal"},
		{"protocol", ProtocolDistributionHeader, "Device,ProtocolType,PacketsOverall,BytesOverall,TxPacketsOverall,TxBytesOverall,RxPacketsOverall,RxBytesOverall," +
			"PacketsPctFirst,BytesPctFirst,TxPacketsPctFirst,TxBytesPctFirst,RxPacketsPctFirst,RxBytesPctFirst," +
			"PacketsPctSupport,BytesPctSupport,TxPacketsPctSupport,TxBytesPctSupport,RxPacketsPctSupport,RxBytesPctSupport," +
			"PacketsPctThird,BytesPctThird,TxPacketsPctThird,TxBytesPctThird,RxPacketsPctThird,RxBytesPctThird," +
			"PacketsPctLocal,BytesPctLocal,TxPacketsPctLocal,TxBytesPctLocal,RxPacketsPctLocal,RxBytesPctLocal"},
		{"local", LocalDistributionHeader, "SourceDevice,PacketsOverall,BytesOverall,TxPacketsOverall,TxBytesOverall,RxPacketsOverall,RxBytesOverall," +
			"TargetDevice,PacketsToTargetPct,BytesToTargetPct,TxPacketsToTargetPct,TxBytesToTargetPct,RxPacketsToTargetPct,RxBytesToTargetPct"},
	}
	for _, tc := range tests {
		if got := strings.Join(tc.header, ","); got != tc.want {
			t.Errorf("%s header:\n%s\nwant\n%s", tc.name, got, tc.want)
		}
	}
}

func TestNormalizeType(t *testing.T) {
	tests := []struct{ in, want string }{
		{"First", "First"}, {"first-party", "First"}, {"Support-party", "Support"}, {"Platform-party", "Support"},
		{"THIRD", "Third"}, {"local", "Local"}, {"Local multicast", "Local Multicast"}, {"local broadcast", "Local Broadcast"},
		{"Local (Echo Dot 5)", "Local (Echo Dot 5)"}, {"local (Hue)", "Local (Hue)"}, {"Fourth", ""}, {"", ""}, {"Local ()", ""},
	}
	for _, tc := range tests {
		got, ok := NormalizeType(tc.in)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("NormalizeType(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
}

func TestDefaultCategory(t *testing.T) {
	tests := map[proto.Proto]string{
		proto.TLS: "Encrypted", proto.QUIC: "Encrypted", proto.TCPPort(8883): "Encrypted", proto.HTTP: "Unencrypted",
		proto.UDPPort(56700): "Unencrypted", proto.MDNS: "Discovery", proto.SSDP: "Discovery", proto.TPLinkSHP: "Discovery",
		proto.NTP: "Management", proto.DNS: "Management", proto.ICMPv6: "Management", proto.TCPPort(1234): "",
	}
	for p, want := range tests {
		if got := DefaultCategory(p); got != want {
			t.Errorf("%s: %q, want %q", p, got, want)
		}
	}
}
