package censys

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/parquet-go/parquet-go"
)

// host renders a Universal Internet Dataset host with one TLS service.
func host(ip string, port int, names []string, subject string) string {
	rec := map[string]any{
		"host_identifier":   map[string]any{"ipv4": ip},
		"autonomous_system": map[string]any{"asn": 16509, "name": "AMAZON-02"},
		"services": []any{
			map[string]any{"port": 22, "service_name": "SSH", "snapshot_date": "2022-02-28"},
			map[string]any{"port": port, "service_name": "MQTT", "snapshot_date": "2022-02-28", "tls": map[string]any{
				"certificates": map[string]any{"leaf_fp_sha256": "fp-" + ip, "leaf_data": map[string]any{
					"names": names, "subject_dn": subject, "issuer_dn": "C=US, O=Amazon, CN=Amazon RSA 2048 M01"}}}},
		},
	}
	b, _ := json.Marshal(rec)
	return string(b)
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

// TestCertificateRules has a positive and a negative certificate for every
// certificate rule of the study, and for whole-name matching.
func TestCertificateRules(t *testing.T) {
	cases := []struct {
		rule     string
		names    []string
		subject  string
		provider string // "" when the certificate must not be attributed
		region   string
	}{
		{"AWS: keeps certificates with *.iot", []string{"iot.us-east-1.amazonaws.com", "*.iot.us-east-1.amazonaws.com"}, "CN=*.iot.us-east-1.amazonaws.com", "Amazon AWS", "us-east-1"},
		{"AWS: drops certificates without *.iot", []string{"iot.us-east-1.amazonaws.com"}, "CN=iot.us-east-1.amazonaws.com", "", ""},
		{"SAP: keeps certificates without sapns2", []string{"*.eu10.cp.iot.sap"}, "CN=*.eu10.cp.iot.sap", "SAP", "eu10"},
		{"SAP: drops certificates with sapns2", []string{"*.eu10.cp.iot.sap", "gw.sapns2.iot.sap"}, "", "", ""},
		{"Bosch: keeps bosch-iot-hub.com", []string{"*.bosch-iot-hub.com", "*.bosch-iot-suite.com"}, "", "Bosch", ""},
		{"Bosch: drops bosch-iot-suite.com alone", []string{"*.bosch-iot-suite.com"}, "", "", ""},
		{"Siemens: keeps eu1.mindsphere.io", []string{"*.eu1.mindsphere.io"}, "", "Siemens", "eu1"},
		{"Siemens: keeps cn1.mindsphere-in.cn from the CN", nil, "C=CN, O=Siemens, CN=*.cn1.mindsphere-in.cn", "Siemens", "cn1"},
		{"Siemens: other mindsphere names are not attributed", []string{"*.mindsphere.io", "www.mindsphere.io"}, "", "", ""},
		{"Huawei: pattern now anchored at the end", []string{"iot-mqtts.cn-north-4.myhuaweicloud.com.evil.example"}, "", "", ""},
		{"Huawei: regional certificate", []string{"*.iot-mqtts.cn-north-4.myhuaweicloud.com"}, "", "Huawei", "cn-north-4"},
		{"whole names: no substring match", []string{"azure-devices.net.example.org"}, "", "", ""},
		{"whole names: wildcard for one label", []string{"*.azure-devices.net"}, "", "Microsoft", ""},
		{"consumer platform", []string{"*.tuyaeu.com", "tuyaeu.com"}, "", "Tuya", "eu"},
	}
	var lines []string
	for i, c := range cases {
		lines = append(lines, host("198.51.100."+itoa(int64(i+1)), 8883, c.names, c.subject))
	}
	res := mine(t, writeFile(t, "hosts.json", lines...))
	for i, c := range cases {
		ip := "198.51.100." + itoa(int64(i+1))
		var got *HostRow
		for j := range res.Hosts {
			if res.Hosts[j].IP == ip {
				got = &res.Hosts[j]
			}
		}
		switch {
		case c.provider == "" && got != nil:
			t.Errorf("%s: attributed to %s (%v)", c.rule, got.Provider, got.CertNames)
		case c.provider != "" && got == nil:
			t.Errorf("%s: not attributed", c.rule)
		case got != nil && (got.Provider != c.provider || strings.Join(got.Regions, ";") != c.region):
			t.Errorf("%s: %s/%v, want %s/%s", c.rule, got.Provider, got.Regions, c.provider, c.region)
		}
	}
	if res.Certs != int64(len(cases)) {
		t.Errorf("%d certificates examined, want %d (services without TLS are skipped)", res.Certs, len(cases))
	}
}

func TestLayouts(t *testing.T) {
	lines := []string{
		// Certificate export, v1.
		`{"fingerprint_sha256":"aa11","parsed":{"names":["*.iot.eu-west-1.amazonaws.com","iot.eu-west-1.amazonaws.com"],"subject_dn":"CN=*.iot.eu-west-1.amazonaws.com","issuer_dn":"O=Amazon","validity":{"start":"2021-06-01T00:00:00Z","end":"2022-06-01T00:00:00Z"}}}`,
		// Certificate export, v2.
		`{"fingerprint_sha256":"bb22","names":["*.azure-devices.net"],"parsed":{"subject_dn":"CN=*.azure-devices.net","validity_period":{"not_before":"2021-01-01T00:00:00Z","not_after":"2023-01-01T00:00:00Z"}}}`,
		// The study's interim row: names joined with ';', flat fields.
		`{"ip":"203.0.113.9","asn":"45102","issuer_dn":"O=DigiCert","names":"*.iot-as-mqtt.cn-shanghai.aliyuncs.com;iot-as-mqtt.cn-shanghai.aliyuncs.com","subject_dn":"CN=*.iot-as-mqtt.cn-shanghai.aliyuncs.com","port":1883,"service_name":"MQTT","snapshot_date":"2022-02-28","company":"'Alibaba Cloud'"}`,
		// A host with the same AWS certificate on two ports and two snapshots.
		`{"host_identifier":{"ipv4":"3.5.6.7"},"autonomous_system":{"asn":16509},"services":[{"port":8883,"service_name":"MQTT","snapshot_date":"2022-02-21","tls":{"certificates":{"leaf_fp_sha256":"aa11","leaf_data":{"names":["*.iot.eu-west-1.amazonaws.com"],"subject_dn":"CN=*.iot.eu-west-1.amazonaws.com"}}}},{"port":443,"service_name":"HTTP","snapshot_date":"2022-02-28","tls":{"certificates":{"leaf_fp_sha256":"aa11","leaf_data":{"names":["*.iot.eu-west-1.amazonaws.com"]}}}}]}`,
		``,
		`{"host_identifier":{"ipv4":"192.0.2.1"},"services":[{"port":443,"tls":{"certificates":{"leaf_data":{"names":["www.example.com"]}}}}]}`,
	}
	var gz bytes.Buffer
	gw := gzip.NewWriter(&gz)
	gw.Write([]byte(strings.Join(lines, "\n")))
	gw.Close()
	path := filepath.Join(t.TempDir(), "export.json.gz")
	os.WriteFile(path, gz.Bytes(), 0o644)
	res := mine(t, path)
	if res.Certs != 6 || res.Matched != 5 || res.BadLines != 0 {
		t.Fatalf("certs %d matched %d bad %d", res.Certs, res.Matched, res.BadLines)
	}
	if len(res.Providers) != 3 {
		t.Fatalf("providers %+v", res.Providers)
	}
	aws := res.Providers[0]
	if aws.Provider != "Amazon AWS" || aws.IPs != 1 || strings.Join(aws.Ports, ";") != "443;8883" || aws.Certificates != 1 ||
		aws.CertNames != 2 || aws.NotBefore != "2021-06-01T00:00:00Z" || aws.NotAfter != "2022-06-01T00:00:00Z" ||
		aws.FirstSnapshot != "2022-02-21" || aws.LastSnapshot != "2022-02-28" || aws.Records != 3 ||
		strings.Join(aws.Regions, ";") != "eu-west-1" {
		t.Errorf("AWS: %+v", aws)
	}
	var alibaba *HostRow
	for i := range res.Hosts {
		if res.Hosts[i].Provider == "Alibaba Cloud" {
			alibaba = &res.Hosts[i]
		}
	}
	if alibaba == nil || alibaba.IP != "203.0.113.9" || alibaba.ASN != 45102 || alibaba.Port != 1883 ||
		strings.Join(alibaba.CertNames, ";") != "*.iot-as-mqtt.cn-shanghai.aliyuncs.com;iot-as-mqtt.cn-shanghai.aliyuncs.com" {
		t.Errorf("Alibaba host: %+v", alibaba)
	}
	var awsCert *CertRow
	for i := range res.Certificates {
		if res.Certificates[i].Fingerprint == "aa11" {
			awsCert = &res.Certificates[i]
		}
	}
	if awsCert == nil || awsCert.Hosts != 2 || awsCert.NotAfter != "2022-06-01T00:00:00Z" {
		t.Errorf("AWS certificate: %+v", awsCert)
	}
}

func TestDamagedLinesAreWarnings(t *testing.T) {
	path := writeFile(t, "bad.json",
		`{"host_identifier":{"ipv4":"192.0.2.1"},"services":[{"port":"x443"}]}`,
		`not json`,
		host("192.0.2.2", 8883, []string{"*.azure-devices.net"}, ""))
	var warnings []string
	res, err := Mine(context.Background(), []string{path}, Options{Warn: func(s string) { warnings = append(warnings, s) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 2 || !strings.HasPrefix(warnings[0], path+":1: ") || !strings.HasPrefix(warnings[1], path+":2: ") {
		t.Fatalf("warnings %q", warnings)
	}
	if len(res.Hosts) != 1 || res.BadLines != 2 {
		t.Fatalf("hosts %+v bad %d", res.Hosts, res.BadLines)
	}
}

func TestCommonName(t *testing.T) {
	for dn, want := range map[string]string{
		"C=US, O=Amazon, CN=*.iot.us-east-1.amazonaws.com": "*.iot.us-east-1.amazonaws.com",
		"CN=a.example,O=x":  "a.example",
		"cn = spaced":       "",
		"O=no common name":  "",
		"":                  "",
		"CN=only":           "only",
		"OU=x, CN= padded ": "padded",
	} {
		if got := commonName(dn); got != want {
			t.Errorf("commonName(%q) = %q, want %q", dn, got, want)
		}
	}
}

func TestWriteFiles(t *testing.T) {
	res := mine(t, writeFile(t, "h.json", host("3.5.6.7", 8883, []string{"*.iot.us-east-1.amazonaws.com"}, "=cmd|' /C calc'!A0")))
	dir := t.TempDir()
	paths, err := WriteFiles(dir, res)
	if err != nil || len(paths) != 6 {
		t.Fatalf("%v %v", paths, err)
	}
	csv, _ := os.ReadFile(filepath.Join(dir, HostsFile+".csv"))
	want := "Amazon AWS,iot-backend,3.5.6.7,16509,8883,MQTT,us-east-1,*.iot.us-east-1.amazonaws.com,1,'=cmd|' /C calc'!A0,"
	if !strings.Contains(string(csv), want) {
		t.Errorf("hosts.csv:\n%s", csv)
	}
	back, err := parquet.ReadFile[HostRow](filepath.Join(dir, HostsFile+".parquet"))
	if err != nil || len(back) != 1 || back[0].Port != 8883 || back[0].CertNames[0] != "*.iot.us-east-1.amazonaws.com" {
		t.Fatalf("parquet %v %+v", err, back)
	}
}
