package backendusage

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/iotlens/iotlens/internal/analysis/destinations"
	"github.com/iotlens/iotlens/internal/backends"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/pipeline"
	"github.com/iotlens/iotlens/internal/testutil"
)

func attribute(t *testing.T, dir, devices string) map[string]map[string]Row {
	t.Helper()
	out, err := pipeline.Run(context.Background(), pipeline.Options{Inputs: []string{dir}, DevicesFile: filepath.Join(dir, devices),
		Quiet: true, Stderr: io.Discard, Analyses: []engine.Analysis{destinations.Analysis{}}})
	if err != nil {
		t.Fatal(err)
	}
	months := destinations.Report(out.Partial(destinations.Name).(*destinations.Partial), out.Inventory, destinations.Enricher{})
	got := map[string]map[string]Row{}
	for _, r := range Attribute(months, backends.Default()) {
		if got[r.Device] == nil {
			got[r.Device] = map[string]Row{}
		}
		got[r.Device][r.Provider+"/"+r.Region] = r
	}
	return got
}

// TestMADEA: the Ultraloq lock and the Rachio controller use AWS IoT Core in
// us-west-2 (their DNS answers point into the LAN there), the Tuya-based
// plugs Tuya's US cloud with real traffic.
func TestMADEA(t *testing.T) {
	got := attribute(t, testutil.Fixture(t, "madea"), "Device_MAC_Name_Mapping.csv")
	for _, want := range []struct{ device, key string }{
		{"Ultraloq Smart Lock", "Amazon AWS/us-west-2"},
		{"Rachio Sprinkler Controller", "Amazon AWS/us-west-2"},
		{"HBN Plug", "Tuya/us"},
		{"Lumiman Bulb", "Tuya/us"},
	} {
		if _, ok := got[want.device][want.key]; !ok {
			t.Errorf("%s: no %s (got %v)", want.device, want.key, got[want.device])
		}
	}
	if r := got["HBN Plug"]["Tuya/us"]; r.Flows == 0 || r.BytesUp == 0 {
		t.Errorf("HBN Plug's Tuya traffic not counted: %+v", r)
	}
}

// TestUCLouvain: the Tuya devices talk to Tuya (EU), the Hue bridge to Hue.
func TestUCLouvain(t *testing.T) {
	got := attribute(t, testutil.Fixture(t, "uclouvain-shhcp"), "devices.yaml")
	for _, want := range []struct{ device, key string }{
		{"TuyaLight", "Tuya/eu"}, {"TuyaPlug", "Tuya/eu"}, {"HueLight", "Philips Hue/eu"},
	} {
		if r, ok := got[want.device][want.key]; !ok || r.Flows == 0 {
			t.Errorf("%s: no traffic to %s (got %v)", want.device, want.key, got[want.device])
		}
	}
}
