package inventory

import (
	"bytes"
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/oui"
)

// Bindings answers "which MAC had this IP at time t", for attributing
// traffic to inventories that list only IP addresses.
type Bindings struct {
	byIP       map[netip.Addr][]heldBy // each sorted by First, then MAC
	gateway    decode.MAC
	hasGateway bool
}

type heldBy struct {
	mac         decode.MAC
	first, last int64
}

// NewBindings indexes the resolved hosts' IP bindings.
func NewBindings(hosts []Host) *Bindings {
	b := &Bindings{byIP: make(map[netip.Addr][]heldBy)}
	for _, h := range hosts {
		if h.Gateway {
			b.gateway, b.hasGateway = h.MAC, true
		}
		for _, ip := range h.IPs {
			b.byIP[ip.IP] = append(b.byIP[ip.IP], heldBy{mac: h.MAC, first: ip.First, last: ip.Last})
		}
	}
	for _, list := range b.byIP {
		slices.SortFunc(list, func(x, y heldBy) int {
			return cmp.Or(cmp.Compare(x.first, y.first), bytes.Compare(x.mac[:], y.mac[:]))
		})
	}
	return b
}

// MACAt returns the MAC that held ip at t: among bindings whose interval
// holds t, the one that began last (a new lease holder); between bindings,
// the one seen last before t; before all of them, the first. It does not
// allocate.
func (b *Bindings) MACAt(ip netip.Addr, t int64) (decode.MAC, bool) {
	if b == nil {
		return decode.MAC{}, false
	}
	list := b.byIP[normalizeIP(ip)]
	if len(list) == 0 {
		return decode.MAC{}, false
	}
	holder, found := -1, false
	for i, h := range list {
		if h.first > t {
			break
		}
		if h.last >= t {
			holder, found = i, true
		} else if !found && (holder < 0 || h.last >= list[holder].last) {
			holder = i
		}
	}
	if holder < 0 {
		holder = 0
	}
	return list[holder].mac, true
}

// MACs lists every MAC that held ip, in order of first use.
func (b *Bindings) MACs(ip netip.Addr) []decode.MAC {
	if b == nil {
		return nil
	}
	var out []decode.MAC
	for _, h := range b.byIP[normalizeIP(ip)] {
		if !slices.Contains(out, h.mac) {
			out = append(out, h.mac)
		}
	}
	return out
}

// Gateway returns the gateway's MAC, if one was found.
func (b *Bindings) Gateway() (decode.MAC, bool) {
	if b == nil {
		return decode.MAC{}, false
	}
	return b.gateway, b.hasGateway
}

// Discovered turns resolved hosts into devices named by their DHCP host
// name, else their mDNS name, else vendor and the MAC's last three bytes;
// names are made unique with " (2)", " (3)", ... An IP that moved between
// hosts is indexed (ByIP) to its latest holder.
func Discovered(hosts []Host) *Inventory {
	inv := &Inventory{}
	taken := make(map[string]bool)
	latest := make(map[netip.Addr]int64)
	for _, h := range hosts {
		d := &Device{
			Name:    uniqueName(discoveredName(h), taken),
			MACs:    []decode.MAC{h.MAC},
			Vendor:  h.Vendor,
			Source:  SourceDiscovered,
			Gateway: h.Gateway,
		}
		for _, b := range h.IPs {
			if !slices.Contains(d.IPs, b.IP) {
				d.IPs = append(d.IPs, b.IP)
			}
		}
		inv.Devices = append(inv.Devices, d)
		inv.ensureMaps()
		inv.byName[d.Name], inv.byMAC[h.MAC] = d, d
		for _, b := range h.IPs {
			if last, ok := latest[b.IP]; !ok || b.Last >= last {
				latest[b.IP] = b.Last
				inv.byIP[b.IP] = d
			}
		}
	}
	return inv
}

func discoveredName(h Host) string {
	for _, n := range h.DHCPNames {
		if n = cleanName(n); n != "" {
			return n
		}
	}
	for _, n := range h.MDNSNames {
		if n = mdnsDisplayName(n); n != "" {
			return n
		}
	}
	if h.Vendor != "" {
		return fmt.Sprintf("%s_%02x:%02x:%02x", oui.Short(h.Vendor), h.MAC[3], h.MAC[4], h.MAC[5])
	}
	return h.MAC.String()
}

// mdnsDisplayName turns an mDNS owner name into a device name:
// "Philips-hue.local" -> "Philips-hue", "Living Room._hap._tcp.local" ->
// "Living Room". Service types, reverse-lookup names and multi-label names
// (LIFX announces "search.<hex id>.local") give "".
func mdnsDisplayName(n string) string {
	n = strings.TrimSuffix(n, ".")
	n = strings.TrimSuffix(n, ".local")
	if strings.HasPrefix(n, "_") {
		return ""
	}
	if i := strings.Index(n, "._"); i >= 0 {
		n = n[:i]
	}
	if strings.Contains(n, ".") {
		return ""
	}
	return cleanName(n)
}

// cleanName drops control characters and surrounding space.
func cleanName(n string) string {
	n = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, n)
	return strings.TrimSpace(n)
}

func uniqueName(name string, taken map[string]bool) string {
	unique := name
	for i := 2; taken[unique]; i++ {
		unique = fmt.Sprintf("%s (%d)", name, i)
	}
	taken[unique] = true
	return unique
}

// Attach gives devices listed only by IP (devices.yaml) the MACs that held
// their addresses, skipping MACs another device already has. A device whose
// address the gateway holds is marked Gateway. It returns the number of
// MACs attached.
func (inv *Inventory) Attach(b *Bindings) int {
	gw, hasGW := b.Gateway()
	attached := 0
	for _, d := range inv.Devices {
		if len(d.MACs) > 0 {
			continue
		}
		for _, ip := range d.IPs {
			for _, m := range b.MACs(ip) {
				if inv.byMAC[m] != nil {
					continue
				}
				d.MACs = append(d.MACs, m)
				d.Gateway = d.Gateway || hasGW && m == gw
				inv.index(d)
				attached++
			}
		}
		if d.Vendor == "" {
			d.Vendor = vendorOf(d.MACs)
		}
	}
	return attached
}
