package report

import (
	"fmt"
	"time"

	"github.com/iotlens/iotlens/internal/analysis/destinations"
	"github.com/iotlens/iotlens/internal/analysis/summary"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/inventory"
)

// maxRunWarnings bounds the warnings listed in the page: a damaged archive
// can warn thousands of times, and the closing line already counts them.
const maxRunWarnings = 200

// RunFromResult describes a finished pass.
func RunFromResult(res *engine.Result) RunInfo {
	r := RunInfo{Files: len(res.Files), Packets: res.Frames, Bytes: res.Bytes,
		Elapsed: res.Elapsed.Round(time.Millisecond).String()}
	for i, w := range res.Warnings {
		if i == maxRunWarnings {
			r.Warnings = append(r.Warnings, fmt.Sprintf("… and %d more warnings", len(res.Warnings)-maxRunWarnings))
			break
		}
		r.Warnings = append(r.Warnings, w.String())
	}
	return r
}

// FromSummary turns summary rows into overview rows, in the same order.
func FromSummary(rows []summary.Row) []Device {
	out := make([]Device, 0, len(rows))
	for _, r := range rows {
		out = append(out, Device{Name: r.Device, Vendor: r.Vendor, Role: r.Role, MACs: r.MACs, IPs: r.IPs,
			Packets: r.Packets, Bytes: r.Bytes, TxPackets: r.TxPackets, TxBytes: r.TxBytes,
			RxPackets: r.RxPackets, RxBytes: r.RxBytes, LANBytes: r.LANBytes, WANBytes: r.WANBytes,
			FirstSeen: r.FirstSeen, LastSeen: r.LastSeen, TopProtocols: r.TopProtocols, Warnings: r.Warnings})
	}
	return out
}

// FromDestinations flattens the device-months into destination rows. The
// destination analysis calls the party its Category.
func FromDestinations(months []destinations.Month) []DestinationRow {
	var out []DestinationRow
	for _, m := range months {
		for _, r := range m.Rows {
			out = append(out, fromDestinationRow(r))
		}
	}
	return out
}

func fromDestinationRow(r destinations.Row) DestinationRow {
	return DestinationRow{Device: r.Device, Month: r.Month, Domain: r.Domain, Party: r.Category,
		Organization: r.Organization, Country: r.Country, BytesUp: r.BytesUp, BytesDown: r.BytesDown,
		Flows: r.Flows, Packets: r.Packets, Rule: r.Rule, NameSource: r.NameSource}
}

// ProtocolsFromSummary lists each device's traffic per protocol from the
// summary aggregate, attributing counters as summary.Build does: by the
// device's MACs when it has any, else by its IP addresses. Categories are
// left empty: the protocol table that names them belongs to the protocol
// analysis.
func ProtocolsFromSummary(p *summary.Partial, inv *inventory.Inventory) []ProtocolMix {
	var out []ProtocolMix
	for _, d := range inv.Devices {
		var counters []*summary.Counters
		for _, m := range d.MACs {
			if c := p.MACs.M[m]; c != nil {
				counters = append(counters, c)
			}
		}
		if len(d.MACs) == 0 {
			for _, ip := range d.IPs {
				if c := p.IPs.M[ip]; c != nil {
					counters = append(counters, c)
				}
			}
		}
		out = append(out, deviceProtocols(d.Name, counters)...)
	}
	return out
}

// deviceProtocols sums the protocol counters of one device, keeping the
// protocols in first-seen order.
func deviceProtocols(device string, counters []*summary.Counters) []ProtocolMix {
	var out []ProtocolMix
	index := map[string]int{}
	for _, c := range counters {
		for _, pc := range c.Protos {
			name := pc.Proto.String()
			i, ok := index[name]
			if !ok {
				i = len(out)
				index[name] = i
				out = append(out, ProtocolMix{Device: device, Protocol: name})
			}
			out[i].Packets += pc.Packets
			out[i].Bytes += pc.Bytes
		}
	}
	return out
}
