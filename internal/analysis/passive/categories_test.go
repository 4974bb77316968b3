package passive

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuiltinCategories(t *testing.T) {
	c, err := LoadCategories("")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]Category{
		"mdns": Discovery, "ssdp": Discovery, "udp:1982": Discovery, "tuya-lan": Discovery,
		"ntp": Management, "stun": Management, "dns": Management, "arp": Management,
		"tls": Encrypted, "quic": Encrypted, "tcp:8883": Encrypted, "tcp:5228": Encrypted,
		"http": Unencrypted, "udp:56700": Unencrypted, "mqtt": Unencrypted,
		"tcp:1234": Unknown, "udp:9": Unknown,
	}
	for name, want := range cases {
		if got := c.Of(name); got != want {
			t.Errorf("%s: %s, want %s", name, got.Key(), want.Key())
		}
	}
	if Encrypted.Label() != "Encrypted App" || Unknown.Label() != "" {
		t.Error("labels")
	}
}

func TestCategoriesOverride(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cats.yaml")
	doc := "categories:\n  unencrypted: [tcp:1234]\n  unknown: [dns]\n  discovery: [NTP]\n"
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := LoadCategories(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Of("tcp:1234") != Unencrypted || c.Of("dns") != Unknown || c.Of("ntp") != Discovery || c.Of("tls") != Encrypted {
		t.Error("override not applied")
	}
	bad := []struct{ doc, err string }{
		{"", "empty categories file"},
		{"categories:\n  secret: [x]\n", `unknown category "secret"`},
		{"categories:\n  discovery: [\"\"]\n", "empty protocol name"},
		{"protocols: {}\n", "line 1"},
		{"categories: [1, 2]\n", "cats.yaml"},
		{"other: 1\n", "field other not found"},
	}
	for _, b := range bad {
		_, err := ParseCategories([]byte(b.doc), "cats.yaml")
		if err == nil || !strings.Contains(err.Error(), b.err) || !strings.HasPrefix(err.Error(), "cats.yaml: ") {
			t.Errorf("%q: error %v, want %q", b.doc, err, b.err)
		}
	}
	if _, err := LoadCategories(filepath.Join(t.TempDir(), "absent.yaml")); err == nil {
		t.Error("missing file accepted")
	}
}
