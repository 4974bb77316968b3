package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/iotlens/iotlens/internal/analysis/passive"
	"github.com/iotlens/iotlens/internal/analysis/passive/split"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/inventory"
	"github.com/iotlens/iotlens/internal/pipeline"
)

func init() { register(newSplitCmd) }

func newSplitCmd() *cobra.Command {
	var f commonFlags
	var pf passiveFlags
	var only []string
	cmd := &cobra.Command{
		Use:   "split [flags] CAPTURE --devices MACFILE -o DIR",
		Short: "Split a capture into the passive-mode seed's per-device pcaps, in one pass",
		Long: `split writes, per device (frames whose Ethernet source or destination is the device's MAC),
the passive-mode seed's pcap files in its folder tree, in one pass over CAPTURE:

  DIR/unfiltered/per-device/<capture>-trimmed-split-<Device>.pcap                       (--only all)
  DIR/filtered/no-DNS/per-device/<capture>-trimmed-filtered-split-<Device>.pcap         (no-dns)
  DIR/filtered/no-DNS/per-device/{LAN,WAN}/<...>-split-<Device>-{LAN,WAN}.pcap          (lan, wan)
  DIR/filtered/with-DNS/per-device/<capture>-trimmed-filtered-with-DNS-split-<Device>.pcap (with-dns)
  DIR/filtered/with-DNS/per-device/{LAN,WAN}/...

The filtered files apply the seed's preset (--filter filtered: no TCP retransmissions,
lost-segment ACKs or duplicate ACKs, IP only, no DHCP, DHCPv6, ICMP, ICMPv6, IGMP; the
no-DNS files also drop DNS) or, with --filter none, only drop DNS. Files are classic pcap
(nanosecond timestamps) with the original timestamps and wire lengths; they appear when
the whole capture has been read. The free space is checked first (capture size times the
number of outputs).`,
		Example: `  iotlens split --devices US1-MACs.txt US1-Capture2.pcap -o Workspace
  iotlens split --devices macs.txt --start 1686632400 --end 1686636000 cap.pcap -o out
  iotlens split --devices Device_MAC_Name_Mapping.csv --only all,no-dns,lan,wan --lan-rule seed cap.pcap -o out`,
		Args: oneCaptureArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.out == "" {
				return usageError{fmt.Errorf("-o DIR is required")}
			}
			if f.shard != "" || len(f.shards) > 0 {
				return usageError{errors.New("split writes its pcaps during the pass and cannot be sharded")}
			}
			opts, err := splitOptions(&f, &pf, only, args[0])
			if err != nil {
				return err
			}
			return runSplit(cmd, &f, args[0], opts)
		},
	}
	f.register(cmd, "output folder (required)", nil)
	fl := cmd.Flags()
	fl.StringVar(&pf.lanRule, "lan-rule", "local", `LAN/WAN rule of the LAN and WAN files: "local" or "seed" (see iotlens volume --help)`)
	fl.StringArrayVar(&pf.lan, "lan", nil, "extra local prefix (repeatable)")
	fl.StringVar(&pf.filter, "filter", "filtered", `base of the filtered files: "filtered" (the seed's preset) or "none"`)
	fl.StringVar(&pf.start, "start", "", "only frames at or after this time (Unix seconds, as editcap -A)")
	fl.StringVar(&pf.end, "end", "", "only frames before this time (Unix seconds, as editcap -B)")
	fl.StringVar(&pf.name, "name", "", "capture name used in the file names (default: CAPTURE's name)")
	fl.StringArrayVar(&only, "only", nil, "outputs: all, no-dns, with-dns, lan, wan (comma-separated; default all of them)")
	return cmd
}

// oneCaptureArg accepts exactly one argument (usage error otherwise).
func oneCaptureArg(cmd *cobra.Command, args []string) error {
	if err := cobra.ExactArgs(1)(cmd, args); err != nil {
		return usageError{err}
	}
	return nil
}

func splitOptions(f *commonFlags, pf *passiveFlags, only []string, input string) (split.Options, error) {
	var o split.Options
	st, err := os.Stat(input)
	if err != nil {
		return o, err
	}
	if st.IsDir() {
		return o, usageError{fmt.Errorf("%s is a folder: split takes one capture file", input)}
	}
	switch pf.filter {
	case "filtered", "seed", "":
		o.Filter.Preset = passive.PresetFilteredWithDNS
	case "none":
		o.Filter.Preset = passive.PresetNone
	default:
		return o, usageError{fmt.Errorf("--filter %q: choose filtered or none", pf.filter)}
	}
	if o.Kinds, err = split.ParseOnly(only); err != nil {
		return o, usageError{err}
	}
	if o.Scope.Rule, err = passive.ParseLANRule(pf.lanRule); err != nil {
		return o, usageError{err}
	}
	if o.Scope.Extra, err = passive.ParsePrefixes(pf.lan); err != nil {
		return o, usageError{err}
	}
	if o.Filter.Start, err = parseEpoch("--start", pf.start); err != nil {
		return o, err
	}
	if o.Filter.End, err = parseEpoch("--end", pf.end); err != nil {
		return o, err
	}
	if o.Devices, err = splitDevices(f); err != nil {
		return o, err
	}
	naming := pf.naming([]string{input}, passive.PresetNone)
	o.Out, o.Capture, o.Input = f.out, naming.Capture, input
	return o, nil
}

// splitDevices are the devices of --devices and --device/--mac: split
// needs their MACs before the pass.
func splitDevices(f *commonFlags) ([]split.Device, error) {
	inv := &inventory.Inventory{}
	if f.devices != "" {
		loaded, err := inventory.Load(f.devices)
		if err != nil {
			return nil, err
		}
		inv = loaded
	}
	if f.device != "" || f.mac != "" {
		if f.device == "" || f.mac == "" {
			return nil, usageError{errors.New("split needs --device NAME together with --mac MAC")}
		}
		macs, err := inventoryMACs(&commonFlags{mac: f.mac, device: f.device})
		if err != nil {
			return nil, err
		}
		if err := inv.Add(inventory.Device{Name: f.device, MACs: macs, Source: inventory.SourceFlag}); err != nil {
			return nil, err
		}
	}
	if len(inv.Devices) == 0 {
		return nil, usageError{errors.New("split needs devices: --devices MACFILE or --device NAME --mac MAC")}
	}
	var out []split.Device
	for _, d := range inv.Devices {
		out = append(out, split.Device{Name: d.Name, MACs: d.MACs})
	}
	return out, nil
}

func runSplit(cmd *cobra.Command, f *commonFlags, input string, o split.Options) error {
	s, err := split.New(o)
	if err != nil {
		return err
	}
	if err := split.CheckSpace(o.Out, split.Estimate(fileSize(input), len(o.Kinds))); err != nil {
		return err
	}
	opts := f.pipelineOptions(cmd, []string{input})
	opts.Analyses = []engine.Analysis{s.Analysis()}
	out, err := pipeline.Run(cmd.Context(), opts)
	if err != nil {
		s.Abort()
		return err
	}
	files, err := s.Close()
	if err != nil {
		return err
	}
	if !f.quiet {
		var packets int64
		for _, fs := range files {
			packets += fs.Packets
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "iotlens: %d per-device pcaps (%d packets) written under %s\n", len(files), packets, o.Out)
		if s.Mismatched > 0 {
			fmt.Fprintf(cmd.ErrOrStderr(), "iotlens: %d frames of another link type than the first frame's were left out (a classic pcap holds one link type)\n", s.Mismatched)
		}
	}
	return f.strictCheck(out)
}
