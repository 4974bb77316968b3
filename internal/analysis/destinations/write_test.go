package destinations

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/iotlens/iotlens/internal/inventory"
)

func sampleMonths() []Month {
	dev := &inventory.Device{Name: "Living room/cam <1>"}
	ip := netip.MustParseAddr("52.1.2.3")
	row := Row{Device: dev.Name, Month: "2025-07", Domain: "a.example.com", IPs: ip.String(), Flows: 2, BytesUp: 10, NameSource: "dns", QueryType: "A", Category: "First-party"}
	unnamed := Row{Device: dev.Name, Month: "2025-07", Domain: "9.9.9.9", IPs: "9.9.9.9", Flows: 1, NameSource: "none", QueryType: "Unknown"}
	aug := row
	aug.Month, aug.Category = "2025-08", "Third-party"
	return []Month{
		{Device: dev, Month: "2025-07", Rows: []Row{row, unnamed}, Contacted: []string{"a.example.com"}, Unique: []string{"a.example.com", "b.example.com"},
			IPs: []string{"52.1.2.3", "9.9.9.9"}, IPDomain: map[string]string{"52.1.2.3": "a.example.com"},
			Geo: map[string]Geo{"52.1.2.3": {Country: "US", CountryName: "United States"}}},
		{Device: dev, Month: "2025-08", Rows: []Row{aug}, Contacted: []string{"a.example.com"}, Unique: []string{"a.example.com"},
			IPs: []string{"52.1.2.3"}, IPDomain: map[string]string{}, Geo: map[string]Geo{}},
	}
}

// TestWriteSeedLayout checks the seed's file names and formats, the Hive
// partitions read back, and changes.csv.
func TestWriteSeedLayout(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, sampleMonths(), Options{Partitioned: true}); err != nil {
		t.Fatal(err)
	}
	dev := SafeDir("Living room/cam <1>")
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if got := read(filepath.Join(dev, "2025", "Jul_2025", "domain_list", "contacted_domains.json")); got != "{\n    \"Living room/cam <1>\": [\n        \"a.example.com\"\n    ]\n}" {
		t.Errorf("contacted_domains.json:\n%s", got)
	}
	if got := read(filepath.Join(dev, "2025", "Jul_2025", "geolocation.json")); got != "{\n  \"52.1.2.3\": {\n    \"country_iso_code\": \"US\",\n    \"country_name\": \"United States\"\n  }\n}" {
		t.Errorf("geolocation.json:\n%s", got)
	}
	if got := read(filepath.Join(dev, "2025", "Jul_2025", "ip_list", "ip_domain_map.json")); !strings.Contains(got, "\"52.1.2.3\": \"a.example.com\"") {
		t.Errorf("ip_domain_map.json:\n%s", got)
	}
	csv := read(filepath.Join(dev, "categorized_domains_Jul_2025.csv"))
	if csv != "Month-Year,Domain,SLD,TLD,Category,Organization,Query Type\r\nJul-2025,a.example.com,,,First-party,Unknown,A\r\n" {
		t.Errorf("categorized csv: %q", csv)
	}
	if ch := read(filepath.Join(dev, "changes.csv")); !strings.Contains(ch, "2025-08,domain,a.example.com,party-changed,First-party,Third-party") {
		t.Errorf("changes.csv:\n%s", ch)
	}
	part := filepath.Join(dir, "destinations", "device=Living%20room%2Fcam%20%3C1%3E", "month=2025-07", "part-0.parquet")
	rows, err := parquet.ReadFile[PartRow](part)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Domain != "a.example.com" || rows[0].Flows != 2 {
		t.Fatalf("partition rows %+v", rows)
	}
	all, err := parquet.ReadFile[Row](filepath.Join(dir, "destinations.parquet"))
	if err != nil || len(all) != 3 {
		t.Fatalf("destinations.parquet: %v, %d rows", err, len(all))
	}
}

func TestSafeDir(t *testing.T) {
	for in, want := range map[string]string{"a/b": "a_b", "..": "_..", "": "_", "x\x00y\n": "x_y_", "ok name": "ok name"} {
		if got := SafeDir(in); got != want {
			t.Errorf("SafeDir(%q) = %q, want %q", in, got, want)
		}
	}
}
