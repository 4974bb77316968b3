package http

import (
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil/packets"
)

func FuzzHTTPRequest(f *testing.F) {
	packets.AddSeeds(f,
		"GET /api/config HTTP/1.1\r\nHost: 10.10.10.6\r\nUser-Agent: Dalvik/1.6.0\r\n\r\n",
		"POST /queue HTTP/1.1\nhost: bridge.meethue.com:80\n  folded\nX\n\n",
		"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n",
		"HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html\r\n\r\n",
		"HTTP/1.0 404\r\n",
		"GET / HTTP/1.1",
	)
	f.Fuzz(func(t *testing.T, b []byte) {
		if r, ok := ParseRequest(b); ok {
			if !IsMethod([]byte(r.Method)) || r.Path == "" || strings.ContainsAny(r.Path, " \n") {
				t.Fatalf("bad request line fields %+v", r)
			}
			for _, v := range []string{r.Host, r.UserAgent} {
				if strings.ContainsRune(v, '\n') {
					t.Fatalf("header value spans lines: %q", v)
				}
			}
		}
		if r, ok := ParseResponse(b); ok {
			if r.Status < 100 || r.Status > 999 || strings.ContainsRune(r.Server+r.ContentType, '\n') {
				t.Fatalf("bad response %+v", r)
			}
		}
	})
}
