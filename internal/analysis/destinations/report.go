package destinations

import (
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/iotlens/iotlens/internal/inventory"
	"github.com/iotlens/iotlens/internal/names"
)

// Enricher supplies what the pass cannot know: the party classifier, the
// offline ASN/geo databases and the domain splitter. Any may be nil.
type Enricher struct {
	Classify func(in ClassifyInput) Verdict
	Geo      func(ip netip.Addr) Geo
	Split    func(domain string) (sld, tld string)
	// Registrable returns the eTLD+1 (ICANN section) of a domain.
	Registrable func(domain string) string
}

// ClassifyInput is what the party classifier sees for one destination.
type ClassifyInput struct {
	Domain  string
	IP      netip.Addr
	Device  *inventory.Device
	CertOrg string
}

// Verdict is the classifier's answer and the rule that decided it.
type Verdict struct{ Party, Organization, Rule string }

// Geo is what the offline databases say about an address.
type Geo struct {
	ASN                         uint
	ASOrg, Country, CountryName string
}

// Row is one line of the tidy long table (destinations.csv/.parquet): one
// device, month and domain.
type Row struct {
	Device            string `parquet:"device" json:"device"`
	Month             string `parquet:"month" json:"month"`
	Domain            string `parquet:"domain" json:"domain"`
	RegistrableDomain string `parquet:"registrable_domain" json:"registrable_domain"`
	SLD               string `parquet:"sld" json:"sld"`
	TLD               string `parquet:"tld" json:"tld"`
	IPs               string `parquet:"ips" json:"ips"`
	FirstSeen         string `parquet:"first_seen" json:"first_seen"`
	LastSeen          string `parquet:"last_seen" json:"last_seen"`
	Flows             int64  `parquet:"flows" json:"flows"`
	Packets           int64  `parquet:"packets" json:"packets"`
	BytesUp           int64  `parquet:"bytes_up" json:"bytes_up"`
	BytesDown         int64  `parquet:"bytes_down" json:"bytes_down"`
	Category          string `parquet:"category" json:"category"`
	Organization      string `parquet:"organization" json:"organization"`
	Rule              string `parquet:"rule" json:"rule"`
	ASN               string `parquet:"asn" json:"asn"`
	ASOrg             string `parquet:"as_org" json:"as_org"`
	Country           string `parquet:"country" json:"country"`
	NameSource        string `parquet:"name_source" json:"name_source"`
	QueryType         string `parquet:"query_type" json:"query_type"`
	Aliases           string `parquet:"aliases" json:"aliases"`
	JA4               string `parquet:"ja4" json:"ja4"`
	JA3               string `parquet:"ja3" json:"ja3"`
}

// PartRow is Row without the partition columns: in the Hive-partitioned
// copy (destinations/device=<name>/month=<YYYY-MM>/part-0.parquet) device
// and month are in the path, as DuckDB, Spark and pandas expect.
type PartRow struct {
	Domain            string `parquet:"domain"`
	RegistrableDomain string `parquet:"registrable_domain"`
	SLD               string `parquet:"sld"`
	TLD               string `parquet:"tld"`
	IPs               string `parquet:"ips"`
	FirstSeen         string `parquet:"first_seen"`
	LastSeen          string `parquet:"last_seen"`
	Flows             int64  `parquet:"flows"`
	Packets           int64  `parquet:"packets"`
	BytesUp           int64  `parquet:"bytes_up"`
	BytesDown         int64  `parquet:"bytes_down"`
	Category          string `parquet:"category"`
	Organization      string `parquet:"organization"`
	Rule              string `parquet:"rule"`
	ASN               string `parquet:"asn"`
	ASOrg             string `parquet:"as_org"`
	Country           string `parquet:"country"`
	NameSource        string `parquet:"name_source"`
	QueryType         string `parquet:"query_type"`
	Aliases           string `parquet:"aliases"`
	JA4               string `parquet:"ja4"`
	JA3               string `parquet:"ja3"`
}

func (r *Row) part() PartRow {
	return PartRow{r.Domain, r.RegistrableDomain, r.SLD, r.TLD, r.IPs, r.FirstSeen, r.LastSeen, r.Flows, r.Packets,
		r.BytesUp, r.BytesDown, r.Category, r.Organization, r.Rule, r.ASN, r.ASOrg, r.Country, r.NameSource, r.QueryType,
		r.Aliases, r.JA4, r.JA3}
}

