package backends

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var studyProviders = []string{"Amazon AWS", "Microsoft", "Google", "Alibaba Cloud", "Tencent", "Baidu", "Huawei", "IBM",
	"Oracle", "SAP", "Siemens", "Bosch", "PTC", "Cisco", "Sierra Wireless", "Fujitsu"}

var consumerPlatforms = []string{"Tuya", "TP-Link cloud", "Xiaomi Mi IoT", "SmartThings", "Google Nest", "Philips Hue", "Amazon Alexa"}

func TestCatalogueSanity(t *testing.T) {
	c := Default()
	if got := len(c.Providers()); got != len(studyProviders)+len(consumerPlatforms) {
		t.Errorf("%d providers", got)
	}
	for _, name := range studyProviders {
		p := c.Provider(name)
		switch {
		case p == nil:
			t.Errorf("study provider %q missing", name)
			continue
		case p.Kind != KindIoTBackend || p.StudyLabel == "":
			t.Errorf("%s: kind %q, study label %q", name, p.Kind, p.StudyLabel)
		case !strings.Contains(p.Sources[0], "IMC'22") || !strings.Contains(p.Sources[0], "10.1145/3517745.3561431"):
			t.Errorf("%s: first source %q is not the study", name, p.Sources[0])
		}
	}
	for _, name := range consumerPlatforms {
		p := c.Provider(name)
		if p == nil || p.Kind != KindConsumerPlatform || !strings.HasPrefix(p.Sources[0], "https://") {
			t.Errorf("consumer platform %q: %+v", name, p)
		}
	}
	for _, p := range c.Providers() {
		var domains, certs int
		for _, r := range p.Rules {
			if r.Certificate {
				certs++
			} else {
				domains++
			}
			if len(r.Examples) == 0 || len(r.Counterexamples) == 0 {
				t.Errorf("%s/%s: every rule needs examples and counterexamples", p.Name, r.ID)
			}
		}
		if domains == 0 || certs == 0 {
			t.Errorf("%s: %d domain and %d certificate rules", p.Name, domains, certs)
		}
	}
}

// TestExamplesThroughTheWholeCatalogue checks that each rule's examples are
// decided by that very rule when the whole catalogue is consulted (no
// other rule shadows them), and that counterexamples are not.
func TestExamplesThroughTheWholeCatalogue(t *testing.T) {
	c := Default()
	for _, p := range c.Providers() {
		for _, r := range p.Rules {
			match := c.MatchDomain
			if r.Certificate {
				match = c.MatchCertName
			}
			for _, e := range r.Examples {
				if m, ok := match(e); !ok || m.Provider != p.Name || m.Rule != r.ID || m.Kind != p.Kind {
					t.Errorf("%s/%s: example %q → %+v, %v", p.Name, r.ID, e, m, ok)
				}
			}
			for _, e := range r.Counterexamples {
				if m, ok := match(e); ok && m.Rule == r.ID {
					t.Errorf("%s/%s: counterexample %q matched", p.Name, r.ID, e)
				}
			}
		}
	}
}

// TestFixedPublishedPatterns covers each fix to the study's patterns.
func TestFixedPublishedPatterns(t *testing.T) {
	c := Default()
	cases := []struct {
		fix, name string
		cert      bool
		provider  string
	}{
		{"Google typo cloudiotdevic fixed", "cloudiotdevice.googleapis.com", false, "Google"},
		{"Google typo not kept", "cloudiotdevic.googleapis.com", false, ""},
		{"Bosch dot escaped", "mqtt.bosch-iot-hubxcom", false, ""},
		{"Bosch hub still matches", "mqtt.bosch-iot-hub.com", false, "Bosch"},
		{"IBM dot escaped", "x.internetofthings.ibmcloudxcom", false, ""},
		{"IBM still matches", "x.messaging.internetofthings.ibmcloud.com", false, "IBM"},
		{"AWS: the optional region no longer allows .iot..amazonaws.com", "x.iot..amazonaws.com", false, ""},
		{"AWS China endpoints", "a1-ats.iot.cn-north-1.amazonaws.com.cn", false, "Amazon AWS"},
		{"unescaped leading dot: any character is not a label", "xiot-mqtts.cn-north-4.myhuaweicloud.com", false, ""},
		{"Huawei certificate pattern anchored at the end", "iot-mqtts.cn-north-4.myhuaweicloud.com.example", true, ""},
		{"Oracle internal-pod domains", "x.iot.internal-pod.us.oraclecloud.com", false, "Oracle"},
		{"Huawei iot-acc from the study's query list", "iot-acc.cn-north-4.myhuaweicloud.com", false, "Huawei"},
		{"whole-name certificate match instead of substring", "evil-azure-devices.net", true, ""},
	}
	for _, tc := range cases {
		match := c.MatchDomain
		if tc.cert {
			match = c.MatchCertName
		}
		m, ok := match(tc.name)
		if (tc.provider == "" && ok) || (tc.provider != "" && m.Provider != tc.provider) {
			t.Errorf("%s: %q → %+v, %v", tc.fix, tc.name, m, ok)
		}
	}
}

