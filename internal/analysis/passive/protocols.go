package passive

import (
	"bytes"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/inventory"
	"github.com/iotlens/iotlens/internal/proto"
)

// Layer of a protocol row, in output order.
type Layer uint8

// Layers. The network and transport rows are totals per endpoint (every IP
// frame, every TCP or UDP frame); each application row holds the frames of
// one protocol, so the application rows of an endpoint add up to its
// network row, except IP protocols iotlens does not name and fragments
// without ports, which only appear in the network and transport rows.
const (
	LayerNetwork Layer = iota
	LayerTransport
	LayerApplication
)

// Families: the seed writes IPv4 and IPv6 endpoints to separate files.
const (
	FamilyIPv4 = iota // IPv4 endpoints, plus frames without IP (ARP, EAPOL, ...)
	FamilyIPv6
	numFamilies
)

// ProtoRow is one row of a <pcap>-protocols CSV.
type ProtoRow struct {
	Protocol string
	Layer    Layer
	Category Category
	Endpoint string // IP address, or the peer MAC for frames without IP
	addr     [16]byte
	kind     uint8
	Traffic
}

// DeviceProtocols is one device's protocol rows per family and scope.
type DeviceProtocols struct {
	Name string
	MAC  decode.MAC // first MAC of the device (the seed's MAC column)
	Seen bool
	Rows [numFamilies][numScopes][]ProtoRow
}

// HasIPv6 reports whether the device exchanged any IPv6 frame.
func (d *DeviceProtocols) HasIPv6() bool { return len(d.Rows[FamilyIPv6][ScopeAll]) > 0 }

type rowKey struct {
	family, scope int
	name          string
	layer         Layer
	addr          [16]byte
	kind          uint8
}

// BuildProtocols returns one DeviceProtocols per inventory device, in
// inventory order.
func BuildProtocols(p *Partial, inv *inventory.Inventory, cats *Categories) []DeviceProtocols {
	out := make([]DeviceProtocols, 0, len(inv.Devices))
	for _, d := range inv.Devices {
		dp := DeviceProtocols{Name: d.Name}
		if len(d.MACs) > 0 {
			dp.MAC = d.MACs[0]
		}
		if agg := deviceAgg(p, d); agg != nil && agg.Endpoints.Len() > 0 {
			dp.Seen = true
			fillProtocols(&dp, agg, cats)
		}
		out = append(out, dp)
	}
	return out
}

func fillProtocols(dp *DeviceProtocols, agg *DeviceAgg, cats *Categories) {
	rows := map[rowKey]*Traffic{}
	add := func(k rowKey, t *Traffic) {
		r := rows[k]
		if r == nil {
			r = &Traffic{}
			rows[k] = r
		}
		r.add(t)
	}
	for k, t := range agg.Endpoints.M {
		family := FamilyIPv4
		if k.Kind == KindIPv6 {
			family = FamilyIPv6
		}
		scope := ScopeWAN
		if k.LAN {
			scope = ScopeLAN
		}
		for _, nl := range rowNames(k) {
			for _, s := range [2]int{ScopeAll, scope} {
				add(rowKey{family: family, scope: s, name: nl.name, layer: nl.layer, addr: k.Addr, kind: k.Kind}, t)
			}
		}
	}
	for k, t := range rows {
		r := ProtoRow{Protocol: k.name, Layer: k.layer, Category: Unknown, Endpoint: endpointString(k.addr, k.kind),
			addr: k.addr, kind: k.kind, Traffic: *t}
		if k.layer == LayerApplication {
			r.Category = cats.Of(k.name)
		}
		dp.Rows[k.family][k.scope] = append(dp.Rows[k.family][k.scope], r)
	}
	for f := range dp.Rows {
		for s := range dp.Rows[f] {
			sortRows(dp.Rows[f][s])
		}
	}
}

type namedLayer struct {
	name  string
	layer Layer
}

