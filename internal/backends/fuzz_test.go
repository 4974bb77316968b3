package backends

import "testing"

// FuzzCatalogue parses arbitrary YAML as a user catalogue: it must fail
// with an error or compile into a catalogue whose lookups do not panic.
func FuzzCatalogue(f *testing.F) {
	f.Add(embedded)
	f.Add([]byte("version: 1\nproviders:\n  - name: P\n    kind: iot-backend\n    source: [s]\n    domains: [{id: r, suffix: p.example, regex: '(?P<region>[a-z]+)\\.p\\.example'}]\n"))
	f.Add([]byte("version: 1\nbuiltin: false\nproviders:\n  - name: P\n    kind: consumer-platform\n    source: [s]\n    certificates: [{id: c, suffixes: [a.example, b.example]}]\n    certificate_filters: [{require_contains: ['*.a'], when_contains: a}]\n"))
	f.Add([]byte("version: 1\nproviders: &a [*a, *a]\n"))
	f.Add([]byte("version: 1\nproviders:\n  - {name: P, kind: iot-backend, source: [s], domains: [{id: r, suffix: x.example}], domain_filters: [{direct_subdomains_of: ['*.*.x.example']}]}\n"))
	names := []string{"a.p.example", "x.iot.us-east-1.amazonaws.com", "*.a.example", "a.b.x.example", "", "..", "p.example."}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, "fuzz.yaml", nil)
		if err != nil {
			return
		}
		for _, n := range names {
			c.MatchDomain(n)
			c.MatchCertName(n)
		}
		c.MatchCertificate(names)
	})
}
