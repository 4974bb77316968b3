package endpoints

import (
	"bufio"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/iotlens/iotlens/internal/names"
	"github.com/iotlens/iotlens/internal/output"
)

// SeedHeader is the header of <base>-endpoints.csv: parse_endpoints.py's
// header (with its ", " separators) and the Type column the study's
// authors added by hand second.
const SeedHeader = "IP,Type, Cert Owner, Cert Location, WHOIS Owner, WHOIS Location, ASN Owner, ASN Location, " +
	"Original Hostname, Modified Hostname, IP Geolocation, Cert Geolocations, Packets, Bytes, TxPackets, TxBytes, RxPackets, RxBytes"

// File names of the tables over all devices.
const (
	TypeDistributionFile     = "endpoint_type_distribution.csv"
	ProtocolDistributionFile = "endpoint_protocol_distribution.csv"
	LocalDistributionFile    = "local_endpoint_distribution.csv"
	TidyCSVFile              = "endpoints.csv"
	TidyParquetFile          = "endpoints.parquet"
	seedFileSuffix           = "-endpoints.csv"
)

// Write writes every output into dir: one <stem(device)>-endpoints.csv per
// device, the three distribution tables and the tidy endpoints.csv and
// endpoints.parquet. stem names a device's file (Naming.Stem).
func Write(dir string, stem func(device string) string, devs []DeviceEndpoints, enr Enricher) error {
	for i := range devs {
		path := filepath.Join(dir, stem(devs[i].Device.Name)+seedFileSuffix)
		if err := output.WriteFile(path, func(w *bufio.Writer) error { return writeSeedRows(w, devs[i].Rows) }); err != nil {
			return err
		}
	}
	if err := writeTable(filepath.Join(dir, TypeDistributionFile), TypeDistributionHeader, func(emit func([]string) error) error {
		for _, s := range TypeDistribution(devs) {
			if err := emit(s.Record(false)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := writeTable(filepath.Join(dir, ProtocolDistributionFile), ProtocolDistributionHeader, func(emit func([]string) error) error {
		for _, s := range ProtocolDistribution(devs, enr) {
			if err := emit(s.Record(true)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := writeTable(filepath.Join(dir, LocalDistributionFile), LocalDistributionHeader, func(emit func([]string) error) error {
		for _, s := range LocalDistribution(devs) {
			for _, rec := range s.Records() {
				if err := emit(rec); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		return err
	}
	rows := Tidy(devs)
	if err := writeTable(filepath.Join(dir, TidyCSVFile), TidyHeader, func(emit func([]string) error) error {
		for i := range rows {
			if err := emit(rows[i].Record()); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	return output.Parquet(filepath.Join(dir, TidyParquetFile), rows)
}

// writeTable writes one LF CSV file atomically; cells are neutralised.
func writeTable(path string, header []string, rows func(emit func([]string) error) error) error {
	return output.WriteFile(path, func(w *bufio.Writer) error {
		cw := output.NewCSV(w, false)
		if err := cw.Write(header); err != nil {
			return err
		}
		if err := rows(cw.Write); err != nil {
			return err
		}
		return cw.Flush()
	})
}

// writeSeedRows writes a per-device endpoints file as parse_endpoints.py
// does: the six owner/location fields always double-quoted, the rest bare
// (quoted only when a name from the traffic needs it to stay valid CSV).
func writeSeedRows(w *bufio.Writer, rows []Row) error {
	w.WriteString(SeedHeader)
	w.WriteByte('\n')
	for i := range rows {
		for j, f := range seedFields(&rows[i]) {
			if j > 0 {
				w.WriteByte(',')
			}
			if j >= 2 && j < 8 {
				w.WriteString(quoted(f))
			} else {
				w.WriteString(bare(f))
			}
		}
		if _, err := w.WriteString("\n"); err != nil {
			return err
		}
	}
	return nil
}

// seedFields are a row's 18 cells. Unknown values are Python's None, LAN
// rows say Local and N/A, as the seed writes them.
func seedFields(r *Row) []string {
	counts := []string{i64(r.Packets()), i64(r.Bytes()), i64(r.TxPackets), i64(r.TxBytes), i64(r.RxPackets), i64(r.RxBytes)}
	if r.LAN {
		const l = "Local"
		return append([]string{r.IP.String(), r.Type, l, l, l, l, l, l, "N/A", "N/A", l, l}, counts...)
	}
	certOwner, certCountry := "", ""
	if r.Cert != nil {
		certOwner, certCountry = r.Cert.SubjectOrg, r.Cert.SubjectCountry
	}
	asnOwner := r.ASOrg
	if asnOwner != "" && r.Country != "" {
		asnOwner += ", " + r.Country // Team Cymru's owner string: "AMAZON-02, US"
	}
	return append([]string{r.IP.String(), r.Type, none(certOwner), none(certCountry), "None", "None", none(asnOwner),
		none(r.Country), none(r.Hostname), none(r.Hostname), none(r.Country), none(certCountry)}, counts...)
}

func none(s string) string {
	if s == "" {
		return "None"
	}
	return s
}

func i64(v int64) string { return strconv.FormatInt(v, 10) }

// quoted always wraps a cell in double quotes (doubling inner ones).
func quoted(s string) string {
	return `"` + strings.ReplaceAll(output.SafeCell(s), `"`, `""`) + `"`
}

// bare writes a cell unquoted unless CSV needs quotes to keep it one cell.
func bare(s string) string {
	s = output.SafeCell(s)
	if strings.ContainsAny(s, "\",\r\n") || strings.HasPrefix(s, " ") || strings.HasPrefix(s, "\t") {
		return quoted(s)
	}
	return s
}

// TidyRow is one line of endpoints.csv / endpoints.parquet.
type TidyRow struct {
	Device             string `parquet:"device" json:"device"`
	IP                 string `parquet:"ip" json:"ip"`
	Scope              string `parquet:"scope" json:"scope"`
	Type               string `parquet:"type" json:"type"`
	Rule               string `parquet:"rule" json:"rule"`
	Organization       string `parquet:"organization" json:"organization"`
	Hostname           string `parquet:"hostname" json:"hostname"`
	HostnameSource     string `parquet:"hostname_source" json:"hostname_source"`
	Names              string `parquet:"names" json:"names"`
	LocalName          string `parquet:"local_name" json:"local_name"`
	ASN                string `parquet:"asn" json:"asn"`
	ASOrg              string `parquet:"as_org" json:"as_org"`
	Country            string `parquet:"country" json:"country"`
	CertSubjectCN      string `parquet:"cert_subject_cn" json:"cert_subject_cn"`
	CertSubjectOrg     string `parquet:"cert_subject_org" json:"cert_subject_org"`
	CertSubjectCountry string `parquet:"cert_subject_country" json:"cert_subject_country"`
	CertIssuerCN       string `parquet:"cert_issuer_cn" json:"cert_issuer_cn"`
	CertIssuerOrg      string `parquet:"cert_issuer_org" json:"cert_issuer_org"`
	CertSAN            string `parquet:"cert_san" json:"cert_san"`
	CertNotBefore      string `parquet:"cert_not_before" json:"cert_not_before"`
	CertNotAfter       string `parquet:"cert_not_after" json:"cert_not_after"`
	Protocols          string `parquet:"protocols" json:"protocols"`
	FirstSeen          string `parquet:"first_seen" json:"first_seen"`
	LastSeen           string `parquet:"last_seen" json:"last_seen"`
	Packets            int64  `parquet:"packets" json:"packets"`
	Bytes              int64  `parquet:"bytes" json:"bytes"`
	TxPackets          int64  `parquet:"tx_packets" json:"tx_packets"`
	TxBytes            int64  `parquet:"tx_bytes" json:"tx_bytes"`
	RxPackets          int64  `parquet:"rx_packets" json:"rx_packets"`
	RxBytes            int64  `parquet:"rx_bytes" json:"rx_bytes"`
}

// TidyHeader is the header of endpoints.csv, in TidyRow field order.
var TidyHeader = []string{"device", "ip", "scope", "type", "rule", "organization", "hostname", "hostname_source",
	"names", "local_name", "asn", "as_org", "country", "cert_subject_cn", "cert_subject_org", "cert_subject_country",
	"cert_issuer_cn", "cert_issuer_org", "cert_san", "cert_not_before", "cert_not_after", "protocols",
	"first_seen", "last_seen", "packets", "bytes", "tx_packets", "tx_bytes", "rx_packets", "rx_bytes"}

// Record renders a tidy row as CSV fields.
func (t *TidyRow) Record() []string {
	return []string{t.Device, t.IP, t.Scope, t.Type, t.Rule, t.Organization, t.Hostname, t.HostnameSource,
		t.Names, t.LocalName, t.ASN, t.ASOrg, t.Country, t.CertSubjectCN, t.CertSubjectOrg, t.CertSubjectCountry,
		t.CertIssuerCN, t.CertIssuerOrg, t.CertSAN, t.CertNotBefore, t.CertNotAfter, t.Protocols,
		t.FirstSeen, t.LastSeen, i64(t.Packets), i64(t.Bytes), i64(t.TxPackets), i64(t.TxBytes), i64(t.RxPackets), i64(t.RxBytes)}
}

// Tidy flattens the report into one row per device and endpoint.
func Tidy(devs []DeviceEndpoints) []TidyRow {
	var out []TidyRow
	for _, d := range devs {
		for i := range d.Rows {
			out = append(out, tidyRow(d.Device.Name, &d.Rows[i]))
		}
	}
	return out
}

func tidyRow(device string, r *Row) TidyRow {
	t := TidyRow{Device: device, IP: r.IP.String(), Scope: "wan", Type: r.Type, Rule: r.Rule, Organization: r.Organization,
		Hostname: r.Hostname, HostnameSource: r.HostnameSource.String(), Names: nameSummary(r.Names), LocalName: r.LocalName,
		ASOrg: r.ASOrg, Country: r.Country, Protocols: protoSummary(r.Protos),
		FirstSeen: stamp(r.First), LastSeen: stamp(r.Last),
		Packets: r.Packets(), Bytes: r.Bytes(), TxPackets: r.TxPackets, TxBytes: r.TxBytes, RxPackets: r.RxPackets, RxBytes: r.RxBytes}
	if r.LAN {
		t.Scope = "lan"
	}
	if r.ASN != 0 {
		t.ASN = strconv.FormatUint(uint64(r.ASN), 10)
	}
	if c := r.Cert; c != nil {
		t.CertSubjectCN, t.CertSubjectOrg, t.CertSubjectCountry = c.SubjectCN, c.SubjectOrg, c.SubjectCountry
		t.CertIssuerCN, t.CertIssuerOrg = c.IssuerCN, c.IssuerOrg
		t.CertSAN = strings.Join(c.SANs, " ")
		t.CertNotBefore, t.CertNotAfter = unixDate(c.NotBefore), unixDate(c.NotAfter)
	}
	return t
}

// nameSummary lists names with how each was learned:
// "a.example.com (dns,sni); b.example.com (cert)".
func nameSummary(ns []NameSeen) string {
	parts := make([]string, 0, len(ns))
	for i := range ns {
		var srcs []string
		for s := names.SNI; s <= names.Local; s++ {
			if ns[i].Has(s) {
				srcs = append(srcs, s.String())
			}
		}
		parts = append(parts, ns[i].Name+" ("+strings.Join(srcs, ",")+")")
	}
	return strings.Join(parts, "; ")
}

// protoSummary lists protocols with their packets, most first:
// "tls=1200 dns=14".
func protoSummary(ps []ProtoTraffic) string {
	parts := make([]string, 0, len(ps))
	for i := range ps {
		parts = append(parts, ps[i].Proto.String()+"="+i64(ps[i].Packets()))
	}
	return strings.Join(parts, " ")
}

func stamp(ns int64) string { return time.Unix(0, ns).UTC().Format(time.RFC3339Nano) }

func unixDate(s int64) string {
	if s == 0 {
		return ""
	}
	return time.Unix(s, 0).UTC().Format(time.RFC3339)
}

// Naming gives the seed's per-device file names: parse_endpoints.py names
// its output after the per-device pcap, <capture>-trimmed-split-<Device>
// for the unfiltered split that iotlens endpoints counts.
type Naming struct {
	Capture string // the capture's name (CaptureName)
	Infix   string // between "-trimmed" and "-split-": "" or the seed's "-filtered-with-DNS"
	devices output.UniqueNames
}

// Stem returns a device's file-name stem; two devices whose names clean up
// to the same string get " (2)", " (3)"... appended.
func (n *Naming) Stem(device string) string {
	return n.Capture + "-trimmed" + n.Infix + "-split-" + n.devices.Get(device)
}

// SafeName is output.SafeName (kept for this package's callers).
func SafeName(name string) string { return output.SafeName(name) }

// CaptureName is the single input's base name without capture and
// compression extensions, or "capture" for several inputs or a folder
// that names nothing.
func CaptureName(inputs []string) string {
	if len(inputs) != 1 {
		return "capture"
	}
	base := filepath.Base(filepath.Clean(inputs[0]))
	for _, ext := range []string{".gz", ".zst", ".pcapng", ".pcap", ".cap"} {
		base = strings.TrimSuffix(base, ext)
	}
	if base == "" || base == "." || base == string(filepath.Separator) {
		return "capture"
	}
	return SafeName(base)
}
