package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/iotlens/iotlens/internal/analysis/passive"
)

func init() { register(newProtocolsCmd) }

func newProtocolsCmd() *cobra.Command {
	var f commonFlags
	var pf passiveFlags
	cmd := &cobra.Command{
		Use:   "protocols [flags] CAPTURES... --devices MACFILE -o DIR",
		Short: "Per device, endpoint and protocol: packets and bytes, with protocol categories",
		Long: `protocols counts, per device, per endpoint IP and per protocol, the packets and bytes the
device sent (Tx: its MAC is the Ethernet source) and received (Rx), for all, LAN and WAN
traffic, with the passive-mode seed's files and columns:

  DIR/<capture>-trimmed-split-<Device>-protocols.csv   (and -protocols-LAN.csv, -protocols-WAN.csv;
  DIR/<capture>-trimmed-split-<Device>-ipv6-protocols.csv ...  for IPv6 endpoints)
      MAC,WAN/LAN,Protocol,IP,TotalPackets,TotalBytes,TxPackets,TxBytes,RxPackets,RxBytes
  DIR/<capture>-proto-distributions.csv, -unique-protos-per-mac.csv, -unique-app-protos-overall.csv
  DIR/protocols.csv   the tidy table

Rows "ip"/"ipv6" and "tcp"/"udp" are the totals per endpoint; every other row is one
application protocol (dns, mdns, tls, quic, ntp, tcp:PORT, udp:PORT, arp, ...), with a
category (discovery, management, encrypted, unencrypted) from the built-in table, which
--categories FILE overrides. Frames without IP put the peer's MAC (or, for ARP, the IP
address asked for or announced) in the IP column.`,
		Example: `  iotlens protocols --devices US1-MACs.txt US1-Capture2.pcap -o protocol_stats
  iotlens protocols --devices Device_MAC_Name_Mapping.csv --categories mine.yaml madea/ -o out/protocols`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.out == "" {
				return usageError{fmt.Errorf("-o DIR is required")}
			}
			a, err := pf.analysis(&f, false, true)
			if err != nil {
				return err
			}
			cats, err := passive.LoadCategories(pf.categories)
			if err != nil {
				return err
			}
			out, p, err := runPassive(cmd, &f, args, a)
			if err != nil || out == nil {
				return err
			}
			naming := pf.naming(args, a.Filter.Preset)
			if err := passive.WriteProtocols(f.out, &naming, passive.BuildProtocols(p, out.Inventory, cats)); err != nil {
				return err
			}
			passiveDone(cmd, &f, "protocol statistics", f.out)
			return f.strictCheck(out)
		},
	}
	f.register(cmd, "output folder (required)", nil)
	pf.register(cmd, false, true)
	return cmd
}
