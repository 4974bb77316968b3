package inventory

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/oui"
)

// Sources of a Device.
const (
	SourceMACList     = "mac-list"     // Name,MAC lines (passive-mode seed)
	SourceMADEA       = "madea-csv"    // MADEA Device_MAC_Name_Mapping.csv
	SourceCSV         = "csv"          // any other CSV with a header row
	SourceDevicesYAML = "devices-yaml" // UCLouvain devices.yaml
	SourceIoTSentinel = "iot-sentinel" // a bare MAC; the folder names the device
	SourceFileName    = "file-name"    // YYYY-MM-DD_HH.MM.SS_<ip>.pcap layout
	SourceFlag        = "flag"         // given on the command line
	SourceDiscovered  = "discovered"   // found in the traffic
)

// Device is one device under analysis.
type Device struct {
	Name         string
	MACs         []decode.MAC
	IPs          []netip.Addr
	Vendor       string // IEEE organization of the first MAC with a registered prefix
	Manufacturer string // as the source states it
	Model        string // devices.yaml `name` field, e.g. "TP-Link HS110"
	Type         string // device type, e.g. "plug"
	Aliases      []string
	Source       string
	Gateway      bool
}

// Inventory is a set of devices, kept in the order their sources listed
// them. The zero value is empty and ready to use.
type Inventory struct {
	Devices []*Device

	byMAC  map[decode.MAC]*Device
	byIP   map[netip.Addr]*Device
	byName map[string]*Device // names and aliases
}

// ErrConflict is wrapped by Add's error when a device's name disagrees with
// the device that already owns one of its addresses.
var ErrConflict = errors.New("conflicting device names")

// ByMAC returns the device with MAC m, or nil.
func (inv *Inventory) ByMAC(m decode.MAC) *Device { return inv.byMAC[m] }

// ByIP returns the device listed with ip, or nil.
func (inv *Inventory) ByIP(ip netip.Addr) *Device { return inv.byIP[normalizeIP(ip)] }

// ByName returns the device called name (or with that alias), or nil.
func (inv *Inventory) ByName(name string) *Device { return inv.byName[name] }

// Add merges d into the inventory. A device that shares a MAC, IP or name
// with a listed device is merged into it; a different name for the same
// MAC or IP is an error wrapping ErrConflict. The vendor is looked up from
// the MACs when d has none.
func (inv *Inventory) Add(d Device) error {
	_, err := inv.add(d, false)
	return err
}

// add merges or appends d. With asAlias, a name conflict makes d's name an
// alias of the owner instead of an error (devices.yaml lists one physical
// device under several ids).
func (inv *Inventory) add(d Device, asAlias bool) (*Device, error) {
	normalizeDevice(&d)
	if d.Name == "" && len(d.MACs) == 0 && len(d.IPs) == 0 {
		return nil, errors.New("device has no name, MAC or IP")
	}
	owner, err := inv.owner(&d, asAlias)
	if err != nil {
		return nil, err
	}
	if owner == nil {
		if d.Name == "" {
			return nil, fmt.Errorf("device %s has no name", describeAddrs(&d))
		}
		owner = &Device{Name: d.Name, Source: d.Source}
		inv.Devices = append(inv.Devices, owner)
	}
	if d.Name != "" && d.Name != owner.Name && !slices.Contains(owner.Aliases, d.Name) {
		owner.Aliases = append(owner.Aliases, d.Name)
	}
	mergeInto(owner, &d)
	inv.index(owner)
	return owner, nil
}

