package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBackendsDatasets(t *testing.T) {
	dir := t.TempDir()
	dnsdbFile := filepath.Join(dir, "dnsdb.json")
	os.WriteFile(dnsdbFile, []byte(`{"cond":"begin"}
{"obj":{"count":3,"time_first":1600000000,"time_last":1600000500,"rrname":"a30xqtffg389ek-ats.iot.us-west-2.amazonaws.com.","rrtype":"A","rdata":["52.1.2.3"]}}
{"obj":{"count":1,"time_first":1600000000,"time_last":1600000500,"rrname":"hub.azure-devices.net.","rrtype":"CNAME","rdata":["lb.cloudapp.net."]}}
{"cond":"succeeded"}
`), 0o644)
	censysFile := filepath.Join(dir, "censys.json")
	os.WriteFile(censysFile, []byte(`{"host_identifier":{"ipv4":"3.5.6.7"},"autonomous_system":{"asn":16509},"services":[{"port":8883,"service_name":"MQTT","snapshot_date":"2022-02-28","tls":{"certificates":{"leaf_data":{"names":["*.iot.us-west-2.amazonaws.com"],"subject_dn":"CN=*.iot.us-west-2.amazonaws.com"}}}}]}
`), 0o644)
	out := filepath.Join(dir, "out")

	stdout, stderr, code := run(t, "backends", "dnsdb", "-o", out, dnsdbFile)
	if code != exitOK || !strings.Contains(stdout, "Amazon AWS") || !strings.Contains(stdout, "us-west-2") ||
		!strings.Contains(stderr, "iotlens: 1 files, 2 records") || !strings.Contains(stderr, "1 CNAME targets to query") {
		t.Fatalf("dnsdb: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, f := range []string{"dnsdb_providers.csv", "dnsdb_domains.parquet", "dnsdb_addresses.csv", "dnsdb_next_queries.csv"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("dnsdb: %v", err)
		}
	}

	stdout, stderr, code = run(t, "backends", "censys", "-q", "-o", out, censysFile)
	if code != exitOK || !strings.Contains(stdout, "Amazon AWS") || !strings.Contains(stdout, "8883") || stderr != "" {
		t.Fatalf("censys: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if b, err := os.ReadFile(filepath.Join(out, "censys_hosts.csv")); err != nil || !strings.Contains(string(b), "3.5.6.7,16509,8883") {
		t.Errorf("censys_hosts.csv: %v\n%s", err, b)
	}

	stdout, _, code = run(t, "backends", "catalogue", "--rules")
	if code != exitOK || !strings.Contains(stdout, "aws-iot-core") || !strings.Contains(stdout, "tuya-regional") {
		t.Fatalf("catalogue: exit %d\n%s", code, stdout)
	}
}

func TestBackendsExitCodes(t *testing.T) {
	dir := t.TempDir()
	damaged := filepath.Join(dir, "damaged.json")
	os.WriteFile(damaged, []byte("{\"cond\":\"begin\"}\nnot json\n"), 0o644)
	badCatalogue := filepath.Join(dir, "bad.yaml")
	os.WriteFile(badCatalogue, []byte("version: 1\nproviders:\n  - name: X\n    kynd: y\n"), 0o644)
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"parent without arguments", []string{"backends"}, exitUsage, "dnsdb"},
		{"dnsdb without files", []string{"backends", "dnsdb"}, exitUsage, "requires at least 1 arg"},
		{"warnings are fine", []string{"backends", "dnsdb", damaged}, exitOK, "damaged.json:2: byte 1"},
		{"strict with warnings", []string{"backends", "dnsdb", "--strict", damaged}, exitWarnings, "no \"succeeded\""},
		{"missing file", []string{"backends", "censys", filepath.Join(dir, "absent.json")}, exitError, "absent.json"},
		{"bad catalogue", []string{"backends", "dnsdb", "--catalogue", badCatalogue, damaged}, exitError, `bad.yaml: line 4: unknown key "kynd"`},
		{"empty folder", []string{"backends", "censys", t.TempDir()}, exitError, "no dataset files"},
	}
	for _, c := range cases {
		_, stderr, code := run(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, want %d; stderr: %s", c.name, code, c.code, stderr)
		}
	}
}