// TestFixtureNames uses names seen in the real captures (see
// ../shared/fixtures/SOURCES.md); fixtures_test.go finds them in the
// captures themselves.
func TestFixtureNames(t *testing.T) {
	c := Default()
	cases := []struct{ name, provider, region string }{
		{"a30xqtffg389ek-ats.iot.us-west-2.amazonaws.com", "Amazon AWS", "us-west-2"},
		{"A3BMBCWE3HYBWY.iot.us-west-2.amazonaws.com", "Amazon AWS", "us-west-2"},
		{"a1piwaqdydua5q.iot.us-east-1.amazonaws.com.", "Amazon AWS", "us-east-1"},
		{"a3.tuyaus.com", "Tuya", "us"},
		{"m2.tuyaus.com", "Tuya", "us"},
		{"a3.tuyaeu.com", "Tuya", "eu"},
		{"m2.tuyaeu.com", "Tuya", "eu"},
		{"mqtt-eu-01.iot.meethue.com", "Philips Hue", "eu"},
		{"bridge.meethue.com", "Philips Hue", ""},
		{"dc2-eu01-euwest1.connect.smartthings.com", "SmartThings", "eu01"},
		{"usher.connect.smartthings.com", "SmartThings", ""},
		{"n-euw1-device-api.tplinkcloud.com", "TP-Link cloud", "euw1"},
		{"euw1-device-cloudgateway.iot.i.tplinknbu.com", "TP-Link cloud", "euw1"},
		{"security.iot.i.tplinknbu.com", "TP-Link cloud", ""},
		{"use1-api.tplinkra.com", "TP-Link cloud", "use1"},
		{"devs.tplinkcloud.com", "TP-Link cloud", ""},
		{"business.smartcamera.api.io.mi.com", "Xiaomi Mi IoT", ""},
		{"xiaomi5.p2psy2.mijia.tech", "Xiaomi Mi IoT", ""},
		{"nexus.dropcam.com", "Google Nest", ""},
		{"weave-logsink.nest.com", "Google Nest", ""},
		{"device-metrics-us-2.amazon.com", "Amazon Alexa", "us"},
		{"pitangui.amazon.com", "Amazon Alexa", ""},
	}
	for _, tc := range cases {
		m, ok := c.MatchDomain(tc.name)
		if !ok || m.Provider != tc.provider || m.Region != tc.region {
			t.Errorf("%s → %+v, want %s/%s", tc.name, m, tc.provider, tc.region)
		}
	}
	for _, name := range []string{"pool.ntp.org", "www.amazon.com", "s3-us-west-2.amazonaws.com", "ntp1.aliyun.com",
		"time.google.com", "raspbian.raspberrypi.org", "mobileanalytics.us-east-1.amazonaws.com", "", ".", "a..b"} {
		if m, ok := c.MatchDomain(name); ok {
			t.Errorf("%q → %+v", name, m)
		}
	}
}

func TestDirectSubdomainTemplate(t *testing.T) {
	tmpl := strings.Split("iot.*.amazonaws.com", ".")
	for name, want := range map[string]bool{
		"a.iot.us-east-1.amazonaws.com":     true,
		"a.b.iot.us-east-1.amazonaws.com":   false,
		"iot.us-east-1.amazonaws.com":       false,
		"x.lorawan.us-east-1.amazonaws.com": true, // not under the template
		"amazonaws.com":                     true,
	} {
		if got := directSubdomainOK(name, tmpl); got != want {
			t.Errorf("%s: %v", name, got)
		}
	}
}

func TestMatchCertificateGroupsByProvider(t *testing.T) {
	ms := Default().MatchCertificate([]string{"*.iot.eu-west-1.amazonaws.com", "iot.eu-west-1.amazonaws.com",
		"*.azure-devices.net", "*.iot.eu-west-1.amazonaws.com", "www.example.com"})
	if len(ms) != 2 || ms[0].Provider != "Amazon AWS" || ms[1].Provider != "Microsoft" ||
		strings.Join(ms[0].Names, ";") != "*.iot.eu-west-1.amazonaws.com;iot.eu-west-1.amazonaws.com" ||
		strings.Join(ms[0].Regions, ";") != "eu-west-1" {
		t.Fatalf("%+v", ms)
	}
}

// TestMatchDomainAllocations: names decided by the suffix index alone
// (no rule, or a rule without regex) cost no allocation.
func TestMatchDomainAllocations(t *testing.T) {
	c := Default()
	for _, name := range []string{"www.example.com", "fonts.gstatic.com", "a3.tuya.com", "myhub.azure-devices.net"} {
		if n := testing.AllocsPerRun(100, func() { c.MatchDomain(name) }); n != 0 {
			t.Errorf("%s: %v allocations", name, n)
		}
	}
}

