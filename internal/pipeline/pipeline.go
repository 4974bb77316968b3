package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"time"

	"github.com/iotlens/iotlens/internal/analysis/hosts"
	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/inventory"
	"github.com/iotlens/iotlens/internal/output"
)

// Options are the flags every analysis command shares.
type Options struct {
	Inputs      []string // captures, directories, file lists
	DevicesFile string   // --devices: MAC list, MADEA csv, devices.yaml, ...
	Device      string   // --device NAME with --mac / --ip
	MAC         string
	IP          string
	Workers     int
	Quiet       bool
	Stderr      io.Writer
	Analyses    []engine.Analysis
}

// Outcome is a finished run with its devices resolved.
type Outcome struct {
	Result    *engine.Result
	Config    engine.Config
	Inventory *inventory.Inventory
	Hosts     []inventory.Host
	// Discovered is true when no inventory was given and devices come from
	// the traffic itself.
	Discovered bool
}

// ErrNoInputs is returned when the arguments name no capture at all.
var ErrNoInputs = errors.New("no capture files given (pass files, directories or file lists)")

// Run executes the pass.
func Run(ctx context.Context, o Options) (*Outcome, error) {
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	files, err := engine.ExpandInputs(o.Inputs)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, ErrNoInputs
	}
	for _, f := range files {
		output.Protect(f.Path)
	}
	inv, err := loadInventory(o, files)
	if err != nil {
		return nil, err
	}
	cfg := engine.Config{Files: files, Workers: o.Workers, Analyses: append([]engine.Analysis{hosts.Analysis{}}, o.Analyses...)}
	prog := newProgress(o.Stderr, files, o.Quiet)
	cfg.OnWarning = prog.warning
	cfg.OnFileDone = prog.fileDone
	res, err := engine.Run(ctx, cfg)
	if err != nil {
		return nil, err
	}
	prog.finish(res)
	out := &Outcome{Result: res, Config: cfg}
	out.Hosts = res.Partials[0].(*hosts.Partial).Obs.Resolve()
	if inv == nil {
		out.Inventory, out.Discovered = inventory.Discovered(out.Hosts), true
	} else {
		inv.Attach(inventory.NewBindings(out.Hosts))
		fillIPs(inv, out.Hosts)
		out.Inventory = inv
	}
	return out, nil
}

// Partial returns the merged partial of a requested analysis.
func (o *Outcome) Partial(name string) engine.Partial { return o.Result.Partial(name, &o.Config) }

// loadInventory builds the inventory from --devices, --device and the file
// names; nil means "discover from traffic".
func loadInventory(o Options, files []engine.FileInfo) (*inventory.Inventory, error) {
	var inv *inventory.Inventory
	if o.DevicesFile != "" {
		loaded, err := inventory.Load(o.DevicesFile)
		if err != nil {
			return nil, err
		}
		inv = loaded
	}
	ensure := func() {
		if inv == nil {
			inv = &inventory.Inventory{}
		}
	}
	if o.Device != "" || o.MAC != "" || o.IP != "" {
		d, err := flagDevice(o)
		if err != nil {
			return nil, err
		}
		ensure()
		if err := inv.Add(d); err != nil {
			return nil, err
		}
	}
	if o.DevicesFile == "" && o.Device == "" {
		for _, f := range files {
			if f.DeviceName == "" || !f.DeviceIP.IsValid() {
				continue
			}
			ensure()
			if inv.ByIP(f.DeviceIP) == nil {
				if err := inv.Add(inventory.Device{Name: f.DeviceName, IPs: []netip.Addr{f.DeviceIP}, Source: "file-name"}); err != nil {
					return nil, fmt.Errorf("%s: %w", f.Path, err)
				}
			}
		}
	}
	return inv, nil
}

func flagDevice(o Options) (inventory.Device, error) {
	d := inventory.Device{Name: o.Device, Source: "flag"}
	if d.Name == "" {
		return d, errors.New("--mac and --ip need --device NAME")
	}
	if o.MAC != "" {
		m, err := decode.ParseMAC(o.MAC)
		if err != nil {
			return d, fmt.Errorf("--mac %q: %w", o.MAC, err)
		}
		d.MACs = []decode.MAC{m}
	}
	if o.IP != "" {
		ip, err := netip.ParseAddr(o.IP)
		if err != nil {
			return d, fmt.Errorf("--ip %q: %w", o.IP, err)
		}
		d.IPs = []netip.Addr{ip}
	}
	if len(d.MACs) == 0 && len(d.IPs) == 0 {
		return d, errors.New("--device needs --mac or --ip")
	}
	return d, nil
}

// fillIPs gives MAC-identified devices the IPs their MACs used.
func fillIPs(inv *inventory.Inventory, hs []inventory.Host) {
	byMAC := map[decode.MAC]*inventory.Host{}
	for i := range hs {
		byMAC[hs[i].MAC] = &hs[i]
	}
	for _, d := range inv.Devices {
		if len(d.IPs) > 0 {
			continue
		}
		for _, m := range d.MACs {
			if h := byMAC[m]; h != nil {
				for _, b := range h.IPs {
					d.IPs = appendUnique(d.IPs, b.IP)
				}
			}
		}
	}
}

func appendUnique(ips []netip.Addr, ip netip.Addr) []netip.Addr {
	for _, x := range ips {
		if x == ip {
			return ips
		}
	}
	return append(ips, ip)
}

// Elapsed formats a duration for the closing line.
func Elapsed(d time.Duration) string { return d.Round(time.Millisecond).String() }
