package main

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/iotlens/iotlens/internal/analysis/backendusage"
	"github.com/iotlens/iotlens/internal/analysis/destinations"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/output"
	"github.com/iotlens/iotlens/internal/pipeline"
)

// The traffic mode of `iotlens backends CAPTURES`: which IoT backend
// providers and regions each device talks to, from the destinations pass.
func init() {
	backendsTraffic = func(cmd *cobra.Command) func(*cobra.Command, []string) error {
		var f commonFlags
		var catalogue string
		f.register(cmd, "output folder for backends.csv and backends.parquet (default: table only)", []string{"table", "csv", "json"})
		cmd.Flags().StringVar(&catalogue, "catalogue", "", "YAML provider catalogue extending the built-in one")
		cmd.Use = "backends [flags] CAPTURES... | backends dnsdb|censys|catalogue ..."
		cmd.Example = "  iotlens backends --devices Device_MAC_Name_Mapping.csv madea/\n  iotlens backends -o out/backends --devices devices.yaml uclouvain/\n" + cmd.Example
		return func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{fmt.Errorf("backends: give captures (`iotlens backends CAPTURES...`) or choose a dataset: `iotlens backends dnsdb FILES...`, `iotlens backends censys FILES...` or `iotlens backends catalogue`")}
			}
			if err := f.checkFormat("table", "csv", "json"); err != nil {
				return err
			}
			cat, err := loadCatalogue(catalogue)
			if err != nil {
				return err
			}
			opts := f.pipelineOptions(cmd, args)
			opts.Analyses = []engine.Analysis{destinations.Analysis{}}
			out, err := pipeline.Run(cmd.Context(), opts)
			if err != nil || out.Sharded {
				return err
			}
			months := destinations.Report(out.Partial(destinations.Name).(*destinations.Partial), out.Inventory, destinations.Enricher{})
			rows := backendusage.Attribute(months, cat)
			if f.out != "" {
				if err := writeBackendRows(f.out, rows); err != nil {
					return err
				}
			}
			if err := renderBackendRows(cmd.OutOrStdout(), f.format, rows); err != nil {
				return err
			}
			return f.strictCheck(out)
		}
	}
}

func backendRecord(r *backendusage.Row) []string {
	i := func(v int64) string { return strconv.FormatInt(v, 10) }
	return []string{r.Device, r.Provider, r.Kind, r.Region, r.Domains, i(r.Flows), i(r.Packets), i(r.BytesUp), i(r.BytesDown), r.FirstSeen, r.LastSeen, r.Rules}
}

func writeBackendRows(dir string, rows []backendusage.Row) error {
	if err := output.WriteFile(filepath.Join(dir, "backends.csv"), func(w *bufio.Writer) error {
		return renderBackendRows(w, "csv", rows)
	}); err != nil {
		return err
	}
	return output.Parquet(filepath.Join(dir, "backends.parquet"), rows)
}

func renderBackendRows(w io.Writer, format string, rows []backendusage.Row) error {
	switch format {
	case "json":
		return output.JSON(w, rows)
	case "csv":
		cw := output.NewCSV(w, false)
		if err := cw.Write(backendusage.Header); err != nil {
			return err
		}
		for i := range rows {
			if err := cw.Write(backendRecord(&rows[i])); err != nil {
				return err
			}
		}
		return cw.Flush()
	}
	var cells [][]string
	for i := range rows {
		rec := backendRecord(&rows[i])
		cells = append(cells, []string{rec[0], rec[1], rec[3], rec[5], rec[7], rec[8], rec[9], rec[10], rec[4]})
	}
	return output.Table(w, []string{"DEVICE", "PROVIDER", "REGION", "FLOWS", "BYTES UP", "BYTES DOWN", "FIRST SEEN", "LAST SEEN", "DOMAINS"}, cells, 60)
}
