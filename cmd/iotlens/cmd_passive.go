package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iotlens/iotlens/internal/analysis/endpoints"
	"github.com/iotlens/iotlens/internal/analysis/passive"
	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/inventory"
	"github.com/iotlens/iotlens/internal/pipeline"
	"github.com/iotlens/iotlens/internal/proto"
)

func init() { register(newPassiveCmd) }

func newPassiveCmd() *cobra.Command {
	var f commonFlags
	var pf passiveFlags
	cmd := &cobra.Command{
		Use:   "passive [flags] CAPTURES... --devices MACFILE -o DIR",
		Short: "The whole passive-mode study in one pass: volume, overall statistics, protocols",
		Long: `passive runs volume, overall and protocols together in ONE pass over the captures and
writes the passive-mode seed's outputs into DIR (endpoints too, classified automatically):

  DIR/output_stats/    <capture>-trimmed-split-<Device>{,-LAN,-WAN}-stats.csv, volume.csv
  DIR/overall_stats/   overall-stats.csv, overall-distribution.csv
  DIR/protocol_stats/  <capture>-trimmed-split-<Device>[-ipv6]-protocols[-LAN|-WAN].csv,
                       <capture>-proto-distributions.csv, -unique-protos-per-mac.csv,
                       -unique-app-protos-overall.csv, protocols.csv
  DIR/endpoint_stats/  <capture>-trimmed-split-<Device>-endpoints.csv (with Type), endpoints.csv/.parquet,
                       endpoint_type_distribution.csv, endpoint_protocol_distribution.csv,
                       local_endpoint_distribution.csv

Reproduce the paper's numbers from the raw capture with the seed's presets:
--filter filtered --lan-rule seed (and --exclude-ip for the router, as the seed's volume script).`,
		Example: `  iotlens passive --devices US1-MACs.txt US1-Capture2.pcap -o results/US1
  iotlens passive --devices Device_MAC_Name_Mapping.csv madea/ -o out/passive
  iotlens passive --filter filtered --lan-rule seed --exclude-ip 192.168.1.1 --devices macs.txt cap.pcap -o out`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.out == "" {
				return usageError{fmt.Errorf("-o DIR is required")}
			}
			a, err := pf.analysis(&f, true, true)
			if err != nil {
				return err
			}
			cats, err := passive.LoadCategories(pf.categories)
			if err != nil {
				return err
			}
			enr, err := newEndpointsEnricher(cmd, &f)
			if err != nil {
				return err
			}
			enr.Category = endpointCategory(cats)
			ov, err := endpoints.LoadOverrides(f.enrich.overrides)
			if err != nil {
				return err
			}
			out, p, err := runPassive(cmd, &f, args, a, endpoints.Analysis{})
			if err != nil || out == nil {
				return err
			}
			naming := pf.naming(args, a.Filter.Preset)
			devs := endpoints.Report(out.Partial(endpoints.Name).(*endpoints.Partial), out.Inventory, enr, ov)
			epNaming := endpoints.Naming{Capture: endpoints.CaptureName(args)}
			if err := endpoints.Write(filepath.Join(f.out, "endpoint_stats"), epNaming.Stem, devs, enr); err != nil {
				return err
			}
			if err := writeVolumeAndOverall(p, out.Inventory, &pf, &naming, filepath.Join(f.out, "output_stats"), filepath.Join(f.out, "overall_stats")); err != nil {
				return err
			}
			if err := passive.WriteProtocols(filepath.Join(f.out, "protocol_stats"), &naming, passive.BuildProtocols(p, out.Inventory, cats)); err != nil {
				return err
			}
			passiveDone(cmd, &f, "passive-mode study", f.out)
			return f.strictCheck(out)
		},
	}
	f.register(cmd, "output folder (required)", nil)
	pf.register(cmd, true, true)
	registerEnrichFlags(cmd, &f)
	return cmd
}

