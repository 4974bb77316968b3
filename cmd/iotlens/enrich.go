package main

import (
	"github.com/spf13/cobra"

	"github.com/iotlens/iotlens/internal/analysis/destinations"
)

// enrichFlags are the knowledge and database flags of the commands that
// classify destinations.
type enrichFlags struct {
	asnDB, geoDB, overrides string
}

var enrichment = map[*commonFlags]*enrichFlags{}

func registerEnrichFlags(cmd *cobra.Command, f *commonFlags) {
	e := &enrichFlags{}
	enrichment[f] = e
	cmd.Flags().StringVar(&e.asnDB, "asn-db", "", "ASN .mmdb (MaxMind GeoLite2-ASN or ip-location-db asn-mmdb)")
	cmd.Flags().StringVar(&e.geoDB, "geo-db", "", "country .mmdb (MaxMind GeoLite2-Country/City or ip-location-db)")
	cmd.Flags().StringVar(&e.overrides, "overrides", "", "YAML mapping domain patterns to category and organization")
}

func newEnricher(cmd *cobra.Command, f *commonFlags) (destinations.Enricher, error) {
	return destinations.Enricher{}, nil
}
