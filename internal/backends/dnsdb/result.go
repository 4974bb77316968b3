package dnsdb

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/iotlens/iotlens/internal/backends"
)

// Result is what Mine found, ready for output.
type Result struct {
	Providers   []ProviderRow
	Domains     []DomainRow
	Addresses   []AddressRow
	NextQueries []QueryRow

	Files        int
	FileBytes    int64 // size of the input files on disk
	Bytes        int64 // uncompressed bytes read (one pass)
	Lines        int64
	Records      int64
	BadLines     int64
	Attributed   int64 // records counted for a provider (a record may count for several)
	Passes       int
	WarningCount int
	Warnings     []string // the first warnings (all are counted)
}

// ProviderRow sums up one provider.
type ProviderRow struct {
	Provider   string   `parquet:"provider"`
	Kind       string   `parquet:"kind"`
	StudyLabel string   `parquet:"study_label"`
	Domains    int64    `parquet:"domains"`
	IPv4       int64    `parquet:"ipv4"`
	IPv6       int64    `parquet:"ipv6"`
	Regions    []string `parquet:"regions,list"`
	Pending    int64    `parquet:"cname_targets_pending"`
	Records    int64    `parquet:"records"`
	FirstSeen  int64    `parquet:"first_seen,timestamp(millisecond),optional"` // Unix ms, 0 unknown
	LastSeen   int64    `parquet:"last_seen,timestamp(millisecond),optional"`
}

// ProviderHeader is the CSV header of ProviderRow.Record.
var ProviderHeader = []string{"provider", "kind", "study_label", "domains", "ipv4", "ipv6", "regions",
	"cname_targets_pending", "records", "first_seen", "last_seen"}

// Record renders the row for CSV.
func (p *ProviderRow) Record() []string {
	return []string{p.Provider, p.Kind, p.StudyLabel, itoa(p.Domains), itoa(p.IPv4), itoa(p.IPv6),
		backends.JoinList(p.Regions), itoa(p.Pending), itoa(p.Records), backends.FormatMillis(p.FirstSeen), backends.FormatMillis(p.LastSeen)}
}

// DomainRow is one name attributed to a provider.
type DomainRow struct {
	Provider     string   `parquet:"provider"`
	Kind         string   `parquet:"kind"`
	Region       string   `parquet:"region"`
	Domain       string   `parquet:"domain"`
	Rule         string   `parquet:"rule"`
	ViaCNAME     string   `parquet:"via_cname"`
	RRTypes      []string `parquet:"rrtypes,list"`
	IPv4         []string `parquet:"ipv4,list"`
	IPv6         []string `parquet:"ipv6,list"`
	CNAMETargets []string `parquet:"cname_targets,list"`
	Records      int64    `parquet:"records"`
	Count        int64    `parquet:"count"`
	FirstSeen    int64    `parquet:"first_seen,timestamp(millisecond),optional"`
	LastSeen     int64    `parquet:"last_seen,timestamp(millisecond),optional"`
}

// DomainHeader is the CSV header of DomainRow.Record.
var DomainHeader = []string{"provider", "kind", "region", "domain", "rule", "via_cname", "rrtypes", "ipv4", "ipv6",
	"cname_targets", "records", "count", "first_seen", "last_seen"}

// Record renders the row for CSV.
func (d *DomainRow) Record() []string {
	return []string{d.Provider, d.Kind, d.Region, d.Domain, d.Rule, d.ViaCNAME, backends.JoinList(d.RRTypes),
		backends.JoinList(d.IPv4), backends.JoinList(d.IPv6), backends.JoinList(d.CNAMETargets), itoa(d.Records),
		itoa(d.Count), backends.FormatMillis(d.FirstSeen), backends.FormatMillis(d.LastSeen)}
}

