package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/iotlens/iotlens/internal/backends"
	"github.com/iotlens/iotlens/internal/backends/censys"
	"github.com/iotlens/iotlens/internal/backends/dnsdb"
	"github.com/iotlens/iotlens/internal/output"
	"github.com/iotlens/iotlens/internal/pipeline"
)

func init() { register(newBackendsCmd) }

// backendsTraffic, when set by the file that implements the traffic mode
// (`iotlens backends CAPTURES`), registers its flags on the parent command
// and returns its RunE. Without it the parent asks for a dataset
// subcommand.
var backendsTraffic func(cmd *cobra.Command) func(*cobra.Command, []string) error

// backendsShownWarnings is how many warnings are printed before a summary count.
const backendsShownWarnings = 20

func newBackendsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "backends",
		Short: "IoT backend providers in DNSDB and Censys exports (catalogue of 16 providers and 7 platforms)",
		Long: `backends attributes names, addresses and certificates to IoT backend providers: the 16 of the
IMC'22 study "A Deep Dive into the IoT Backend Ecosystem" (Amazon AWS, Microsoft, Google, Alibaba
Cloud, Tencent, Baidu, Huawei, IBM, Oracle, SAP, Siemens, Bosch, PTC, Cisco, Sierra Wireless,
Fujitsu) and consumer IoT platforms (Tuya, TP-Link, Xiaomi, SmartThings, Google Nest, Philips Hue,
Amazon Alexa). The catalogue is built in, with the study's post-processing rules; --catalogue adds
or replaces providers (same YAML format, see docs/backends.md).

  backends dnsdb FILES...    passive-DNS exports (DNSDB API v2 NDJSON, plain/.gz/.zst)
  backends censys FILES...   Censys host and certificate exports (JSON lines, plain/.gz/.zst)
  backends catalogue         list the providers and rules (checks a --catalogue file)`,
		Example: `  iotlens backends dnsdb -o out/ dnsdb_results.json.gz
  iotlens backends censys -o out/ censys_universal_20220228/
  iotlens backends catalogue --catalogue my-providers.yaml`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageError{errors.New("backends: choose a dataset: `iotlens backends dnsdb FILES...`, " +
				"`iotlens backends censys FILES...` or `iotlens backends catalogue`")}
		},
	}
	if backendsTraffic != nil {
		cmd.RunE = backendsTraffic(cmd)
	}
	cmd.AddCommand(newBackendsDNSDBCmd(), newBackendsCensysCmd(), newBackendsCatalogueCmd())
	return cmd
}

// datasetFlags are the flags of the dataset subcommands.
type datasetFlags struct {
	out       string
	catalogue string
	strict    bool
	quiet     bool
}

func (f *datasetFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&f.out, "output", "o", "", "write the CSV and Parquet tables into this directory")
	fl.StringVar(&f.catalogue, "catalogue", "", "a YAML catalogue that adds or replaces providers (docs/backends.md)")
	fl.BoolVar(&f.strict, "strict", false, "exit with code 3 when any line was damaged or a query incomplete")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no warnings or closing line on stderr")
}

// loadCatalogue is the built-in catalogue, extended by file when one is given.
func loadCatalogue(file string) (*backends.Catalogue, error) {
	if file == "" {
		return backends.Default(), nil
	}
	return backends.Load(file)
}

// prepare loads the catalogue and expands the inputs.
func (f *datasetFlags) prepare(args []string) (*backends.Catalogue, []string, error) {
	cat, err := loadCatalogue(f.catalogue)
	if err != nil {
		return nil, nil, err
	}
	files, err := backends.DatasetFiles(args)
	if err != nil {
		return nil, nil, err
	}
	output.Protect(files...)
	return cat, files, nil
}

// warner prints the first warnings and counts the rest.
func (f *datasetFlags) warner(w io.Writer) (func(string), func(total int)) {
	shown := 0
	warn := func(msg string) {
		if f.quiet {
			return
		}
		if shown < backendsShownWarnings {
			fmt.Fprintf(w, "warning: %s\n", output.TerminalSafe(msg, 0))
		}
		shown++
	}
	summary := func(total int) {
		if !f.quiet && total > backendsShownWarnings {
			fmt.Fprintf(w, "warning: %d more warnings not shown\n", total-backendsShownWarnings)
		}
	}
	return warn, summary
}

// dataset is what differs between the dataset subcommands; run does the
// steps they share around it. R is the miner's result.
type dataset[R any] struct {
	mine     func(cat *backends.Catalogue, files []string, warn func(string)) (R, error)
	warnings func(R) int
	table    func(io.Writer, R) error
	closing  func(res R, elapsed time.Duration) string // the closing line on stderr, after "iotlens: "
	write    func(dir string, res R) ([]string, error)
}

