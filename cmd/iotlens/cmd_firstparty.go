package main

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iotlens/iotlens/internal/analysis/destinations"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/knowledge"
	"github.com/iotlens/iotlens/internal/output"
	"github.com/iotlens/iotlens/internal/pipeline"
)

func init() { register(newFirstPartyCmd) }

func newFirstPartyCmd() *cobra.Command {
	var f commonFlags
	var manufacturer string
	cmd := &cobra.Command{
		Use:   "first-party --manufacturer NAME [CAPTURES...]",
		Short: "List a manufacturer's first-party domains (knowledge base, and captures)",
		Long: `first-party prints the manufacturer's first-party domains, one per line (the seed's
first_party_domains.txt): the registrable domains of the built-in knowledge base (extended with
--overrides), and, when captures are given, every destination name in them whose registrable
domain is one of those or whose TLS certificate names the manufacturer's organization.`,
		Example: `  iotlens first-party --manufacturer Sonos
  iotlens first-party --manufacturer "TP-Link" -o first_party_domains.txt captures/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if manufacturer == "" {
				return usageError{fmt.Errorf("--manufacturer is required")}
			}
			kb := knowledge.Default()
			if e := f.enrich; e.overrides != "" {
				var err error
				if kb, err = knowledge.LoadOverrides(e.overrides); err != nil {
					return err
				}
			}
			base := kb.FirstPartyDomains(manufacturer)
			if len(base) == 0 {
				return usageError{fmt.Errorf("--manufacturer %q is not in the knowledge base; known: %s", manufacturer, strings.Join(kb.Manufacturers(), ", "))}
			}
			domains := map[string]bool{}
			for _, d := range base {
				domains[d] = true
			}
			if len(args) > 0 {
				found, err := observedFirstParty(cmd, &f, args, kb, manufacturer, domains)
				if err != nil {
					return err
				}
				for _, d := range found {
					domains[d] = true
				}
			}
			list := make([]string, 0, len(domains))
			for d := range domains {
				list = append(list, d)
			}
			sort.Strings(list)
			write := func(w io.Writer) error {
				for _, d := range list {
					if _, err := fmt.Fprintln(w, d); err != nil {
						return err
					}
				}
				return nil
			}
			if f.out == "" {
				return write(cmd.OutOrStdout())
			}
			return output.WriteFile(f.out, func(w *bufio.Writer) error { return write(w) })
		},
	}
	f.register(cmd, "write the list to this file instead of standard output", nil)
	cmd.Flags().StringVar(&manufacturer, "manufacturer", "", `manufacturer, e.g. "Sonos", "TP-Link", "Amazon"`)
	registerEnrichFlags(cmd, &f)
	return cmd
}

// observedFirstParty runs the destinations pass and keeps names that belong
// to the manufacturer by registrable domain or certificate organization.
func observedFirstParty(cmd *cobra.Command, f *commonFlags, args []string, kb *knowledge.KB, manufacturer string, known map[string]bool) ([]string, error) {
	opts := f.pipelineOptions(cmd, args)
	opts.Analyses = []engine.Analysis{destinations.Analysis{}}
	out, err := pipeline.Run(cmd.Context(), opts)
	if err != nil || out.Sharded {
		return nil, err
	}
	org := strings.ToLower(kb.Organization(manufacturer))
	p := out.Partial(destinations.Name).(*destinations.Partial).Final()
	var found []string
	for _, m := range []map[destinations.Key]*destinations.Counts{p.Flows, p.Pending} {
		for k, c := range m {
			if k.Name == "" {
				continue
			}
			reg := knowledge.RegistrableDomain(k.Name)
			byOrg := org != "" && c.CertOrg != "" && strings.Contains(strings.ToLower(c.CertOrg), org)
			if known[reg] || byOrg {
				found = append(found, k.Name)
			}
		}
	}
	return found, nil
}
