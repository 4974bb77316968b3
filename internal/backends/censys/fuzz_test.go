package censys

import (
	"testing"

	"github.com/iotlens/iotlens/internal/backends"
)

// FuzzCensysLine feeds arbitrary lines through decoding, certificate
// extraction and catalogue matching: nothing may panic, and every match
// must name a provider of the catalogue with names taken from the line.
func FuzzCensysLine(f *testing.F) {
	f.Add([]byte(host("3.5.6.7", 8883, []string{"*.iot.us-east-1.amazonaws.com"}, "CN=*.iot.us-east-1.amazonaws.com")))
	f.Add([]byte(`{"fingerprint_sha256":"aa","parsed":{"names":["*.eu10.cp.iot.sap","x.sapns2.iot.sap"],"validity":{"start":"a","end":"b"}}}`))
	f.Add([]byte(`{"ip":"1.2.3.4","asn":"x","names":"a;;*.bosch-iot-hub.com","port":"8883"}`))
	f.Add([]byte(`{"services":[{"tls":{"certificates":{"leaf_data":{"names":null,"subject_dn":"CN="}}}}]}`))
	cat := backends.Default()
	f.Fuzz(func(t *testing.T, b []byte) {
		certs, err := parseLine(b)
		if err != nil {
			return
		}
		for _, c := range certs {
			for _, m := range cat.MatchCertificate(c.names) {
				if cat.Provider(m.Provider) == nil || len(m.Names) == 0 {
					t.Fatalf("bad match %+v", m)
				}
			}
		}
	})
}
