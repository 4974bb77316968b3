package main

import (
	"fmt"
	"net/netip"

	"github.com/spf13/cobra"

	"github.com/iotlens/iotlens/internal/analysis/destinations"
	"github.com/iotlens/iotlens/internal/analysis/endpoints"
	"github.com/iotlens/iotlens/internal/backends"
	"github.com/iotlens/iotlens/internal/geo"
	"github.com/iotlens/iotlens/internal/knowledge"
)

// enrichFlags are the knowledge and database flags of the commands that
// classify destinations.
type enrichFlags struct {
	asnDB, geoDB, overrides, catalogue string
}

var enrichment = map[*commonFlags]*enrichFlags{}

func registerEnrichFlags(cmd *cobra.Command, f *commonFlags) {
	e := &enrichFlags{}
	enrichment[f] = e
	cmd.Flags().StringVar(&e.asnDB, "asn-db", "", "ASN .mmdb (MaxMind GeoLite2-ASN or ip-location-db asn; see scripts/fetch-mmdb)")
	cmd.Flags().StringVar(&e.geoDB, "geo-db", "", "country .mmdb (MaxMind GeoLite2-Country/City or ip-location-db)")
	cmd.Flags().StringVar(&e.overrides, "overrides", "", "YAML mapping domain patterns to category and organization (extends the built-in knowledge base)")
	cmd.Flags().StringVar(&e.catalogue, "backends", "", "YAML IoT-backend catalogue extending the built-in one")
}

// enricher is what the classifying commands share: the party classifier
// (knowledge base + IoT-backend catalogue for Platform-party), the offline
// ASN/geo databases and the seed's SLD/TLD split.
type enricher struct {
	classifier *knowledge.Classifier
	geo        *geo.DB
	warnings   []string
}

func loadEnricher(cmd *cobra.Command, f *commonFlags) (*enricher, error) {
	e := enrichment[f]
	if e == nil {
		e = &enrichFlags{}
	}
	kb := knowledge.Default()
	if e.overrides != "" {
		var err error
		if kb, err = knowledge.LoadOverrides(e.overrides); err != nil {
			return nil, err
		}
	}
	cat := backends.Default()
	if e.catalogue != "" {
		var err error
		if cat, err = backends.Load(e.catalogue); err != nil {
			return nil, err
		}
	}
	platform := func(d string) (string, bool) {
		m, ok := cat.MatchDomain(d)
		return m.Provider, ok
	}
	db, warns, err := geo.Open(e.asnDB, e.geoDB)
	if err != nil {
		return nil, err
	}
	if !f.quiet {
		for _, w := range warns {
			fmt.Fprintln(cmd.ErrOrStderr(), "warning:", w)
		}
	}
	return &enricher{classifier: knowledge.NewClassifier(kb, platform), geo: db, warnings: warns}, nil
}

// newEnricher builds the destinations enrichment from the flags.
func newEnricher(cmd *cobra.Command, f *commonFlags) (destinations.Enricher, error) {
	e, err := loadEnricher(cmd, f)
	if err != nil {
		return destinations.Enricher{}, err
	}
	return destinations.Enricher{
		Classify: func(in destinations.ClassifyInput) destinations.Verdict {
			ki := knowledge.Input{Domain: in.Domain, IP: in.IP, CertOrg: in.CertOrg}
			if d := in.Device; d != nil {
				ki.DeviceName, ki.Manufacturer, ki.Model, ki.Vendor = d.Name, d.Manufacturer, d.Model, d.Vendor
			}
			v := e.classifier.Classify(ki)
			return destinations.Verdict{Party: string(v.Party), Organization: v.Organization, Rule: v.Rule}
		},
		Geo: func(ip netip.Addr) destinations.Geo {
			i := e.geo.Lookup(ip)
			return destinations.Geo{ASN: i.ASN, ASOrg: i.Org, Country: i.Country, CountryName: i.CountryName}
		},
		Split:       knowledge.SplitDomain,
		Registrable: knowledge.RegistrableDomain,
	}, nil
}

// newEndpointsEnricher gives the endpoints analysis the same classifier and
// databases as destinations; the party becomes the seed's Type.
func newEndpointsEnricher(cmd *cobra.Command, f *commonFlags) (endpoints.Enricher, error) {
	e, err := loadEnricher(cmd, f)
	if err != nil {
		return endpoints.Enricher{}, err
	}
	return endpoints.Enricher{
		Classify: func(in endpoints.Input) (string, string, string) {
			ki := knowledge.Input{IP: in.IP, CertOrg: in.CertOrg}
			if len(in.Names) > 0 {
				ki.Domain = in.Names[0]
			}
			if d := in.Device; d != nil {
				ki.DeviceName, ki.Manufacturer, ki.Model, ki.Vendor = d.Name, d.Manufacturer, d.Model, d.Vendor
			}
			v := e.classifier.Classify(ki)
			return string(v.Party), v.Organization, v.Rule
		},
		Geo: func(ip netip.Addr) (uint, string, string) {
			i := e.geo.Lookup(ip)
			return i.ASN, i.Org, i.Country
		},
	}, nil
}
