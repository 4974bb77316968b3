package summary

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/iotlens/iotlens/internal/inventory"
	"github.com/iotlens/iotlens/internal/proto"
)

// Row is one device of the summary table. Column names are stable: they are
// the CSV header and the JSON keys.
type Row struct {
	Device       string   `json:"device"`
	MACs         []string `json:"macs"`
	IPs          []string `json:"ips"`
	Vendor       string   `json:"vendor"`
	Role         string   `json:"role"` // "device" or "gateway"
	Source       string   `json:"source"`
	Packets      int64    `json:"packets"`
	Bytes        int64    `json:"bytes"`
	TxPackets    int64    `json:"tx_packets"`
	TxBytes      int64    `json:"tx_bytes"`
	RxPackets    int64    `json:"rx_packets"`
	RxBytes      int64    `json:"rx_bytes"`
	LANBytes     int64    `json:"lan_bytes"`
	WANBytes     int64    `json:"wan_bytes"`
	FirstSeen    string   `json:"first_seen"`
	LastSeen     string   `json:"last_seen"`
	TopProtocols []string `json:"top_protocols"`
	Warnings     []string `json:"warnings"`
}

// Header is the CSV header, in Row field order.
var Header = []string{"device", "macs", "ips", "vendor", "role", "source", "packets", "bytes", "tx_packets", "tx_bytes",
	"rx_packets", "rx_bytes", "lan_bytes", "wan_bytes", "first_seen", "last_seen", "top_protocols", "warnings"}

// Record renders a row as CSV fields (lists joined with spaces).
func (r *Row) Record() []string {
	i := func(v int64) string { return fmt.Sprint(v) }
	return []string{r.Device, strings.Join(r.MACs, " "), strings.Join(r.IPs, " "), r.Vendor, r.Role, r.Source,
		i(r.Packets), i(r.Bytes), i(r.TxPackets), i(r.TxBytes), i(r.RxPackets), i(r.RxBytes),
		i(r.LANBytes), i(r.WANBytes), r.FirstSeen, r.LastSeen,
		strings.Join(r.TopProtocols, " "), strings.Join(r.Warnings, "; ")}
}

// Build turns the merged aggregate into one row per inventory device, in
// inventory order. A device is counted by its MACs when it has any (Tx =
// frames with that Ethernet source, Rx = with that destination, as tshark's
// eth.src/eth.dst filters), else by its IP addresses.
func Build(p *Partial, inv *inventory.Inventory, topN int) []Row {
	rows := make([]Row, 0, len(inv.Devices))
	for _, d := range inv.Devices {
		rows = append(rows, buildRow(p, d, topN))
	}
	return rows
}

func buildRow(p *Partial, d *inventory.Device, topN int) Row {
	r := Row{Device: d.Name, Vendor: d.Vendor, Role: "device", Source: d.Source, MACs: []string{}, IPs: []string{}, Warnings: []string{}}
	if d.Gateway {
		r.Role = "gateway"
	}
	total := &Counters{}
	for _, m := range d.MACs {
		r.MACs = append(r.MACs, m.String())
		if c := p.MACs.M[m]; c != nil {
			total.merge(c)
		}
	}
	for _, ip := range d.IPs {
		r.IPs = append(r.IPs, ip.String())
	}
	if len(d.MACs) == 0 {
		for _, ip := range d.IPs {
			if c := p.IPs.M[ip]; c != nil {
				total.merge(c)
			}
		}
	}
	fill(&r, total, topN)
	r.Warnings = append(r.Warnings, deviceWarnings(d, &r)...)
	return r
}

// deviceWarnings flags what a researcher should look at before trusting
// the row.
func deviceWarnings(d *inventory.Device, r *Row) []string {
	var w []string
	if r.Packets == 0 {
		w = append(w, "not seen in the captures")
	}
	for _, m := range d.MACs {
		if m.IsLocallyAdministered() {
			w = append(w, "randomized (locally administered) MAC "+m.String())
		}
	}
	v4 := 0
	for _, ip := range d.IPs {
		if ip.Is4() {
			v4++
		}
	}
	if v4 > 1 {
		w = append(w, fmt.Sprintf("used %d IPv4 addresses (DHCP lease changes or static aliases)", v4))
	}
	return w
}

func fill(r *Row, c *Counters, topN int) {
	r.TxPackets, r.TxBytes, r.RxPackets, r.RxBytes = c.TxPackets, c.TxBytes, c.RxPackets, c.RxBytes
	r.Packets, r.Bytes = c.TxPackets+c.RxPackets, c.TxBytes+c.RxBytes
	r.LANBytes, r.WANBytes = c.LANBytes, c.WANBytes
	if c.First != 0 {
		r.FirstSeen = FormatTime(c.First)
		r.LastSeen = FormatTime(c.Last)
	}
	r.TopProtocols = topProtocols(c, topN)
}

// FormatTime renders Unix ns as RFC 3339 UTC with milliseconds.
func FormatTime(ns int64) string {
	return time.Unix(0, ns).UTC().Format("2006-01-02T15:04:05.000Z")
}

// topProtocols lists the protocols carrying most bytes, as "tls:81.2%".
func topProtocols(c *Counters, n int) []string {
	type pc struct {
		p proto.Proto
		b int64
	}
	var all []pc
	var sum int64
	for _, v := range c.Protos {
		all = append(all, pc{v.Proto, v.Bytes})
		sum += v.Bytes
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].b != all[j].b {
			return all[i].b > all[j].b
		}
		return all[i].p.String() < all[j].p.String()
	})
	out := []string{}
	for i := 0; i < len(all) && i < n; i++ {
		out = append(out, fmt.Sprintf("%s:%.1f%%", all[i].p, 100*float64(all[i].b)/float64(sum)))
	}
	return out
}
