package censys

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strconv"

	"github.com/iotlens/iotlens/internal/backends"
	"github.com/iotlens/iotlens/internal/backends/jsonl"
)

// Options tune Mine.
type Options struct {
	Catalogue *backends.Catalogue // nil: backends.Default()
	Warn      func(string)        // receives every warning as it happens
}

const keptWarnings = 100

// Result is what Mine found, ready for output.
type Result struct {
	Providers    []ProviderRow
	Hosts        []HostRow
	Certificates []CertRow

	Files        int
	Lines        int64
	Bytes        int64 // uncompressed bytes read
	Certs        int64 // certificates examined (one per TLS service or certificate record)
	Matched      int64 // certificates attributed to a provider
	BadLines     int64
	WarningCount int
	Warnings     []string
}

type hostKey struct {
	p    *backends.Provider
	ip   string
	port int64
}

type certKey struct {
	p  *backends.Provider
	id string // fingerprint, else subject and names
}

type hostAgg struct {
	row   HostRow
	order int
	addr  netip.Addr
	fps   map[string]bool
}

type certAgg struct {
	row   CertRow
	order int
	hosts map[string]bool
}

type provAgg struct {
	row   ProviderRow
	ips   map[string]bool
	ports map[int64]bool
	names map[string]bool
	certs map[string]bool
}

type miner struct {
	cat    *backends.Catalogue
	opts   Options
	order  map[*backends.Provider]int
	byName map[string]*backends.Provider
	hosts  map[hostKey]*hostAgg
	certs  map[certKey]*certAgg
	provs  map[*backends.Provider]*provAgg
	res    *Result
}

// Mine reads Censys exports (JSON lines, plain, gzip or zstd) and attributes
// every certificate by its names (SANs and subject CN), each matched as a
// whole name, with the study's certificate filters applied to the
// certificate as a whole. Damaged lines are warnings; a file that cannot
// be read is an error.
func Mine(ctx context.Context, files []string, opts Options) (*Result, error) {
	if opts.Catalogue == nil {
		opts.Catalogue = backends.Default()
	}
	m := &miner{cat: opts.Catalogue, opts: opts, order: map[*backends.Provider]int{}, hosts: map[hostKey]*hostAgg{},
		certs: map[certKey]*certAgg{}, provs: map[*backends.Provider]*provAgg{}, res: &Result{Files: len(files)}}
	m.byName = map[string]*backends.Provider{}
	for i, p := range opts.Catalogue.Providers() {
		m.order[p] = i
		m.byName[p.Name] = p
	}
	for _, f := range files {
		if err := m.readFile(ctx, f); err != nil {
			return nil, err
		}
	}
	m.finish()
	return m.res, nil
}

func (m *miner) readFile(ctx context.Context, path string) error {
	r, err := jsonl.Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	for {
		b, err := r.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if errors.Is(err, jsonl.ErrLineTooLong) {
				m.res.BadLines++
				m.warn(err.Error())
				continue
			}
			return err
		}
		if r.Line()&0x3ff == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		m.res.Lines++
		m.res.Bytes += int64(len(b)) + 1
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		certs, err := parseLine(b)
		if err != nil {
			m.res.BadLines++
			m.warn(fmt.Sprintf("%s:%d: %v", path, r.Line(), err))
			continue
		}
		for i := range certs {
			m.cert(&certs[i])
		}
	}
}

func (m *miner) cert(c *cert) {
	m.res.Certs++
	matches := m.cat.MatchCertificate(c.names)
	if len(matches) > 0 {
		m.res.Matched++
	}
	for _, match := range matches {
		p := m.byName[match.Provider]
		m.addProvider(p, c, &match)
		m.addCert(p, c, &match)
		if c.ip != "" {
			m.addHost(p, c, &match)
		}
	}
}

func (m *miner) addProvider(p *backends.Provider, c *cert, match *backends.CertMatch) {
	pa := m.provs[p]
	if pa == nil {
		pa = &provAgg{row: ProviderRow{Provider: p.Name, Kind: p.Kind, StudyLabel: p.StudyLabel},
			ips: map[string]bool{}, ports: map[int64]bool{}, names: map[string]bool{}, certs: map[string]bool{}}
		m.provs[p] = pa
	}
	r := &pa.row
	r.Records++
	if c.ip != "" {
		pa.ips[c.ip] = true
		pa.ports[c.port] = true
	}
	for _, n := range match.Names {
		pa.names[n] = true
	}
	pa.certs[certID(c)] = true
	for _, reg := range match.Regions {
		r.Regions = addUnique(r.Regions, backends.Clean(reg))
	}
	spanMin(&r.NotBefore, c.notBefore)
	spanMax(&r.NotAfter, c.notAfter)
	spanMin(&r.FirstSnapshot, c.snapshotDate)
	spanMax(&r.LastSnapshot, c.snapshotDate)
}

