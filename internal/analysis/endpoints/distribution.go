package endpoints

import (
	"strconv"

	"github.com/iotlens/iotlens/internal/output"
)

// Metrics are the six counters of calculate_endpoint_stats.py, in its
// column order: Packets, Bytes, TxPackets, TxBytes, RxPackets, RxBytes
// (device view).
type Metrics [6]int64

func metricsOf(t *Traffic) Metrics {
	return Metrics{t.Packets(), t.Bytes(), t.TxPackets, t.TxBytes, t.RxPackets, t.RxBytes}
}

func (m *Metrics) add(o Metrics) {
	for i := range m {
		m[i] += o[i]
	}
}

// Classes are the column groups of the distribution tables, in the seed's
// order.
var Classes = [4]string{TypeFirst, TypeSupport, TypeThird, TypeLocal}

func classIndex(typ string) int {
	c := classOf(typ)
	for i, name := range Classes {
		if c == name {
			return i
		}
	}
	return -1
}

// ClassShares is one row of endpoint_type_distribution.csv or
// endpoint_protocol_distribution.csv: the traffic over all endpoints and the
// part of it to each class.
type ClassShares struct {
	Device       string
	ProtocolType string // endpoint_protocol_distribution.csv only
	Overall      Metrics
	ByClass      [4]Metrics
}

// LocalShares is one device's local traffic split by target (a row of
// local_endpoint_distribution.csv per target).
type LocalShares struct {
	Device  string
	Overall Metrics
	Targets []LocalTarget // in order of the device's endpoint rows
}

// LocalTarget is the traffic to one local Type ("Local (<device>)", ...).
type LocalTarget struct {
	Type string
	Metrics
}

// TypeDistribution is endpoint_type_distribution.csv: per device, the
// traffic to First, Support, Third and Local endpoints. Unlike the seed,
// endpoints of an unknown Type stay in Overall (the seed dropped them from
// the denominator as well), so the four shares sum to less than 1 by the
// unclassified share.
func TypeDistribution(devs []DeviceEndpoints) []ClassShares {
	out := make([]ClassShares, 0, len(devs))
	for _, d := range devs {
		s := ClassShares{Device: d.Device.Name}
		for i := range d.Rows {
			m := metricsOf(&d.Rows[i].Traffic)
			s.Overall.add(m)
			if c := classIndex(d.Rows[i].Type); c >= 0 {
				s.ByClass[c].add(m)
			}
		}
		out = append(out, s)
	}
	return out
}

// LocalDistribution is local_endpoint_distribution.csv: per device with
// local traffic, the share of it to each local target.
func LocalDistribution(devs []DeviceEndpoints) []LocalShares {
	var out []LocalShares
	for _, d := range devs {
		s := LocalShares{Device: d.Device.Name}
		index := map[string]int{}
		for i := range d.Rows {
			r := &d.Rows[i]
			if classOf(r.Type) != TypeLocal {
				continue
			}
			m := metricsOf(&r.Traffic)
			s.Overall.add(m)
			j, ok := index[r.Type]
			if !ok {
				j = len(s.Targets)
				index[r.Type] = j
				s.Targets = append(s.Targets, LocalTarget{Type: r.Type})
			}
			s.Targets[j].Metrics.add(m)
		}
		if len(s.Targets) > 0 {
			out = append(out, s)
		}
	}
	return out
}

// ProtocolDistribution is endpoint_protocol_distribution.csv: per device and
// protocol type (Management, Discovery, Encrypted, Unencrypted), the traffic
// in that type and its part to each endpoint class. Each packet counts once,
// in its own protocol's type (the seed added an endpoint's whole traffic to
// every type of every protocol seen with it). Protocols of no known type
// are left out, as in the seed.
func ProtocolDistribution(devs []DeviceEndpoints, enr Enricher) []ClassShares {
	out := make([]ClassShares, 0, 4*len(devs))
	for _, d := range devs {
		rows := make([]ClassShares, len(ProtocolTypes))
		index := map[string]int{}
		for i, pt := range ProtocolTypes {
			rows[i] = ClassShares{Device: d.Device.Name, ProtocolType: pt}
			index[pt] = i
		}
		for i := range d.Rows {
			r := &d.Rows[i]
			c := classIndex(r.Type)
			for j := range r.Protos {
				k, ok := index[enr.categoryOf(r.Protos[j].Proto)]
				if !ok {
					continue
				}
				m := metricsOf(&r.Protos[j].Traffic)
				rows[k].Overall.add(m)
				if c >= 0 {
					rows[k].ByClass[c].add(m)
				}
			}
		}
		out = append(out, rows...)
	}
	return out
}

var metricPrefixes = [6]string{"Packets", "Bytes", "TxPackets", "TxBytes", "RxPackets", "RxBytes"}

func overallHeader() []string {
	h := make([]string, 0, 6)
	for _, m := range metricPrefixes {
		h = append(h, m+"Overall")
	}
	return h
}

func classPctHeader() []string {
	var h []string
	for _, c := range Classes {
		for _, m := range metricPrefixes {
			h = append(h, m+"Pct"+c)
		}
	}
	return h
}

// Headers of the three distribution files, exactly as the seed writes them.
var (
	TypeDistributionHeader     = append(append([]string{"Device"}, overallHeader()...), classPctHeader()...)
	ProtocolDistributionHeader = append(append([]string{"Device", "ProtocolType"}, overallHeader()...), classPctHeader()...)
	LocalDistributionHeader    = append(append([]string{"SourceDevice"}, overallHeader()...), "TargetDevice",
		"PacketsToTargetPct", "BytesToTargetPct", "TxPacketsToTargetPct", "TxBytesToTargetPct", "RxPacketsToTargetPct", "RxBytesToTargetPct")
)

// Record renders a row of endpoint_type_distribution.csv or (with its
// ProtocolType) endpoint_protocol_distribution.csv.
func (s *ClassShares) Record(withProtocolType bool) []string {
	rec := []string{s.Device}
	if withProtocolType {
		rec = append(rec, s.ProtocolType)
	}
	rec = appendInts(rec, s.Overall)
	for c := range s.ByClass {
		rec = appendPcts(rec, s.ByClass[c], s.Overall)
	}
	return rec
}

// Records renders the rows of local_endpoint_distribution.csv for a device.
func (s *LocalShares) Records() [][]string {
	out := make([][]string, 0, len(s.Targets))
	for _, t := range s.Targets {
		rec := appendInts([]string{s.Device}, s.Overall)
		rec = append(rec, t.Type)
		out = append(out, appendPcts(rec, t.Metrics, s.Overall))
	}
	return out
}

func appendInts(rec []string, m Metrics) []string {
	for _, v := range m {
		rec = append(rec, strconv.FormatInt(v, 10))
	}
	return rec
}

func appendPcts(rec []string, part, whole Metrics) []string {
	for i := range part {
		rec = append(rec, pct(part[i], whole[i]))
	}
	return rec
}

// pct is the seed's zero_protected_division printed by an f-string: the
// int 0 for a zero denominator, else Python's float repr.
func pct(num, den int64) string {
	if den == 0 {
		return "0"
	}
	return output.PyFloat(float64(num) / float64(den))
}
