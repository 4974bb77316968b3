package endpoints

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/iotlens/iotlens/internal/inventory"
	"github.com/iotlens/iotlens/internal/names"
	"github.com/iotlens/iotlens/internal/proto"
)

// Row is one endpoint of one device, classified and enriched.
type Row struct {
	IP  netip.Addr
	LAN bool // a LAN endpoint (the seed's LAN rows): local address or another device's address
	// Type is First, Support, Third, Local, Local Multicast, Local
	// Broadcast, "Local (<device>)" or Unknown; Rule says what decided it.
	Type, Organization, Rule string
	Hostname                 string       // the seed's "Original Hostname" ("" when none)
	HostnameSource           names.Source // how Hostname was learned
	Names                    []NameSeen   // every name, earliest first
	LocalName                string       // mDNS/LLMNR name of a LAN endpoint
	ASN                      uint
	ASOrg, Country           string
	Cert                     *Cert
	Traffic
	First, Last int64
	Protos      []ProtoTraffic // most packets first
	Peer        *inventory.Device
}

// DeviceEndpoints is one device's endpoints in the seed's row order: WAN rows
// sorted by address, then LAN rows sorted by address.
type DeviceEndpoints struct {
	Device *inventory.Device
	Rows   []Row
}

// Report attaches the aggregate to the inventory's devices (in inventory
// order; every device gets an entry, possibly with no rows) and classifies
// every endpoint. ov may be nil.
func Report(p *Partial, inv *inventory.Inventory, enr Enricher, ov *Overrides) []DeviceEndpoints {
	perDevice := collect(p, inv)
	r := &resolver{inv: inv, enr: enr, ov: ov, local: p.LocalNames, geo: map[netip.Addr]geoInfo{}}
	out := make([]DeviceEndpoints, 0, len(inv.Devices))
	for _, d := range inv.Devices {
		eps := perDevice[d]
		rows := make([]Row, 0, len(eps))
		for ip, e := range eps {
			if e.Packets() > 0 {
				rows = append(rows, r.row(d, ip, e))
			}
		}
		slices.SortFunc(rows, func(a, b Row) int {
			if a.LAN != b.LAN {
				if !a.LAN {
					return -1
				}
				return 1
			}
			return a.IP.Compare(b.IP)
		})
		out = append(out, DeviceEndpoints{Device: d, Rows: rows})
	}
	return out
}

// collect merges the records of each device's hosts (its MACs, its IPs on
// links without MACs) per remote address. Keys are visited in sorted order
// so that the union of names is the same on every run.
func collect(p *Partial, inv *inventory.Inventory) map[*inventory.Device]map[netip.Addr]*Endpoint {
	keys := make([]Key, 0, len(p.Endpoints.M))
	for k := range p.Endpoints.M {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b Key) int { return compareKeys(&a, &b) })
	out := map[*inventory.Device]map[netip.Addr]*Endpoint{}
	for _, k := range keys {
		d := deviceOf(inv, &k)
		if d == nil {
			continue
		}
		m := out[d]
		if m == nil {
			m = map[netip.Addr]*Endpoint{}
			out[d] = m
		}
		e := m[k.Remote]
		if e == nil {
			e = &Endpoint{}
			m[k.Remote] = e
		}
		e.merge(p.Endpoints.M[k])
	}
	return out
}

// deviceOf attaches a host to a device: by MAC, else by IP when the host had
// no MAC in the frame (raw IP, SLL).
func deviceOf(inv *inventory.Inventory, k *Key) *inventory.Device {
	if !k.ByIP {
		return inv.ByMAC(k.MAC)
	}
	return inv.ByIP(k.HostIP)
}

type geoInfo struct {
	asn            uint
	asOrg, country string
}

// resolver classifies and enriches endpoints, caching geo lookups.
type resolver struct {
	inv   *inventory.Inventory
	enr   Enricher
	ov    *Overrides
	local map[netip.Addr]NameSeen
	geo   map[netip.Addr]geoInfo
}

func (r *resolver) row(d *inventory.Device, ip netip.Addr, e *Endpoint) Row {
	row := Row{IP: ip, Traffic: e.Traffic, First: e.First, Last: e.Last, Cert: e.Cert}
	row.Names = slices.Clone(e.Names)
	slices.SortFunc(row.Names, func(a, b NameSeen) int {
		if a.First != b.First {
			return cmpInt(a.First, b.First)
		}
		return strings.Compare(a.Name, b.Name)
	})
	row.Hostname, row.HostnameSource = bestName(row.Names)
	row.Protos = sortedProtos(e.Protos)
	if n, ok := r.local[ip]; ok {
		row.LocalName = n.Name
	}
	row.Peer = r.peerDevice(d, ip, e)
	row.LAN = e.Local || row.Peer != nil && r.inv.ByIP(ip) == row.Peer
	if !row.LAN {
		g := r.geoOf(ip)
		row.ASN, row.ASOrg, row.Country = g.asn, g.asOrg, g.country
	}
	row.Type, row.Organization, row.Rule = r.classify(d, &row, e)
	return row
}

