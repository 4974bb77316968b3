package knowledge

import (
	"encoding/csv"
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/oui"
	"github.com/iotlens/iotlens/internal/testutil"
)

// madeaDestinations reads the MADEA authors' per-device endpoint profile:
// device name, device MAC and the server names (or addresses) it talked to.
func madeaDestinations(t *testing.T) map[[2]string]bool {
	t.Helper()
	f, err := os.Open(testutil.Fixture(t, "madea", "smart_home_devices_profile.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[[2]string]bool{}
	for _, r := range rows[1:] {
		out[[2]string{r[4] + "|" + r[0], r[2]}] = true
	}
	return out
}

// TestMADEAProfile classifies every destination in the MADEA authors'
// profile for the device that contacted it, with its name and the vendor of
// its MAC, and checks the party a researcher would give.
func TestMADEAProfile(t *testing.T) {
	c := NewClassifier(nil, builtinCatalogue)
	want := []struct {
		device, suffix string
		party          Party
	}{
		{"Amazon Plug", ".amazon.com", FirstParty},
		{"Amazon Plug", ".iot.us-east-1.amazonaws.com", PlatformParty},
		{"Blink Mini Camera", ".immedia-semi.com", FirstParty},
		{"Blink Mini Camera", ".compute.amazonaws.com", SupportParty},
		{"HBN Plug", ".tuyaus.com", PlatformParty},
		{"Lumiman Bulb", ".tuyaus.com", PlatformParty},
		{"Kasa Bulb", ".tplinkcloud.com", FirstParty},
		{"Kasa Bulb", ".tplinkra.com", FirstParty},
		{"Nest Camera", ".dropcam.com", FirstParty},
		{"Nest Smoke & CO Detector", ".nest.com", FirstParty},
		{"RPi Emulated Bulb", ".raspberrypi.org", FirstParty},
		{"RPi Emulated Bulb", ".mcast.net", Local},
		{"Rachio Sprinkler Controller", ".iot.us-west-2.amazonaws.com", PlatformParty},
		{"Rachio Sprinkler Controller", "dns.google", SupportParty},
		{"Ring Doorbell", ".ring.com", FirstParty},
		{"Ring Doorbell", ".amazonaws.com", SupportParty},
		{"Roomba Robot", ".irobotapi.com", FirstParty},
		{"Roomba Robot", ".iot.us-east-1.amazonaws.com", PlatformParty},
		{"Sensi Thermostat", ".sensicomfort.com", FirstParty},
		{"Ultraloq Smart Lock", ".u-tec.com", FirstParty},
		{"Ultraloq Smart Lock", ".iot.us-west-2.amazonaws.com", PlatformParty},
	}
	checked := make([]int, len(want))
	for k := range madeaDestinations(t) {
		name, macText, _ := strings.Cut(k[0], "|")
		mac, err := decode.ParseMAC(macText)
		if err != nil {
			t.Fatal(err)
		}
		vendor, _ := oui.Lookup(mac)
		server := k[1]
		v := c.Classify(Input{Domain: server, DeviceName: name, Vendor: vendor})
		if _, err := netip.ParseAddr(server); err != nil && strings.HasPrefix(v.Rule, "default:") {
			t.Errorf("%s → %s fell through to %s", name, server, v.Rule)
		}
		for i, w := range want {
			if w.device == name && strings.HasSuffix(strings.ToLower(server), w.suffix) {
				checked[i]++
				if v.Party != w.party {
					t.Errorf("%s → %s = %+v, want %s", name, server, v, w.party)
				}
			}
		}
	}
	for i, n := range checked {
		if n == 0 {
			t.Errorf("no profile row for %s → *%s", want[i].device, want[i].suffix)
		}
	}
}
