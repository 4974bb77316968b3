package passive

import (
	"bufio"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/iotlens/iotlens/internal/output"
)

// Naming builds the seed's file names. The seed names every output after
// the per-device pcap it was computed from:
// <capture>-trimmed[-filtered[-with-DNS]]-split-<Device>.
type Naming struct {
	Capture string // the capture's name (file name without extension)
	Preset  Preset
	devices output.UniqueNames // device name -> unique safe file-name part
}

// Stem returns the per-device file-name stem.
func (n *Naming) Stem(device string) string {
	return n.Capture + "-trimmed" + PresetSuffix(n.Preset) + "-split-" + n.safeDevice(device)
}

// PresetSuffix is the part of the seed's file names that names its filter.
func PresetSuffix(p Preset) string {
	switch p {
	case PresetFiltered:
		return "-filtered"
	case PresetFilteredWithDNS:
		return "-filtered-with-DNS"
	}
	return ""
}

func (n *Naming) safeDevice(device string) string { return n.devices.Get(device) }

// SafeName is output.SafeName (kept for this package's callers).
func SafeName(name string) string { return output.SafeName(name) }

// VolumeHeader is the seed's header of the three stats files.
var VolumeHeader = []string{"Device", "StartTime", "Frames", "Bytes", "TxFrames", "TxBytes", "RxFrames", "RxBytes"}

// volumeFileSuffix are the seed's file-name endings per scope.
var volumeFileSuffix = [numScopes]string{"-stats.csv", "-LAN-stats.csv", "-WAN-stats.csv"}

// TidyVolumeHeader is the header of iotlens' own volume.csv.
var TidyVolumeHeader = []string{"device", "mac", "scope", "interval_start", "interval_start_epoch", "start_time",
	"interval_seconds", "frames", "bytes", "tx_frames", "tx_bytes", "rx_frames", "rx_bytes"}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func volumeRecord(label string, offset int64, v *Volume) []string {
	return []string{label, itoa(offset), itoa(v.Frames), itoa(v.Bytes), itoa(v.TxFrames), itoa(v.TxBytes), itoa(v.RxFrames), itoa(v.RxBytes)}
}