// AddressRow is one IP address of a provider, from the A/AAAA records of
// its names.
type AddressRow struct {
	Provider      string   `parquet:"provider"`
	Kind          string   `parquet:"kind"`
	IP            string   `parquet:"ip"`
	Family        int32    `parquet:"family"`
	Regions       []string `parquet:"regions,list"`
	Domains       int64    `parquet:"domains"`
	ExampleDomain string   `parquet:"example_domain"`
	FirstSeen     int64    `parquet:"first_seen,timestamp(millisecond),optional"`
	LastSeen      int64    `parquet:"last_seen,timestamp(millisecond),optional"`
	addr          netip.Addr
	order         int
	regions       uint64 // bit i: region i of finish's region table
}

// AddressHeader is the CSV header of AddressRow.Record.
var AddressHeader = []string{"provider", "kind", "ip", "family", "regions", "domains", "example_domain", "first_seen", "last_seen"}

// Record renders the row for CSV.
func (a *AddressRow) Record() []string {
	return []string{a.Provider, a.Kind, a.IP, strconv.Itoa(int(a.Family)), backends.JoinList(a.Regions), itoa(a.Domains),
		a.ExampleDomain, backends.FormatMillis(a.FirstSeen), backends.FormatMillis(a.LastSeen)}
}

// QueryRow is a CNAME target absent from the data: the next DNSDB query
// round. Its columns are those the study's query script reads
// (domain_A_queries, domain_AAAA_queries, domain_CNAME_queries, company),
// so the file can be fed to it unchanged.
type QueryRow struct {
	Domain     string
	Company    string
	Via        string
	AQuery     string
	AAAAQuery  string
	CNAMEQuery string
}

// QueryHeader is the CSV header of QueryRow.Record.
var QueryHeader = []string{"generalized_domain", "domain_A_queries", "domain_AAAA_queries", "company", "domain_CNAME_queries", "via_cname"}