func (m *miner) addCert(p *backends.Provider, c *cert, match *backends.CertMatch) {
	k := certKey{p, certID(c)}
	ca := m.certs[k]
	if ca == nil {
		ca = &certAgg{order: m.order[p], hosts: map[string]bool{}, row: CertRow{Provider: p.Name, Kind: p.Kind,
			Fingerprint: backends.Clean(c.fingerprint), SubjectDN: backends.Clean(c.subjectDN),
			IssuerDN: backends.Clean(c.issuerDN), NotBefore: c.notBefore, NotAfter: c.notAfter}}
		m.certs[k] = ca
	}
	for _, n := range match.Names {
		ca.row.Names = addUnique(ca.row.Names, backends.Clean(n))
	}
	for _, reg := range match.Regions {
		ca.row.Regions = addUnique(ca.row.Regions, backends.Clean(reg))
	}
	if c.ip != "" {
		ca.hosts[c.ip+" "+strconv.FormatInt(c.port, 10)] = true
	}
	spanMin(&ca.row.FirstSnapshot, c.snapshotDate)
	spanMax(&ca.row.LastSnapshot, c.snapshotDate)
}

func (m *miner) addHost(p *backends.Provider, c *cert, match *backends.CertMatch) {
	k := hostKey{p, c.ip, c.port}
	ha := m.hosts[k]
	if ha == nil {
		addr, _ := netip.ParseAddr(c.ip)
		ha = &hostAgg{order: m.order[p], addr: addr, fps: map[string]bool{}, row: HostRow{Provider: p.Name, Kind: p.Kind,
			IP: backends.Clean(c.ip), ASN: c.asn, Port: c.port, ServiceName: backends.Clean(c.serviceName),
			SubjectDN: backends.Clean(c.subjectDN), IssuerDN: backends.Clean(c.issuerDN)}}
		m.hosts[k] = ha
	}
	r := &ha.row
	for _, n := range match.Names {
		r.CertNames = addUnique(r.CertNames, backends.Clean(n))
	}
	for _, reg := range match.Regions {
		r.Regions = addUnique(r.Regions, backends.Clean(reg))
	}
	ha.fps[certID(c)] = true
	spanMin(&r.NotBefore, c.notBefore)
	spanMax(&r.NotAfter, c.notAfter)
	spanMin(&r.FirstSnapshot, c.snapshotDate)
	spanMax(&r.LastSnapshot, c.snapshotDate)
}

// certID identifies a certificate: its fingerprint, else its subject and
// names (exports without fingerprints).
func certID(c *cert) string {
	if c.fingerprint != "" {
		return c.fingerprint
	}
	return c.subjectDN + "|" + backends.JoinList(c.names)
}

func (m *miner) warn(msg string) {
	m.res.WarningCount++
	if len(m.res.Warnings) < keptWarnings {
		m.res.Warnings = append(m.res.Warnings, msg)
	}
	if m.opts.Warn != nil {
		m.opts.Warn(msg)
	}
}

// finish sorts the aggregates into the result tables.
func (m *miner) finish() {
	hosts := make([]*hostAgg, 0, len(m.hosts))
	for _, ha := range m.hosts {
		hosts = append(hosts, ha)
	}
	slices.SortFunc(hosts, func(a, b *hostAgg) int {
		return cmp.Or(cmp.Compare(a.order, b.order), a.addr.Compare(b.addr), cmp.Compare(a.row.IP, b.row.IP),
			cmp.Compare(a.row.Port, b.row.Port))
	})
	for _, ha := range hosts {
		slices.Sort(ha.row.CertNames)
		slices.Sort(ha.row.Regions)
		ha.row.Certificates = int64(len(ha.fps))
		m.res.Hosts = append(m.res.Hosts, ha.row)
	}
	certs := make([]*certAgg, 0, len(m.certs))
	for _, ca := range m.certs {
		slices.Sort(ca.row.Names)
		slices.Sort(ca.row.Regions)
		ca.row.Hosts = int64(len(ca.hosts))
		certs = append(certs, ca)
	}
	slices.SortFunc(certs, func(a, b *certAgg) int {
		return cmp.Or(cmp.Compare(a.order, b.order), slices.Compare(a.row.Names, b.row.Names),
			cmp.Compare(a.row.Fingerprint, b.row.Fingerprint), cmp.Compare(a.row.SubjectDN, b.row.SubjectDN),
			cmp.Compare(a.row.NotBefore, b.row.NotBefore))
	})
	for _, ca := range certs {
		m.res.Certificates = append(m.res.Certificates, ca.row)
	}
	provs := make([]*backends.Provider, 0, len(m.provs))
	for p := range m.provs {
		provs = append(provs, p)
	}
	slices.SortFunc(provs, func(a, b *backends.Provider) int { return cmp.Compare(m.order[a], m.order[b]) })
	for _, p := range provs {
		pa := m.provs[p]
		r := &pa.row
		r.IPs = int64(len(pa.ips))
		r.Certificates = int64(len(pa.certs))
		r.CertNames = int64(len(pa.names))
		ports := make([]int64, 0, len(pa.ports))
		for port := range pa.ports {
			ports = append(ports, port)
		}
		slices.Sort(ports)
		for _, port := range ports {
			r.Ports = append(r.Ports, strconv.FormatInt(port, 10))
		}
		slices.Sort(r.Regions)
		m.res.Providers = append(m.res.Providers, *r)
	}
}

func addUnique(list []string, v string) []string {
	if v == "" || slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// spanMin and spanMax keep the earliest and latest of ISO 8601 dates
// (which sort as strings); empty means unknown.
func spanMin(dst *string, v string) {
	if v != "" && (*dst == "" || v < *dst) {
		*dst = v
	}
}

func spanMax(dst *string, v string) {
	if v > *dst {
		*dst = v
	}
}
