package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func init() { register(newVolumeCmd) }

func newVolumeCmd() *cobra.Command {
	var f commonFlags
	var pf passiveFlags
	cmd := &cobra.Command{
		Use:   "volume [flags] CAPTURES... --devices MACFILE -o DIR",
		Short: "Per device and interval: Tx/Rx packets and bytes for LAN, WAN and all traffic",
		Long: `volume counts, per device and time interval, the frames and bytes it sent (Ethernet source
= its MAC) and received (Ethernet destination), for LAN, WAN and all traffic, and writes the
passive-mode seed's three files per device plus one tidy table:

  DIR/<capture>-trimmed-split-<Device>-stats.csv        (and -LAN-stats.csv, -WAN-stats.csv)
      Device,StartTime,Frames,Bytes,TxFrames,TxBytes,RxFrames,RxBytes
  DIR/volume.csv   device,mac,scope,interval_start (ISO-8601),interval_start_epoch,...

Intervals are aligned to multiples of --interval since the Unix epoch (clock hours for 3600),
the same for every device and file; StartTime counts seconds from the device's first interval.
Intervals without traffic between a device's first and last are rows of zeros.`,
		Example: `  iotlens volume --devices US1-MACs.txt --interval 3600 US1-Capture2.pcap -o output_stats
  iotlens volume --devices Device_MAC_Name_Mapping.csv --exclude dns madea/ -o out/volume
  iotlens volume --filter filtered --lan-rule seed --suffix " (US1)" --devices macs.txt cap.pcap -o out`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.out == "" {
				return usageError{fmt.Errorf("-o DIR is required")}
			}
			a, err := pf.analysis(&f, true, false)
			if err != nil {
				return err
			}
			out, p, err := runPassive(cmd, &f, args, a)
			if err != nil || out == nil {
				return err
			}
			naming := pf.naming(args, a.Filter.Preset)
			if err := writeVolumeAndOverall(p, out.Inventory, &pf, &naming, f.out, ""); err != nil {
				return err
			}
			passiveDone(cmd, &f, "interval volumes", f.out)
			return f.strictCheck(out)
		},
	}
	f.register(cmd, "output folder (required)", nil)
	pf.register(cmd, true, false)
	return cmd
}