// Record renders the row for CSV.
func (q *QueryRow) Record() []string {
	return []string{q.Domain, q.AQuery, q.AAAAQuery, q.Company, q.CNAMEQuery, q.Via}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// finish turns the rows into sorted result tables. It sorts pointers and
// fills preallocated tables: with millions of names, moving rows is what
// costs.
func (m *miner) finish() {
	m.sortRows()
	// IPv4 addresses (most of them) are looked up by one integer, the
	// provider's position and the address; IPv6 by a struct.
	type addrKey struct {
		order  int
		hi, lo uint64
	}
	addrs4 := map[uint64]*AddressRow{}
	addrs6 := map[addrKey]*AddressRow{}
	var addrList []*AddressRow
	provs := map[*backends.Provider]*ProviderRow{}
	var provList []*ProviderRow
	m.res.Domains = make([]DomainRow, 0, len(m.rows))
	// Regions are numbered so that an address' regions are a bit set (the
	// pairs of names and addresses are the bulk of the work here); past 64
	// distinct regions, the rest are not listed per address.
	var regionNames []string
	regionID := map[string]int{}
	for _, r := range m.rows {
		pr := provs[r.provider]
		if pr == nil {
			pr = &ProviderRow{Provider: r.provider.Name, Kind: r.provider.Kind, StudyLabel: r.provider.StudyLabel}
			provs[r.provider] = pr
			provList = append(provList, pr)
		}
		pr.Domains++
		pr.Records += r.records
		mergeSpan(&pr.FirstSeen, &pr.LastSeen, r.first*1000, r.last*1000)
		region := backends.Clean(r.region)
		pr.Regions = addUnique(pr.Regions, region)
		if r.name.records == 0 && r.fromCNAME {
			pr.Pending++
			m.res.NextQueries = append(m.res.NextQueries, nextQuery(r))
		}
		d := DomainRow{Provider: r.provider.Name, Kind: r.provider.Kind, Region: region,
			Domain: backends.Clean(r.domain), Rule: r.rule, ViaCNAME: backends.Clean(r.via), RRTypes: r.rrtypes,
			Records: r.records, Count: r.count, FirstSeen: r.first * 1000, LastSeen: r.last * 1000}
		for _, t := range r.cnames {
			d.CNAMETargets = append(d.CNAMETargets, backends.Clean(t))
		}
		slices.Sort(d.CNAMETargets)
		r.compactAddrs()
		var regionBit uint64
		if region != "" {
			id, ok := regionID[region]
			if !ok {
				id = len(regionNames)
				regionID[region] = id
				regionNames = append(regionNames, region)
			}
			if id < 64 {
				regionBit = 1 << id
			}
		}
		if n4 := countV4(r.addrs); n4 > 0 {
			d.IPv4 = make([]string, 0, n4)
		}
		if n6 := len(r.addrs) - countV4(r.addrs); n6 > 0 {
			d.IPv6 = make([]string, 0, n6)
		}
		for _, s := range r.addrs {
			var ar *AddressRow
			k4 := uint64(r.order)<<32 | s.lo&0xffffffff
			if s.is4() {
				ar = addrs4[k4]
			} else {
				ar = addrs6[addrKey{r.order, s.hi, s.lo}]
			}
			if ar == nil {
				a := s.addr()
				ar = &AddressRow{Provider: r.provider.Name, Kind: r.provider.Kind, IP: a.String(), Family: 4,
					addr: a, order: r.order, ExampleDomain: d.Domain}
				if !s.is4() {
					ar.Family = 6
				}
				if s.is4() {
					addrs4[k4] = ar
				} else {
					addrs6[addrKey{r.order, s.hi, s.lo}] = ar
				}
				addrList = append(addrList, ar)
			}
			if s.is4() {
				d.IPv4 = append(d.IPv4, ar.IP) // one string per distinct address
			} else {
				d.IPv6 = append(d.IPv6, ar.IP)
			}
			ar.Domains++ // rows come sorted by domain: the example is the first
			mergeSpan(&ar.FirstSeen, &ar.LastSeen, s.first*1000, s.last*1000)
			ar.regions |= regionBit
		}
		m.res.Domains = append(m.res.Domains, d)
	}
	slices.SortFunc(addrList, func(a, b *AddressRow) int {
		return cmp.Or(cmp.Compare(a.order, b.order), cmp.Compare(a.Family, b.Family), a.addr.Compare(b.addr))
	})
	m.res.Addresses = make([]AddressRow, 0, len(addrList))
	for _, ar := range addrList {
		for id, name := range regionNames[:min(len(regionNames), 64)] {
			if ar.regions&(1<<id) != 0 {
				ar.Regions = append(ar.Regions, name)
			}
		}
		slices.Sort(ar.Regions)
		if ar.Family == 4 {
			provs[m.byName[ar.Provider]].IPv4++
		} else {
			provs[m.byName[ar.Provider]].IPv6++
		}
		m.res.Addresses = append(m.res.Addresses, *ar)
	}
	for _, pr := range provList {
		slices.Sort(pr.Regions)
		m.res.Providers = append(m.res.Providers, *pr)
	}
}

// sortRows orders the rows by provider and name through a compact key
// slice (the rows themselves are scattered in memory).
func (m *miner) sortRows() {
	type key struct {
		order  int
		domain string
		r      *row
	}
	keys := make([]key, len(m.rows))
	for i, r := range m.rows {
		keys[i] = key{r.order, r.domain, r}
	}
	slices.SortFunc(keys, func(a, b key) int { return cmp.Or(cmp.Compare(a.order, b.order), strings.Compare(a.domain, b.domain)) })
	for i := range keys {
		m.rows[i] = keys[i].r
	}
}

func countV4(addrs []addrSpan) int {
	n := 0
	for i := range addrs {
		if addrs[i].is4() {
			n++
		}
	}
	return n
}

func nextQuery(r *row) QueryRow {
	q := "rrset/name/" + backends.Clean(r.domain) + "."
	return QueryRow{Domain: backends.Clean(r.domain), Company: r.provider.Name, Via: backends.Clean(r.via),
		AQuery: q + "/A", AAAAQuery: q + "/AAAA", CNAMEQuery: q + "/CNAME"}
}

// addUnique appends v (when not empty) unless list holds it; lists are short.
func addUnique(list []string, v string) []string {
	if v == "" || (len(list) > 0 && list[len(list)-1] == v) || slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

func mergeSpan(first, last *int64, f, l int64) {
	if f != 0 && (*first == 0 || f < *first) {
		*first = f
	}
	*last = max(*last, l)
}
