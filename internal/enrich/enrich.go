// Package enrich builds what the classifying analyses need beyond the
// pass: the party classifier (knowledge base, plus the IoT-backend
// catalogue for Platform-party), the offline ASN/geo databases and the
// seed's SLD/TLD split, adapted to destinations and endpoints. Commands and
// tests build it the same way, so they classify the same way.
package enrich

import (
	"net/netip"

	"github.com/iotlens/iotlens/internal/analysis/destinations"
	"github.com/iotlens/iotlens/internal/analysis/endpoints"
	"github.com/iotlens/iotlens/internal/backends"
	"github.com/iotlens/iotlens/internal/geo"
	"github.com/iotlens/iotlens/internal/inventory"
	"github.com/iotlens/iotlens/internal/knowledge"
)

// Options name the user's files; all may be empty.
type Options struct {
	ASNDB, GeoDB string // .mmdb files
	Overrides    string // YAML extending the knowledge base
	Catalogue    string // YAML extending the IoT-backend catalogue
}

// Enricher is the loaded knowledge and databases.
type Enricher struct {
	classifier *knowledge.Classifier
	geo        *geo.DB
}

// New loads everything; warnings say which databases are missing.
func New(o Options) (*Enricher, []string, error) {
	kb := knowledge.Default()
	if o.Overrides != "" {
		var err error
		if kb, err = knowledge.LoadOverrides(o.Overrides); err != nil {
			return nil, nil, err
		}
	}
	cat := backends.Default()
	if o.Catalogue != "" {
		var err error
		if cat, err = backends.Load(o.Catalogue); err != nil {
			return nil, nil, err
		}
	}
	platform := func(d string) (knowledge.Platform, bool) {
		m, ok := cat.MatchDomain(d)
		return knowledge.Platform{Provider: m.Provider, WhiteLabel: m.WhiteLabel}, ok
	}
	db, warns, err := geo.Open(o.ASNDB, o.GeoDB)
	if err != nil {
		return nil, nil, err
	}
	knowledge.PreloadTrackers() // classification starts after the pass: decode the list meanwhile
	return &Enricher{classifier: knowledge.NewClassifier(kb, platform), geo: db}, warns, nil
}

func (e *Enricher) classify(domain string, ip netip.Addr, certOrg string, d *inventory.Device) knowledge.Verdict {
	in := knowledge.Input{Domain: domain, IP: ip, CertOrg: certOrg}
	if d != nil {
		in.DeviceName, in.Manufacturer, in.Model, in.Vendor = d.Name, d.Manufacturer, d.Model, d.Vendor
	}
	return e.classifier.Classify(in)
}

// Destinations adapts the enricher to the destinations analysis.
func (e *Enricher) Destinations() destinations.Enricher {
	return destinations.Enricher{
		Classify: func(in destinations.ClassifyInput) destinations.Verdict {
			v := e.classify(in.Domain, in.IP, in.CertOrg, in.Device)
			return destinations.Verdict{Party: string(v.Party), Organization: v.Organization, Rule: v.Rule}
		},
		Geo: func(ip netip.Addr) destinations.Geo {
			i := e.geo.Lookup(ip)
			return destinations.Geo{ASN: i.ASN, ASOrg: i.Org, Country: i.Country, CountryName: i.CountryName}
		},
		Split:       knowledge.SplitDomain,
		Registrable: knowledge.RegistrableDomain,
	}
}

// Endpoints adapts the enricher to the endpoints analysis: the party
// becomes the seed's Type.
func (e *Enricher) Endpoints() endpoints.Enricher {
	return endpoints.Enricher{
		Classify: func(in endpoints.Input) (string, string, string) {
			domain := ""
			if len(in.Names) > 0 {
				domain = in.Names[0]
			}
			v := e.classify(domain, in.IP, in.CertOrg, in.Device)
			return string(v.Party), v.Organization, v.Rule
		},
		Geo: func(ip netip.Addr) (uint, string, string) {
			i := e.geo.Lookup(ip)
			return i.ASN, i.Org, i.Country
		},
	}
}
