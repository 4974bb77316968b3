package dns

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil/packets"
)

// summary renders the parsed sections compactly for comparison.
func summary(m *Message) []string {
	var out []string
	for _, q := range m.Questions {
		s := fmt.Sprintf("Q %s %s %d", q.Name, TypeString(q.Type), q.Class)
		if q.UnicastResponse {
			s += " QU"
		}
		out = append(out, s)
	}
	for i, sec := range [][]RR{m.Answers, m.Authority, m.Additional} {
		for _, rr := range sec {
			out = append(out, rrSummary("ANA"[i:i+1], rr))
		}
	}
	return out
}

func rrSummary(section string, rr RR) string {
	s := fmt.Sprintf("%s %s %s %d %d", section, rr.Name, TypeString(rr.Type), rr.Class, rr.TTL)
	if rr.CacheFlush {
		s += " flush"
	}
	if rr.IP.IsValid() {
		s += " " + rr.IP.String()
	}
	if rr.Target != "" {
		s += " -> " + rr.Target
	}
	if rr.Priority != 0 || rr.Weight != 0 || rr.Port != 0 {
		s += fmt.Sprintf(" pri=%d w=%d port=%d", rr.Priority, rr.Weight, rr.Port)
	}
	if len(rr.Text) > 0 {
		s += fmt.Sprintf(" txt=%q", rr.Text)
	}
	if len(rr.Data) > 0 {
		s += fmt.Sprintf(" data=%x", rr.Data)
	}
	return s
}

