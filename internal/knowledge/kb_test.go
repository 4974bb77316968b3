package knowledge

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuiltinKnowledgeBase(t *testing.T) {
	if err := defaultError(); err != nil {
		t.Fatal(err)
	}
	spec, err := decodeFile(builtinYAML)
	if err != nil {
		t.Fatal(err)
	}
	owner := map[string]string{}
	for _, m := range spec.Manufacturers {
		if len(m.Source) == 0 || m.Organization == "" || len(m.Domains) == 0 || len(m.Aliases) == 0 {
			t.Errorf("manufacturer %q (line %d) needs source, organization, domains and aliases", m.Name, m.line)
		}
		for _, d := range m.Domains {
			if prev, dup := owner[d]; dup {
				t.Errorf("%s is listed for both %s and %s", d, prev, m.Name)
			}
			owner[d] = m.Name
		}
	}
	for _, s := range spec.Support {
		if len(s.Source) == 0 {
			t.Errorf("support entry %q (line %d) has no source", s.Organization, s.line)
		}
	}
	for _, s := range spec.TrackerOrganizations {
		if len(s.Source) == 0 {
			t.Errorf("tracker organization %q (line %d) has no source", s.Organization, s.line)
		}
	}
	names := Default().Manufacturers()
	for _, want := range []string{"Amazon", "Google", "Ring", "Blink", "TP-Link", "Tuya", "Philips Hue", "Sonos", "Wyze",
		"LIFX", "iRobot", "Rachio", "Sensi", "U-tec", "Xiaomi", "D-Link", "Samsung SmartThings", "Belkin WeMo", "Edimax",
		"Withings", "Osram Lightify", "ecobee", "Raspberry Pi"} {
		if !contains(names, want) {
			t.Errorf("built-in knowledge base lacks manufacturer %s", want)
		}
	}
}

// No manufacturer or support domain may be listed wholesale as a tracker:
// the generated list would otherwise hide a whole cloud behind one rule.
func TestTrackerListSparesInfrastructure(t *testing.T) {
	tl, err := loadTrackers()
	if err != nil {
		t.Fatal(err)
	}
	kb := Default()
	check := func(what, d string) {
		if strings.Contains(d, "*") {
			return
		}
		if hit, ok := tl.lookup(d); ok {
			t.Errorf("%s domain %s is covered by tracker host %s", what, d, hit.host)
		}
	}
	for _, m := range kb.manufacturers {
		for _, d := range m.domains {
			check(m.name, d)
		}
	}
	for p := range kb.support.exact {
		check("support", p)
	}
}

func TestTrackerListInfo(t *testing.T) {
	pkg, lists, hosts, err := TrackerListInfo()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(pkg, "webext-ublock-origin-firefox ") || len(lists) != 2 || hosts < 10000 {
		t.Errorf("TrackerListInfo = %q, %v, %d", pkg, lists, hosts)
	}
}