// peerDevice is the other inventory device behind a LAN endpoint: the one
// listed with the address, else (local addresses only) the owner of the
// endpoint's MAC. The gateway's MAC stands for every Internet address, so
// it names no endpoint that is not its own address.
func (r *resolver) peerDevice(self *inventory.Device, ip netip.Addr, e *Endpoint) *inventory.Device {
	if d := r.inv.ByIP(ip); d != nil && d != self {
		return d
	}
	if e.Local && e.HasPeer {
		if d := r.inv.ByMAC(e.Peer); d != nil && d != self && !d.Gateway {
			return d
		}
	}
	return nil
}

func (r *resolver) geoOf(ip netip.Addr) geoInfo {
	if r.enr.Geo == nil {
		return geoInfo{}
	}
	g, ok := r.geo[ip]
	if !ok {
		g.asn, g.asOrg, g.country = r.enr.Geo(ip)
		r.geo[ip] = g
	}
	return g
}

// classify decides the Type: the overrides file, then another device's
// address, then the classifier, then the address kind. A plain "Local" is
// refined into the seed's Local kinds.
func (r *resolver) classify(d *inventory.Device, row *Row, e *Endpoint) (typ, org, rule string) {
	hostNames := nameList(row)
	if v, ok := r.ov.Match(row.IP, hostNames); ok {
		return v.Type, v.Organization, v.Rule
	}
	if row.Peer != nil && !e.Local {
		return localDevicePrefix + row.Peer.Name + ")", "", "local:device-address:" + row.Peer.Name
	}
	if r.enr.Classify != nil {
		typ, org, rule = r.enr.Classify(Input{IP: row.IP, Names: hostNames, CertOrg: certOrg(row.Cert), Device: d})
		if t, ok := NormalizeType(typ); ok {
			typ = t
		}
	}
	if typ == "" && row.LAN {
		typ, rule = TypeLocal, "local:address"
	}
	if typ == TypeLocal {
		if sub, subRule := localKind(row, e); sub != "" {
			typ, rule = sub, subRule
		}
	}
	if typ == "" {
		typ, rule = TypeUnknown, "none"
	}
	return typ, org, rule
}

// localKind is the seed's kind of a local endpoint: multicast, broadcast,
// or another device.
func localKind(row *Row, e *Endpoint) (string, string) {
	switch {
	case row.IP.IsMulticast():
		return TypeLocalMulticast, "local:multicast"
	case row.IP == netip.AddrFrom4([4]byte{255, 255, 255, 255}) || e.Flags&FlagBroadcastMAC != 0:
		return TypeLocalBroadcast, "local:broadcast"
	case row.Peer != nil:
		return localDevicePrefix + row.Peer.Name + ")", "local:device:" + row.Peer.Name
	}
	return "", ""
}

// nameList is the classifier's view of the names: the hostname first.
func nameList(row *Row) []string {
	out := make([]string, 0, len(row.Names)+1)
	if row.Hostname != "" {
		out = append(out, row.Hostname)
	}
	for _, n := range row.Names {
		if n.Name != row.Hostname {
			out = append(out, n.Name)
		}
	}
	if row.LocalName != "" && row.LocalName != row.Hostname {
		out = append(out, row.LocalName)
	}
	return out
}

func certOrg(c *Cert) string {
	if c == nil {
		return ""
	}
	return c.SubjectOrg
}

// bestName picks the hostname as the seed does, generalised: the latest
// TLS SNI (or QUIC SNI), else the latest HTTP Host, else the earliest
// certificate name, else the earliest DNS answer, else the earliest PTR.
func bestName(ns []NameSeen) (string, names.Source) {
	type pick struct {
		latest bool
		src    []names.Source
	}
	for _, p := range []pick{
		{true, []names.Source{names.SNI, names.QUIC}},
		{true, []names.Source{names.HTTP}},
		{false, []names.Source{names.Cert}},
		{false, []names.Source{names.DNS}},
		{false, []names.Source{names.PTR}},
	} {
		best := -1
		var src names.Source
		for i := range ns {
			n := &ns[i]
			for _, s := range p.src {
				if !n.Has(s) {
					continue
				}
				if best < 0 || p.latest && n.Last > ns[best].Last {
					best, src = i, s
				}
				break
			}
		}
		if best >= 0 {
			return ns[best].Name, src
		}
	}
	return "", names.None
}

func sortedProtos(ps []ProtoTraffic) []ProtoTraffic {
	out := slices.Clone(ps)
	slices.SortFunc(out, func(a, b ProtoTraffic) int {
		if a.Packets() != b.Packets() {
			return cmpInt(b.Packets(), a.Packets())
		}
		return strings.Compare(a.Proto.String(), b.Proto.String())
	})
	return out
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// categoryOf names a protocol's purpose with the enricher's table or the
// built-in one.
func (enr *Enricher) categoryOf(p proto.Proto) string {
	if enr.Category != nil {
		return enr.Category(p)
	}
	return DefaultCategory(p)
}