// run mines the files named by args, prints the warnings, the table and
// the closing line, and writes the output files.
func (d dataset[R]) run(cmd *cobra.Command, f *datasetFlags, args []string) error {
	cat, files, err := f.prepare(args)
	if err != nil {
		return err
	}
	warn, summary := f.warner(cmd.ErrOrStderr())
	start := time.Now()
	res, err := d.mine(cat, files, warn)
	if err != nil {
		return err
	}
	summary(d.warnings(res))
	if err := d.table(cmd.OutOrStdout(), res); err != nil {
		return err
	}
	if !f.quiet {
		fmt.Fprintf(cmd.ErrOrStderr(), "iotlens: %s\n", d.closing(res, time.Since(start)))
	}
	return f.finish(cmd, d.warnings(res), func(dir string) ([]string, error) { return d.write(dir, res) })
}

func (f *datasetFlags) finish(cmd *cobra.Command, warnings int, write func(dir string) ([]string, error)) error {
	if f.out != "" {
		paths, err := write(f.out)
		if err != nil {
			return err
		}
		if !f.quiet {
			fmt.Fprintf(cmd.ErrOrStderr(), "iotlens: wrote %s\n", strings.Join(paths, ", "))
		}
	}
	if f.strict && warnings > 0 {
		return warningsError{warnings}
	}
	return nil
}

func newBackendsDNSDBCmd() *cobra.Command {
	var f datasetFlags
	var passes int
	cmd := &cobra.Command{
		Use:   "dnsdb [flags] FILES...",
		Short: "Attribute DNSDB passive-DNS exports to IoT backend providers",
		Long: `dnsdb reads DNSDB exports as the API v2 returns them (NDJSON, with or without the SAF
framing {"cond":"begin"} / {"obj":{...}} / {"cond":"succeeded"}; the study's query script output
with its "company" member is read too), plain, gzip or zstd (told from the content), streamed:
files larger than memory are fine. Fields: rrname, rrtype, rdata (string or array),
time_first/time_last or zone_time_first/zone_time_last, count.

Every rrname is matched against the catalogue with the study's rules (AWS: only direct
sub-domains of iot.<region>.amazonaws.com; Bosch: no "doc."; Siemens: no "static" or "edge";
Alibaba: link.aliyuncs.com names must contain "coap"). CNAMEs of attributed names are followed
within the data; targets missing from it are listed for the next query round.

Outputs (-o DIR): dnsdb_providers, dnsdb_domains and dnsdb_addresses as .csv and .parquet,
and dnsdb_next_queries.csv (the study's query-file columns). A table of the providers is
printed on standard output. SAF "limited"/"failed" conditions, streams without "succeeded"
and damaged lines are warnings (exit code 3 with --strict).`,
		Example: `  iotlens backends dnsdb -o out/ dnsdb_results.json.gz
  iotlens backends dnsdb -o out/ round1/ round2/          # all files in both folders
  iotlens backends dnsdb --catalogue my-providers.yaml export.ndjson.zst`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return dataset[*dnsdb.Result]{
				mine: func(cat *backends.Catalogue, files []string, warn func(string)) (*dnsdb.Result, error) {
					return dnsdb.Mine(cmd.Context(), files, dnsdb.Options{Catalogue: cat, MaxPasses: passes, Warn: warn})
				},
				warnings: func(res *dnsdb.Result) int { return res.WarningCount },
				table:    dnsdbTable,
				closing: func(res *dnsdb.Result, el time.Duration) string {
					return fmt.Sprintf("%d files, %d records, %d attributed, %d bytes, %d passes, %d CNAME targets to query, %d warnings, %s (%.0f MB/s)",
						res.Files, res.Records, res.Attributed, res.Bytes, res.Passes, len(res.NextQueries), res.WarningCount,
						pipeline.Elapsed(el), float64(res.Bytes)/1e6/max(el.Seconds(), 1e-9))
				},
				write: dnsdb.WriteFiles,
			}.run(cmd, &f, args)
		},
	}
	f.register(cmd)
	cmd.Flags().IntVar(&passes, "passes", dnsdb.DefaultMaxPasses, "most passes over the data to follow CNAMEs whose targets come first")
	return cmd
}

func dnsdbTable(w io.Writer, res *dnsdb.Result) error {
	header := []string{"PROVIDER", "KIND", "DOMAINS", "IPV4", "IPV6", "REGIONS", "RECORDS", "FIRST SEEN", "LAST SEEN", "TO QUERY"}
	return providersTable(w, header, res.Providers, func(p *dnsdb.ProviderRow) []string {
		return []string{p.Provider, p.Kind, backendsItoa(p.Domains), backendsItoa(p.IPv4), backendsItoa(p.IPv6),
			strings.Join(p.Regions, " "), backendsItoa(p.Records), backends.FormatMillis(p.FirstSeen),
			backends.FormatMillis(p.LastSeen), backendsItoa(p.Pending)}
	})
}

// providersTable prints a dataset result's providers, one row each, as both
// dataset subcommands do on standard output.
func providersTable[P any](w io.Writer, header []string, providers []P, row func(*P) []string) error {
	var rows [][]string
	for i := range providers {
		rows = append(rows, row(&providers[i]))
	}
	return output.Table(w, header, rows, 60)
}

