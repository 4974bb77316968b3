package passive

import (
	"fmt"
	"time"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/inventory"
)

// Scopes of the seed's three outputs per device, in file order.
const (
	ScopeAll = iota
	ScopeLAN
	ScopeWAN
	numScopes
)

// ScopeNames are the seed's labels (the WAN/LAN column, file suffixes).
var ScopeNames = [numScopes]string{"ALL", "LAN", "WAN"}

// DeviceVolume is one device's interval rows, the seed's three files.
type DeviceVolume struct {
	Name     string // inventory name
	Label    string // Device column: name + suffix, e.g. "DLink (FR-1)"
	MACs     []decode.MAC
	Interval int64 // seconds
	// FirstIdx is the absolute index of row 0 (its start is FirstIdx *
	// Interval Unix seconds); rows run to the device's last interval, empty
	// intervals included as zeros.
	FirstIdx int64
	Rows     [numScopes][]Volume
}

// Start returns the Unix second at which row i starts.
func (d *DeviceVolume) Start(i int) int64 { return (d.FirstIdx + int64(i)) * d.Interval }

// Offset returns row i's StartTime: seconds from the start of the device's
// first interval (0, 3600, 7200, ... as the seed prints them).
func (d *DeviceVolume) Offset(i int) int64 { return int64(i) * d.Interval }

// Totals sums the rows of one scope.
func (d *DeviceVolume) Totals(scope int) Volume {
	var t Volume
	for i := range d.Rows[scope] {
		t.add(&d.Rows[scope][i])
	}
	return t
}

// deviceAgg merges the aggregates of a device's MACs (nil when none was
// seen).
func deviceAgg(p *Partial, d *inventory.Device) *DeviceAgg {
	var out *DeviceAgg
	for _, m := range d.MACs {
		a := p.Devices.M[m]
		if a == nil {
			continue
		}
		if out == nil {
			out = &DeviceAgg{}
		}
		for idx, b := range a.Buckets {
			ob := out.bucket(idx)
			ob.LAN.add(&b.LAN)
			ob.WAN.add(&b.WAN)
		}
		for k, t := range a.Endpoints.M {
			out.Endpoints.Get(k).add(t)
		}
	}
	return out
}

// BuildVolume returns one DeviceVolume per inventory device, in inventory
// order; suffix is appended to the names in the Device column (the seed's
// device_suffix). Devices never seen have no rows.
func BuildVolume(p *Partial, inv *inventory.Inventory, suffix string) ([]DeviceVolume, error) {
	interval := p.intervalNs / 1e9
	out := make([]DeviceVolume, 0, len(inv.Devices))
	for _, d := range inv.Devices {
		dv := DeviceVolume{Name: d.Name, Label: d.Name + suffix, MACs: d.MACs, Interval: interval}
		if agg := deviceAgg(p, d); agg != nil && len(agg.Buckets) > 0 {
			if err := fillRows(&dv, agg); err != nil {
				return nil, err
			}
		}
		out = append(out, dv)
	}
	return out, nil
}

// maxRows bounds the rows of one device: a capture with a bogus timestamp
// (1970, 2106) must not allocate billions of empty intervals.
const maxRows = 1 << 22

func fillRows(dv *DeviceVolume, agg *DeviceAgg) error {
	first, last := int64(0), int64(0)
	started := false
	for idx := range agg.Buckets {
		if !started || idx < first {
			first = idx
		}
		if !started || idx > last {
			last = idx
		}
		started = true
	}
	if last-first+1 > maxRows {
		return fmt.Errorf("device %q spans %d intervals of %d s (%s to %s): use a larger --interval or --start/--end",
			dv.Name, last-first+1, dv.Interval, time.Unix(first*dv.Interval, 0).UTC().Format(time.RFC3339),
			time.Unix((last+1)*dv.Interval, 0).UTC().Format(time.RFC3339))
	}
	n := int(last - first + 1)
	dv.FirstIdx = first
	for s := range dv.Rows {
		dv.Rows[s] = make([]Volume, n)
	}
	for idx, b := range agg.Buckets {
		i := int(idx - first)
		dv.Rows[ScopeLAN][i] = b.LAN
		dv.Rows[ScopeWAN][i] = b.WAN
		all := b.LAN
		all.add(&b.WAN)
		dv.Rows[ScopeAll][i] = all
	}
	return nil
}
