package profile

import (
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/dissect/dns"
)

// The schema below is the one the firewall's translator and its
// protocol-translators modules accept (see
// ../shared/reference/smart-home-firewall-schema.md): one entry per
// protocol key, one checker per field. A checker returns "" when the
// scalar is acceptable, else what is wrong with it.
type checker func(s Scalar) string

// Host aliases the firewall resolves itself (protocols/ip.py, igmp.py).
var (
	IPv4Aliases = map[string]string{
		"local": "192.168.0.0/16", "external": "!= 192.168.0.0/16", "gateway": "192.168.1.1",
		"phone": "192.168.1.222", "broadcast": "255.255.255.255", "udp-broadcast": "192.168.1.255",
		"igmpv3": "224.0.0.22", "all": "224.0.0.2", "mdns": "224.0.0.251", "ssdp": "239.255.255.250",
		"coap": "224.0.1.187",
	}
	IPv6Aliases = map[string]string{
		"default": "::", "local": "fe80::/10 fc00::/7", "gateway": "fddd:ed18:f05b::1",
		"gateway-local": "fe80::c256:27ff:fe73:460b", "phone": "fe80::db22:fbec:a6b4:44fe",
	}
	// IGMPGroups are the group aliases of the igmp protocol.
	IGMPGroups = map[string]string{"all": "224.0.0.2", "mdns": "224.0.0.251", "ssdp": "239.255.255.250", "coap": "224.0.1.187"}
)

var (
	dhcpTypes  = words("discover offer request decline ack nak release inform")
	arpTypes   = words("request reply")
	coapTypes  = words("con non ack rst")
	coapMeths  = words("get post put delete fetch patch ipatch")
	igmpTypes  = phrases("membership query", "membership report", "leave group")
	ssdpMeths  = words("m-search notify")
	icmpTypes  = words("echo-reply destination-unreachable source-quench redirect echo-request router-advertisement router-solicitation time-exceeded parameter-problem timestamp-request timestamp-reply info-request info-reply address-mask-request address-mask-reply")
	dnsTypes   = dnsTypeNames()
	reRate     = regexp.MustCompile(`^\d+(\.\d+)?\s*([kmg]?bytes)?/(second|minute|hour|day|week)(\s+burst\s+\d+\s+(packets|[kmg]?bytes))?$`)
	reSize     = regexp.MustCompile(`^(!=|<=|>=|<|>)?\s*\d+(\s*-\s*\d+)?$`)
	reDuration = regexp.MustCompile(`^\d+(\.\d+)?(\s+(s|sec|secs|second|seconds|ms|msec|msecs|millisecond|milliseconds|us|usec|usecs|microsecond|microseconds))?$`)
	reToken    = regexp.MustCompile(`^[A-Za-z][A-Za-z-]*$`)
)

// words builds a set of the space-separated words of s.
func words(s string) map[string]bool { return phrases(strings.Fields(s)...) }

// phrases builds a set of values that may contain spaces.
func phrases(ps ...string) map[string]bool {
	m := map[string]bool{}
	for _, p := range ps {
		m[p] = true
	}
	return m
}

func dnsTypeNames() map[string]bool {
	m := map[string]bool{}
	for t := 0; t < 1<<16; t++ {
		if s := dns.TypeString(uint16(t)); !strings.HasPrefix(s, "TYPE") {
			m[s] = true
		}
	}
	return m
}