// Header is the CSV header of destinations.csv, in Row field order.
var Header = []string{"device", "month", "domain", "registrable_domain", "sld", "tld", "ips", "first_seen", "last_seen",
	"flows", "packets", "bytes_up", "bytes_down", "category", "organization", "rule", "asn", "as_org", "country",
	"name_source", "query_type", "aliases", "ja4", "ja3"}

// Month is one device's destinations in one month.
type Month struct {
	Device    *inventory.Device
	Month     string // "2025-07"
	Rows      []Row  // one per domain (or unnamed address), sorted by bytes then domain
	Contacted []string
	Unique    []string
	IPs       []string
	IPDomain  map[string]string
	Geo       map[string]Geo
}

// Report groups the aggregate by device and month, in inventory order.
func Report(p *Partial, inv *inventory.Inventory, enr Enricher) []Month {
	p.Final()
	type dm struct {
		dev   int
		month string
	}
	devIndex := map[*inventory.Device]int{}
	for i, d := range inv.Devices {
		devIndex[d] = i
	}
	byDM := map[dm]*builder{}
	get := func(d *inventory.Device, month string) *builder {
		k := dm{devIndex[d], month}
		b := byDM[k]
		if b == nil {
			b = newBuilder(d, month)
			byDM[k] = b
		}
		return b
	}
	for _, m := range []map[Key]*Counts{p.Flows, p.Pending} {
		for k, c := range m {
			if d := deviceOf(inv, k.Host); d != nil {
				get(d, k.Month).addFlow(k, c)
			}
		}
	}
	for k, l := range p.Learned {
		if d := deviceOf(inv, k.Host); d != nil {
			get(d, k.Month).addLearned(k.Name, l)
		}
	}
	keys := make([]dm, 0, len(byDM))
	for k := range byDM {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].dev != keys[j].dev {
			return keys[i].dev < keys[j].dev
		}
		return keys[i].month < keys[j].month
	})
	// Device-months are independent and the classifier and geo lookups are
	// safe for concurrent use: build them on every core.
	out := make([]Month, len(keys))
	forEachParallel(len(keys), func(i int) error {
		out[i] = byDM[keys[i]].build(enr)
		return nil
	})
	return out
}

func deviceOf(inv *inventory.Inventory, h Host) *inventory.Device {
	if h.HasMAC {
		if d := inv.ByMAC(h.MAC); d != nil {
			return d
		}
	}
	if d := inv.ByIP(h.IP); d != nil && (len(d.MACs) == 0 || !h.HasMAC) {
		return d
	}
	return nil
}

// builder accumulates one device-month.
type builder struct {
	dev     *inventory.Device
	month   string
	domains map[string]*domainAgg
	learned map[string]*Learned
	ipName  map[netip.Addr]lastName
}

type lastName struct {
	name string
	last int64
}

type domainAgg struct {
	counts  Counts
	ips     map[netip.Addr]bool
	source  names.Source
	qtype   uint16
	aliases []string
	named   bool
}

func newBuilder(d *inventory.Device, month string) *builder {
	return &builder{dev: d, month: month, domains: map[string]*domainAgg{}, learned: map[string]*Learned{}, ipName: map[netip.Addr]lastName{}}
}

func (b *builder) addFlow(k Key, c *Counts) {
	domain, named := k.Name, k.Name != ""
	if !named {
		domain = k.Remote.String()
	}
	a := b.domains[domain]
	if a == nil {
		a = &domainAgg{ips: map[netip.Addr]bool{}, source: k.Source, named: named, counts: Counts{First: c.First}}
		b.domains[domain] = a
	}
	a.counts.add(c)
	a.ips[k.Remote] = true
	if k.Source < a.source || a.source == names.None {
		a.source = k.Source
	}
	if k.QType != 0 {
		a.qtype = k.QType
	}
	if len(a.aliases) == 0 {
		a.aliases = c.Aliases
	}
	if named {
		if ln, ok := b.ipName[k.Remote]; !ok || c.Last >= ln.last {
			b.ipName[k.Remote] = lastName{domain, c.Last}
		}
	}
}

func (b *builder) addLearned(name string, l *Learned) {
	b.learned[name] = l
}

