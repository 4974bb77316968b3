package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/iotlens/iotlens/internal/analysis/destinations"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/pipeline"
)

func init() { register(newDestinationsCmd) }

func newDestinationsCmd() *cobra.Command {
	var f commonFlags
	var tz string
	var by string
	var partitioned bool
	cmd := &cobra.Command{
		Use:   "destinations [flags] CAPTURES_OR_DIRS... -o OUT",
		Short: "Where each device sends data, month by month, with party classification",
		Long: `destinations names every Internet address each device talks to (DNS answers with CNAME
chains, TLS SNI, QUIC SNI, HTTP Host, server certificates, PTR answers), with the name the
address had when each flow began, and writes per device and month the destination-analysis
seed's layout:

  OUT/<device>/<year>/<Mon_Year>/domain_list/{contacted_domains,unique_domains}.json
  OUT/<device>/<year>/<Mon_Year>/ip_list/{all_ips,ip_domain_map}.json
  OUT/<device>/<year>/<Mon_Year>/geolocation.json
  OUT/<device>/categorized_domains_<Mon>_<Year>.csv
  OUT/<device>/changes.csv

plus one tidy table over all devices and months: OUT/destinations.csv and .parquet.
Months come from the file name's date when it has one (YYYY-MM-DD_HH.MM.SS_<ip>.pcap),
else from packet time, in UTC unless --tz is given.`,
		Example: `  iotlens destinations --devices Device_MAC_Name_Mapping.csv madea/ -o out/destinations
  iotlens destinations /data/traffic/by-name/ -o analysis_longitudinal     # devices from the folder layout
  iotlens destinations --tz America/Los_Angeles --devices devices.yaml uclouvain/ -o out`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.out == "" {
				return usageError{fmt.Errorf("-o OUT is required")}
			}
			if by != "month" {
				return usageError{fmt.Errorf("--by %q: only \"month\" is supported", by)}
			}
			loc, err := time.LoadLocation(tz)
			if err != nil {
				return usageError{fmt.Errorf("--tz %q: %w", tz, err)}
			}
			ctx, enrichment := inBackground(cmd.Context(), func() (destinations.Enricher, error) { return newEnricher(cmd, &f) })
			opts := f.pipelineOptions(cmd, args)
			opts.Analyses = []engine.Analysis{destinations.Analysis{Location: loc}}
			out, err := pipeline.Run(ctx, opts)
			enr, enrErr := enrichment()
			if enrErr != nil {
				return enrErr
			}
			if err != nil || out.Sharded {
				return err
			}
			months := destinations.Report(out.Partial(destinations.Name).(*destinations.Partial), out.Inventory, enr)
			if err := destinations.Write(f.out, months, destinations.Options{Partitioned: partitioned}); err != nil {
				return err
			}
			if !f.quiet {
				fmt.Fprintf(cmd.ErrOrStderr(), "iotlens: destinations of %d device-months written to %s\n", len(months), f.out)
			}
			return f.strictCheck(out)
		},
	}
	f.register(cmd, "output folder (required)", nil)
	cmd.Flags().StringVar(&tz, "tz", "UTC", "time zone for months (IANA name, e.g. Europe/Brussels)")
	cmd.Flags().StringVar(&by, "by", "month", "grouping period (month)")
	cmd.Flags().BoolVar(&partitioned, "partitioned", false, "also write OUT/destinations/device=<name>/month=<YYYY-MM>/part-0.parquet (Hive layout for DuckDB, Spark, pandas)")
	registerEnrichFlags(cmd, &f)
	return cmd
}
