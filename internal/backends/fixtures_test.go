package backends

import (
	"context"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/pipeline"
	"github.com/iotlens/iotlens/internal/testutil"
)

// nameCollector is a minimal analysis gathering DNS question names and
// TLS/QUIC SNI from real captures.
type nameCollector struct{}

func (nameCollector) Name() string        { return "backends-test-names" }
func (nameCollector) Needs() engine.Needs { return engine.NeedDNS | engine.NeedClientHello }
func (nameCollector) NewPartial(engine.FileInfo) engine.Partial {
	return &names{set: map[string]bool{}}
}

type names struct {
	set map[string]bool
}

func (n *names) Packet(ev *engine.Event) {
	for _, m := range ev.DNS {
		for _, q := range m.Questions {
			n.set[strings.Clone(q.Name)] = true
		}
	}
	if ev.ClientHello != nil && ev.ClientHello.SNI != "" {
		n.set[strings.Clone(ev.ClientHello.SNI)] = true
	}
}

func (n *names) Merge(next engine.Partial) { maps.Copy(n.set, next.(*names).set) }

func fixtureNames(t *testing.T, dirs ...string) []string {
	t.Helper()
	var inputs []string
	for _, d := range dirs {
		inputs = append(inputs, testutil.Fixture(t, d))
	}
	out, err := pipeline.Run(context.Background(), pipeline.Options{Inputs: inputs, Quiet: true, Stderr: io.Discard,
		Analyses: []engine.Analysis{nameCollector{}}})
	if err != nil {
		t.Fatal(err)
	}
	p, ok := out.Partial(nameCollector{}.Name()).(*names)
	if !ok {
		t.Fatal("no names collected")
	}
	return slices.Sorted(maps.Keys(p.set))
}

// TestRealCaptures attributes every DNS name and SNI of the MADEA and
// UCLouvain captures and checks the known backends.
func TestRealCaptures(t *testing.T) {
	c := Default()
	all := fixtureNames(t, "madea", "uclouvain-shhcp")
	byProvider := map[string][]string{}
	for _, n := range all {
		if m, ok := c.MatchDomain(n); ok {
			byProvider[m.Provider] = append(byProvider[m.Provider], n+" ["+m.Region+"]")
		}
	}
	for _, p := range slices.Sorted(maps.Keys(byProvider)) {
		t.Logf("%-14s %d names: %s", p, len(byProvider[p]), strings.Join(byProvider[p], ", "))
	}
	awsIoT := 0
	for _, n := range all {
		lower := strings.ToLower(n)
		if strings.HasSuffix(lower, ".iot.us-west-2.amazonaws.com") {
			awsIoT++
			if m, ok := c.MatchDomain(n); !ok || m.Provider != "Amazon AWS" || m.Region != "us-west-2" || m.Rule != "aws-iot-core" {
				t.Errorf("%s → %+v", n, m)
			}
		}
	}
	if awsIoT < 2 {
		t.Errorf("only %d AWS IoT names in MADEA", awsIoT)
	}
	for _, want := range []struct{ name, provider string }{
		{"a3.tuyaus.com", "Tuya"}, {"a3.tuyaeu.com", "Tuya"}, {"m2.tuyaeu.com", "Tuya"},
		{"mqtt-eu-01.iot.meethue.com", "Philips Hue"}, {"dc2-eu01-euwest1.connect.smartthings.com", "SmartThings"},
		{"euw1-device-cloudgateway.iot.i.tplinknbu.com", "TP-Link cloud"}, {"n-devs.tplinkcloud.com", "TP-Link cloud"},
		{"use1-api.tplinkra.com", "TP-Link cloud"}, {"business.smartcamera.api.io.mi.com", "Xiaomi Mi IoT"},
		{"nexus.dropcam.com", "Google Nest"}, {"device-metrics-us-2.amazon.com", "Amazon Alexa"},
	} {
		if !slices.Contains(all, want.name) {
			t.Errorf("%s not seen in the captures", want.name)
			continue
		}
		if m, _ := c.MatchDomain(want.name); m.Provider != want.provider {
			t.Errorf("%s → %+v, want %s", want.name, m, want.provider)
		}
	}
	for _, n := range all {
		if strings.Contains(n, "ntp") || strings.HasSuffix(n, ".local") || strings.HasSuffix(n, ".arpa") {
			if m, ok := c.MatchDomain(n); ok {
				t.Errorf("%s attributed to %+v", n, m)
			}
		}
	}
}
