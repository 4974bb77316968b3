package main

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/iotlens/iotlens/internal/analysis/summary"
	"github.com/iotlens/iotlens/internal/demo"
	"github.com/iotlens/iotlens/internal/pipeline"
)

func init() { register(newDemoCmd) }

func newDemoCmd() *cobra.Command {
	var out string
	var quiet bool
	var f commonFlags // only for the destination enrichment flags
	cmd := &cobra.Command{
		Use:   "demo [-o DIR]",
		Short: "Run iotlens on its built-in synthetic smart-home sample",
		Long: `demo needs no input: it unpacks a small synthetic smart-home capture made by
'iotlens synth' (8 devices, 3 hours) into DIR/input, runs the analyses on it in one pass
and writes the results into DIR: report.html (the self-contained HTML report; open it in a
browser), summary.txt (the table), summary.csv, summary.json and destinations/ (where each
device sends data).`,
		Example: `  iotlens demo -o out
  iotlens summary --devices out/input/sample-devices.csv out/input/sample.pcap   # the same by hand`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			capPath, devPath, err := demo.Extract(filepath.Join(out, "input"))
			if err != nil {
				return err
			}
			enr, err := newEnricher(cmd, &f)
			if err != nil {
				return err
			}
			res, err := pipeline.Run(cmd.Context(), pipeline.Options{
				Inputs: []string{capPath}, DevicesFile: devPath, Quiet: quiet, Stderr: cmd.ErrOrStderr(),
				Analyses: reportAnalyses(time.UTC),
			})
			if err != nil {
				return err
			}
			rows := summary.Build(res.Partial(summary.Name).(*summary.Partial), res.Inventory, 3)
			if err := writeSummary(nil, filepath.Join(out, "summary.txt"), "table", rows); err != nil {
				return err
			}
			// summary.csv, summary.json, destinations/ and report.html.
			if err := writeReportFolder(out, "iotlens demo: a synthetic smart home", res, enr, []string{"summary.txt"}); err != nil {
				return err
			}
			if err := summaryTable(cmd.OutOrStdout(), rows); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "iotlens: results written to %s (report.html, summary.txt, summary.csv, summary.json, destinations/)\n", out)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "out", "folder for the results")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "no progress or closing line on stderr")
	registerEnrichFlags(cmd, &f)
	return cmd
}