// rowNames lists the rows one endpoint key feeds: its network total, its
// transport total and its application protocol.
func rowNames(k EndpointKey) []namedLayer {
	var out []namedLayer
	switch k.Kind {
	case KindIPv4:
		out = append(out, namedLayer{"ip", LayerNetwork})
	case KindIPv6:
		out = append(out, namedLayer{"ipv6", LayerNetwork})
	}
	switch k.Transport {
	case TransportTCP:
		out = append(out, namedLayer{"tcp", LayerTransport})
	case TransportUDP:
		out = append(out, namedLayer{"udp", LayerTransport})
	}
	switch k.Proto {
	case proto.IPv4Other, proto.IPv6Other, proto.TCPOther, proto.UDPOther:
		// Not an application protocol: the totals above carry it.
	default:
		out = append(out, namedLayer{k.Proto.String(), LayerApplication})
	}
	return out
}

func endpointString(addr [16]byte, kind uint8) string {
	switch kind {
	case KindIPv4, KindARP:
		return netip.AddrFrom16(addr).Unmap().String()
	case KindIPv6:
		return netip.AddrFrom16(addr).String()
	}
	var m decode.MAC
	copy(m[:], addr[:6])
	return strings.ToUpper(m.String())
}

// sortRows orders rows by layer, then protocol (named protocols by name,
// then tcp:PORT and udp:PORT by port), then endpoint (IPv4, IPv6 in
// numeric order, then MAC addresses).
func sortRows(rows []ProtoRow) {
	sort.Slice(rows, func(i, j int) bool {
		a, b := &rows[i], &rows[j]
		if a.Layer != b.Layer {
			return a.Layer < b.Layer
		}
		if a.Protocol != b.Protocol {
			return protoLess(a.Protocol, b.Protocol)
		}
		if ka, kb := kindOrder(a.kind), kindOrder(b.kind); ka != kb {
			return ka < kb
		}
		return bytes.Compare(a.addr[:], b.addr[:]) < 0
	})
}

// kindOrder sorts IPv4 addresses (ARP's too) before IPv6, then MACs.
func kindOrder(k uint8) int {
	switch k {
	case KindIPv4, KindARP:
		return 0
	case KindIPv6:
		return 1
	}
	return 2
}

// protoLess: "ip" before "ipv6", "tcp" before "udp", named application
// protocols alphabetically, then tcp:N, then udp:N by port number.
func protoLess(a, b string) bool {
	ra, pa := protoRank(a)
	rb, pb := protoRank(b)
	if ra != rb {
		return ra < rb
	}
	if pa != pb {
		return pa < pb
	}
	return a < b
}

func protoRank(s string) (rank, port int) {
	for i, prefix := range []string{"tcp:", "udp:"} {
		if strings.HasPrefix(s, prefix) {
			n, err := strconv.Atoi(s[len(prefix):])
			if err == nil {
				return 1 + i, n
			}
		}
	}
	return 0, 0
}

// ProtocolSummary is the per-device aggregate the seed's
// calculate_protocol_stats.py derives from the protocol files.
type ProtocolSummary struct {
	MAC string
	// Counts are application-layer TotalPackets per scope and category.
	Counts [numScopes][numCategories]int64
	// Lists are the protocols seen per scope and layer, in output order
	// (the seed's Network, Transport, Session, Application columns).
	Network, Transport, Session, Application [numScopes][]string
}

// Summarize computes the category counts and protocol lists of a device
// over both families.
func Summarize(dp *DeviceProtocols) ProtocolSummary {
	s := ProtocolSummary{MAC: strings.ToUpper(dp.MAC.String())}
	for scope := 0; scope < numScopes; scope++ {
		seen := map[string]bool{}
		for f := 0; f < numFamilies; f++ {
			for _, r := range dp.Rows[f][scope] {
				if r.Layer == LayerApplication {
					s.Counts[scope][r.Category] += r.Packets
				}
				if seen[r.Protocol] {
					continue
				}
				seen[r.Protocol] = true
				switch r.Layer {
				case LayerNetwork:
					s.Network[scope] = append(s.Network[scope], r.Protocol)
				case LayerTransport:
					s.Transport[scope] = append(s.Transport[scope], r.Protocol)
				default:
					if r.Protocol == "tls" {
						s.Session[scope] = append(s.Session[scope], r.Protocol)
					}
					s.Application[scope] = append(s.Application[scope], r.Protocol)
				}
			}
		}
		sortNames(s.Network[scope])
		sortNames(s.Transport[scope])
		sortNames(s.Application[scope])
	}
	return s
}

func sortNames(names []string) {
	sort.Slice(names, func(i, j int) bool { return protoLess(names[i], names[j]) })
}
