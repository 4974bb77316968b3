package report

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/iotlens/iotlens/internal/synth"
)

// TestHostileCaptureRunsNothing builds a capture whose device names itself
// (DHCP, mDNS) and its destinations (DNS, SNI, certificate organization)
// with <script>, "><img onerror=...>, CSV formulas, control bytes and
// invalid UTF-8, renders the report with every section filled, and checks
// that the markup reached the page only as text: no element or attribute
// the page does not make itself, no raw markup in the bytes, valid UTF-8.
func TestHostileCaptureRunsNothing(t *testing.T) {
	capPath := writeCapture(t, t.TempDir(), synth.Options{Devices: 2, Duration: 30 * time.Minute, Seed: 7, Hostile: true})
	m := modelOf(t, []string{capPath}, "", 1)
	enrich(m)
	m.Title = "<script>alert('title')</script>"
	m.Links = append(m.Links, Link{Label: `"><img src=x onerror=alert(1)>`, Href: relativeHref(`javascript:alert(1)`)})
	// Inventory names are cleaned upstream; a name straight from a file
	// or a later analysis may still carry raw control and invalid bytes.
	m.Devices = append(m.Devices, Device{Name: "raw\x1b[31m\xff\u202eevil", Vendor: "\x07bell"})
	page := render(t, m)
	st := checkPage(t, page, m)

	if !containsAny(st.text, hostileStrings) {
		t.Fatal("no hostile string reached the page as text: the test proves nothing")
	}
	hostileDevice := false
	for _, d := range m.Devices {
		if strings.Contains(d.Name, "<script>") {
			hostileDevice = true
		}
	}
	if !hostileDevice {
		t.Fatal("the hostile device was not discovered under its hostile name")
	}
	// "onerror=alert" may appear, as text after an escaped "&lt;img":
	// the parse in checkPage proves no attribute came from it.
	for _, raw := range []string{"<script>alert", "<img", "<b onmouseover", "javascript:"} {
		if i := bytes.Index(page, []byte(raw)); i >= 0 {
			t.Errorf("raw %q in the page: …%s…", raw, page[max(0, i-80):min(len(page), i+80)])
		}
	}
	if !utf8.Valid(page) {
		t.Error("the page is not valid UTF-8")
	}
	if bytes.ContainsAny(page, "\x1b\x07\x00") {
		t.Error("control bytes in the page")
	}
	if !strings.Contains(st.text, `raw\x1b[31m\xff\u{202e}evil`) {
		t.Error("control bytes, invalid UTF-8 and bidi overrides are not shown as escapes")
	}
}

func TestRelativeHrefCannotBeAScheme(t *testing.T) {
	cases := []struct{ in, want string }{
		{"summary.csv", "./summary.csv"},
		{"destinations/destinations.csv", "./destinations/destinations.csv"},
		{"../out/summary.json", "../out/summary.json"},
		{"javascript:alert(1)", "./javascript%3Aalert%281%29"},
		{"a b/<c>.csv", "./a%20b/%3Cc%3E.csv"},
	}
	for _, c := range cases {
		if got := relativeHref(c.in); got != c.want {
			t.Errorf("relativeHref(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
