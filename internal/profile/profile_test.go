package profile

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil"
)

func mustLoad(t *testing.T, path string, resolve bool) *Profile {
	t.Helper()
	load := Load
	if resolve {
		load = LoadResolved
	}
	p, err := load(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return p
}

// roundTrip writes p, reads it back and checks both the model and the
// second write are identical.
func roundTrip(t *testing.T, p *Profile) []byte {
	t.Helper()
	out, err := Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	q, err := Parse(out, "written.yaml", Options{})
	if err != nil {
		t.Fatalf("written profile does not read back: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(p, q) {
		t.Fatalf("round trip changed the profile:\nbefore %+v\nafter  %+v\n%s", p, q, out)
	}
	again, _ := Marshal(q)
	if string(again) != string(out) {
		t.Fatalf("second write differs:\n%s\n---\n%s", out, again)
	}
	return out
}

func TestFullProfileKeepsIncludesAndRoundTrips(t *testing.T) {
	p := mustLoad(t, filepath.Join("testdata", "full.yaml"), false)
	if p.DeviceInfo.Name != "test-plug" || p.DeviceInfo.IsSupported == nil || !*p.DeviceInfo.IsSupported ||
		*p.DeviceInfo.MUDVersion != 1 || *p.DeviceInfo.CacheValidity != 48 {
		t.Fatalf("device-info: %+v", p.DeviceInfo)
	}
	if p.Comment != "A profile written for the tests: every key of the schema at least once." {
		t.Errorf("document comment %q", p.Comment)
	}
	if got := p.SinglePolicies[0]; got.Name != "dns-api" || got.Comment != "DNS for the cloud API" ||
		got.Include != "patterns.dns-to-gateway protocols.dns.domain-name:api.example.com" {
		t.Errorf("first single policy %+v", got)
	}
	lan := p.SinglePolicies[5].Policy
	if src, _ := lan.Layer("ipv4").Field("src"); !src.List || len(src.Items) != 2 || src.Items[1].Text != "192.168.1.110" {
		t.Errorf("lan-app src %+v", src)
	}
	if lan.Stats[1].Key != "duration" || !lan.Stats[1].PerDirection || lan.Stats[1].Bwd.Items[0].Text != "500 ms" {
		t.Errorf("per-direction stats %+v", lan.Stats)
	}
	boot := p.Interactions[0]
	if boot.Name != "boot" || len(boot.Steps) != 3 || boot.Steps[2].Include == "" || boot.Steps[1].Policy.Timeout.Text != "5" {
		t.Errorf("boot interaction %+v", boot)
	}
	again := p.Interactions[1]
	if again.Loop == nil || again.Loop.Items[0].Kind != KindBool || again.Steps[0].Policy.Layer("udp") == nil {
		t.Errorf("alias step or loop lost: %+v", again)
	}
	roundTrip(t, p)
}

func TestResolvedIncludesFillPatterns(t *testing.T) {
	p := mustLoad(t, filepath.Join("testdata", "full.yaml"), true)
	dns := p.SinglePolicies[0].Policy
	if dns == nil {
		t.Fatal("include not resolved")
	}
	name, _ := dns.Layer("dns").Field("domain-name")
	if name.Items[0].Text != "api.example.com" || !dns.IsBidirectional() {
		t.Errorf("dns-api %+v", dns)
	}
	cloud := p.Interactions[0].Steps[2]
	if len(cloud.Group) != 2 {
		t.Fatalf("cloud step %+v", cloud)
	}
	dst, _ := cloud.Group[1].Policy.Layer("ipv4").Field("dst")
	if dst.Items[0].Text != "cloud.example.com" {
		t.Errorf("override of https-step dst: %+v", dst)
	}
	flat := Flatten(p.Interactions[0].Steps)
	var names []string
	for _, np := range flat {
		names = append(names, np.Name)
	}
	if strings.Join(names, " ") != "dhcp-discover dhcp-ack cloud.dns-step cloud.https-step" {
		t.Errorf("flattened steps %v", names)
	}
	roundTrip(t, p)
}

func TestIncludeFromAnotherFileReplacesSelf(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "echo")
	os.MkdirAll(other, 0o755)
	os.WriteFile(filepath.Join(other, "profile.yaml"), []byte(`device-info:
  name: echo
  ipv4: 192.168.1.150
interactions:
  ask:
    https:
      protocols:
        tcp: {dst-port: 443}
        ipv4: {src: self, dst: alexa.example.com}
`), 0o644)
	main := filepath.Join(dir, "plug.yaml")
	os.WriteFile(main, []byte(`device-info:
  name: plug
  ipv4: 192.168.1.135
single-policies:
  from-echo:
    protocols:
      tcp: {dst-port: 9999}
      ipv4:
        src: !include echo/profile.yaml#device-info.ipv4
        dst: self
interactions:
  voice-toggle:
    ask: !include echo/profile.yaml#interactions.ask
    toggle:
      protocols:
        tcp: {dst-port: 9999}
        ipv4: {src: phone, dst: self}
`), 0o644)
	p := mustLoad(t, main, true)
	src, _ := p.SinglePolicies[0].Policy.Layer("ipv4").Field("src")
	if src.Items[0].Text != "192.168.1.150" {
		t.Errorf("scalar include: %+v", src)
	}
	ask := p.Interactions[0].Steps[0].Group[0].Policy
	if s, _ := ask.Layer("ipv4").Field("src"); s.Items[0].Text != "192.168.1.150" {
		t.Errorf("self of the other profile not replaced: %+v", s)
	}
	if _, err := Parse([]byte("device-info: {name: x}\nsingle-policies:\n  a: !include other.yaml#device-info\n"), "mem.yaml",
		Options{ResolveIncludes: true}); err == nil || !strings.Contains(err.Error(), "read from a file") {
		t.Errorf("include of a file without a directory: %v", err)
	}
}

func TestProblemsNameLineAndColumn(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"unknown top key", "device-info: {name: a}\npolicies: {}\n", `2:1: unknown top-level key "policies"`},
		{"missing device-info", "single-policies: {}\n", "device-info is missing"},
		{"missing name", "device-info: {ipv4: 192.168.1.2}\n", "device-info.name is missing"},
		{"bad mac", "device-info: {name: a, mac: 00:11}\n", "not a MAC address"},
		{"unknown protocol", "device-info: {name: a}\nsingle-policies:\n  p:\n    protocols:\n      smb: {}\n", `5:7: single-policies.p.protocols: unknown protocol "smb"`},
		{"url hint", "device-info: {name: a}\nsingle-policies:\n  p:\n    protocols:\n      http: {method: GET, url: /x}\n", `unknown http field "url" (did you mean "uri"?)`},
		{"dns type hint", "device-info: {name: a}\nsingle-policies:\n  p:\n    protocols:\n      dns: {type: A}\n", `(did you mean "qtype"?)`},
		{"port range", "device-info: {name: a}\nsingle-policies:\n  p:\n    protocols:\n      tcp: {dst-port: 70000}\n", "expected an integer from 0 to 65535"},
		{"ipv6 under ipv4", "device-info: {name: a}\nsingle-policies:\n  p:\n    protocols:\n      ipv4: {dst: 'fe80::1'}\n", "IPv6 address fe80::1 under ipv4"},
		{"bad host", "device-info: {name: a}\nsingle-policies:\n  p:\n    protocols:\n      ipv4: {dst: 'not a host'}\n", "not an IPv4 address, alias"},
		{"bad qtype", "device-info: {name: a}\nsingle-policies:\n  p:\n    protocols:\n      dns: {qtype: AAA}\n", `unknown DNS query type "AAA"`},
		{"bad rate", "device-info: {name: a}\nsingle-policies:\n  p:\n    protocols: {udp: {dst-port: 1}}\n    stats: {rate: fast}\n", "nft limit rate"},
		{"half direction", "device-info: {name: a}\nsingle-policies:\n  p:\n    protocols: {udp: {dst-port: 1}}\n    stats: {packet-count: {fwd: 3}}\n", "need both fwd and bwd"},
		{"placeholder", "device-info: {name: a}\nsingle-policies:\n  p:\n    protocols:\n      dns: {domain-name: }\n", "only allowed under patterns"},
		{"duplicate", "device-info: {name: a}\nsingle-policies:\n  p:\n    protocols: {udp: {dst-port: 1}}\n  p:\n    protocols: {udp: {dst-port: 2}}\n", `5:3: single-policies: duplicate key "p"`},
		{"merge key", "device-info: {name: a}\nsingle-policies:\n  p:\n    <<: {x: 1}\n    protocols: {udp: {dst-port: 1}}\n", "merge keys (<<) are not supported"},
		{"unknown policy key", "device-info: {name: a}\nsingle-policies:\n  p:\n    protocols: {udp: {dst-port: 1}}\n    direction: out\n", `unknown policy key "direction"`},
		{"bidirectional text", "device-info: {name: a}\nsingle-policies:\n  p:\n    protocols: {udp: {dst-port: 1}}\n    bidirectional: sometimes\n", "expected true or false"},
		{"empty interaction", "device-info: {name: a}\ninteractions:\n  boot: {}\n", "3:9: interactions.boot: interaction has no steps"},
		{"missing include member", "device-info: {name: a}\nsingle-policies:\n  p: !include patterns.nothing\n", `no member "patterns"`},
		{"dhcp type", "device-info: {name: a}\nsingle-policies:\n  p:\n    protocols:\n      dhcp: {type: hello}\n", `unknown value "hello"`},
	}
	for _, c := range cases {
		opt := Options{ResolveIncludes: strings.Contains(c.name, "include")}
		_, err := Parse([]byte(c.yaml), "p.yaml", opt)
		var perr *Error
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
			continue
		}
		if !errors.As(err, &perr) && !strings.HasPrefix(err.Error(), "p.yaml") {
			t.Errorf("%s: error does not name the file: %v", c.name, err)
		}
	}
}