// layerSchema lists, per protocol key, its fields and their checkers.
var layerSchema = map[string]map[string]checker{
	"arp":    {"type": oneOf(arpTypes), "sha": macHost, "tha": macHost, "spa": arpIPHost, "tpa": arpIPHost},
	"ipv4":   {"src": ipv4Host, "dst": ipv4Host},
	"ipv6":   {"src": ipv6Host, "dst": ipv6Host},
	"tcp":    {"src-port": port, "dst-port": port},
	"udp":    {"src-port": port, "dst-port": port},
	"icmp":   {"type": oneOf(icmpTypes)},
	"icmpv6": {},
	"igmp":   {"version": intRange(1, 3), "type": oneOf(igmpTypes), "group": igmpGroup},
	"dns":    {"qtype": dnsType, "domain-name": domainPattern, "response": boolean},
	"mdns":   {"qtype": dnsType, "domain-name": domainPattern, "response": boolean},
	"http":   {"method": token, "uri": nonEmpty, "response": boolean},
	"coap":   {"type": oneOf(coapTypes), "method": oneOf(coapMeths), "uri": nonEmpty},
	"dhcp":   {"type": oneOf(dhcpTypes), "client-mac": macHost},
	"ssdp":   {"method": oneOf(ssdpMeths), "response": boolean},
	"tls":    {"content-type": nonEmpty, "handshake-type": nonEmpty, "tls-version": nonEmpty, "session-id": nonEmpty},
	"mqtt": {"packet-type": nonEmpty, "client-id": nonEmpty, "client-id-length": intRange(0, 65535),
		"clean-session": boolean, "keep-alive": intRange(0, 65535), "topic-name": nonEmpty,
		"payload-regex": nonEmpty, "payload-length": intRange(0, 1<<28)},
}

// fieldHints suggest the right key for common mistakes.
var fieldHints = map[string]string{
	"dns.type": "qtype", "mdns.type": "qtype", "http.url": "uri", "coap.code": "method",
	"dhcp.client_mac": "client-mac", "dhcp.message_type": "type", "tcp.dport": "dst-port", "tcp.sport": "src-port",
	"udp.dport": "dst-port", "udp.sport": "src-port",
}

var statSchema = map[string]checker{
	"rate":         matches(reRate, `"<n>/<second|minute|hour|day|week>" (nft limit rate)`),
	"packet-size":  sizeSpec,
	"packet-count": intRange(0, 1<<31-1),
	"duration":     durationSpec,
}

func oneOf(set map[string]bool) checker {
	return func(s Scalar) string {
		if s.Kind == KindString && set[strings.ToLower(s.Text)] {
			return ""
		}
		return "unknown value " + strconv.Quote(s.Text) + " (expected one of " + joinSet(set) + ")"
	}
}

func joinSet(set map[string]bool) string {
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(keys) > 8 {
		keys = append(keys[:8], "...")
	}
	return strings.Join(keys, ", ")
}

func intRange(lo, hi int) checker {
	return func(s Scalar) string {
		n, ok := s.IntValue()
		if !ok || n < lo || n > hi {
			return "expected an integer from " + strconv.Itoa(lo) + " to " + strconv.Itoa(hi) + ", got " + strconv.Quote(s.Text)
		}
		return ""
	}
}

func port(s Scalar) string { return intRange(0, 65535)(s) }

func boolean(s Scalar) string {
	if _, ok := s.BoolValue(); !ok {
		return "expected true or false, got " + strconv.Quote(s.Text)
	}
	return ""
}

func nonEmpty(s Scalar) string {
	if s.Kind == KindString && strings.TrimSpace(s.Text) == "" || s.Kind == KindNull {
		return "empty value"
	}
	return ""
}

func token(s Scalar) string {
	if s.Kind != KindString || !reToken.MatchString(s.Text) {
		return "expected a method name such as GET, got " + strconv.Quote(s.Text)
	}
	return ""
}

func matches(re *regexp.Regexp, want string) checker {
	return func(s Scalar) string {
		if (s.Kind == KindString || s.Kind == KindInt) && re.MatchString(strings.TrimSpace(s.Text)) {
			return ""
		}
		return "expected " + want + ", got " + strconv.Quote(s.Text)
	}
}

func sizeSpec(s Scalar) string {
	return matches(reSize, `a length such as 120, "< 200" or "60-120"`)(s)
}

func durationSpec(s Scalar) string {
	if s.Kind == KindInt || s.Kind == KindFloat {
		return ""
	}
	return matches(reDuration, `"<value> <s|ms|us>"`)(s)
}

// TimeoutSpec checks an interaction step's timeout: seconds, or a duration.
func timeoutSpec(s Scalar) string { return durationSpec(s) }

func dnsType(s Scalar) string {
	if s.Kind == KindString && dnsTypes[strings.ToUpper(s.Text)] {
		return ""
	}
	return "unknown DNS query type " + strconv.Quote(s.Text)
}

