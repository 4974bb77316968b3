package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/iotlens/iotlens/internal/analysis/destinations"
	"github.com/iotlens/iotlens/internal/analysis/endpoints"
	"github.com/iotlens/iotlens/internal/enrich"
)

// enrichFlags are the knowledge and database flags of the commands that
// classify destinations.
type enrichFlags struct {
	asnDB, geoDB, overrides, catalogue string
}

func registerEnrichFlags(cmd *cobra.Command, f *commonFlags) {
	e := &f.enrich
	cmd.Flags().StringVar(&e.asnDB, "asn-db", "", "ASN .mmdb (MaxMind GeoLite2-ASN or ip-location-db asn; see scripts/fetch-mmdb)")
	cmd.Flags().StringVar(&e.geoDB, "geo-db", "", "country .mmdb (MaxMind GeoLite2-Country/City or ip-location-db)")
	cmd.Flags().StringVar(&e.overrides, "overrides", "", "YAML mapping domain patterns to category and organization (extends the built-in knowledge base)")
	cmd.Flags().StringVar(&e.catalogue, "backends", "", "YAML IoT-backend catalogue extending the built-in one")
}

// loadEnricher builds the enrichment from the flags and prints which
// databases are missing.
func loadEnricher(cmd *cobra.Command, f *commonFlags) (*enrich.Enricher, error) {
	e := &f.enrich
	en, warns, err := enrich.New(enrich.Options{ASNDB: e.asnDB, GeoDB: e.geoDB, Overrides: e.overrides, Catalogue: e.catalogue})
	if err != nil {
		return nil, err
	}
	if !f.quiet {
		for _, w := range warns {
			fmt.Fprintln(cmd.ErrOrStderr(), "warning:", w)
		}
	}
	return en, nil
}

// newEnricher builds the destinations enrichment from the flags.
func newEnricher(cmd *cobra.Command, f *commonFlags) (destinations.Enricher, error) {
	en, err := loadEnricher(cmd, f)
	if err != nil {
		return destinations.Enricher{}, err
	}
	return en.Destinations(), nil
}

// newEndpointsEnricher gives the endpoints analysis the same classifier and
// databases as destinations.
func newEndpointsEnricher(cmd *cobra.Command, f *commonFlags) (endpoints.Enricher, error) {
	en, err := loadEnricher(cmd, f)
	if err != nil {
		return endpoints.Enricher{}, err
	}
	return en.Endpoints(), nil
}

// inBackground builds an enrichment while the capture pass runs: decoding
// the embedded knowledge base and backend catalogue takes about 10 ms, a
// tenth of a pass over the MADEA captures, and the pass leaves a core idle
// with -j 1. A bad --overrides, --backends or database file cancels the
// returned context, so the pass stops at once and wait reports that error.
func inBackground[E any](ctx context.Context, build func() (E, error)) (passCtx context.Context, wait func() (E, error)) {
	passCtx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	var enr E
	var err error
	go func() {
		defer close(done)
		if enr, err = build(); err != nil {
			cancel(err)
		}
	}()
	return passCtx, func() (E, error) {
		<-done
		cancel(nil)
		return enr, err
	}
}