// endpointCategory gives the endpoints analysis the passive-mode protocol
// categories (one table for protocols and endpoints), in the seed's names.
func endpointCategory(cats *passive.Categories) func(p proto.Proto) string {
	return func(p proto.Proto) string {
		switch cats.Of(p.String()) {
		case passive.Management:
			return "Management"
		case passive.Discovery:
			return "Discovery"
		case passive.Encrypted:
			return "Encrypted"
		case passive.Unencrypted:
			return "Unencrypted"
		}
		return ""
	}
}

// passiveFlags are the flags of the passive-mode commands (volume, overall,
// protocols, passive).
type passiveFlags struct {
	lanRule    string
	lan        []string
	filter     string
	exclude    []string
	excludeIP  []string
	start, end string
	name       string
	interval   int64
	suffix     string
	categories string
}

func (pf *passiveFlags) register(cmd *cobra.Command, volume, protocols bool) {
	fl := cmd.Flags()
	fl.StringVar(&pf.lanRule, "lan-rule", "local", `LAN/WAN rule: "local" (both ends local: RFC 1918, link-local, ULA, multicast,
broadcast, --lan prefixes) or "seed" (the seed's filter: group destination MAC, or
private source and private/multicast/link-local destination)`)
	fl.StringArrayVar(&pf.lan, "lan", nil, "extra local prefix (repeatable), e.g. --lan 2620:0:5300::/44")
	fl.StringVar(&pf.filter, "filter", "none", `packet preset: none, filtered (the seed's: no TCP retransmissions/duplicate ACKs,
IP only, no DHCP, ICMP, DNS, IGMP) or filtered-with-dns`)
	fl.StringArrayVar(&pf.exclude, "exclude", nil, "drop these protocols (repeatable or comma-separated), e.g. --exclude dns")
	fl.StringArrayVar(&pf.excludeIP, "exclude-ip", nil, "drop frames from or to this IP (repeatable): the seed's router exclusion")
	fl.StringVar(&pf.start, "start", "", "only frames at or after this time (Unix seconds, as editcap -A)")
	fl.StringVar(&pf.end, "end", "", "only frames before this time (Unix seconds, as editcap -B)")
	fl.StringVar(&pf.name, "name", "", "capture name used in the output file names (default: the input's file or folder name)")
	if volume {
		fl.Int64Var(&pf.interval, "interval", 3600, "interval length in seconds")
		fl.StringVar(&pf.suffix, "suffix", "", `appended to device names in the Device column (the seed's device_suffix, e.g. " (US1)")`)
	}
	if protocols {
		fl.StringVar(&pf.categories, "categories", "", "YAML file overriding the built-in protocol categories")
	}
}

// analysis builds the passive analysis from the flags.
func (pf *passiveFlags) analysis(f *commonFlags, volume, protocols bool) (*passive.Analysis, error) {
	a := &passive.Analysis{Volume: volume, Protocols: protocols, Interval: pf.interval}
	if volume && pf.interval <= 0 {
		return nil, usageError{fmt.Errorf("--interval %d: want a positive number of seconds", pf.interval)}
	}
	var err error
	if a.Scope.Rule, err = passive.ParseLANRule(pf.lanRule); err != nil {
		return nil, usageError{err}
	}
	if a.Scope.Extra, err = passive.ParsePrefixes(pf.lan); err != nil {
		return nil, usageError{err}
	}
	if a.Filter, err = pf.parseFilter(); err != nil {
		return nil, err
	}
	if a.MACs, err = inventoryMACs(f); err != nil {
		return nil, err
	}
	return a, nil
}