func (b *builder) build(enr Enricher) Month {
	m := Month{Device: b.dev, Month: b.month, IPDomain: map[string]string{}, Geo: map[string]Geo{}}
	unique := map[string]bool{}
	for name := range b.learned {
		unique[name] = true
	}
	ipSet := map[netip.Addr]bool{}
	for domain, a := range b.domains {
		if a.named {
			m.Contacted = append(m.Contacted, domain)
			unique[domain] = true
		}
		for ip := range a.ips {
			ipSet[ip] = true
		}
		m.Rows = append(m.Rows, b.row(domain, a, enr))
	}
	for name := range unique {
		m.Unique = append(m.Unique, name)
	}
	sort.Strings(m.Contacted)
	sort.Strings(m.Unique)
	for ip := range ipSet {
		m.IPs = append(m.IPs, ip.String())
		if ln, ok := b.ipName[ip]; ok {
			m.IPDomain[ip.String()] = ln.name
		}
		if enr.Geo != nil {
			if g := enr.Geo(ip); g.Country != "" || g.ASN != 0 {
				m.Geo[ip.String()] = g
			}
		}
	}
	sortIPs(m.IPs)
	sort.Slice(m.Rows, func(i, j int) bool {
		ti, tj := m.Rows[i].BytesUp+m.Rows[i].BytesDown, m.Rows[j].BytesUp+m.Rows[j].BytesDown
		if ti != tj {
			return ti > tj
		}
		return m.Rows[i].Domain < m.Rows[j].Domain
	})
	return m
}

func (b *builder) row(domain string, a *domainAgg, enr Enricher) Row {
	ips := make([]string, 0, len(a.ips))
	var firstIP netip.Addr
	for ip := range a.ips {
		ips = append(ips, ip.String())
	}
	sortIPs(ips)
	if len(ips) > 0 {
		firstIP, _ = netip.ParseAddr(ips[0])
	}
	r := Row{Device: b.dev.Name, Month: b.month, Domain: domain, IPs: strings.Join(ips, " "),
		FirstSeen: formatTime(a.counts.First), LastSeen: formatTime(a.counts.Last),
		Flows: a.counts.Flows, Packets: a.counts.Packets, BytesUp: a.counts.BytesUp, BytesDown: a.counts.BytesDown,
		NameSource: a.source.String(), QueryType: b.queryType(domain, a), Aliases: strings.Join(a.aliases, " "),
		JA4: strings.Join(a.counts.JA4, " "), JA3: strings.Join(a.counts.JA3, " ")}
	if !a.named {
		r.NameSource = "none"
	}
	if enr.Split != nil {
		r.SLD, r.TLD = enr.Split(domain)
	}
	if enr.Registrable != nil && a.named {
		r.RegistrableDomain = enr.Registrable(domain)
	}
	var g Geo
	if enr.Geo != nil && firstIP.IsValid() {
		g = enr.Geo(firstIP)
		if g.ASN != 0 {
			r.ASN = "AS" + strconv.FormatUint(uint64(g.ASN), 10)
		}
		r.ASOrg, r.Country = g.ASOrg, g.Country
	}
	if enr.Classify != nil {
		v := enr.Classify(ClassifyInput{Domain: domain, IP: firstIP, Device: b.dev, CertOrg: a.counts.CertOrg})
		r.Category, r.Organization, r.Rule = v.Party, v.Organization, v.Rule
	}
	if r.Organization == "" {
		r.Organization = g.ASOrg
	}
	return r
}

// queryType is the DNS query type the device used for the name, as the
// seed's "Query Type" column ("Unknown" when the name was not looked up).
func (b *builder) queryType(domain string, a *domainAgg) string {
	var bits uint8
	if l := b.learned[domain]; l != nil {
		bits = l.QTypes
	}
	switch {
	case a.qtype == 28 || bits == 2:
		return "AAAA"
	case a.qtype == 1 || bits&1 != 0:
		return "A"
	}
	return "Unknown"
}

func sortIPs(ips []string) {
	sort.Slice(ips, func(i, j int) bool {
		a, _ := netip.ParseAddr(ips[i])
		b, _ := netip.ParseAddr(ips[j])
		return a.Less(b)
	})
}

func formatTime(ns int64) string {
	if ns == 0 {
		return ""
	}
	return time.Unix(0, ns).UTC().Format("2006-01-02T15:04:05.000Z")
}
