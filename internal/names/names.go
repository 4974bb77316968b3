package names

import (
	"net/netip"
	"strings"

	"github.com/iotlens/iotlens/internal/dissect/dns"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/proto"
)

// Source says how a name was learned; lower values are stronger evidence
// for a flow's name.
type Source uint8

// Sources, strongest first.
const (
	None  Source = iota
	SNI          // TLS ClientHello server_name of the flow itself
	QUIC         // QUIC Initial ClientHello server_name
	HTTP         // HTTP Host header
	DNS          // a DNS A/AAAA answer seen before the flow
	Cert         // the server certificate's subject CN / first SAN
	PTR          // a PTR answer seen in the traffic
	Local        // mDNS / LLMNR
)

var sourceNames = [...]string{None: "", SNI: "sni", QUIC: "quic", HTTP: "http", DNS: "dns", Cert: "cert", PTR: "ptr", Local: "local"}

func (s Source) String() string {
	if int(s) < len(sourceNames) {
		return sourceNames[s]
	}
	return ""
}

// Fact is one name learned for one address.
type Fact struct {
	IP      netip.Addr
	Name    string   // lower case, no trailing dot
	Aliases []string // for DNS: the CNAME chain from the query name to the address record
	Source  Source
	QType   uint16 // DNS: 1 (A) or 28 (AAAA)
	Client  netip.Addr
	Time    int64
}

// Learn calls emit for every name the event reveals. flowNamed facts (SNI,
// QUIC, HTTP) name the event's own destination; the others are general.
func Learn(ev *engine.Event, emit func(Fact)) {
	p, t := ev.Packet, ev.Frame.Time
	for _, m := range ev.DNS {
		local := ev.Proto == proto.MDNS || ev.Proto == proto.LLMNR
		learnDNS(m, t, p.DstIP, local, emit)
	}
	if ch := ev.ClientHello; ch != nil && ch.SNI != "" {
		src := SNI
		if ev.HelloOverQUIC {
			src = QUIC
		}
		if n := Normalize(ch.SNI); n != "" && !isIPLiteral(n) {
			emit(Fact{IP: p.DstIP, Name: n, Source: src, Client: p.SrcIP, Time: t})
		}
	}
	if r := ev.HTTP; r != nil && r.Host != "" {
		if n := Normalize(stripPort(r.Host)); n != "" && !isIPLiteral(n) {
			emit(Fact{IP: p.DstIP, Name: n, Source: HTTP, Client: p.SrcIP, Time: t})
		}
	}
	if s := ev.Server; s != nil && len(s.Certificates) > 0 {
		if n := certName(s.Certificates[0].SubjectCN, s.Certificates[0].DNSNames); n != "" {
			emit(Fact{IP: p.SrcIP, Name: n, Source: Cert, Client: p.DstIP, Time: t})
		}
	}
}

// learnDNS maps every A/AAAA answer to the query name and its CNAME chain,
// and every PTR answer to its target.
func learnDNS(m *dns.Message, t int64, client netip.Addr, local bool, emit func(Fact)) {
	if !m.Response {
		return
	}
	cname := map[string]string{}
	for i := range m.Answers {
		rr := &m.Answers[i]
		if rr.Type == dns.TypeCNAME {
			cname[Normalize(rr.Name)] = Normalize(rr.Target)
		}
	}
	query := ""
	if len(m.Questions) > 0 {
		query = Normalize(m.Questions[0].Name)
	}
	for i := range m.Answers {
		rr := &m.Answers[i]
		switch {
		case (rr.Type == dns.TypeA || rr.Type == dns.TypeAAAA) && rr.IP.IsValid():
			owner := Normalize(rr.Name)
			name, chain := owner, []string{owner}
			if !local && query != "" {
				name, chain = query, chainFrom(query, owner, cname)
			}
			src := DNS
			if local {
				src = Local
			}
			emit(Fact{IP: rr.IP.Unmap(), Name: name, Aliases: chain, Source: src, QType: rr.Type, Client: client, Time: t})
		case rr.Type == dns.TypePTR && !local:
			if ip, ok := reverseIP(rr.Name); ok {
				emit(Fact{IP: ip, Name: Normalize(rr.Target), Source: PTR, Client: client, Time: t})
			}
		}
	}
}

// chainFrom follows CNAMEs from the query name to the owner of the address
// record; a broken chain still lists the query and the owner.
func chainFrom(query, owner string, cname map[string]string) []string {
	chain := []string{query}
	for cur := query; cur != owner && len(chain) < 16; {
		next, ok := cname[cur]
		if !ok {
			chain = append(chain, owner)
			break
		}
		chain = append(chain, next)
		cur = next
	}
	return chain
}

func certName(cn string, sans []string) string {
	for _, n := range append([]string{cn}, sans...) {
		n = strings.TrimPrefix(Normalize(n), "*.")
		if strings.Contains(n, ".") && !isIPLiteral(n) {
			return n
		}
	}
	return ""
}

// Normalize lower-cases a name and drops one trailing dot.
func Normalize(name string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(name)), ".")
}

func stripPort(host string) string {
	if strings.HasPrefix(host, "[") {
		if i := strings.Index(host, "]"); i > 0 {
			return host[1:i]
		}
	}
	if i := strings.LastIndexByte(host, ':'); i > 0 && strings.Count(host, ":") == 1 {
		return host[:i]
	}
	return host
}

func isIPLiteral(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}

// reverseIP turns "4.3.2.1.in-addr.arpa" or a nibble ip6.arpa name into
// the address it names.
func reverseIP(name string) (netip.Addr, bool) {
	n := Normalize(name)
	switch {
	case strings.HasSuffix(n, ".in-addr.arpa"):
		parts := strings.Split(strings.TrimSuffix(n, ".in-addr.arpa"), ".")
		if len(parts) != 4 {
			return netip.Addr{}, false
		}
		ip, err := netip.ParseAddr(parts[3] + "." + parts[2] + "." + parts[1] + "." + parts[0])
		return ip, err == nil
	case strings.HasSuffix(n, ".ip6.arpa"):
		nib := strings.Split(strings.TrimSuffix(n, ".ip6.arpa"), ".")
		if len(nib) != 32 {
			return netip.Addr{}, false
		}
		var b [16]byte
		for i := 0; i < 32; i++ {
			v, ok := hexNibble(nib[31-i])
			if !ok {
				return netip.Addr{}, false
			}
			b[i/2] |= v << (4 * uint(1-i%2))
		}
		return netip.AddrFrom16(b), true
	}
	return netip.Addr{}, false
}

func hexNibble(s string) (byte, bool) {
	if len(s) != 1 {
		return 0, false
	}
	c := s[0]
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}
