package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/iotlens/iotlens/internal/analysis/passive"
)

func init() { register(newOverallCmd) }

func newOverallCmd() *cobra.Command {
	var f commonFlags
	var pf passiveFlags
	var fromVolume string
	cmd := &cobra.Command{
		Use:   "overall [flags] (CAPTURES... | --from-volume DIR) -o DIR",
		Short: "Per device: mean and coefficient of variation per interval, Tx/Rx shares",
		Long: `overall computes, per device, the mean per interval and the coefficient of variation (sample
standard deviation over the mean; 0 when the mean is 0) of packets and bytes, sent and
received, for all, LAN and WAN traffic, and the shares of Tx and Rx, LAN and WAN in the
device's total, as the passive-mode seed's calculate_overall_stats.py:

  DIR/overall-stats.csv          Device,PacketAvg,PacketCoV,... (37 columns)
  DIR/overall-distribution.csv   Device,PacketTotal,ByteTotal,TxPacketTotal,TxPacketPct,...

From captures directly (one pass, as iotlens volume) or from a folder of *-stats.csv files
written by iotlens volume or the seed's generateStatsForIntervals.bash.`,
		Example: `  iotlens overall --devices Device_MAC_Name_Mapping.csv madea/ -o out/overall
  iotlens overall --from-volume output_stats -o overall_stats`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.out == "" {
				return usageError{fmt.Errorf("-o DIR is required")}
			}
			if fromVolume != "" {
				if len(args) > 0 {
					return usageError{fmt.Errorf("give captures or --from-volume, not both")}
				}
				in, err := passive.ReadVolumeDir(fromVolume)
				if err != nil {
					return err
				}
				if err := passive.WriteOverall(f.out, passive.ComputeOverall(in)); err != nil {
					return err
				}
				passiveDone(cmd, &f, "overall statistics", f.out)
				return nil
			}
			if len(args) == 0 {
				return usageError{fmt.Errorf("give CAPTURES or --from-volume DIR")}
			}
			a, err := pf.analysis(&f, true, false)
			if err != nil {
				return err
			}
			out, p, err := runPassive(cmd, &f, args, a)
			if err != nil || out == nil {
				return err
			}
			if err := writeVolumeAndOverall(p, out.Inventory, &pf, nil, "", f.out); err != nil {
				return err
			}
			passiveDone(cmd, &f, "overall statistics", f.out)
			return f.strictCheck(out)
		},
	}
	f.register(cmd, "output folder (required)", nil)
	pf.register(cmd, true, false)
	cmd.Flags().StringVar(&fromVolume, "from-volume", "", "read the *-stats.csv files of this folder instead of captures")
	return cmd
}
