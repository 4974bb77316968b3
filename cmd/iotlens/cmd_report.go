package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/iotlens/iotlens/internal/analysis/destinations"
	"github.com/iotlens/iotlens/internal/analysis/summary"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/pipeline"
	"github.com/iotlens/iotlens/internal/report"
)

func init() { register(newReportCmd) }

func newReportCmd() *cobra.Command {
	var f commonFlags
	var from, title, tz string
	cmd := &cobra.Command{
		Use:   "report [flags] CAPTURES... -o DIR",
		Short: "One self-contained HTML report: devices, destinations, charts, tables",
		Long: `report runs the summary and destination analyses in one pass and writes into DIR:

  DIR/report.html                 one self-contained page (inline SVG charts, sortable and
                                  filterable tables; no network, opens from file:// or e-mail)
  DIR/summary.csv, summary.json   the per-device summary it shows
  DIR/destinations/               the destination tables (see 'iotlens destinations --help')

With --from DIR, no capture is read: the report is rebuilt from an existing output folder of
'iotlens summary' / 'iotlens destinations' / 'iotlens report' (its summary.json or summary.csv
and destinations/destinations.csv or destinations.csv) and written to -o (default: DIR itself).`,
		Example: `  iotlens report --devices Device_MAC_Name_Mapping.csv madea/ -o out
  iotlens report --tz Europe/Brussels --devices devices.yaml uclouvain/ -o out
  iotlens report --from out -o out-again                 # rebuild the page from the CSV/JSON files`,
		Args: func(cmd *cobra.Command, args []string) error {
			if from != "" {
				if len(args) > 0 {
					return usageError{fmt.Errorf("--from reads an output folder: give no captures with it")}
				}
				return nil
			}
			return minArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.checkFormat("html"); err != nil {
				return err
			}
			if from != "" {
				return reportFromFolder(cmd, from, f.out, title, f.quiet)
			}
			if f.out == "" {
				return usageError{fmt.Errorf("-o DIR is required")}
			}
			loc, err := time.LoadLocation(tz)
			if err != nil {
				return usageError{fmt.Errorf("--tz %q: %w", tz, err)}
			}
			ctx, enrichment := inBackground(cmd.Context(), func() (destinations.Enricher, error) { return newEnricher(cmd, &f) })
			opts := f.pipelineOptions(cmd, args)
			opts.Analyses = reportAnalyses(loc)
			out, err := pipeline.Run(ctx, opts)
			enr, enrErr := enrichment()
			if enrErr != nil {
				return enrErr
			}
			if err != nil || out.Sharded {
				return err
			}
			if title == "" {
				title = defaultReportTitle(args)
			}
			if err := writeReportFolder(f.out, title, out, enr, nil); err != nil {
				return err
			}
			if !f.quiet {
				fmt.Fprintf(cmd.ErrOrStderr(), "iotlens: report written to %s\n", filepath.Join(f.out, "report.html"))
			}
			return f.strictCheck(out)
		},
	}
	f.register(cmd, "output folder (required with captures; default with --from: that folder)", []string{"html"})
	cmd.Flags().StringVar(&from, "from", "", "rebuild the report from this output folder instead of reading captures")
	cmd.Flags().StringVar(&title, "title", "", "page title (default: from the inputs)")
	cmd.Flags().StringVar(&tz, "tz", "UTC", "time zone for months (IANA name, e.g. Europe/Brussels)")
	registerEnrichFlags(cmd, &f)
	return cmd
}

// reportAnalyses are the analyses a report shows, run in one pass.
func reportAnalyses(loc *time.Location) []engine.Analysis {
	return []engine.Analysis{summary.Analysis{}, destinations.Analysis{Location: loc}}
}

func defaultReportTitle(inputs []string) string {
	if len(inputs) == 1 {
		return "iotlens report: " + filepath.Base(filepath.Clean(inputs[0]))
	}
	return "iotlens report: " + strconv.Itoa(len(inputs)) + " inputs"
}

// writeReportFolder writes the summary, the destination tables and the
// report that links them into dir. also names files already written into
// dir that the report should link too.
func writeReportFolder(dir, title string, out *pipeline.Outcome, enr destinations.Enricher, also []string) error {
	sumPartial := out.Partial(summary.Name).(*summary.Partial)
	rows := summary.Build(sumPartial, out.Inventory, 3)
	months := destinations.Report(out.Partial(destinations.Name).(*destinations.Partial), out.Inventory, enr)
	files := []string{filepath.Join(dir, "summary.csv"), filepath.Join(dir, "summary.json")}
	for i, format := range []string{"csv", "json"} {
		if err := writeSummary(nil, files[i], format, rows); err != nil {
			return err
		}
	}
	destDir := filepath.Join(dir, "destinations")
	if err := destinations.Write(destDir, months); err != nil {
		return err
	}
	for _, name := range also {
		files = append(files, filepath.Join(dir, name))
	}
	files = append(files, filepath.Join(destDir, "destinations.csv"), filepath.Join(destDir, "destinations.parquet"))
	m := &report.Model{
		Title:        title,
		Generated:    time.Now().UTC().Format(time.RFC3339),
		Run:          report.RunFromResult(out.Result),
		Devices:      report.FromSummary(rows),
		Destinations: report.FromDestinations(months),
		Protocols:    report.ProtocolsFromSummary(sumPartial, out.Inventory),
		Links:        report.FileLinks(dir, files),
	}
	return report.WriteFile(filepath.Join(dir, "report.html"), m)
}

// reportFromFolder rebuilds a report from the files of an earlier run.
func reportFromFolder(cmd *cobra.Command, from, dir, title string, quiet bool) error {
	if dir == "" {
		dir = from
	}
	l, err := report.Load(from)
	if err != nil {
		return err
	}
	if title == "" {
		title = "iotlens report: " + filepath.Base(filepath.Clean(from))
	}
	m := &report.Model{
		Title:        title,
		Generated:    time.Now().UTC().Format(time.RFC3339),
		Run:          report.RunInfo{Source: from},
		Devices:      l.Devices,
		Destinations: l.Destinations,
		Links:        report.FileLinks(dir, l.Files),
	}
	path := filepath.Join(dir, "report.html")
	if err := report.WriteFile(path, m); err != nil {
		return err
	}
	if !quiet {
		fmt.Fprintf(cmd.ErrOrStderr(), "iotlens: report of %d devices written to %s\n", len(m.Devices), path)
	}
	return nil
}
