package endpoints

import (
	"net/netip"
	"strings"

	"github.com/iotlens/iotlens/internal/inventory"
	"github.com/iotlens/iotlens/internal/proto"
)

// Enricher supplies what the pass cannot know. Every function may be nil.
type Enricher struct {
	// Classify returns the seed's Type ("First", "Support", "Third",
	// "Local"), who runs the endpoint, and the rule that decided. Nil: local
	// addresses are "Local", the rest unclassified.
	Classify func(in Input) (class, organization, rule string)
	// Geo returns what the offline .mmdb databases say about an address.
	Geo func(ip netip.Addr) (asn uint, asOrg, country string)
	// Category names a protocol's purpose: "Management", "Discovery",
	// "Encrypted", "Unencrypted", or "" when unknown. Nil: DefaultCategory.
	Category func(p proto.Proto) string
}

// Input is what the classifier sees for one endpoint of one device.
type Input struct {
	IP      netip.Addr
	Names   []string // best first (the Hostname column), then the others
	CertOrg string   // subject organization of the endpoint's certificate
	Device  *inventory.Device
}

// Types of the seed's hand-annotated Type column.
const (
	TypeFirst           = "First"
	TypeSupport         = "Support"
	TypeThird           = "Third"
	TypeLocal           = "Local"
	TypeLocalMulticast  = "Local Multicast"
	TypeLocalBroadcast  = "Local Broadcast"
	TypeUnknown         = "Unknown" // nothing decided: counted in Overall only
	localDevicePrefix   = "Local ("
	categoryManagement  = "Management"
	categoryDiscovery   = "Discovery"
	categoryEncrypted   = "Encrypted"
	categoryUnencrypted = "Unencrypted"
)

// NormalizeType maps the ways a Type can be written (the seed's values, the
// knowledge base's party names "First-party"..., any case) to the seed's
// spelling. Platform backends count as Support, the seed's class for cloud
// infrastructure a device depends on. ok is false for anything else.
func NormalizeType(s string) (string, bool) {
	t := strings.TrimSpace(s)
	k := strings.ToLower(t)
	k = strings.TrimSuffix(strings.TrimSuffix(k, "-party"), " party")
	switch k {
	case "first":
		return TypeFirst, true
	case "support", "platform":
		return TypeSupport, true
	case "third":
		return TypeThird, true
	case "local":
		return TypeLocal, true
	case "local multicast":
		return TypeLocalMulticast, true
	case "local broadcast":
		return TypeLocalBroadcast, true
	}
	if strings.HasPrefix(k, "local (") && strings.HasSuffix(k, ")") && len(k) > len("local ()") {
		return localDevicePrefix + t[len(localDevicePrefix):], true
	}
	return "", false
}

// classOf is the column group of a Type in the distribution tables: First,
// Support, Third or Local (every "Local..." Type), or "" for none.
func classOf(typ string) string {
	switch {
	case typ == TypeFirst, typ == TypeSupport, typ == TypeThird:
		return typ
	case strings.HasPrefix(typ, TypeLocal):
		return TypeLocal
	}
	return ""
}

// defaultCategories is the built-in protocol table: the seed's lists
// (calculate_endpoint_stats.py / calculate_protocol_stats.py) in iotlens'
// protocol names, plus the network-management protocols the seed filtered
// out before counting (DNS, DHCP, ICMP, IGMP).
var defaultCategories = map[string][]string{
	categoryDiscovery:  {"mdns", "ssdp", "llmnr", "nbns", "tplink-shp", "tuya-lan", "udp:1982", "udp:50000", "udp:6667"},
	categoryManagement: {"ntp", "stun", "udp:55444", "dns", "dhcp", "dhcpv6", "icmp", "icmpv6", "igmp"},
	categoryEncrypted: {"tls", "quic", "tcp:443", "tcp:5228", "tcp:8012", "tcp:8883", "tcp:8886", "tcp:9000",
		"tcp:9543", "tcp:10005", "tcp:10101", "tcp:50443", "tcp:55443"},
	categoryUnencrypted: {"http", "mqtt", "coap", "udp:1111", "udp:8555", "udp:9478", "udp:9700", "udp:10101",
		"udp:56700", "udp:58866"},
}

var defaultCategoryOf = func() map[proto.Proto]string {
	m := map[proto.Proto]string{}
	for cat, list := range defaultCategories {
		for _, name := range list {
			if p, ok := proto.Parse(name); ok {
				m[p] = cat
			}
		}
	}
	return m
}()

// DefaultCategory is the built-in protocol category ("" when unknown).
func DefaultCategory(p proto.Proto) string { return defaultCategoryOf[p] }

// ProtocolTypes are the rows of endpoint_protocol_distribution.csv, in the
// seed's order.
var ProtocolTypes = []string{categoryManagement, categoryDiscovery, categoryEncrypted, categoryUnencrypted}