// owner finds the one listed device d belongs to, if any.
func (inv *Inventory) owner(d *Device, asAlias bool) (*Device, error) {
	var owner *Device
	var ownerKey string
	claim := func(found *Device, key string) error {
		if found == nil || found == owner {
			return nil
		}
		if owner != nil {
			return fmt.Errorf("%w: %s belongs to %q but %s belongs to %q", ErrConflict, ownerKey, owner.Name, key, found.Name)
		}
		owner, ownerKey = found, key
		return nil
	}
	for _, m := range d.MACs {
		if err := claim(inv.byMAC[m], "MAC "+m.String()); err != nil {
			return nil, err
		}
	}
	for _, ip := range d.IPs {
		if err := claim(inv.byIP[ip], "IP "+ip.String()); err != nil {
			return nil, err
		}
	}
	if err := claim(inv.byName[d.Name], "name "+d.Name); err != nil {
		return nil, err
	}
	if owner != nil && !asAlias && d.Name != "" && owner.Name != d.Name && !slices.Contains(owner.Aliases, d.Name) {
		return nil, fmt.Errorf("%w: %s already belongs to %q, not %q", ErrConflict, ownerKey, owner.Name, d.Name)
	}
	return owner, nil
}

func (inv *Inventory) ensureMaps() {
	if inv.byMAC == nil {
		inv.byMAC = make(map[decode.MAC]*Device)
		inv.byIP = make(map[netip.Addr]*Device)
		inv.byName = make(map[string]*Device)
	}
}

func (inv *Inventory) index(d *Device) {
	inv.ensureMaps()
	for _, m := range d.MACs {
		inv.byMAC[m] = d
	}
	for _, ip := range d.IPs {
		inv.byIP[ip] = d
	}
	inv.byName[d.Name] = d
	for _, a := range d.Aliases {
		if inv.byName[a] == nil {
			inv.byName[a] = d
		}
	}
}

// mergeInto adds src's addresses and aliases to dst and fills dst's empty
// descriptive fields: the first source to state a field wins.
func mergeInto(dst, src *Device) {
	for _, m := range src.MACs {
		if !slices.Contains(dst.MACs, m) {
			dst.MACs = append(dst.MACs, m)
		}
	}
	for _, ip := range src.IPs {
		if !slices.Contains(dst.IPs, ip) {
			dst.IPs = append(dst.IPs, ip)
		}
	}
	for _, a := range src.Aliases {
		if a != dst.Name && !slices.Contains(dst.Aliases, a) {
			dst.Aliases = append(dst.Aliases, a)
		}
	}
	fill(&dst.Vendor, src.Vendor)
	fill(&dst.Manufacturer, src.Manufacturer)
	fill(&dst.Model, src.Model)
	fill(&dst.Type, src.Type)
	fill(&dst.Source, src.Source)
	dst.Gateway = dst.Gateway || src.Gateway
	if dst.Vendor == "" {
		dst.Vendor = vendorOf(dst.MACs)
	}
}

func fill(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

// vendorOf returns the IEEE organization of the first registered MAC.
func vendorOf(macs []decode.MAC) string {
	for _, m := range macs {
		if org, ok := oui.Lookup(m); ok {
			return org
		}
	}
	return ""
}

func normalizeDevice(d *Device) {
	d.Name = strings.TrimSpace(d.Name)
	d.MACs = slices.Clone(d.MACs)
	ips := d.IPs[:0:0]
	for _, ip := range d.IPs {
		if ip = normalizeIP(ip); ip.IsValid() && !slices.Contains(ips, ip) {
			ips = append(ips, ip)
		}
	}
	d.IPs = ips
	aliases := d.Aliases[:0:0]
	for _, a := range d.Aliases {
		if a = strings.TrimSpace(a); a != "" && a != d.Name {
			aliases = append(aliases, a)
		}
	}
	d.Aliases = aliases
}

// normalizeIP drops IPv4-mapping and zones so one address has one key.
func normalizeIP(ip netip.Addr) netip.Addr {
	return ip.Unmap().WithZone("")
}

func describeAddrs(d *Device) string {
	var parts []string
	for _, m := range d.MACs {
		parts = append(parts, m.String())
	}
	for _, ip := range d.IPs {
		parts = append(parts, ip.String())
	}
	return strings.Join(parts, ", ")
}