func TestAliasBombIsRefused(t *testing.T) {
	var b strings.Builder
	b.WriteString("device-info: {name: a}\npatterns:\n  l00: &l00 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 12; i++ {
		b.WriteString("  l" + itoa(i) + ": &l" + itoa(i) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*l" + itoa(i-1))
		}
		b.WriteString("]\n")
	}
	b.WriteString("single-policies:\n  p:\n    protocols:\n      ipv4: {dst: *l11}\n")
	_, err := Parse([]byte(b.String()), "bomb.yaml", Options{ResolveIncludes: true})
	if err == nil || !strings.Contains(err.Error(), "too many nodes") {
		t.Fatalf("alias bomb: %v", err)
	}
}

func itoa(i int) string { return string(rune('0'+i/10)) + string(rune('0'+i%10)) }

func TestWriterQuotesWhatYAML11ReadsAsNonStrings(t *testing.T) {
	p := &Profile{DeviceInfo: DeviceInfo{Name: "yes", MAC: "10:20:30:40:50:59", IPv4: "192.168.1.2"},
		SinglePolicies: []Entry{{Name: "on", Policy: &Policy{Protocols: []Layer{
			{Name: "http", Fields: []Field{{Key: "method", Value: One(Str("GET"))}, {Key: "uri", Value: One(Str("0777"))}}},
			{Name: "tcp", Fields: []Field{{Key: "dst-port", Value: One(Int(80))}}},
			{Name: "ipv4", Fields: []Field{{Key: "dst", Value: One(Str("2024-01-01.example.com"))}}},
		}}}}}
	out := string(roundTrip(t, p))
	for _, want := range []string{`name: "yes"`, `mac: "10:20:30:40:50:59"`, `"on":`, `uri: "0777"`, "dst-port: 80"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s in\n%s", want, out)
		}
	}
}

