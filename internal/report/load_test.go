package report

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const summaryJSON = `[
  {"device": "Plug", "macs": ["50:c7:bf:00:c7:03"], "ips": ["192.168.1.23"], "vendor": "TP-LINK", "role": "device",
   "source": "inventory", "packets": 460, "bytes": 88531, "tx_packets": 302, "tx_bytes": 52479, "rx_packets": 158,
   "rx_bytes": 36052, "lan_bytes": 6900, "wan_bytes": 81631, "first_seen": "2025-07-01T00:00:26.000Z",
   "last_seen": "2025-07-01T02:59:51.759Z", "top_protocols": ["tls:90.8%", "dns:2.1%"], "warnings": []}
]`

const summaryCSV = "device,macs,ips,vendor,role,source,packets,bytes,tx_packets,tx_bytes,rx_packets,rx_bytes,lan_bytes,wan_bytes,first_seen,last_seen,top_protocols,warnings\r\n" +
	"Plug,50:c7:bf:00:c7:03,192.168.1.23,TP-LINK,device,inventory,460,88531,302,52479,158,36052,6900,81631,2025-07-01T00:00:26.000Z,2025-07-01T02:59:51.759Z,tls:90.8% dns:2.1%,\r\n"

var wantPlug = Device{Name: "Plug", Vendor: "TP-LINK", Role: "device", MACs: []string{"50:c7:bf:00:c7:03"}, IPs: []string{"192.168.1.23"},
	Packets: 460, Bytes: 88531, TxPackets: 302, TxBytes: 52479, RxPackets: 158, RxBytes: 36052, LANBytes: 6900, WANBytes: 81631,
	FirstSeen: "2025-07-01T00:00:26.000Z", LastSeen: "2025-07-01T02:59:51.759Z", TopProtocols: []string{"tls:90.8%", "dns:2.1%"}}

const destinationsCSV = "device,month,domain,registrable_domain,sld,tld,ips,first_seen,last_seen,flows,packets,bytes_up,bytes_down,category,organization,rule,asn,as_org,country,name_source,query_type,aliases,ja4,ja3\n" +
	"Plug,2025-07,api.tplinkcloud.com,tplinkcloud.com,tplinkcloud,com,3.120.1.2,2025-07-01T00:01:00.000Z,2025-07-01T02:00:00.000Z,12,300,40000,20000,First-party,TP-Link,vendor domain,AS16509,AMAZON-02,DE,sni,A,,,\n" +
	"Plug,2025-07,\"'=cmd|calc\",,,,,,,1,2,3,4,,,,,,,dns,A,,,\n"

func TestParseSummary(t *testing.T) {
	fromJSON, err := parseSummaryJSON([]byte(summaryJSON))
	if err != nil {
		t.Fatal(err)
	}
	wantJSON := wantPlug
	wantJSON.Warnings = []string{}
	if !reflect.DeepEqual(fromJSON, []Device{wantJSON}) {
		t.Errorf("json:\n got %+v\nwant %+v", fromJSON, wantJSON)
	}
	fromCSV, err := parseSummaryCSV(strings.NewReader(summaryCSV))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromCSV, []Device{wantPlug}) {
		t.Errorf("csv:\n got %+v\nwant %+v", fromCSV, wantPlug)
	}
}

