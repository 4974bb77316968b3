package passive

import (
	"encoding/binary"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/iotlens/iotlens/internal/capture"
	"github.com/iotlens/iotlens/internal/decode"
)

// testFrame describes one Ethernet frame of a synthetic capture.
type testFrame struct {
	t        int64 // Unix ns
	src, dst decode.MAC
	sip, dip netip.Addr
	proto    uint8 // decode.ProtoTCP or ProtoUDP
	sport    uint16
	dport    uint16
	payload  int
	tcpFlags uint8
	seq, ack uint32
}

func mac(s string) decode.MAC {
	m, err := decode.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

// bytes renders the frame: Ethernet II, IPv4 or IPv6, UDP or TCP, zero
// checksums, payload of zeros.
func (f *testFrame) bytes() []byte {
	var l4 []byte
	switch f.proto {
	case decode.ProtoTCP:
		l4 = make([]byte, 20+f.payload)
		binary.BigEndian.PutUint16(l4[0:], f.sport)
		binary.BigEndian.PutUint16(l4[2:], f.dport)
		binary.BigEndian.PutUint32(l4[4:], f.seq)
		binary.BigEndian.PutUint32(l4[8:], f.ack)
		l4[12] = 5 << 4
		l4[13] = f.tcpFlags
		binary.BigEndian.PutUint16(l4[14:], 1000)
	default:
		l4 = make([]byte, 8+f.payload)
		binary.BigEndian.PutUint16(l4[0:], f.sport)
		binary.BigEndian.PutUint16(l4[2:], f.dport)
		binary.BigEndian.PutUint16(l4[4:], uint16(len(l4)))
	}
	var l3 []byte
	if f.sip.Is4() {
		l3 = make([]byte, 20, 20+len(l4))
		l3[0] = 0x45
		binary.BigEndian.PutUint16(l3[2:], uint16(20+len(l4)))
		l3[8] = 64
		l3[9] = f.proto
		s, d := f.sip.As4(), f.dip.As4()
		copy(l3[12:], s[:])
		copy(l3[16:], d[:])
	} else {
		l3 = make([]byte, 40, 40+len(l4))
		l3[0] = 0x60
		binary.BigEndian.PutUint16(l3[4:], uint16(len(l4)))
		l3[6] = f.proto
		l3[7] = 64
		s, d := f.sip.As16(), f.dip.As16()
		copy(l3[8:], s[:])
		copy(l3[24:], d[:])
	}
	l3 = append(l3, l4...)
	eth := make([]byte, 14, 14+len(l3))
	copy(eth[0:], f.dst[:])
	copy(eth[6:], f.src[:])
	et := decode.EtherTypeIPv4
	if !f.sip.Is4() {
		et = decode.EtherTypeIPv6
	}
	binary.BigEndian.PutUint16(eth[12:], et)
	return append(eth, l3...)
}

// writeCapture writes frames to a classic pcap in dir and returns its path.
func writeCapture(t *testing.T, dir, name string, frames []testFrame) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := capture.NewPcapWriter(f, capture.LinkEthernet, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	for i := range frames {
		b := frames[i].bytes()
		if err := w.WritePacket(frames[i].t, len(b), b); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return path
}
