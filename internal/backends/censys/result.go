package censys

import (
	"strconv"

	"github.com/iotlens/iotlens/internal/backends"
)

// ProviderRow sums up one provider's certificates and hosts.
type ProviderRow struct {
	Provider      string   `parquet:"provider"`
	Kind          string   `parquet:"kind"`
	StudyLabel    string   `parquet:"study_label"`
	IPs           int64    `parquet:"ips"`
	Ports         []string `parquet:"ports,list"`
	Certificates  int64    `parquet:"certificates"`
	CertNames     int64    `parquet:"cert_names"`
	Regions       []string `parquet:"regions,list"`
	NotBefore     string   `parquet:"not_before"` // earliest validity start
	NotAfter      string   `parquet:"not_after"`  // latest validity end
	FirstSnapshot string   `parquet:"first_snapshot"`
	LastSnapshot  string   `parquet:"last_snapshot"`
	Records       int64    `parquet:"records"` // certificates seen (one per TLS service or certificate record)
}

// ProviderHeader is the CSV header of ProviderRow.Record.
var ProviderHeader = []string{"provider", "kind", "study_label", "ips", "ports", "certificates", "cert_names", "regions",
	"not_before", "not_after", "first_snapshot", "last_snapshot", "records"}

// Record renders the row for CSV.
func (p *ProviderRow) Record() []string {
	return []string{p.Provider, p.Kind, p.StudyLabel, itoa(p.IPs), backends.JoinList(p.Ports), itoa(p.Certificates),
		itoa(p.CertNames), backends.JoinList(p.Regions), p.NotBefore, p.NotAfter, p.FirstSnapshot, p.LastSnapshot, itoa(p.Records)}
}

// HostRow is one provider service: an IP and port presenting a
// certificate of the provider.
type HostRow struct {
	Provider      string   `parquet:"provider"`
	Kind          string   `parquet:"kind"`
	IP            string   `parquet:"ip"`
	ASN           int64    `parquet:"asn"`
	Port          int64    `parquet:"port"`
	ServiceName   string   `parquet:"service_name"`
	Regions       []string `parquet:"regions,list"`
	CertNames     []string `parquet:"cert_names,list"` // the names that matched the provider
	Certificates  int64    `parquet:"certificates"`
	SubjectDN     string   `parquet:"subject_dn"`
	IssuerDN      string   `parquet:"issuer_dn"`
	NotBefore     string   `parquet:"not_before"`
	NotAfter      string   `parquet:"not_after"`
	FirstSnapshot string   `parquet:"first_snapshot"`
	LastSnapshot  string   `parquet:"last_snapshot"`
}

// HostHeader is the CSV header of HostRow.Record.
var HostHeader = []string{"provider", "kind", "ip", "asn", "port", "service_name", "regions", "cert_names", "certificates",
	"subject_dn", "issuer_dn", "not_before", "not_after", "first_snapshot", "last_snapshot"}

// Record renders the row for CSV.
func (h *HostRow) Record() []string {
	return []string{h.Provider, h.Kind, h.IP, itoa(h.ASN), itoa(h.Port), h.ServiceName, backends.JoinList(h.Regions),
		backends.JoinList(h.CertNames), itoa(h.Certificates), h.SubjectDN, h.IssuerDN, h.NotBefore, h.NotAfter,
		h.FirstSnapshot, h.LastSnapshot}
}

// CertRow is one certificate of a provider.
type CertRow struct {
	Provider      string   `parquet:"provider"`
	Kind          string   `parquet:"kind"`
	Fingerprint   string   `parquet:"fingerprint_sha256"`
	Names         []string `parquet:"names,list"` // the names that matched the provider
	Regions       []string `parquet:"regions,list"`
	SubjectDN     string   `parquet:"subject_dn"`
	IssuerDN      string   `parquet:"issuer_dn"`
	NotBefore     string   `parquet:"not_before"`
	NotAfter      string   `parquet:"not_after"`
	Hosts         int64    `parquet:"hosts"` // distinct IP and port pairs presenting it
	FirstSnapshot string   `parquet:"first_snapshot"`
	LastSnapshot  string   `parquet:"last_snapshot"`
}

// CertHeader is the CSV header of CertRow.Record.
var CertHeader = []string{"provider", "kind", "fingerprint_sha256", "names", "regions", "subject_dn", "issuer_dn",
	"not_before", "not_after", "hosts", "first_snapshot", "last_snapshot"}

// Record renders the row for CSV.
func (c *CertRow) Record() []string {
	return []string{c.Provider, c.Kind, c.Fingerprint, backends.JoinList(c.Names), backends.JoinList(c.Regions),
		c.SubjectDN, c.IssuerDN, c.NotBefore, c.NotAfter, itoa(c.Hosts), c.FirstSnapshot, c.LastSnapshot}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// Output file names (without extension) written by WriteFiles.
const (
	ProvidersFile    = "censys_providers"
	HostsFile        = "censys_hosts"
	CertificatesFile = "censys_certificates"
)

// WriteFiles writes the providers, hosts and certificates tables into dir
// as CSV and Parquet, and returns the paths written.
func WriteFiles(dir string, res *Result) ([]string, error) {
	var paths []string
	for _, step := range []func() ([]string, error){
		func() ([]string, error) {
			return backends.WriteTable(dir, ProvidersFile, ProviderHeader, res.Providers, (*ProviderRow).Record)
		},
		func() ([]string, error) {
			return backends.WriteTable(dir, HostsFile, HostHeader, res.Hosts, (*HostRow).Record)
		},
		func() ([]string, error) {
			return backends.WriteTable(dir, CertificatesFile, CertHeader, res.Certificates, (*CertRow).Record)
		},
	} {
		written, err := step()
		if err != nil {
			return paths, err
		}
		paths = append(paths, written...)
	}
	return paths, nil
}
