package knowledge

import "testing"

// The expectations were checked against tldextract 3.1.2 (Debian
// python3-tldextract, bundled list, no network) except where noted.
func TestSplitDomain(t *testing.T) {
	tests := []struct{ name, sld, tld string }{
		{"conn-i-1.ws.sonos.com", "sonos", "com"},
		{"a.b.co.uk", "b", "co.uk"},
		{"x.s3.amazonaws.com", "amazonaws", "com"}, // private PSL entry ignored
		{"s3.amazonaws.com", "amazonaws", "com"},
		{"ec2-1-2-3-4.compute-1.amazonaws.com", "amazonaws", "com"},
		{"d1.cloudfront.net", "cloudfront", "net"},
		{"x.github.io", "github", "io"},
		{"foo.blogspot.co.uk", "blogspot", "co.uk"},
		{"time.google", "time", "google"},
		{"s1a.time.edu.cn", "time", "edu.cn"},
		{"x.pvt.k12.ma.us", "x", "pvt.k12.ma.us"},
		{"www.ck", "www", "ck"},                           // ICANN exception rule !www.ck
		{"b.c.ck", "b", "c.ck"},                           // ICANN wildcard *.ck
		{"foo.bar.kawasaki.jp", "foo", "bar.kawasaki.jp"}, // wildcard *.kawasaki.jp
		{"a.city.kawasaki.jp", "city", "kawasaki.jp"},     // exception !city.kawasaki.jp
		{"METRICS.SONOS.COM", "SONOS", "COM"},             // case-insensitive, case kept
		{"foo.com.", "foo", "com"},                        // trailing dot
		{"bridge.meethue.com:80", "meethue", "com"},       // HTTP Host with port
		{"пример.рф", "пример", "рф"},                     // IDN suffix
		{"a.xn--e1afmkfd.xn--p1ai", "xn--e1afmkfd", "xn--p1ai"},
		{"1.2.3.4", "1.2.3.4", ""},                      // IP literal
		{"239.255.255.250:1900", "239.255.255.250", ""}, // IP literal with port
		{"2001:db8::1", "2001:db8::1", ""},              // deviation: tldextract gives "2001"
		{"[2001:db8::1]:443", "2001:db8::1", ""},        // deviation: bracketed literal
		{"localhost", "localhost", ""},                  // single label
		{"foo.bar.invalidtld", "invalidtld", ""},        // unknown suffix
		{"foo.local", "local", ""},                      // .local is no ICANN suffix
		{"a.b.arpa", "b", "arpa"},
		{"com", "", "com"}, // bare suffix
		{"a..com", "", "com"},
		{"", "", ""},
		{" . ", "", ""},
	}
	for _, tt := range tests {
		sld, tld := SplitDomain(tt.name)
		if sld != tt.sld || tld != tt.tld {
			t.Errorf("SplitDomain(%q) = (%q, %q), want (%q, %q)", tt.name, sld, tld, tt.sld, tt.tld)
		}
	}
}

func TestRegistrableDomain(t *testing.T) {
	tests := map[string]string{
		"conn-i-1.ws.sonos.com": "sonos.com",
		"a.b.co.uk":             "b.co.uk",
		"x.s3.amazonaws.com":    "amazonaws.com",
		"Time.Google.":          "time.google",
		"1.2.3.4":               "",
		"com":                   "",
		"foo.bar.invalidtld":    "",
		"localhost":             "",
		"":                      "",
	}
	for in, want := range tests {
		if got := RegistrableDomain(in); got != want {
			t.Errorf("RegistrableDomain(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPublicSuffixListVersion(t *testing.T) {
	if v := PublicSuffixListVersion(); v == "" {
		t.Fatal("no Public Suffix List version")
	}
}

func TestPunycode(t *testing.T) {
	// Vectors computed with Python's "punycode" codec.
	tests := map[string]string{
		"пример":      "xn--e1afmkfd",
		"рф":          "xn--p1ai",
		"bücher":      "xn--bcher-kva",
		"münchen-ost": "xn--mnchen-ost-9db",
		"ñ":           "xn--ida",
		"日本語":         "xn--wgv71a119e",
	}
	for in, want := range tests {
		if got, ok := punycodeLabel(in); !ok || got != want {
			t.Errorf("punycodeLabel(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := punycodeLabel("ascii"); ok {
		t.Error("an ASCII label was encoded")
	}
	if _, ok := punycodeLabel("\xff\xfe"); ok {
		t.Error("invalid UTF-8 was encoded")
	}
	if got := toASCII("a.bücher.de"); got != "a.xn--bcher-kva.de" {
		t.Errorf("toASCII = %q", got)
	}
}