func (pf *passiveFlags) parseFilter() (passive.Filter, error) {
	var flt passive.Filter
	var err error
	if flt.Preset, err = passive.ParsePreset(pf.filter); err != nil {
		return flt, usageError{err}
	}
	if flt.Exclude, err = passive.ParseExclude(pf.exclude); err != nil {
		return flt, usageError{err}
	}
	if flt.ExcludeIPs, err = passive.ParseExcludeIPs(pf.excludeIP); err != nil {
		return flt, usageError{err}
	}
	if flt.Start, err = parseEpoch("--start", pf.start); err != nil {
		return flt, err
	}
	if flt.End, err = parseEpoch("--end", pf.end); err != nil {
		return flt, err
	}
	if flt.Start != 0 && flt.End != 0 && flt.End <= flt.Start {
		return flt, usageError{fmt.Errorf("--end %s is not after --start %s", pf.end, pf.start)}
	}
	return flt, nil
}

// parseEpoch reads Unix seconds (fractions allowed) as Unix ns; "" is 0.
func parseEpoch(flag, s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) || v > 1e10 {
		return 0, usageError{fmt.Errorf("%s %q: want Unix seconds, e.g. 1686632400", flag, s)}
	}
	return int64(math.Round(v * 1e9)), nil
}

// inventoryMACs loads the devices given on the command line so that only
// their MACs are counted; nil (count every MAC) when there are none or a
// device is known by IP only (its MACs are found during the pass).
func inventoryMACs(f *commonFlags) ([]decode.MAC, error) {
	var macs []decode.MAC
	if f.devices != "" {
		inv, err := inventory.Load(f.devices)
		if err != nil {
			return nil, err
		}
		for _, d := range inv.Devices {
			if len(d.MACs) == 0 {
				return nil, nil
			}
			macs = append(macs, d.MACs...)
		}
	}
	if f.device != "" || f.mac != "" || f.ip != "" {
		if f.mac == "" {
			return nil, nil
		}
		m, err := decode.ParseMAC(f.mac)
		if err != nil {
			return nil, usageError{fmt.Errorf("--mac %q: %w", f.mac, err)}
		}
		macs = append(macs, m)
	}
	return macs, nil
}

// naming returns the file naming: --name, else the single input's name.
func (pf *passiveFlags) naming(inputs []string, preset passive.Preset) passive.Naming {
	name := pf.name
	if name == "" {
		name = captureName(inputs)
	}
	return passive.Naming{Capture: passive.SafeName(name), Preset: preset}
}

// captureName is the input's base name without capture and compression
// extensions, or "capture" for several inputs.
func captureName(inputs []string) string {
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
	return base
}

// runPassive runs the pass; a nil outcome and error mean a shard file was
// written instead.
func runPassive(cmd *cobra.Command, f *commonFlags, inputs []string, a *passive.Analysis, more ...engine.Analysis) (*pipeline.Outcome, *passive.Partial, error) {
	opts := f.pipelineOptions(cmd, inputs)
	opts.Analyses = append([]engine.Analysis{a}, more...)
	out, err := pipeline.Run(cmd.Context(), opts)
	if err != nil || out.Sharded {
		return nil, nil, err
	}
	return out, out.Partial(passive.Name).(*passive.Partial), nil
}

// writeVolumeAndOverall writes the volume files into volDir (skipped when
// "") and the overall statistics into overallDir (skipped when "").
func writeVolumeAndOverall(p *passive.Partial, inv *inventory.Inventory, pf *passiveFlags, naming *passive.Naming, volDir, overallDir string) error {
	devs, err := passive.BuildVolume(p, inv, pf.suffix)
	if err != nil {
		return err
	}
	if volDir != "" {
		if err := passive.WriteVolume(volDir, naming, devs); err != nil {
			return err
		}
	}
	if overallDir != "" {
		return passive.WriteOverall(overallDir, passive.ComputeOverall(passive.OverallFromVolume(devs)))
	}
	return nil
}

func passiveDone(cmd *cobra.Command, f *commonFlags, what, dir string) {
	if !f.quiet {
		fmt.Fprintf(cmd.ErrOrStderr(), "iotlens: %s written to %s\n", what, dir)
	}
}

// fileSize is the size of a capture, 0 when unknown.
func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}