// domainPattern accepts a DNS name, optionally "$" + suffix (the
// firewall's suffix wildcard). mDNS instance names contain spaces, so only
// control characters are refused.
func domainPattern(s Scalar) string {
	if s.Kind != KindString || s.Text == "" || len(s.Text) > 1024 {
		return "expected a domain name, got " + strconv.Quote(s.Text)
	}
	for _, r := range s.Text {
		if r < 0x20 || r == 0x7f {
			return "domain name contains a control character"
		}
	}
	return ""
}

// IsDomainPattern reports whether s can be a dns/mdns domain-name value.
func IsDomainPattern(s string) bool { return domainPattern(Str(s)) == "" }

// IsHostName reports whether s can stand as a host in ipv4/ipv6 src/dst:
// DNS name characters only, or "$" + suffix.
func IsHostName(s string) bool {
	s = strings.TrimPrefix(s, "$")
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimPrefix(s, "."), ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '*') {
				return false
			}
		}
	}
	return true
}

func ipv4Host(s Scalar) string {
	if s.Kind != KindString {
		return "expected an address, alias or domain name, got " + strconv.Quote(s.Text)
	}
	if s.Text == "self" || IPv4Aliases[s.Text] != "" {
		return ""
	}
	if a, err := netip.ParseAddr(s.Text); err == nil {
		if !a.Is4() {
			return "IPv6 address " + s.Text + " under ipv4"
		}
		return ""
	}
	if p, err := netip.ParsePrefix(s.Text); err == nil {
		if !p.Addr().Is4() {
			return "IPv6 prefix " + s.Text + " under ipv4"
		}
		return ""
	}
	if IsHostName(s.Text) {
		return ""
	}
	return "not an IPv4 address, alias (self, gateway, broadcast, ...) or domain name: " + strconv.Quote(s.Text)
}

func ipv6Host(s Scalar) string {
	if s.Kind != KindString {
		return "expected an address, alias or domain name, got " + strconv.Quote(s.Text)
	}
	if s.Text == "self" || IPv6Aliases[s.Text] != "" {
		return ""
	}
	if a, err := netip.ParseAddr(s.Text); err == nil {
		if a.Is4() {
			return "IPv4 address " + s.Text + " under ipv6"
		}
		return ""
	}
	if p, err := netip.ParsePrefix(s.Text); err == nil {
		if p.Addr().Is4() {
			return "IPv4 prefix " + s.Text + " under ipv6"
		}
		return ""
	}
	if IsHostName(s.Text) {
		return ""
	}
	return "not an IPv6 address, alias (self, default, gateway, ...) or domain name: " + strconv.Quote(s.Text)
}

func macHost(s Scalar) string {
	if s.Kind == KindString {
		switch s.Text {
		case "self", "gateway", "phone", "default":
			return ""
		}
		if _, err := decode.ParseMAC(s.Text); err == nil {
			return ""
		}
	}
	return "expected self, gateway, phone, default or a MAC address, got " + strconv.Quote(s.Text)
}

func arpIPHost(s Scalar) string {
	if s.Kind == KindString {
		switch s.Text {
		case "self", "gateway", "phone", "default":
			return ""
		}
		if a, err := netip.ParseAddr(s.Text); err == nil && a.Is4() {
			return ""
		}
	}
	return "expected self, gateway, phone or an IPv4 address, got " + strconv.Quote(s.Text)
}

func igmpGroup(s Scalar) string {
	if s.Kind == KindString {
		if IGMPGroups[s.Text] != "" {
			return ""
		}
		if a, err := netip.ParseAddr(s.Text); err == nil && a.Is4() && a.IsMulticast() {
			return ""
		}
	}
	return "expected all, mdns, ssdp, coap or an IPv4 multicast group, got " + strconv.Quote(s.Text)
}

func checkMAC(s string) string {
	if _, err := decode.ParseMAC(s); err != nil {
		return "not a MAC address: " + strconv.Quote(s)
	}
	return ""
}

func checkAddr(s string, v4 bool) string {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Is4() != v4 {
		if v4 {
			return "not an IPv4 address: " + strconv.Quote(s)
		}
		return "not an IPv6 address: " + strconv.Quote(s)
	}
	return ""
}