func BenchmarkMatchDomain(b *testing.B) {
	c := Default()
	names := []string{"a30xqtffg389ek-ats.iot.us-west-2.amazonaws.com", "www.example.com", "a3.tuyaus.com",
		"s3-us-west-2.amazonaws.com", "mqtt-eu-01.iot.meethue.com", "fonts.gstatic.com"}
	for i := 0; b.Loop(); i++ {
		c.MatchDomain(names[i%len(names)])
	}
}

func TestLoadExtendsAndOverrides(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mine.yaml")
	os.WriteFile(path, []byte(`version: 1
providers:
  - name: Acme Cloud
    kind: consumer-platform
    source: [https://acme.example/docs/endpoints]
    domains:
      - id: acme
        suffix: acme-iot.example
        regex: '(?P<region>[a-z]{2})\.mqtt\.acme-iot\.example'
        examples: [eu.mqtt.acme-iot.example]
        counterexamples: [mqtt.acme-iot.example]
  - name: Tuya
    kind: consumer-platform
    source: [https://example.org/my-tuya-notes]
    domains:
      - id: tuya-only-eu
        suffix: tuyaeu.com
        region: eu
`), 0o644)
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := c.MatchDomain("EU.mqtt.acme-iot.example."); !ok || m.Provider != "Acme Cloud" || m.Region != "eu" {
		t.Errorf("added provider: %+v", m)
	}
	if m, ok := c.MatchDomain("a3.tuyaeu.com"); !ok || m.Rule != "tuya-only-eu" {
		t.Errorf("override: %+v", m)
	}
	if _, ok := c.MatchDomain("a3.tuyaus.com"); ok {
		t.Error("the built-in Tuya rules must be replaced")
	}
	if m, ok := c.MatchDomain("x.iot.us-east-1.amazonaws.com"); !ok || m.Provider != "Amazon AWS" {
		t.Error("built-in providers must stay")
	}
	if len(c.Providers()) != len(Default().Providers())+1 {
		t.Errorf("%d providers", len(c.Providers()))
	}

	os.WriteFile(path, []byte("version: 1\nbuiltin: false\nproviders:\n  - name: Only\n    kind: iot-backend\n    source: [x]\n    domains: [{id: only, suffix: only.example}]\n"), 0o644)
	c, err = Load(path)
	if err != nil || len(c.Providers()) != 1 {
		t.Fatalf("builtin: false: %v %d", err, len(c.Providers()))
	}
}

func TestCatalogueErrors(t *testing.T) {
	head := "version: 1\nproviders:\n  - name: P\n    kind: iot-backend\n    source: [s]\n"
	cases := []struct{ yaml, want string }{
		{"version: 2\n", "version 2"},
		{"version: 1\nproviders:\n  - name: P\n    kynd: x\n", `line 4: unknown key "kynd"`},
		{head + "    domains: [{id: r, suffix: p.example, regex: '('}]\n", "regex"},
		{"version: 1\nproviders:\n  - name: P\n    kind: iot-backend\n    domains: [{id: r, suffix: p.example}]\n", "no source"},
		{head + "    domains: [{id: r, suffix: p.example, examples: [q.example]}]\n", `example "q.example" does not match`},
		{head + "    domains: [{id: r, suffix: p.example, counterexamples: [a.p.example]}]\n", `counterexample "a.p.example" matches`},
		{head + "    domains: [{id: r, regex: 'x'}]\n", "no suffix"},
		{head + "    domains: [{id: r, suffix: '*.p.example'}]\n", "not a domain name"},
		{head + "    domains: [{id: 'bad id', suffix: p.example}]\n", "id must be"},
		{head + "    domains: [{id: r, suffix: p.example}, {id: r, suffix: q.example}]\n", `rule id "r"`},
		{head + "    domains: [{id: r, suffix: p.example}]\n  - name: P\n    kind: iot-backend\n    source: [s]\n    domains: [{id: s, suffix: p.example}]\n", "already defined at line 3"},
		{head + "    domain_filters: [{seed: x}]\n    domains: [{id: r, suffix: p.example}]\n", "a filter needs"},
		{head + "    domain_filters: [{drop_if_contains: ['a;b']}]\n    domains: [{id: r, suffix: p.example}]\n", "without ';'"},
		{head + "    kind: nope\n", "mapping key \"kind\" already defined"},
		{"version: 1\nproviders:\n  - name: P\n    kind: cloud\n    source: [s]\n", `kind "cloud"`},
		{head, "no domain or certificate rule"},
	}
	for _, tc := range cases {
		_, err := Parse([]byte(tc.yaml), "user.yaml", nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "user.yaml: ") {
			t.Errorf("%q: error %v, want %q", tc.yaml, err, tc.want)
		}
	}
}

func TestEveryProviderListedInDocs(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "backends.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, p := range Default().Providers() {
		if !strings.Contains(doc, p.Name) {
			t.Errorf("docs/backends.md does not mention %s", p.Name)
		}
	}
	for _, typo := range []string{"cloudiotdevic", "bosch-iot-hub.com", "ibmcloud.com"} {
		if !strings.Contains(doc, typo) {
			t.Errorf("docs/backends.md does not list the fix for %s", typo)
		}
	}
}
