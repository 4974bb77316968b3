package destinations_test

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/analysis/destinations"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/enrich"
	"github.com/iotlens/iotlens/internal/pipeline"
	"github.com/iotlens/iotlens/internal/testutil"
)

// classifier is the enrichment the CLI builds (without .mmdb files).
func classifier(t *testing.T) destinations.Enricher {
	en, _, err := enrich.New(enrich.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return en.Destinations()
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
	months := destinations.Report(out.Partial(destinations.Name).(*destinations.Partial), out.Inventory, classifier(t))
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
