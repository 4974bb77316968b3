// Package backendusage attributes each device's destinations to IoT backend
// providers and regions (iotlens backends CAPTURES). It reads the
// destinations analysis' result — the names each flow had when it began —
// and the provider catalogue of package backends, so it needs no pass of its
// own.
package backendusage

import (
	"sort"
	"strings"

	"github.com/iotlens/iotlens/internal/analysis/destinations"
	"github.com/iotlens/iotlens/internal/backends"
)

// Row is one device's use of one provider in one region.
type Row struct {
	Device    string `parquet:"device" json:"device"`
	Provider  string `parquet:"provider" json:"provider"`
	Kind      string `parquet:"kind" json:"kind"`
	Region    string `parquet:"region" json:"region"`
	Domains   string `parquet:"domains" json:"domains"`
	Flows     int64  `parquet:"flows" json:"flows"`
	Packets   int64  `parquet:"packets" json:"packets"`
	BytesUp   int64  `parquet:"bytes_up" json:"bytes_up"`
	BytesDown int64  `parquet:"bytes_down" json:"bytes_down"`
	FirstSeen string `parquet:"first_seen" json:"first_seen"`
	LastSeen  string `parquet:"last_seen" json:"last_seen"`
	Rules     string `parquet:"rules" json:"rules"`
}

// Header is the CSV header, in Row field order.
var Header = []string{"device", "provider", "kind", "region", "domains", "flows", "packets", "bytes_up", "bytes_down", "first_seen", "last_seen", "rules"}

type key struct{ device, provider, region string }

type agg struct {
	row     Row
	domains map[string]bool
	rules   map[string]bool
	order   int
}

// Attribute groups every named destination that the catalogue recognises by
// device, provider and region; rows keep the inventory's device order, then
// the most bytes first. Names a device looked up without any Internet flow
// (e.g. answered with a LAN address, as in the MADEA testbed's DNS
// redirection) still count as that provider, with zero traffic.
func Attribute(months []destinations.Month, cat *backends.Catalogue) []Row {
	groups := map[key]*agg{}
	devOrder := map[string]int{}
	for _, m := range months {
		if _, ok := devOrder[m.Device.Name]; !ok {
			devOrder[m.Device.Name] = len(devOrder)
		}
		for _, r := range m.Rows {
			if r.NameSource == "none" {
				continue
			}
			match, ok := cat.MatchDomain(r.Domain)
			if !ok {
				continue
			}
			k := key{m.Device.Name, match.Provider, match.Region}
			g := groups[k]
			if g == nil {
				g = &agg{row: Row{Device: k.device, Provider: k.provider, Kind: match.Kind, Region: k.region, FirstSeen: r.FirstSeen},
					domains: map[string]bool{}, rules: map[string]bool{}, order: devOrder[m.Device.Name]}
				groups[k] = g
			}
			add(g, &r, match.Rule)
		}
		for _, name := range m.Unique {
			match, ok := cat.MatchDomain(name)
			if !ok {
				continue
			}
			k := key{m.Device.Name, match.Provider, match.Region}
			g := groups[k]
			if g == nil {
				g = &agg{row: Row{Device: k.device, Provider: k.provider, Kind: match.Kind, Region: k.region},
					domains: map[string]bool{}, rules: map[string]bool{}, order: devOrder[m.Device.Name]}
				groups[k] = g
			}
			g.domains[name] = true
			g.rules[match.Rule] = true
		}
	}
	rows := make([]*agg, 0, len(groups))
	for _, g := range groups {
		g.row.Domains = joinSorted(g.domains)
		g.row.Rules = joinSorted(g.rules)
		rows = append(rows, g)
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.order != b.order {
			return a.order < b.order
		}
		if ta, tb := a.row.BytesUp+a.row.BytesDown, b.row.BytesUp+b.row.BytesDown; ta != tb {
			return ta > tb
		}
		return a.row.Provider+a.row.Region < b.row.Provider+b.row.Region
	})
	out := make([]Row, len(rows))
	for i, g := range rows {
		out[i] = g.row
	}
	return out
}

func add(g *agg, r *destinations.Row, rule string) {
	g.row.Flows += r.Flows
	g.row.Packets += r.Packets
	g.row.BytesUp += r.BytesUp
	g.row.BytesDown += r.BytesDown
	if r.FirstSeen != "" && (g.row.FirstSeen == "" || r.FirstSeen < g.row.FirstSeen) {
		g.row.FirstSeen = r.FirstSeen // fixed-width RFC 3339 UTC: string order is time order
	}
	if r.LastSeen > g.row.LastSeen {
		g.row.LastSeen = r.LastSeen
	}
	g.domains[r.Domain] = true
	g.rules[rule] = true
}

func joinSorted(set map[string]bool) string {
	list := make([]string, 0, len(set))
	for s := range set {
		list = append(list, s)
	}
	sort.Strings(list)
	return strings.Join(list, " ")
}
