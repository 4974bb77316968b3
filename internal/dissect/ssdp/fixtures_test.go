package ssdp

import (
	"maps"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil"
	"github.com/iotlens/iotlens/internal/testutil/packets"
)

// summary is the part of a message the fixture tests count.
type summary struct {
	method, st, nts, server, location string
}

// Expected counts: tshark 4.0.17 (-Y ssdp; http.request.method, http.location,
// http.server and the NT/NTS/USN lines of http.unknown_header; ST read from
// the M-SEARCH payloads),
// grouped with sort | uniq -c.
func TestSSDPInFixtures(t *testing.T) {
	const dlinkServer = "Linux,    UPnP/1.0 DCS-935L/1.0"
	tests := []struct {
		path    []string
		port    uint16
		want    map[summary]int
		nts     int // distinct NT values
		usns    int // distinct USN values
		parsed  int
		skipped int
	}{
		{
			path: []string{"iot-sentinel", "D-LinkCam", "Setup-A-2-STA.pcap"}, port: 1900,
			want: map[summary]int{
				{"M-SEARCH", "upnp:rootdevice", "", "", ""}:                                     4,
				{"M-SEARCH", "urn:schemas-upnp-org:device:InternetGatewayDevice:1", "", "", ""}: 4,
				{"M-SEARCH", "urn:schemas-upnp-org:service:WANIPConnection:1", "", "", ""}:      4,
				{"M-SEARCH", "urn:schemas-upnp-org:service:WANPPPConnection:1", "", "", ""}:     4,
				{"NOTIFY", "", "ssdp:alive", dlinkServer, "https://10.10.10.37/HNAP1/"}:         40,
				{"NOTIFY", "", "ssdp:alive", dlinkServer, "http://10.10.10.37:55430/"}:          40,
				{"NOTIFY", "", "ssdp:byebye", "", ""}:                                           20,
			},
			nts: 6, usns: 8, parsed: 116,
		},
		{
			path: []string{"iot-sentinel", "HueBridge", "Setup-A-2-STA.pcap"}, port: 1900,
			want: map[summary]int{
				{"NOTIFY", "", "ssdp:alive", "Linux/3.14.0 UPnP/1.0 IpBridge/1.9.0", "http://10.10.10.6:80/description.xml"}: 18,
			},
			nts: 3, usns: 2, parsed: 18,
		},
		{
			// Despite its name: bare "M-SEARCH * HTTP/1.1" probes to UDP 32412 (Plex GDM).
			path: []string{"ndpi", "ssdp-m-search.pcap"}, port: 32412,
			want:   map[summary]int{{"M-SEARCH", "", "", "", ""}: 19},
			parsed: 19,
		},
		{
			// Despite its name: WS-Discovery SOAP on UDP 3702, which is not SSDP.
			path: []string{"ndpi", "upnp.pcap"}, port: 3702,
			want: map[summary]int{}, skipped: 14,
		},
	}
	for _, tc := range tests {
		t.Run(tc.path[len(tc.path)-1], func(t *testing.T) {
			got := map[summary]int{}
			nts, usns := map[string]bool{}, map[string]bool{}
			parsed, skipped := 0, 0
			for _, payload := range packets.UDPPayloads(t, testutil.Fixture(t, tc.path...), tc.port) {
				m, ok := Parse(payload)
				if !ok {
					skipped++
					continue
				}
				parsed++
				got[summary{m.Method, m.ST, m.NTS, m.Server, m.Location}]++
				if m.NT != "" {
					nts[m.NT] = true
				}
				if m.USN != "" {
					usns[m.USN] = true
				}
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("got %v\nwant %v", got, tc.want)
			}
			if parsed != tc.parsed || skipped != tc.skipped || len(nts) != tc.nts || len(usns) != tc.usns {
				t.Errorf("parsed %d skipped %d NTs %d USNs %d; want %d %d %d %d", parsed, skipped, len(nts), len(usns), tc.parsed, tc.skipped, tc.nts, tc.usns)
			}
		})
	}
}
