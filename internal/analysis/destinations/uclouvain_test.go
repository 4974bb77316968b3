package destinations_test

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/analysis/destinations"
	"github.com/iotlens/iotlens/internal/backends"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/knowledge"
	"github.com/iotlens/iotlens/internal/pipeline"
	"github.com/iotlens/iotlens/internal/testutil"
)

// classifier is the enrichment the CLI builds: knowledge base + IoT-backend
// catalogue for Platform-party.
func classifier() destinations.Enricher {
	cat := backends.Default()
	c := knowledge.NewClassifier(knowledge.Default(), func(d string) (string, bool) {
		m, ok := cat.MatchDomain(d)
		return m.Provider, ok
	})
	return destinations.Enricher{
		Classify: func(in destinations.ClassifyInput) destinations.Verdict {
			ki := knowledge.Input{Domain: in.Domain, IP: in.IP, CertOrg: in.CertOrg}
			if d := in.Device; d != nil {
				ki.DeviceName, ki.Manufacturer, ki.Model, ki.Vendor = d.Name, d.Manufacturer, d.Model, d.Vendor
			}
			v := c.Classify(ki)
			return destinations.Verdict{Party: string(v.Party), Organization: v.Organization, Rule: v.Rule}
		},
		Split: knowledge.SplitDomain, Registrable: knowledge.RegistrableDomain,
	}
}

// TestUCLouvainParties: on the UCLouvain traces with devices.yaml, each
// device's cloud names get the party a researcher would give.
func TestUCLouvainParties(t *testing.T) {
	root := testutil.Fixture(t, "uclouvain-shhcp")
	out, err := pipeline.Run(context.Background(), pipeline.Options{Inputs: []string{root}, Quiet: true, Stderr: io.Discard,
		DevicesFile: filepath.Join(root, "devices.yaml"), Analyses: []engine.Analysis{destinations.Analysis{}}})
	if err != nil {
		t.Fatal(err)
	}
	months := destinations.Report(out.Partial(destinations.Name).(*destinations.Partial), out.Inventory, classifier())
	party := map[string]map[string]string{} // device -> domain -> party
	for _, m := range months {
		if party[m.Device.Name] == nil {
			party[m.Device.Name] = map[string]string{}
		}
		for _, r := range m.Rows {
			party[m.Device.Name][r.Domain] = r.Category
		}
	}
	checks := []struct {
		device, suffix, want string
	}{
		{"HueLight", ".iot.meethue.com", "First-party"},
		{"HueLight", "diag.meethue.com", "First-party"},
		{"TuyaLight", ".tuyaeu.com", "Platform-party"},
		{"TuyaPlug", ".tuyaeu.com", "Platform-party"},
		{"TapoPlug", "pool.ntp.org", "Support-party"},
		{"TapoLight", ".tplinknbu.com", "First-party"},
		{"SmartThingsHub", ".smartthings.com", "First-party"}, // devices.yaml names 192.168.1.222 SmartThingsHub first
		{"DLinkCamera", ".mydlink.com", "First-party"},
		{"XiaomiCamera", ".mi.com", "First-party"},
	}
	for _, c := range checks {
		found := 0
		for domain, p := range party[c.device] {
			if strings.HasSuffix(domain, c.suffix) {
				found++
				if p != c.want {
					t.Errorf("%s: %s is %s, want %s", c.device, domain, p, c.want)
				}
			}
		}
		if found == 0 {
			t.Errorf("%s: no destination ending in %s (have %v)", c.device, c.suffix, keys(party[c.device]))
		}
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
