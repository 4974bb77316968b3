package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/iotlens/iotlens/internal/analysis/endpoints"
	"github.com/iotlens/iotlens/internal/analysis/passive"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/pipeline"
)

func init() { register(newEndpointsCmd) }

func newEndpointsCmd() *cobra.Command {
	var f commonFlags
	cmd := &cobra.Command{
		Use:   "endpoints [flags] CAPTURES_OR_DIRS... -o DIR",
		Short: "Per-device endpoint statistics with automatic First/Support/Third/Local types",
		Long: `endpoints lists, per device, every remote IP address it exchanged IP frames with (Internet and
LAN, multicast and broadcast included): packets and bytes sent (Tx) and received (Rx) by the
device, the protocols seen, the names the device learned for the address (DNS answers, TLS and
QUIC SNI, HTTP Host, certificates, PTR answers) and how, ASN, organization and country from
offline .mmdb databases, the server certificate (subject, issuer, SAN, validity), and a Type
(First, Support, Third, Local, Local Multicast, Local Broadcast, "Local (<device>)") with the
rule that decided it. --overrides fixes Types by address or name pattern.

It writes the passive-mode seed's files into DIR:

  DIR/<capture>-trimmed-split-<Device>-endpoints.csv   per device (parse_endpoints.py + Type column)
  DIR/endpoint_type_distribution.csv                   traffic share per endpoint class
  DIR/endpoint_protocol_distribution.csv               protocol-category share per endpoint class
  DIR/local_endpoint_distribution.csv                  LAN traffic share per local target

plus one tidy table over all devices: DIR/endpoints.csv and DIR/endpoints.parquet.
Tx/Rx are the device's (the seed's endpoint files held the remote's); see docs/endpoints.md.`,
		Example: `  iotlens endpoints --devices Device_MAC_Name_Mapping.csv madea/ -o out/endpoints
  iotlens endpoints --devices US1-MACs.txt US1-Capture2.pcap -o results --asn-db GeoLite2-ASN.mmdb --geo-db GeoLite2-Country.mmdb
  iotlens endpoints --devices devices.yaml --overrides types.yaml captures/ -o results`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.out == "" {
				return usageError{fmt.Errorf("-o DIR is required")}
			}
			ov, err := endpoints.LoadOverrides(f.enrich.overrides)
			if err != nil {
				return err
			}
			enr, err := newEndpointsEnricher(cmd, &f)
			if err != nil {
				return err
			}
			cats, err := passive.LoadCategories("") // the built-in table, as protocols uses
			if err != nil {
				return err
			}
			enr.Category = endpointCategory(cats)
			opts := f.pipelineOptions(cmd, args)
			opts.Analyses = []engine.Analysis{endpoints.Analysis{}}
			out, err := pipeline.Run(cmd.Context(), opts)
			if err != nil || out.Sharded {
				return err
			}
			devs := endpoints.Report(out.Partial(endpoints.Name).(*endpoints.Partial), out.Inventory, enr, ov)
			naming := endpoints.Naming{Capture: endpoints.CaptureName(args)}
			if err := endpoints.Write(f.out, naming.Stem, devs, enr); err != nil {
				return err
			}
			if !f.quiet {
				fmt.Fprintf(cmd.ErrOrStderr(), "iotlens: endpoints of %d devices written to %s\n", len(devs), f.out)
			}
			return f.strictCheck(out)
		},
	}
	f.register(cmd, "output folder (required)", nil)
	registerEnrichFlags(cmd, &f)
	return cmd
}
