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

	// Scale-out: with Shard set ("K/N", "auto" or "auto/N"), only this
	// shard's files are read and the merged partials are written to
	// ShardOut instead of being returned for output; Command and Args are
	// recorded so `iotlens merge` can finish the run. With FromShards set,
	// no capture is read: the shard files are merged instead.
	Shard      string
	ShardOut   string
	Command    string
	Args       []string
	FromShards []string
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
	// Sharded is true when this run only wrote a shard file: the command
	// writes no outputs.
	Sharded bool
}

// ErrNoInputs is returned when the arguments name no capture at all.
var ErrNoInputs = errors.New("no capture files given (pass files, directories or file lists)")

// Run executes the pass (or merges shard files) and resolves the devices.
func Run(ctx context.Context, o Options) (*Outcome, error) {
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	cfg := engine.Config{Workers: o.Workers, Analyses: append([]engine.Analysis{hosts.Analysis{}}, o.Analyses...)}
	var res *engine.Result
	var err error
	if len(o.FromShards) > 0 {
		res, cfg.Files, err = mergeShards(o, &cfg)
	} else {
		res, err = runPass(ctx, o, &cfg)
	}
	if err != nil || res == nil {
		return &Outcome{Sharded: res == nil && err == nil}, err
	}
	inv, err := loadInventory(o, cfg.Files)
	if err != nil {
		return nil, err
	}
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

// runPass reads the captures (this shard's, when sharding). It returns a
// nil result, and no error, when it wrote a shard file instead.
func runPass(ctx context.Context, o Options, cfg *engine.Config) (*engine.Result, error) {
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
	k, n, err := ParseShard(o.Shard)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		files = engine.SelectShard(files, fileSizes(files), k, n)
	}
	cfg.Files = files
	prog := newProgress(o.Stderr, files, o.Quiet)
	cfg.OnWarning = prog.warning
	cfg.OnFileDone = prog.fileDone
	res, err := engine.Run(ctx, *cfg)
	if err != nil {
		return nil, err
	}
	prog.finish(res)
	if n == 0 {
		return res, nil
	}
	meta := engine.ShardMeta{Command: o.Command, Args: o.Args, Shard: k, Shards: n, Files: files}
	return nil, writeShard(o.ShardOut, meta, cfg, res)
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
