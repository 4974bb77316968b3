package endpoints

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A knowledge-base overrides file: the sections the classifier reads are
// accepted and ignored; `domains` fixes Types.
const overridesYAML = `version: 1
manufacturers:
  - name: Acme
    domains: [acme-cloud.net]
domains:
  - pattern: "*.iot.meethue.com"
    category: support
    organization: Hue cloud
  - pattern: meethue.com
    category: First-party
    organization: Signify
  - pattern: "time*.google.com"
    category: Support
  - pattern: lab.example.org
    category: Local (Test Bench)
  - cidr: 203.0.113.0/24
    category: Third
    organization: Test net
  - cidr: 203.0.113.9
    category: First
    note: the one lab server
  - cidr: "2001:db8::/32"
    category: Local Multicast
`

func TestOverridesMatch(t *testing.T) {
	ov, err := ParseOverrides([]byte(overridesYAML), "ov.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ip    string
		names []string
		want  Verdict
		ok    bool
	}{
		{"203.0.113.9", []string{"x.meethue.com"}, Verdict{"First", "", "override:203.0.113.9/32"}, true},
		{"203.0.113.10", nil, Verdict{"Third", "Test net", "override:203.0.113.0/24"}, true},
		{"::ffff:203.0.113.10", nil, Verdict{"Third", "Test net", "override:203.0.113.0/24"}, true},
		{"2001:db8::1", nil, Verdict{"Local Multicast", "", "override:2001:db8::/32"}, true},
		{"52.1.2.3", []string{"mqtt-eu-01.iot.meethue.com"}, Verdict{"Support", "Hue cloud", "override:*.iot.meethue.com"}, true},
		{"52.1.2.3", []string{"diag.meethue.com"}, Verdict{"First", "Signify", "override:meethue.com"}, true},
		{"52.1.2.3", []string{"MEETHUE.COM."}, Verdict{"First", "Signify", "override:meethue.com"}, true},
		{"52.1.2.3", []string{"notmeethue.com"}, Verdict{}, false},
		{"52.1.2.3", []string{"other.example", "a.iot.meethue.com"}, Verdict{"Support", "Hue cloud", "override:*.iot.meethue.com"}, true},
		{"52.1.2.3", []string{"time1.google.com"}, Verdict{"Support", "", "override:time*.google.com"}, true},
		{"52.1.2.3", []string{"www.google.com"}, Verdict{}, false},
		{"52.1.2.3", []string{"iot.meethue.com"}, Verdict{"First", "Signify", "override:meethue.com"}, true},
		{"10.0.0.5", []string{"lab.example.org"}, Verdict{"Local (Test Bench)", "", "override:lab.example.org"}, true},
		{"10.0.0.5", nil, Verdict{}, false},
	}
	for _, tc := range tests {
		got, ok := ov.Match(netip.MustParseAddr(tc.ip), tc.names)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Match(%s, %v) = %+v %v, want %+v %v", tc.ip, tc.names, got, ok, tc.want, tc.ok)
		}
	}
	var nilOv *Overrides
	if _, ok := nilOv.Match(netip.MustParseAddr("1.2.3.4"), []string{"a.b"}); ok || !nilOv.Empty() {
		t.Error("nil overrides matched")
	}
}

func TestOverridesErrors(t *testing.T) {
	tests := []struct{ doc, want string }{
		{"domains:\n  - pattern: a.com\n    category: Fourth\n", `ov.yaml:2: category "Fourth"`},
		{"domains:\n  - category: First\n", "ov.yaml:2: override without pattern or cidr"},
		{"domains:\n  - pattern: a.com\n    cidr: 1.2.3.4\n    category: First\n", "either pattern or cidr"},
		{"domains:\n  - cidr: 1.2.3.400\n    category: First\n", `cidr "1.2.3.400"`},
		{"domains:\n  - pattern: a..com\n    category: First\n", "empty label"},
		{"domains:\n  - pattern: a/b.com\n    category: First\n", "not allowed"},
		{"domains:\n  - pattern: a.com\n    categry: First\n", `line 3: unknown key "categry"`},
		{"domains:\n  - just a string\n", "an override is a mapping"},
		{"domains: [\n", "ov.yaml: yaml"},
		{"a: 1\n---\nb: 2\n", "more than one YAML document"},
	}
	for _, tc := range tests {
		_, err := ParseOverrides([]byte(tc.doc), "ov.yaml")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want it to contain %q", tc.doc, err, tc.want)
		}
	}
}

func TestLoadOverrides(t *testing.T) {
	ov, err := LoadOverrides("")
	if err != nil || !ov.Empty() {
		t.Fatalf("no file: %v %v", ov, err)
	}
	path := filepath.Join(t.TempDir(), "types.yaml")
	if err := os.WriteFile(path, []byte(overridesYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	if ov, err = LoadOverrides(path); err != nil || ov.Empty() {
		t.Fatalf("%v %v", ov, err)
	}
	if _, err := LoadOverrides(filepath.Join(t.TempDir(), "absent.yaml")); err == nil {
		t.Error("absent file accepted")
	}
}

func TestGlobLabel(t *testing.T) {
	tests := []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"*", "abc", true}, {"a*", "abc", true}, {"*c", "abc", true}, {"a*c", "abc", true},
		{"a*c", "ab", false}, {"time*", "time1", true}, {"*a*b*", "xxaxxbxx", true}, {"*a*b", "xxbxxa", false},
		{"abc", "abc", true}, {"abc", "abd", false}, {"", "", true}, {"", "a", false},
	}
	for _, tc := range tests {
		if got := globLabel(tc.p, tc.s); got != tc.want {
			t.Errorf("globLabel(%q, %q) = %v", tc.p, tc.s, got)
		}
	}
}
