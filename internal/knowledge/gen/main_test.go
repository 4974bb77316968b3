package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHostRule(t *testing.T) {
	tests := []struct {
		rule, host string
	}{
		{"||doubleclick.net^", "doubleclick.net"},
		{"||doubleclick.net^$popup", "doubleclick.net"},
		{"||google-analytics.com^$script,third-party,xmlhttprequest", "google-analytics.com"},
		{"||ads.example.com^$~script", "ads.example.com"},
		{"||ads.example.com^$domain=site.com", ""},       // site-specific
		{"||ads.example.com^$~third-party", ""},          // first-party only
		{"||ads.example.com^$csp=script-src 'self'", ""}, // not a block of the host
		{"||ads.example.com/path^", ""},                  // a URL, not a host
		{"||ads.example.com^/banner", ""},                // a path after the host
		{"||1.2.3.4^", ""},                               // an address
		{"||localhost^", ""},                             // no dot
		{"|http://ads.example.com^", ""},
		{"##.ad-banner", ""},
		{"||Ads.Example.com^", ""}, // the lists are lower-case; anything else is not a host rule
		{"||.example.com^", ""},
	}
	for _, tt := range tests {
		host, ok := hostRule(tt.rule)
		if host != tt.host || ok != (tt.host != "") {
			t.Errorf("hostRule(%q) = %q, %v; want %q", tt.rule, host, ok, tt.host)
		}
	}
}

const easyList = `[Adblock Plus 2.0]
! Title: EasyList
! *** easylist:easylist/easylist_adservers.txt ***
||ads.example^
||adserver.example^$third-party
||banner.adserver.example^
||both.example^
||allowed.example^
@@||allowed.example^
@@||kept.example^$domain=site.example
||kept.example^
`

const easyPrivacy = `[Adblock Plus 1.1]
! Title: EasyPrivacy
! *** easylist:easyprivacy/easyprivacy_trackingservers.txt ***
||metrics.example^
||both.example^
||sub.ads.example^
! *** easylist:easyprivacy/easyprivacy_specific_cname_adobe.txt ***
||smetrics.shop.example^
`

func TestRun(t *testing.T) {
	src := t.TempDir()
	for name, text := range map[string]string{"easylist.txt": easyList, "easyprivacy.txt": easyPrivacy} {
		if err := os.WriteFile(filepath.Join(src, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "trackers.txt.gz")
	if err := run(src, "1.2.3-1", out); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(zr)
	want := "# package webext-ublock-origin-firefox 1.2.3-1\n" +
		"# list EasyList (easylist.txt)\n# list EasyPrivacy (easyprivacy.txt)\n# hosts 6\n" +
		"ads.example\tA\nadserver.example\tA\nboth.example\tA\nkept.example\tA\nmetrics.example\tT\nsub.ads.example\tT\n"
	if _, body, _ := strings.Cut(string(text), "\n"); body != want {
		t.Errorf("output:\n%s\nwant:\n%s", body, want)
	}
}

func TestRunErrors(t *testing.T) {
	empty := t.TempDir()
	out := filepath.Join(t.TempDir(), "x.gz")
	if err := run(empty, "v", out); err == nil || !strings.Contains(err.Error(), "apt-get install") {
		t.Errorf("missing lists: %v", err)
	}
	noRules := t.TempDir()
	for _, name := range []string{"easylist.txt", "easyprivacy.txt"} {
		if err := os.WriteFile(filepath.Join(noRules, name), []byte("! Title: X\n##.ad\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := run(noRules, "v", out); err == nil || !strings.Contains(err.Error(), "no host rules") {
		t.Errorf("no rules: %v", err)
	}
}
