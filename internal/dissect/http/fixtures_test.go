package http

import (
	"maps"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil"
	"github.com/iotlens/iotlens/internal/testutil/packets"
)

type requestKey struct{ method, host, agent string }

type responseKey struct {
	status              int
	server, contentType string
}

// Expected values: tshark 4.0.17, first request and response of each TCP
// stream, counted:
//
//	tshark -r F -Y http.request -T fields -e tcp.stream -e http.request.method \
//	  -e http.host -e http.user_agent | awk -F'\t' '!seen[$1]++' | cut -f2- | sort | uniq -c
//	tshark -r F -Y http.response -T fields -e tcp.stream -e http.response.code \
//	  -e http.server -e http.content_type | awk -F'\t' '!seen[$1]++' | cut -f2- | sort | uniq -c
func TestHTTPInFixtures(t *testing.T) {
	const dalvik = "Dalvik/1.6.0 (Linux; U; Android 4.4.2; SM-N7505 Build/KOT49H)"
	tests := []struct {
		path      []string
		requests  map[requestKey]int
		responses map[responseKey]int
	}{
		{
			// The bridge sends "POST " in a segment of its own: the head
			// must be read from the reassembled stream.
			path: []string{"iot-sentinel", "HueBridge", "Setup-A-2-STA.pcap"},
			requests: map[requestKey]int{
				{"GET", "10.10.10.6", dalvik}:                   37,
				{"POST", "10.10.10.6", dalvik}:                  6,
				{"POST", "bridge.meethue.com:80", ""}:           52,
				{"POST", "dcp.cpp.philips.com:80", ""}:          4,
				{"POST", "www.ecdinterface.philips.com:80", ""}: 3,
				{"PUT", "10.10.10.6", dalvik}:                   1,
			},
			responses: map[responseKey]int{
				{200, "", "application/json"}:                                      44,
				{200, "Google Frontend", "text/plain; charset=utf-8"}:              52,
				{200, "Microsoft-IIS/7.5", "application/CB-Encrypted; cipher=AES"}: 6,
				{401, "Microsoft-IIS/7.5", "text/html"}:                            1,
			},
		},
		{
			// HTTP inside an 802.1Q tag.
			path:      []string{"zeek", "http-vlan-0.pcap"},
			requests:  map[requestKey]int{{"GET", "bro.org", "Wget/1.14 (darwin12.2.0)"}: 1},
			responses: map[responseKey]int{{200, "Apache/2.4.3 (Fedora)", "text/plain; charset=UTF-8"}: 1},
		},
	}
	for _, tc := range tests {
		t.Run(tc.path[len(tc.path)-1], func(t *testing.T) {
			requests := map[requestKey]int{}
			responses := map[responseKey]int{}
			for _, s := range packets.Conversations(t, testutil.Fixture(t, tc.path...), 1<<16) {
				if r, ok := ParseRequest(s.Client); ok {
					requests[requestKey{r.Method, r.Host, r.UserAgent}]++
				}
				if r, ok := ParseResponse(s.Server); ok {
					responses[responseKey{r.Status, r.Server, r.ContentType}]++
				}
			}
			if !maps.Equal(requests, tc.requests) {
				t.Errorf("requests %v\nwant %v", requests, tc.requests)
			}
			if !maps.Equal(responses, tc.responses) {
				t.Errorf("responses %v\nwant %v", responses, tc.responses)
			}
		})
	}
}