func TestParseTrackersErrors(t *testing.T) {
	bad := []string{
		"a.com\tX\n",
		"a.com A\n",
		"b.com\tA\na.com\tA\n",
		"\tA\n",
	}
	for _, text := range bad {
		if _, err := parseTrackers(strings.NewReader(text)); err == nil {
			t.Errorf("parseTrackers(%q) accepted", text)
		}
	}
	tl, err := parseTrackers(strings.NewReader("# package p 1\n# list L (l.txt)\na.com\tA\nb.a.com\tT\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]string{"x.b.a.com": "b.a.com", "c.a.com": "a.com", "a.com": "a.com", "aa.com": "", "com": ""}
	for name, want := range tests {
		hit, ok := tl.lookup(name)
		if hit.host != want || ok != (want != "") {
			t.Errorf("lookup(%q) = %+v, %v; want %q", name, hit, ok, want)
		}
	}
}

func writeYAML(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "overrides.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const userYAML = `version: 1
domains:
  - pattern: "*.iot.meethue.com"
    category: support
    organization: Hue cloud (user)
  - pattern: lab.example.org
    category: Local
  - pattern: telemetry.sonos.com
    category: third-party
    organization: Sonos telemetry
  - cidr: 203.0.113.0/24
    category: First-party
    organization: Test bed
manufacturers:
  - name: Acme
    organization: Acme Corp
    aliases: [acme, roadrunner]
    oui: [Acme Devices]
    domains: [acme-cloud.net]
    source: [https://acme.example/]
  - name: Sonos
    domains: [sonos-extra.example]
support:
  - {category: cdn, organization: Example CDN, domains: [examplecdn.net], source: [https://cdn.example/]}
tracker_organizations:
  - {organization: Tracker Inc, domains: [g.doubleclick.net], source: [https://tracker.example/]}
`

func TestLoadOverrides(t *testing.T) {
	kb, err := LoadOverrides(writeYAML(t, userYAML))
	if err != nil {
		t.Fatal(err)
	}
	c := NewClassifier(kb, nil)
	tests := []struct {
		in   Input
		want Verdict
	}{
		{with(hueLight, "mqtt-eu-01.iot.meethue.com"), Verdict{SupportParty, "Hue cloud (user)", "override:*.iot.meethue.com"}},
		{with(hueLight, "ws.meethue.com"), Verdict{FirstParty, "Signify N.V.", "manufacturer-domain:meethue.com"}},
		{with(sonosOne, "telemetry.sonos.com"), Verdict{ThirdParty, "Sonos telemetry", "override:telemetry.sonos.com"}},
		{with(sonosOne, "api.sonos-extra.example"), Verdict{FirstParty, "Sonos, Inc.", "manufacturer-domain:sonos-extra.example"}},
		{with(sonosOne, "ws.sonos.com"), Verdict{FirstParty, "Sonos, Inc.", "manufacturer-domain:sonos.com"}},
		{Input{Domain: "lab.example.org"}, Verdict{Party: Local, Rule: "override:lab.example.org"}},
		{Input{IP: netip.MustParseAddr("203.0.113.9")}, Verdict{FirstParty, "Test bed", "override:203.0.113.0/24"}},
		{Input{Domain: "x.acme-cloud.net", DeviceName: "RoadRunner Cam"}, Verdict{FirstParty, "Acme Corp", "manufacturer-domain:acme-cloud.net"}},
		{Input{Domain: "x.acme-cloud.net", Vendor: "ACME DEVICES LTD"}, Verdict{FirstParty, "Acme Corp", "manufacturer-domain:acme-cloud.net"}},
		{Input{Domain: "x.examplecdn.net"}, Verdict{SupportParty, "Example CDN", "support:cdn:examplecdn.net"}},
		{Input{Domain: "stats.g.doubleclick.net"}, Verdict{ThirdParty, "Tracker Inc", "tracker:easylist:Advertising"}},
	}
	for _, tt := range tests {
		if got := c.Classify(tt.in); got != tt.want {
			t.Errorf("Classify(%q) = %+v, want %+v", tt.in.Domain, got, tt.want)
		}
	}
	if files := kb.Files(); len(files) != 2 || files[0] != builtinName {
		t.Errorf("Files() = %v", files)
	}
	// The built-in knowledge base is not changed by loading overrides.
	if got := NewClassifier(nil, nil).Classify(with(sonosOne, "telemetry.sonos.com")); got.Party != FirstParty {
		t.Errorf("Default() was modified by LoadOverrides: %+v", got)
	}
}

func TestLoadOverridesErrors(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"domains:\n  - pattern: a.com\n    category: fourth\n", ":2: category \"fourth\""},
		{"domains:\n  - pattern: a.com\n    categroy: Local\n", "line 3: unknown key \"categroy\""},
		{"domains:\n  - category: Local\n", ":2: override without pattern or cidr"},
		{"domains:\n  - {pattern: a.com, cidr: 10.0.0.0/8, category: Local}\n", "either pattern or cidr"},
		{"domains:\n  - {pattern: 'a b.com', category: Local}\n", "not allowed"},
		{"domains:\n  - {pattern: '*', category: Local}\n", "every name"},
		{"domains:\n  - {cidr: 10.0.0/8, category: Local}\n", "not an address or prefix"},
		{"version: 2\n", "version 2 is not supported"},
		{"colour: red\n", "field colour not found"},
		{"manufacturers:\n  - {name: X, parent: Nobody}\n", "parent \"Nobody\" is not a manufacturer"},
		{"manufacturers:\n  - {name: X, parent: Ring}\n", "one level only"},
		{"manufacturers:\n  - {organization: X}\n", ":2: manufacturer without a name"},
		{"support:\n  - {category: magic, organization: X}\n", "support category \"magic\""},
		{"support:\n  - {category: cdn}\n", "without an organization"},
		{"tracker_organizations:\n  - {domains: [a.com]}\n", "without an organization"},
		{"domains: [1, 2\n", "yaml"},
		{"version: 1\n---\nversion: 1\n", "more than one YAML document"},
	}
	for _, tt := range tests {
		path := writeYAML(t, tt.yaml)
		_, err := LoadOverrides(path)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("LoadOverrides(%q) error = %v, want it to name the file and contain %q", tt.yaml, err, tt.want)
		}
	}
	if _, err := LoadOverrides(filepath.Join(t.TempDir(), "missing.yaml")); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: %v", err)
	}
	if kb, err := LoadOverrides(writeYAML(t, "")); err != nil || len(kb.Manufacturers()) != len(Default().Manufacturers()) {
		t.Errorf("empty file: %v", err)
	}
}

func TestSuffixIndex(t *testing.T) {
	var ix suffixIndex[string]
	for _, p := range []string{"sonos.com", "ws.sonos.com", "time*.google.com", "*.iot.meethue.com", "meethue.com"} {
		ix.add(p, p)
	}
	ix.add("sonos.com", "second") // the first value for a pattern wins
	tests := map[string]string{
		"sonos.com":                  "sonos.com",
		"a.sonos.com":                "sonos.com",
		"x.ws.sonos.com":             "ws.sonos.com",
		"notsonos.com":               "",
		"sonos.com.evil.example":     "",
		"time1.google.com":           "time*.google.com",
		"a.time1.google.com":         "time*.google.com",
		"google.com":                 "",
		"mqtt-eu-01.iot.meethue.com": "*.iot.meethue.com",
		"iot.meethue.com":            "meethue.com",
		"":                           "",
	}
	for name, want := range tests {
		e, ok := ix.lookup(name)
		if e.pattern != want || ok != (want != "") {
			t.Errorf("lookup(%q) = %q, %v; want %q", name, e.pattern, ok, want)
		}
		if ok && e.value != e.pattern {
			t.Errorf("lookup(%q) value %q", name, e.value)
		}
	}
}

func TestNameTokens(t *testing.T) {
	tests := map[string]string{
		"TpLinkPlug":               "tp link plug",
		"TPLinkPlug":               "tp link plug",
		"DLinkCamera":              "d link camera",
		"EdimaxPlug1101W":          "edimax plug 1101 w",
		"iRobot":                   "i robot",
		"Nest Smoke & CO Detector": "nest smoke co detector",
		"chuangmi.camera.ipc019":   "chuangmi camera ipc 019",
		"":                         "",
	}
	for in, want := range tests {
		if got := strings.Join(nameTokens(in), " "); got != want {
			t.Errorf("nameTokens(%q) = %q, want %q", in, got, want)
		}
	}
	if got := orgKey("SONOS, INC."); got != orgKey("Sonos Inc") || got != "sonos" {
		t.Errorf("orgKey = %q", got)
	}
}