// WriteVolume writes the seed's three stats files per device into dir and
// the tidy volume.csv over all devices.
func WriteVolume(dir string, n *Naming, devs []DeviceVolume) error {
	for i := range devs {
		d := &devs[i]
		stem := n.Stem(d.Name)
		for s := 0; s < numScopes; s++ {
			rows := d.Rows[s]
			err := writeCSV(filepath.Join(dir, stem+volumeFileSuffix[s]), VolumeHeader, func(emit func([]string) error) error {
				for j := range rows {
					if err := emit(volumeRecord(d.Label, d.Offset(j), &rows[j])); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	return writeCSV(filepath.Join(dir, "volume.csv"), TidyVolumeHeader, func(emit func([]string) error) error {
		for i := range devs {
			if err := emitTidyVolume(&devs[i], emit); err != nil {
				return err
			}
		}
		return nil
	})
}

func emitTidyVolume(d *DeviceVolume, emit func([]string) error) error {
	macs := macList(d)
	for s := 0; s < numScopes; s++ {
		for j := range d.Rows[s] {
			v := &d.Rows[s][j]
			start := d.Start(j)
			rec := []string{d.Name, macs, strings.ToLower(ScopeNames[s]), time.Unix(start, 0).UTC().Format(time.RFC3339),
				itoa(start), itoa(d.Offset(j)), itoa(d.Interval),
				itoa(v.Frames), itoa(v.Bytes), itoa(v.TxFrames), itoa(v.TxBytes), itoa(v.RxFrames), itoa(v.RxBytes)}
			if err := emit(rec); err != nil {
				return err
			}
		}
	}
	return nil
}

func macList(d *DeviceVolume) string {
	parts := make([]string, len(d.MACs))
	for i, m := range d.MACs {
		parts[i] = m.String()
	}
	return strings.Join(parts, " ")
}

// writeCSV writes one LF CSV file atomically; cells are neutralised.
func writeCSV(path string, header []string, rows func(emit func([]string) error) error) error {
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

// Overall headers, exactly as calculate_overall_stats.py writes them.
var (
	OverallStatsHeader        = overallStatsHeader()
	OverallDistributionHeader = overallDistributionHeader()
)

var scopePrefix = [numScopes]string{"", "Lan", "Wan"}

var metricNames = [numMetrics]string{"Packet", "Byte", "TxPacket", "TxByte", "RxPacket", "RxByte"}

func overallStatsHeader() []string {
	h := []string{"Device"}
	for s := 0; s < numScopes; s++ {
		for _, m := range metricNames {
			h = append(h, scopePrefix[s]+m+"Avg", scopePrefix[s]+m+"CoV")
		}
	}
	return h
}

func overallDistributionHeader() []string {
	h := []string{"Device", "PacketTotal", "ByteTotal"}
	for _, m := range metricNames[2:] {
		h = append(h, m+"Total", m+"Pct")
	}
	for _, s := range []int{ScopeLAN, ScopeWAN} {
		for _, m := range metricNames {
			h = append(h, scopePrefix[s]+m+"Total", scopePrefix[s]+m+"Pct")
		}
	}
	return h
}

// WriteOverall writes overall-stats.csv and overall-distribution.csv.
func WriteOverall(dir string, stats []OverallStats) error {
	err := writeCSV(filepath.Join(dir, "overall-stats.csv"), OverallStatsHeader, func(emit func([]string) error) error {
		for i := range stats {
			if err := emit(statsRecord(&stats[i])); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return writeCSV(filepath.Join(dir, "overall-distribution.csv"), OverallDistributionHeader, func(emit func([]string) error) error {
		for i := range stats {
			if err := emit(distributionRecord(&stats[i])); err != nil {
				return err
			}
		}
		return nil
	})
}

func statsRecord(st *OverallStats) []string {
	rec := []string{st.Key}
	for s := 0; s < numScopes; s++ {
		for m := 0; m < numMetrics; m++ {
			if st.Rows[s] == 0 {
				rec = append(rec, "nan", "nan") // pandas on an empty column
				continue
			}
			x := st.Stats[s][m]
			cov := output.PyFloat(x.CoV)
			if x.CoVZero {
				cov = "0"
			}
			rec = append(rec, output.PyFloat(x.Avg), cov)
		}
	}
	return rec
}

// distributionRecord: every share is divided by the overall total of the
// same unit (PacketTotal or ByteTotal), as the seed does.
func distributionRecord(st *OverallStats) []string {
	all := st.Totals[ScopeAll]
	packets, bytes := all[0], all[1]
	share := func(v int64, byteMetric bool) string {
		d := packets
		if byteMetric {
			d = bytes
		}
		return pct(v, d)
	}
	rec := []string{st.Key, itoa(packets), itoa(bytes)}
	for m := 2; m < numMetrics; m++ {
		rec = append(rec, itoa(all[m]), share(all[m], m%2 == 1))
	}
	for _, s := range []int{ScopeLAN, ScopeWAN} {
		for m := 0; m < numMetrics; m++ {
			v := st.Totals[s][m]
			rec = append(rec, itoa(v), share(v, m%2 == 1))
		}
	}
	return rec
}

// pct is part/total as Python prints the float, or the integer 0 when the
// total is 0.
func pct(part, total int64) string {
	if total == 0 {
		return "0"
	}
	return output.PyFloat(float64(part) / float64(total))
}

// ProtocolsHeader is the header of the seed's <pcap>-protocols CSVs.
var ProtocolsHeader = []string{"MAC", "WAN/LAN", "Protocol", "IP", "TotalPackets", "TotalBytes", "TxPackets", "TxBytes", "RxPackets", "RxBytes"}

var protocolFileSuffix = [numScopes]string{"-protocols.csv", "-protocols-LAN.csv", "-protocols-WAN.csv"}

var familyInfix = [numFamilies]string{"", "-ipv6"}

// TidyProtocolsHeader is the header of iotlens' own protocols.csv.
var TidyProtocolsHeader = []string{"device", "mac", "family", "scope", "layer", "protocol", "category", "endpoint",
	"total_packets", "total_bytes", "tx_packets", "tx_bytes", "rx_packets", "rx_bytes"}

var layerNames = [...]string{"network", "transport", "application"}

var familyNames = [numFamilies]string{"ipv4", "ipv6"}

// WriteProtocols writes the per-device protocol files (IPv6 files only for
// devices with IPv6 traffic), the seed's three aggregate files named after
// n.Capture, and the tidy protocols.csv.
func WriteProtocols(dir string, n *Naming, devs []DeviceProtocols) error {
	for i := range devs {
		if err := writeDeviceProtocols(dir, n, &devs[i]); err != nil {
			return err
		}
	}
	var sums []ProtocolSummary
	for i := range devs {
		if devs[i].Seen {
			sums = append(sums, Summarize(&devs[i]))
		}
	}
	prefix := filepath.Join(dir, n.Capture)
	if err := writeDistributions(prefix+"-proto-distributions.csv", sums); err != nil {
		return err
	}
	if err := writeUniquePerMAC(prefix+"-unique-protos-per-mac.csv", sums); err != nil {
		return err
	}
	if err := writeUniqueApp(prefix+"-unique-app-protos-overall.csv", devs); err != nil {
		return err
	}
	return writeCSV(filepath.Join(dir, "protocols.csv"), TidyProtocolsHeader, func(emit func([]string) error) error {
		for i := range devs {
			if err := emitTidyProtocols(&devs[i], emit); err != nil {
				return err
			}
		}
		return nil
	})
}

func writeDeviceProtocols(dir string, n *Naming, d *DeviceProtocols) error {
	stem := n.Stem(d.Name)
	mac := strings.ToUpper(d.MAC.String())
	for f := 0; f < numFamilies; f++ {
		if f == FamilyIPv6 && !d.HasIPv6() {
			continue
		}
		for s := 0; s < numScopes; s++ {
			rows := d.Rows[f][s]
			path := filepath.Join(dir, stem+familyInfix[f]+protocolFileSuffix[s])
			err := writeCSV(path, ProtocolsHeader, func(emit func([]string) error) error {
				for j := range rows {
					r := &rows[j]
					rec := []string{mac, ScopeNames[s], r.Protocol, r.Endpoint, itoa(r.Packets), itoa(r.Bytes),
						itoa(r.TxPackets), itoa(r.TxBytes), itoa(r.RxPackets), itoa(r.RxBytes)}
					if err := emit(rec); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func emitTidyProtocols(d *DeviceProtocols, emit func([]string) error) error {
	mac := d.MAC.String()
	for f := 0; f < numFamilies; f++ {
		for s := 0; s < numScopes; s++ {
			for _, r := range d.Rows[f][s] {
				cat := ""
				if r.Layer == LayerApplication {
					cat = r.Category.Key()
				}
				rec := []string{d.Name, mac, familyNames[f], strings.ToLower(ScopeNames[s]), layerNames[r.Layer], r.Protocol, cat,
					r.Endpoint, itoa(r.Packets), itoa(r.Bytes), itoa(r.TxPackets), itoa(r.TxBytes), itoa(r.RxPackets), itoa(r.RxBytes)}
				if err := emit(rec); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// DistributionsHeader is the header of <dir>-proto-distributions.csv.
var DistributionsHeader = []string{"MAC", "Type", "TotalCount", "DiscoveryCount", "DiscoveryPct", "ManagementCount", "ManagementPct",
	"EncryptedCount", "EncryptedPct", "NonEncryptedCount", "NonEncryptedPct", "UnknownCount", "UnknownPct"}

// writeDistributions: per MAC the rows ALL, LAN, WAN, counts of
// application-layer packets per category and their shares.
func writeDistributions(path string, sums []ProtocolSummary) error {
	return writeCSV(path, DistributionsHeader, func(emit func([]string) error) error {
		for _, s := range sums {
			for _, scope := range []int{ScopeAll, ScopeLAN, ScopeWAN} {
				c := s.Counts[scope]
				var total int64
				for _, v := range c {
					total += v
				}
				rec := []string{s.MAC, ScopeNames[scope], itoa(total)}
				for cat := Category(0); cat < numCategories; cat++ {
					rec = append(rec, itoa(c[cat]), pct(c[cat], total))
				}
				if err := emit(rec); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// writeUniquePerMAC writes <dir>-unique-protos-per-mac.csv: per MAC the
// rows ALL, WAN, LAN, every list double-quoted as the seed writes them
// (the lists hold protocol names only: no cell needs escaping).
func writeUniquePerMAC(path string, sums []ProtocolSummary) error {
	return output.WriteFile(path, func(w *bufio.Writer) error {
		if _, err := w.WriteString("MAC,Type,Network,Transport,Session,Application\n"); err != nil {
			return err
		}
		q := func(list []string) string { return `"` + strings.Join(list, ",") + `"` }
		for _, s := range sums {
			for _, scope := range []int{ScopeAll, ScopeWAN, ScopeLAN} {
				_, err := fmt.Fprintf(w, "%s,%s,%s,%s,%s,%s\n", s.MAC, ScopeNames[scope], q(s.Network[scope]),
					q(s.Transport[scope]), q(s.Session[scope]), q(s.Application[scope]))
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// writeUniqueApp writes <dir>-unique-app-protos-overall.csv: every
// application protocol, sorted, with the Purpose and Type the seed's
// authors filled in by hand: "Well known" for named protocols, and the
// category label.
func writeUniqueApp(path string, devs []DeviceProtocols) error {
	cats := map[string]Category{}
	for i := range devs {
		for f := 0; f < numFamilies; f++ {
			for _, r := range devs[i].Rows[f][ScopeAll] {
				if r.Layer == LayerApplication {
					cats[r.Protocol] = r.Category
				}
			}
		}
	}
	names := make([]string, 0, len(cats))
	for p := range cats {
		names = append(names, p)
	}
	sort.Strings(names)
	return writeCSV(path, []string{"Proto", "Purpose", "Type"}, func(emit func([]string) error) error {
		for _, p := range names {
			purpose := "Well known"
			if strings.HasPrefix(p, "tcp:") || strings.HasPrefix(p, "udp:") {
				purpose = ""
			}
			if err := emit([]string{p, purpose, cats[p].Label()}); err != nil {
				return err
			}
		}
		return nil
	})
}