func TestReferenceExampleLoads(t *testing.T) {
	root, err := testutil.RepoRoot()
	if err != nil {
		t.Skip("no repository root")
	}
	path := filepath.Join(root, "..", "shared", "reference", "smart-home-firewall-profile.example.yaml")
	if _, err := os.Stat(path); err != nil {
		testutil.FixturesDir(t) // skips (or fails under CI) like the fixture tests
		t.Skip("reference example absent")
	}
	p := mustLoad(t, path, false)
	if p.DeviceInfo.Name != "tplink-plug" || len(p.SinglePolicies) != 2 || len(p.Interactions) != 5 {
		t.Fatalf("example: %s, %d single policies, %d interactions", p.DeviceInfo.Name, len(p.SinglePolicies), len(p.Interactions))
	}
	steps := Flatten(p.Interactions[0].Steps)
	if len(steps) != 4 || steps[0].Name != "dhcp-discover" {
		t.Fatalf("dhcp-boot steps: %+v", steps)
	}
	ntp, _ := p.Interactions[2].Steps[0].Policy.Layer("dns").Field("domain-name")
	if !ntp.List || ntp.Items[0].Text != "$.pool.ntp.org" {
		t.Errorf("wildcard list: %+v", ntp)
	}
	roundTrip(t, p)
}
