package dnsdb

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
)

// rec renders one DNSDB record line.
func rec(name, rrtype string, first, last int64, rdata ...string) string {
	quoted := make([]string, len(rdata))
	for i, rd := range rdata {
		quoted[i] = fmt.Sprintf("%q", rd)
	}
	return fmt.Sprintf(`{"count":1,"time_first":%d,"time_last":%d,"rrname":%q,"rrtype":%q,"bailiwick":"example.","rdata":[%s]}`,
		first, last, name, rrtype, strings.Join(quoted, ","))
}

func writeFile(t *testing.T, name string, lines ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func mine(t *testing.T, files ...string) *Result {
	t.Helper()
	res, err := Mine(context.Background(), files, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func domain(res *Result, provider, name string) *DomainRow {
	for i := range res.Domains {
		if res.Domains[i].Provider == provider && res.Domains[i].Domain == name {
			return &res.Domains[i]
		}
	}
	return nil
}

// TestPostProcessingRules has a positive and a negative record for every
// DNSDB rule of the study (and the fixed typos and dots).
func TestPostProcessingRules(t *testing.T) {
	cases := []struct {
		rule     string
		name     string
		provider string // "" when the record must not be attributed
		region   string
	}{
		{"AWS: direct sub-domain of iot.<region>.amazonaws.com", "a30xqtffg389ek-ats.iot.us-west-2.amazonaws.com.", "Amazon AWS", "us-west-2"},
		{"AWS: deeper names are dropped", "x.a30xqtffg389ek-ats.iot.us-west-2.amazonaws.com.", "", ""},
		{"AWS: iot.<region>.amazonaws.com itself is dropped", "iot.us-west-2.amazonaws.com.", "", ""},
		{"Bosch: names without doc.", "mqtt.bosch-iot-hub.com.", "Bosch", ""},
		{"Bosch: doc. names are dropped", "doc.bosch-iot-suite.com.", "", ""},
		{"Siemens: gateway names", "gateway.eu1.mindsphere.io.", "Siemens", "eu1"},
		{"Siemens: static names are dropped", "static.eu2.mindsphere.io.", "", ""},
		{"Siemens: edge names are dropped", "edge-cdn.cn1.mindsphere-in.cn.", "", ""},
		{"Alibaba: link.aliyuncs.com with coap", "a1b2c3.coap.cn-shanghai.link.aliyuncs.com.", "Alibaba Cloud", "cn-shanghai"},
		{"Alibaba: link.aliyuncs.com without coap is dropped", "a1b2c3.iot-as-mqtt.cn-shanghai.link.aliyuncs.com.", "", ""},
		{"Alibaba: hub names outside link.aliyuncs.com", "a1b2c3.iot-as-mqtt.cn-shanghai.aliyuncs.com.", "Alibaba Cloud", "cn-shanghai"},
		{"Google: cloudiotdevice (typo fixed)", "cloudiotdevice.googleapis.com.", "Google", ""},
		{"Google: the typo cloudiotdevic does not match", "cloudiotdevic.googleapis.com.", "", ""},
		{"Bosch: escaped dot in bosch-iot-hub.com", "x.bosch-iot-hubXcom.", "", ""},
		{"IBM: escaped dot in ibmcloud.com", "org1.messaging.internetofthings.ibmcloud.com.", "IBM", ""},
		{"IBM: a letter for the dot does not match", "org1.internetofthings.ibmcloudXcom.", "", ""},
		{"whole name: a provider suffix inside a longer name", "x.azure-devices.net.evil.example.", "", ""},
	}
	var lines []string
	for i, c := range cases {
		lines = append(lines, rec(c.name, "A", 1600000000, 1600000100, fmt.Sprintf("198.51.100.%d", i+1)))
	}
	res := mine(t, writeFile(t, "rules.json", lines...))
	for _, c := range cases {
		name := strings.ToLower(strings.TrimSuffix(c.name, "."))
		var got *DomainRow
		for i := range res.Domains {
			if res.Domains[i].Domain == name {
				got = &res.Domains[i]
			}
		}
		switch {
		case c.provider == "" && got != nil:
			t.Errorf("%s: %s attributed to %s", c.rule, name, got.Provider)
		case c.provider != "" && got == nil:
			t.Errorf("%s: %s not attributed", c.rule, name)
		case got != nil && (got.Provider != c.provider || got.Region != c.region):
			t.Errorf("%s: %s → %s/%s, want %s/%s", c.rule, name, got.Provider, got.Region, c.provider, c.region)
		}
	}
}

func TestRecordFieldsAndFormats(t *testing.T) {
	lines := []string{
		`{"cond":"begin"}`,
		`{"obj":{"count":7,"time_first":1600000000,"time_last":1600000500,"rrname":"A1.IOT.US-EAST-1.AMAZONAWS.COM.","rrtype":"A","rdata":["3.5.6.7","3.5.6.8"]}}`,
		`{"obj":{"count":3,"zone_time_first":1500000000,"zone_time_last":1700000000,"rrname":"a1.iot.us-east-1.amazonaws.com.","rrtype":"AAAA","rdata":"2600:1f18::1"}}`,
		`{"obj":{"count":2,"time_first":1600000100,"time_last":1600000200,"rrname":"a1.iot.us-east-1.amazonaws.com.","rrtype":"A","rdata":["3.5.6.7","not-an-ip"]}}`,
		`{"cond":"succeeded"}`,
		`{"count":1,"time_first":1,"time_last":2,"rrname":"www.example.com.","rrtype":"A","rdata":["192.0.2.1"]}`,
	}
	plain := strings.Join(lines, "\n") + "\n"
	dir := t.TempDir()
	var gz, zs bytes.Buffer
	gw := gzip.NewWriter(&gz)
	gw.Write([]byte(plain))
	gw.Close()
	zw, _ := zstd.NewWriter(&zs)
	zw.Write([]byte(plain))
	zw.Close()
	for _, f := range []struct{ name, data string }{{"plain.json", plain}, {"export.json.gz", gz.String()}, {"export.zst", zs.String()}, {"gzip-named.txt", gz.String()}} {
		path := filepath.Join(dir, f.name)
		os.WriteFile(path, []byte(f.data), 0o644)
		res := mine(t, path)
		d := domain(res, "Amazon AWS", "a1.iot.us-east-1.amazonaws.com")
		if d == nil {
			t.Fatalf("%s: not attributed: %+v", f.name, res.Domains)
		}
		if got := strings.Join(d.IPv4, ";") + "|" + strings.Join(d.IPv6, ";"); got != "3.5.6.7;3.5.6.8|2600:1f18::1" {
			t.Errorf("%s: addresses %s", f.name, got)
		}
		if d.Count != 12 || d.Records != 3 || d.FirstSeen != 1500000000000 || d.LastSeen != 1700000000000 ||
			d.Region != "us-east-1" || d.Rule != "aws-iot-core" || strings.Join(d.RRTypes, ";") != "A;AAAA" {
			t.Errorf("%s: %+v", f.name, *d)
		}
		if res.Records != 4 || res.Lines != 6 || len(res.Domains) != 1 || res.WarningCount != 0 {
			t.Errorf("%s: records %d lines %d domains %d warnings %v", f.name, res.Records, res.Lines, len(res.Domains), res.Warnings)
		}
		if len(res.Providers) != 1 || res.Providers[0].IPv4 != 2 || res.Providers[0].IPv6 != 1 ||
			strings.Join(res.Providers[0].Regions, ";") != "us-east-1" {
			t.Errorf("%s: providers %+v", f.name, res.Providers)
		}
	}
}

func TestCNAMEFollowing(t *testing.T) {
	lines := []string{
		// C's and B's records come before the CNAME that makes B relevant,
		// and B's CNAME to C is only read in the second pass: a third pass
		// reads C.
		rec("lb-c.cloudapp.net.", "A", 10, 20, "192.0.2.3"),
		rec("lb-b.cloudapp.net.", "CNAME", 10, 20, "lb-c.cloudapp.net."),
		rec("lb-b.cloudapp.net.", "A", 10, 20, "192.0.2.2"),
		rec("hub1.azure-devices.net.", "CNAME", 10, 20, "lb-a.cloudapp.net."),
		rec("hub2.azure-devices.net.", "CNAME", 10, 20, "lb-b.cloudapp.net."),
		rec("hub3.azure-devices.net.", "CNAME", 10, 20, "absent.cloudapp.net."),
		// A comes after its CNAME: read in the first pass.
		rec("lb-a.cloudapp.net.", "A", 10, 20, "192.0.2.1"),
		// A loop must terminate.
		rec("loop1.azure-devices.net.", "CNAME", 10, 20, "loop2.azure-devices.net."),
		rec("loop2.azure-devices.net.", "CNAME", 10, 20, "loop1.azure-devices.net."),
	}
	res := mine(t, writeFile(t, "cname.json", lines...))
	for name, want := range map[string]string{"lb-a.cloudapp.net": "192.0.2.1", "lb-b.cloudapp.net": "192.0.2.2", "lb-c.cloudapp.net": "192.0.2.3"} {
		d := domain(res, "Microsoft", name)
		if d == nil || strings.Join(d.IPv4, ";") != want || d.Rule != "azure-iot-hub" {
			t.Errorf("%s: %+v", name, d)
		}
	}
	if d := domain(res, "Microsoft", "lb-b.cloudapp.net"); d == nil || d.ViaCNAME != "hub2.azure-devices.net" || d.Records != 2 {
		t.Errorf("lb-b: %+v", d)
	}
	if len(res.NextQueries) != 1 || res.NextQueries[0].Domain != "absent.cloudapp.net" ||
		res.NextQueries[0].AQuery != "rrset/name/absent.cloudapp.net./A" || res.NextQueries[0].Company != "Microsoft" ||
		res.NextQueries[0].Via != "hub3.azure-devices.net" {
		t.Errorf("next queries %+v", res.NextQueries)
	}
	if res.Passes != 3 {
		t.Errorf("%d passes, want 3", res.Passes)
	}
	if p := res.Providers[0]; p.Pending != 1 || p.IPv4 != 3 {
		t.Errorf("provider %+v", p)
	}
}

func TestNoExtraPassWhenTargetsAreAbsent(t *testing.T) {
	res := mine(t, writeFile(t, "x.json",
		rec("hub.azure-devices.net.", "CNAME", 1, 2, "nowhere.cloudapp.net."),
		rec("other.example.", "A", 1, 2, "192.0.2.9")))
	if res.Passes != 1 || len(res.NextQueries) != 1 {
		t.Fatalf("passes %d, next %+v", res.Passes, res.NextQueries)
	}
}

func TestCNAMEAcrossFiles(t *testing.T) {
	first := writeFile(t, "1.json", rec("lb.cloudapp.net.", "A", 1, 2, "192.0.2.7"))
	second := writeFile(t, "2.json", rec("hub.azure-devices.net.", "CNAME", 1, 2, "lb.cloudapp.net."))
	res := mine(t, first, second)
	if d := domain(res, "Microsoft", "lb.cloudapp.net"); d == nil || strings.Join(d.IPv4, ";") != "192.0.2.7" {
		t.Fatalf("%+v", res.Domains)
	}
}

func TestWarnings(t *testing.T) {
	path := writeFile(t, "w.json",
		`{"cond":"begin"}`,
		rec("a.iot.eu-west-1.amazonaws.com.", "A", 1, 2, "192.0.2.1"),
		`{"cond":"limited","msg":"Result limit reached"}`,
		`{"cond":"begin"}`,
		`{"cond":"failed","msg":"Query timed out"}`,
		`garbage`,
		`{"foo":1}`,
		`{"cond":"begin"}`,
		rec("b.iot.eu-west-1.amazonaws.com.", "A", 1, 2, "192.0.2.2"),
	)
	var seen []string
	res, err := Mine(context.Background(), []string{path}, Options{Warn: func(s string) { seen = append(seen, s) }})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		path + ":3: DNSDB stopped this query at a limit: Result limit reached",
		path + ":5: the DNSDB query failed: Query timed out",
		path + ":6: byte 1: not a JSON object",
		path + ":7: neither a record",
		path + ":8: the SAF stream begun here has no \"succeeded\" condition",
	}
	if len(seen) != len(want) || res.WarningCount != len(want) || res.BadLines != 2 {
		t.Fatalf("warnings %q (bad lines %d)", seen, res.BadLines)
	}
	for i, w := range want {
		if !strings.HasPrefix(seen[i], w) {
			t.Errorf("warning %d = %q, want prefix %q", i, seen[i], w)
		}
	}
	if len(res.Domains) != 2 {
		t.Errorf("records around damage lost: %+v", res.Domains)
	}
}

func TestOverLongLineIsSkipped(t *testing.T) {
	path := writeFile(t, "long.json",
		rec("a.iot.eu-west-1.amazonaws.com.", "A", 1, 2, "192.0.2.1"),
		`{"rrname":"`+strings.Repeat("x", 5000)+`.azure-devices.net."}`,
		rec("b.iot.eu-west-1.amazonaws.com.", "A", 1, 2, "192.0.2.2"))
	res, err := Mine(context.Background(), []string{path}, Options{MaxLine: 4096})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 || res.Warnings[0] != path+":2: line too long (over 4096 bytes): skipped" || len(res.Domains) != 2 {
		t.Fatalf("warnings %q, domains %d", res.Warnings, len(res.Domains))
	}
}

func TestMissingFileIsAnError(t *testing.T) {
	_, err := Mine(context.Background(), []string{filepath.Join(t.TempDir(), "absent.json")}, Options{})
	if err == nil || !strings.Contains(err.Error(), "absent.json") {
		t.Fatalf("err = %v", err)
	}
}

func TestCutGzipIsAnErrorNamingTheFile(t *testing.T) {
	var gz bytes.Buffer
	gw := gzip.NewWriter(&gz)
	for i := range 2000 {
		gw.Write([]byte(rec(fmt.Sprintf("h%d.azure-devices.net.", i), "A", 1, 2, "192.0.2.1") + "\n"))
	}
	gw.Close()
	path := filepath.Join(t.TempDir(), "cut.json.gz")
	os.WriteFile(path, gz.Bytes()[:gz.Len()/2], 0o644)
	_, err := Mine(context.Background(), []string{path}, Options{})
	if err == nil || !strings.Contains(err.Error(), "cut.json.gz") || !strings.Contains(err.Error(), "cut short") {
		t.Fatalf("err = %v", err)
	}
}

// TestOutputsAreDeterministic mines the same data twice and compares the
// files byte for byte (map order must not leak into outputs).
func TestOutputsAreDeterministic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gen.json")
	f, _ := os.Create(path)
	if err := generate(f, 2<<20, 7); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var outs [2]map[string][]byte
	for i := range outs {
		dir := t.TempDir()
		paths, err := WriteFiles(dir, mine(t, path))
		if err != nil {
			t.Fatal(err)
		}
		outs[i] = map[string][]byte{}
		for _, p := range paths {
			b, _ := os.ReadFile(p)
			outs[i][filepath.Base(p)] = b
		}
	}
	if len(outs[0]) != 7 {
		t.Fatalf("files %v", slices.Collect(maps.Keys(outs[0])))
	}
	for name, b := range outs[0] {
		if !bytes.Equal(b, outs[1][name]) {
			t.Errorf("%s differs between runs", name)
		}
	}
}

func TestWriteFiles(t *testing.T) {
	res := mine(t, writeFile(t, "x.json",
		rec("a1.iot.us-east-1.amazonaws.com.", "A", 1600000000, 1600000500, "3.5.6.7"),
		rec("=cmd|x.azure-devices.net.", "A", 1600000000, 1600000500, "3.5.6.8"),
		rec("hub.azure-devices.net.", "CNAME", 1, 2, "gone.cloudapp.net.")))
	dir := t.TempDir()
	paths, err := WriteFiles(dir, res)
	if err != nil {
		t.Fatal(err)
	}
	csv, _ := os.ReadFile(filepath.Join(dir, DomainsFile+".csv"))
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if lines[0] != strings.Join(DomainHeader, ",") || len(lines) != 5 {
		t.Fatalf("domains.csv:\n%s", csv)
	}
	if !strings.Contains(string(csv), "Amazon AWS,iot-backend,us-east-1,a1.iot.us-east-1.amazonaws.com,aws-iot-core,,A,3.5.6.7,,,1,1,2020-09-13T12:26:40Z,2020-09-13T12:35:00Z") {
		t.Errorf("AWS row missing:\n%s", csv)
	}
	if !strings.Contains(string(csv), ",'=cmd|x.azure-devices.net,") {
		t.Errorf("formula not neutralised:\n%s", csv)
	}
	next, _ := os.ReadFile(filepath.Join(dir, NextQueriesFile+".csv"))
	if want := "gone.cloudapp.net,rrset/name/gone.cloudapp.net./A,rrset/name/gone.cloudapp.net./AAAA,Microsoft,rrset/name/gone.cloudapp.net./CNAME,hub.azure-devices.net"; !strings.Contains(string(next), want) {
		t.Errorf("next queries:\n%s", next)
	}
	back, err := parquet.ReadFile[DomainRow](filepath.Join(dir, DomainsFile+".parquet"))
	if err != nil || len(back) != 4 || back[0].Domain != "a1.iot.us-east-1.amazonaws.com" || back[0].FirstSeen != 1600000000000 ||
		strings.Join(back[0].IPv4, ";") != "3.5.6.7" {
		t.Fatalf("parquet: %v %+v", err, back)
	}
	if len(paths) != 7 {
		t.Errorf("paths %v", paths)
	}
}