func newBackendsCensysCmd() *cobra.Command {
	var f datasetFlags
	cmd := &cobra.Command{
		Use:   "censys [flags] FILES...",
		Short: "Attribute Censys host and certificate exports to IoT backend providers",
		Long: `censys reads Censys exports as JSON lines (plain, gzip or zstd): the Universal Internet
Dataset host records the study used (host_identifier.ipv4, autonomous_system.asn,
services[].port/service_name/snapshot_date/tls.certificates.leaf_data.{names,subject_dn,
issuer_dn}), certificate exports (parsed.names, parsed.subject_dn, parsed.validity or
validity_period) and the study's own interim rows (names joined with ';').

Each certificate name (SANs and the subject CN) is matched as a whole name (a leading "*."
wildcard stands for one label), never as a substring, and the study's rules apply to the
certificate as a whole: SAP drops certificates naming "sapns2", AWS keeps only those with a
"*.iot" name, Bosch only those naming bosch-iot-hub.com, Siemens only eu1/eu2.mindsphere.io
and cn1.mindsphere-in.cn.

Outputs (-o DIR): censys_providers, censys_hosts and censys_certificates as .csv and
.parquet. A table of the providers is printed on standard output.`,
		Example: `  iotlens backends censys -o out/ censys_universal_20220228/
  iotlens backends censys certificates.json.gz`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return dataset[*censys.Result]{
				mine: func(cat *backends.Catalogue, files []string, warn func(string)) (*censys.Result, error) {
					return censys.Mine(cmd.Context(), files, censys.Options{Catalogue: cat, Warn: warn})
				},
				warnings: func(res *censys.Result) int { return res.WarningCount },
				table:    censysTable,
				closing: func(res *censys.Result, el time.Duration) string {
					return fmt.Sprintf("%d files, %d lines, %d certificates, %d attributed, %d bytes, %d warnings, %s",
						res.Files, res.Lines, res.Certs, res.Matched, res.Bytes, res.WarningCount, pipeline.Elapsed(el))
				},
				write: censys.WriteFiles,
			}.run(cmd, &f, args)
		},
	}
	f.register(cmd)
	return cmd
}

func censysTable(w io.Writer, res *censys.Result) error {
	header := []string{"PROVIDER", "KIND", "IPS", "PORTS", "CERTIFICATES", "NAMES", "REGIONS", "VALID FROM", "VALID TO", "SNAPSHOTS"}
	return providersTable(w, header, res.Providers, func(p *censys.ProviderRow) []string {
		snapshots := p.FirstSnapshot
		if p.LastSnapshot != p.FirstSnapshot {
			snapshots += " .. " + p.LastSnapshot
		}
		return []string{p.Provider, p.Kind, backendsItoa(p.IPs), strings.Join(p.Ports, " "), backendsItoa(p.Certificates),
			backendsItoa(p.CertNames), strings.Join(p.Regions, " "), p.NotBefore, p.NotAfter, snapshots}
	})
}

func newBackendsCatalogueCmd() *cobra.Command {
	var file string
	var rules bool
	cmd := &cobra.Command{
		Use:   "catalogue [--catalogue FILE] [--rules]",
		Short: "List the backend providers and their rules",
		Long: `catalogue lists the built-in providers (with --catalogue, the catalogue extended by FILE,
which is checked: unknown keys, bad regular expressions and examples that their rule does not
match are errors with their line). --rules lists every rule with its suffixes and pattern.`,
		Example: `  iotlens backends catalogue
  iotlens backends catalogue --rules --catalogue my-providers.yaml`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cat, err := loadCatalogue(file)
			if err != nil {
				return err
			}
			if rules {
				return catalogueRules(cmd.OutOrStdout(), cat)
			}
			header := []string{"PROVIDER", "KIND", "STUDY LABEL", "RULES", "SOURCE"}
			var rows [][]string
			for _, p := range cat.Providers() {
				rows = append(rows, []string{p.Name, p.Kind, p.StudyLabel, strconv.Itoa(len(p.Rules)), p.Sources[0]})
			}
			return output.Table(cmd.OutOrStdout(), header, rows, 70)
		},
	}
	cmd.Flags().StringVar(&file, "catalogue", "", "a YAML catalogue that adds or replaces providers")
	cmd.Flags().BoolVar(&rules, "rules", false, "list every rule")
	return cmd
}

func catalogueRules(w io.Writer, cat *backends.Catalogue) error {
	header := []string{"PROVIDER", "RULE", "FOR", "SUFFIXES", "PATTERN"}
	var rows [][]string
	for _, p := range cat.Providers() {
		for _, r := range p.Rules {
			kind := "domain"
			if r.Certificate {
				kind = "certificate"
			}
			rows = append(rows, []string{p.Name, r.ID, kind, strings.Join(r.Suffixes, " "), r.Regex})
		}
	}
	return output.Table(w, header, rows, 90)
}

func backendsItoa(n int64) string { return strconv.FormatInt(n, 10) }