func TestParseDestinations(t *testing.T) {
	rows, err := parseDestinationsCSV(strings.NewReader(destinationsCSV))
	if err != nil {
		t.Fatal(err)
	}
	want := []DestinationRow{
		{Device: "Plug", Month: "2025-07", Domain: "api.tplinkcloud.com", Party: "First-party", Organization: "TP-Link", Country: "DE",
			BytesUp: 40000, BytesDown: 20000, Flows: 12, Packets: 300, Rule: "vendor domain", NameSource: "sni"},
		{Device: "Plug", Month: "2025-07", Domain: "'=cmd|calc", Flows: 1, Packets: 2, BytesUp: 3, BytesDown: 4, NameSource: "dns"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("\n got %+v\nwant %+v", rows, want)
	}
}

func TestParseErrorsNameTheLine(t *testing.T) {
	cases := []struct {
		name, input, want string
		parse             func(string) error
	}{
		{"empty destinations", "", "line 1: empty file", parseDest},
		{"no domain column", "device,month\nx,2025-07\n", `line 1: no "domain" column`, parseDest},
		{"bad count", "device,month,domain,bytes_up\nx,2025-07,a.example,12\nx,2025-07,b.example,lots\n", `line 3: column bytes_up: "lots" is not a count`, parseDest},
		{"negative count", "device,month,domain,flows\nx,2025-07,a.example,-4\n", `line 2: column flows: "-4" is not a count`, parseDest},
		{"broken quote", "device,month,domain\nx,2025-07,\"a.example\n", "line 2", parseDest},
		{"summary json syntax", `[{"device": "x",}]`, "offset 17", parseSumJSON},
		{"summary json type", `[{"device": 5}]`, "offset 13", parseSumJSON},
		{"summary csv bytes", "device,bytes\nx,1.5\n", `line 2: column bytes: "1.5" is not a count`, parseSumCSV},
	}
	for _, c := range cases {
		err := c.parse(c.input)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
}

func parseDest(s string) error    { _, err := parseDestinationsCSV(strings.NewReader(s)); return err }
func parseSumJSON(s string) error { _, err := parseSummaryJSON([]byte(s)); return err }
func parseSumCSV(s string) error  { _, err := parseSummaryCSV(strings.NewReader(s)); return err }

func TestLoadFolders(t *testing.T) {
	write := func(t *testing.T, dir, name, content string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("report folder", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "summary.json", summaryJSON)
		write(t, dir, "summary.csv", "device\nignored\n") // json is preferred
		write(t, dir, "destinations/destinations.csv", destinationsCSV)
		write(t, dir, "destinations/destinations.parquet", "PAR1")
		l, err := Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Devices) != 1 || l.Devices[0].Name != "Plug" || len(l.Destinations) != 2 {
			t.Fatalf("devices %+v, %d destinations", l.Devices, len(l.Destinations))
		}
		links := FileLinks(dir, l.Files)
		var hrefs []string
		for _, k := range links {
			hrefs = append(hrefs, k.Href)
		}
		want := "./summary.json ./destinations/destinations.csv ./destinations/destinations.parquet"
		if strings.Join(hrefs, " ") != want {
			t.Errorf("links %v, want %s", hrefs, want)
		}
		if links[2].Description != "destinations by device and month (Parquet)" {
			t.Errorf("description %q", links[2].Description)
		}
	})
	t.Run("destinations folder only", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "destinations.csv", destinationsCSV)
		l, err := Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Devices) != 1 || l.Devices[0].Name != "Plug" {
			t.Errorf("devices from the destination rows: %+v", l.Devices)
		}
		if got := FileLinks(filepath.Join(dir, "report"), l.Files); len(got) != 1 || got[0].Href != "../destinations.csv" {
			t.Errorf("link from a sub-folder: %+v", got)
		}
	})
	t.Run("empty folder", func(t *testing.T) {
		dir := t.TempDir()
		_, err := Load(dir)
		if err == nil || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "iotlens summary") {
			t.Errorf("error %v: should name the folder and what to run", err)
		}
	})
	t.Run("damaged file", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "summary.csv", "device,packets\nx,many\n")
		_, err := Load(dir)
		if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "summary.csv")+": line 2") {
			t.Errorf("error %v: should name the file and line", err)
		}
	})
}

// FuzzParseDestinationsCSV: any bytes either fail to parse with an error
// or give rows that render into a page with no foreign markup.
func FuzzParseDestinationsCSV(f *testing.F) {
	f.Add([]byte(destinationsCSV))
	f.Add([]byte("device,month,domain\n\"<script>\",2025-07,\"\"\"><img src=x onerror=alert(1)>\"\n"))
	f.Add([]byte("\ufeffDEVICE,Month,Domain,Bytes_Up\nx,y,z,9223372036854775807\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := parseDestinationsCSV(bytes.NewReader(data))
		if err != nil {
			return
		}
		m := &Model{Title: "fuzz", Generated: fixedGenerated, Destinations: rows[:min(len(rows), 50)]}
		m.Devices = devicesOf(m.Destinations)
		var buf bytes.Buffer
		if err := Write(&buf, m); err != nil {
			t.Fatal(err)
		}
		if _, problems := pageProblems(buf.Bytes(), m); len(problems) > 0 {
			t.Fatalf("%v", problems)
		}
	})
}

// FuzzParseSummary feeds the same bytes to the JSON and the CSV summary
// readers; neither may panic, and what they accept must render cleanly.
func FuzzParseSummary(f *testing.F) {
	f.Add([]byte(summaryJSON))
	f.Add([]byte(summaryCSV))
	f.Add([]byte(`[{"device":"<b onmouseover=alert(1)>","macs":null,"warnings":["\u202e"]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, parse := range []func([]byte) ([]Device, error){
			parseSummaryJSON,
			func(b []byte) ([]Device, error) { return parseSummaryCSV(bytes.NewReader(b)) },
		} {
			devices, err := parse(data)
			if err != nil {
				continue
			}
			m := &Model{Title: "fuzz", Generated: fixedGenerated, Devices: devices[:min(len(devices), 50)]}
			var buf bytes.Buffer
			if err := Write(&buf, m); err != nil {
				t.Fatal(err)
			}
			if _, problems := pageProblems(buf.Bytes(), m); len(problems) > 0 {
				t.Fatalf("%v", problems)
			}
		}
	})
}