func TestUnpack(t *testing.T) {
	const (
		respFlags = 0x8180 // response, RD, RA
		a, aaaa   = TypeA, TypeAAAA
	)
	tests := []struct {
		name    string
		msg     []byte
		want    []string
		wantErr error
	}{
		{
			name: "query",
			msg:  newMsg(0x1234, 0x0100, 1, 0, 0, 0).name("www", "example", "com").question(a, ClassIN).bytes(),
			want: []string{"Q www.example.com A 1"},
		},
		{
			name: "CNAME chain with compression",
			msg: func() []byte {
				w := newMsg(7, respFlags, 1, 4, 0, 0).name("www", "example", "com").question(a, ClassIN) // name at 12
				w.ptr(12)
				w, rd := w.rrStart(TypeCNAME, ClassIN, 300)
				cdn := len(w.b)
				w.labels("cdn").ptr(16).rrEnd(rd) // cdn.example.com
				w.ptr(cdn)
				w, rd = w.rrStart(TypeCNAME, ClassIN, 60)
				edge := len(w.b)
				w.labels("edge", "net").raw(0).rrEnd(rd)
				w.ptr(edge).rr(a, ClassIN, 20, []byte{192, 0, 2, 1})
				w.ptr(edge).rr(a, ClassIN, 20, []byte{192, 0, 2, 2})
				return w.bytes()
			}(),
			want: []string{
				"Q www.example.com A 1",
				"A www.example.com CNAME 1 300 -> cdn.example.com",
				"A cdn.example.com CNAME 1 60 -> edge.net",
				"A edge.net A 1 20 192.0.2.1",
				"A edge.net A 1 20 192.0.2.2",
			},
		},
		{
			name: "AAAA",
			msg: newMsg(1, respFlags, 1, 1, 0, 0).name("v6", "example").question(aaaa, ClassIN).
				ptr(12).rr(aaaa, ClassIN, 5, []byte{0x20, 0x01, 0x0d, 0xb8, 15: 1}).bytes(),
			want: []string{"Q v6.example AAAA 1", "A v6.example AAAA 1 5 2001:db8::1"},
		},
		{
			name: "PTR",
			msg: newMsg(2, respFlags, 1, 1, 0, 0).name("4", "3", "2", "1", "in-addr", "arpa").question(TypePTR, ClassIN).
				ptr(12).rr(TypePTR, ClassIN, 10, wireName("printer", "local")).bytes(),
			want: []string{"Q 4.3.2.1.in-addr.arpa PTR 1", "A 4.3.2.1.in-addr.arpa PTR 1 10 -> printer.local"},
		},
		{
			name: "SRV and MX",
			msg: newMsg(3, respFlags, 0, 2, 0, 0).name("_ipp", "_tcp", "local").
				rr(TypeSRV, ClassIN, 120, append([]byte{0, 1, 0, 5, 0x02, 0x77}, wireName("printer", "local")...)).
				name("example").rr(TypeMX, ClassIN, 9, append([]byte{0, 10}, wireName("mail", "example")...)).bytes(),
			want: []string{
				"A _ipp._tcp.local SRV 1 120 -> printer.local pri=1 w=5 port=631",
				"A example MX 1 9 -> mail.example pri=10 w=0 port=0",
			},
		},
		{
			name: "TXT",
			msg: newMsg(4, respFlags, 0, 1, 0, 0).name("dev", "local").
				rr(TypeTXT, ClassIN, 1, []byte("\x03a=1\x00\x05b=\x01\xc3\xa9")).bytes(),
			want: []string{`A dev.local TXT 1 1 txt=["a=1" "" "b=\\001é"]`},
		},
		{
			name: "mDNS unicast-response and cache-flush bits",
			msg: newMsg(0, 0x8400, 1, 1, 0, 0).name("_hap", "_tcp", "local").question(TypePTR, 0x8001).
				name("hub", "local").rr(a, 0x8001, 120, []byte{10, 0, 0, 9}).bytes(),
			want: []string{"Q _hap._tcp.local PTR 1 QU", "A hub.local A 1 120 flush 10.0.0.9"},
		},
		{
			name: "EDNS OPT with NSID",
			msg: newMsg(5, 0x0120, 1, 0, 0, 1).name("example").question(a, ClassIN).
				raw(0).rr(TypeOPT, 4096, 0x8000, []byte{0, 3, 0, 0}).bytes(),
			want: []string{"Q example A 1", "A <Root> OPT 4096 32768 data=00030000"},
		},
		{
			name: "HTTPS with ECH",
			msg: newMsg(6, respFlags, 0, 1, 0, 0).name("defo", "ie").
				rr(TypeHTTPS, ClassIN, 300, []byte{0, 1, 0, 0, 1, 0, 3, 2, 'h', '2', 0, 5, 0, 2, 0xfe, 0x0d}).bytes(),
			want: []string{"A defo.ie HTTPS 1 300 -> <Root> pri=1 w=0 port=0 data=000100000100030268320005" + "0002fe0d"},
		},
		{
			name: "root query",
			msg:  newMsg(8, 0, 1, 0, 0, 0).raw(0).question(TypeNS, ClassIN).bytes(),
			want: []string{"Q <Root> NS 1"},
		},
		{
			name:    "short header",
			msg:     []byte{1, 2, 3},
			wantErr: ErrTruncated,
		},
		{
			name:    "truncated question",
			msg:     newMsg(9, 0, 1, 0, 0, 0).name("abc").u16(1).bytes(),
			wantErr: ErrTruncated,
		},
		{
			name:    "huge count in short message",
			msg:     newMsg(9, 0, 65535, 65535, 65535, 65535).name("one").question(a, ClassIN).bytes(),
			want:    []string{"Q one A 1"},
			wantErr: ErrTruncated,
		},
		{
			name: "pointer loop is kept with placeholder",
			msg: newMsg(10, respFlags, 1, 1, 0, 0).labels("a").ptr(12).question(a, ClassIN).
				name("b").rr(a, ClassIN, 1, []byte{1, 2, 3, 4}).bytes(),
			want:    []string{"Q " + NameLoops + " A 1", "A b A 1 1 1.2.3.4"},
			wantErr: ErrPointerLoop,
		},
		{
			name:    "pointer to itself",
			msg:     newMsg(10, 0, 1, 0, 0, 0).ptr(12).question(a, ClassIN).bytes(),
			want:    []string{"Q " + NameLoops + " A 1"},
			wantErr: ErrPointerLoop,
		},
		{
			name: "forward pointer",
			msg:  newMsg(11, 0, 1, 0, 0, 0).labels("a").ptr(20).question(a, ClassIN).name("fwd").bytes(),
			want: []string{"Q a.fwd A 1"},
		},
		{
			name: "pointer out of range keeps earlier entries",
			msg: newMsg(12, respFlags, 1, 2, 0, 0).name("ok").question(a, ClassIN).
				ptr(12).rr(a, ClassIN, 1, []byte{1, 1, 1, 1}).
				labels("x").ptr(0x3fff).rr(a, ClassIN, 1, []byte{2, 2, 2, 2}).bytes(),
			want:    []string{"Q ok A 1", "A ok A 1 1 1.1.1.1"},
			wantErr: ErrPointerRange,
		},
		{
			name:    "extended label type",
			msg:     newMsg(13, 0, 1, 0, 0, 0).labels("a").raw(0x41, 0).question(a, ClassIN).bytes(),
			wantErr: ErrLabelType,
		},
		{
			name: "name too long is kept with placeholder",
			msg: newMsg(14, 0, 2, 0, 0, 0).name(strings.Repeat("a", 63), strings.Repeat("b", 63), strings.Repeat("c", 63), strings.Repeat("d", 62)).
				question(a, ClassIN).name("next").question(a, ClassIN).bytes(),
			want:    []string{"Q " + NameTooLong + " A 1", "Q next A 1"},
			wantErr: ErrNameTooLong,
		},
		{
			name: "bad A length keeps raw data and goes on",
			msg: newMsg(15, respFlags, 0, 2, 0, 0).name("x").rr(a, ClassIN, 1, []byte{1, 2, 3, 4, 5}).
				name("y").rr(a, ClassIN, 1, []byte{5, 6, 7, 8}).bytes(),
			want:    []string{"A x A 1 1 data=0102030405", "A y A 1 1 5.6.7.8"},
			wantErr: ErrRData,
		},
		{
			name: "CNAME target running past its rdata",
			msg: newMsg(16, respFlags, 0, 1, 0, 0).name("x").
				rr(TypeCNAME, ClassIN, 1, []byte{3, 'a', 'b'}).raw('c', 0).bytes(),
			want:    []string{"A x CNAME 1 1 data=036162"},
			wantErr: ErrRData,
		},
		{
			name: "SRV target past its rdata keeps the whole rdata",
			msg: newMsg(19, respFlags, 0, 1, 0, 0).name("s").
				rr(TypeSRV, ClassIN, 1, []byte{0, 1, 0, 2, 0, 3, 4, 'h', 'o'}).raw('s', 't', 0).bytes(),
			want:    []string{"A s SRV 1 1 pri=1 w=2 port=3 data=0001000200030468" + "6f"},
			wantErr: ErrRData,
		},
		{
			name:    "rdata beyond message",
			msg:     newMsg(17, respFlags, 0, 1, 0, 0).name("x").u16(1).u16(1).u32(1).u16(4).raw(1, 2).bytes(),
			wantErr: ErrTruncated,
		},
		{
			name:    "bad TXT framing",
			msg:     newMsg(18, respFlags, 0, 1, 0, 0).name("t").rr(TypeTXT, ClassIN, 1, []byte{5, 'a'}).bytes(),
			want:    []string{"A t TXT 1 1 data=0561"},
			wantErr: ErrRData,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m Message
			err := m.Unpack(tt.msg)
			packets.CheckErr(t, "Unpack", err, tt.wantErr)
			if got := summary(&m); !slices.Equal(got, tt.want) {
				t.Errorf("parsed:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestHeaderFlags(t *testing.T) {
	var m Message
	if err := m.Unpack(newMsg(0xbeef, 0xaf83, 0, 0, 0, 0).bytes()); err != nil {
		t.Fatal(err)
	}
	// 0xaf83: QR=1 opcode=5 AA=1 TC=1 RD=1 RA=1 rcode=3.
	if m.ID != 0xbeef || !m.Response || m.Opcode != 5 || !m.Authoritative || !m.Truncated ||
		!m.RecursionDesired || m.RCode != 3 {
		t.Fatalf("header = %+v", m)
	}
	if err := m.Unpack(newMsg(1, 0, 0, 0, 0, 0).bytes()); err != nil {
		t.Fatal(err)
	}
	if m.Response || m.Authoritative || m.Truncated || m.RecursionDesired || m.Opcode != 0 || m.RCode != 0 {
		t.Fatalf("flags not reset: %+v", m)
	}
}

func TestErrorDescribesPlace(t *testing.T) {
	var m Message
	err := m.Unpack(newMsg(1, 0, 0, 1, 0, 0).labels("a").ptr(0x3fff).bytes())
	var de *Error
	if !errors.As(err, &de) || de.Section != "answer" || de.Index != 0 || de.Offset != 12 {
		t.Fatalf("error = %#v", err)
	}
	if want := "dns: answer 0 at offset 12: compression pointer beyond the message"; err.Error() != want {
		t.Fatalf("Error() = %q, want %q", err.Error(), want)
	}
}

func TestUnpackReusesAndClears(t *testing.T) {
	big := newMsg(1, 0x8180, 0, 3, 0, 0).
		name("a").rr(TypeTXT, ClassIN, 1, []byte("\x03one\x03two")).
		name("b").rr(99, ClassIN, 1, []byte{9, 9, 9}).
		name("c").rr(TypeA, ClassIN, 1, []byte{1, 2, 3, 4}).bytes()
	small := newMsg(2, 0x8180, 0, 2, 0, 0).
		name("d").rr(TypeA, ClassIN, 1, []byte{4, 3, 2, 1}).
		name("e").rr(TypeTXT, ClassIN, 1, []byte("\x01x")).bytes()
	var m Message
	if err := m.Unpack(big); err != nil {
		t.Fatal(err)
	}
	if err := m.Unpack(small); err != nil {
		t.Fatal(err)
	}
	want := []string{"A d A 1 1 4.3.2.1", `A e TXT 1 1 txt=["x"]`}
	if got := summary(&m); !slices.Equal(got, want) {
		t.Fatalf("after reuse got %q, want %q", got, want)
	}
}

func TestUnpackDoesNotAllocate(t *testing.T) {
	msgs := [][]byte{
		cnameChainResponse(),
		newMsg(4, 0x8400, 0, 1, 0, 1).name("dev", "local").rr(TypeTXT, 0x8001, 1, []byte("\x03a=1\x05b=\xc3\xa9x")).
			raw(0).rr(TypeOPT, 1232, 0, []byte{0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8}).bytes(),
	}
	var m Message
	for _, b := range msgs {
		if err := m.Unpack(b); err != nil {
			t.Fatal(err)
		}
	}
	allocs := testing.AllocsPerRun(200, func() {
		for _, b := range msgs {
			_ = m.Unpack(b)
		}
	})
	if allocs != 0 {
		t.Fatalf("Unpack allocated %.1f times per run in steady state, want 0", allocs)
	}
}

// cnameChainResponse is a typical resolver answer: a CNAME chain to a CDN
// and two addresses, with EDNS.
func cnameChainResponse() []byte {
	w := newMsg(0x4242, 0x8180, 1, 4, 0, 1).name("www", "example", "com").question(TypeA, ClassIN)
	w.ptr(12)
	w, rd := w.rrStart(TypeCNAME, ClassIN, 300)
	cdn := len(w.b)
	w.labels("www", "example", "com", "cdn", "cloudprovider").raw(0).rrEnd(rd)
	w.ptr(cdn)
	w, rd = w.rrStart(TypeCNAME, ClassIN, 60)
	edge := len(w.b)
	w.labels("e1234", "a").ptr(cdn + 16).rrEnd(rd) // suffix "cdn.cloudprovider"
	w.ptr(edge).rr(TypeA, ClassIN, 20, []byte{203, 0, 113, 7})
	w.ptr(edge).rr(TypeA, ClassIN, 20, []byte{203, 0, 113, 8})
	w.raw(0).rr(TypeOPT, 1232, 0, nil)
	return w.bytes()
}

func TestCNAMEChainFixture(t *testing.T) {
	var m Message
	if err := m.Unpack(cnameChainResponse()); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Q www.example.com A 1",
		"A www.example.com CNAME 1 300 -> www.example.com.cdn.cloudprovider",
		"A www.example.com.cdn.cloudprovider CNAME 1 60 -> e1234.a.cdn.cloudprovider",
		"A e1234.a.cdn.cloudprovider A 1 20 203.0.113.7",
		"A e1234.a.cdn.cloudprovider A 1 20 203.0.113.8",
		"A <Root> OPT 1232 0",
	}
	if got := summary(&m); !slices.Equal(got, want) {
		t.Fatalf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func BenchmarkUnpackCNAMEChain(b *testing.B) {
	msg := cnameChainResponse()
	var m Message
	b.ReportAllocs()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		if err := m.Unpack(msg); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSvcParam(t *testing.T) {
	var m Message
	msg := newMsg(6, 0x8180, 0, 1, 0, 0).name("defo", "ie").
		rr(TypeHTTPS, ClassIN, 300, append(append([]byte{0, 1}, wireName("svc", "defo", "ie")...),
			0, 1, 0, 3, 2, 'h', '2', 0, 5, 0, 2, 0xfe, 0x0d)).bytes()
	if err := m.Unpack(msg); err != nil {
		t.Fatal(err)
	}
	rr := &m.Answers[0]
	if rr.Target != "svc.defo.ie" || rr.Priority != 1 {
		t.Fatalf("target %q priority %d", rr.Target, rr.Priority)
	}
	tests := []struct {
		key   uint16
		want  string
		found bool
	}{{1, "\x02h2", true}, {5, "\xfe\x0d", true}, {4, "", false}}
	for _, tt := range tests {
		v, ok := rr.SvcParam(tt.key)
		if ok != tt.found || string(v) != tt.want {
			t.Errorf("SvcParam(%d) = %q, %v; want %q, %v", tt.key, v, ok, tt.want, tt.found)
		}
	}
	a := RR{Type: TypeA, Data: []byte{1, 2, 3}}
	if _, ok := a.SvcParam(1); ok {
		t.Error("SvcParam on an A record found a value")
	}
}

func TestTypeString(t *testing.T) {
	tests := []struct {
		t    uint16
		want string
	}{{1, "A"}, {28, "AAAA"}, {5, "CNAME"}, {12, "PTR"}, {64, "SVCB"}, {65, "HTTPS"}, {41, "OPT"}, {255, "ANY"}, {123, "TYPE123"}, {65535, "TYPE65535"}}
	for _, tt := range tests {
		if got := TypeString(tt.t); got != tt.want {
			t.Errorf("TypeString(%d) = %q, want %q", tt.t, got, tt.want)
		}
	}
}

func TestSplitTCP(t *testing.T) {
	one := newMsg(1, 0, 0, 0, 0, 0).bytes()
	two := newMsg(2, 0, 1, 0, 0, 0).name("x").question(1, 1).bytes()
	frame := func(m []byte) []byte { return append([]byte{byte(len(m) >> 8), byte(len(m))}, m...) }
	stream := append(append(frame(one), frame(two)...), frame(one)[:5]...)
	tests := []struct {
		name     string
		in       []byte
		wantMsgs int
		wantUsed int
	}{
		{"two and a partial", stream, 2, len(stream) - 5},
		{"empty", nil, 0, 0},
		{"one length byte", []byte{0}, 0, 0},
		{"length only", []byte{0, 12}, 0, 0},
		{"zero-length message", []byte{0, 0, 0, 0}, 2, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			used := SplitTCP(tt.in, func(msg []byte) { n++ })
			if n != tt.wantMsgs || used != tt.wantUsed {
				t.Fatalf("got %d messages, %d bytes; want %d, %d", n, used, tt.wantMsgs, tt.wantUsed)
			}
		})
	}
}
