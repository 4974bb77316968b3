package ssdp

import (
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil/packets"
)

func FuzzSSDP(f *testing.F) {
	packets.AddSeeds(f,
		"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nLOCATION: http://10.10.10.6:80/description.xml\r\nSERVER: Linux/3.14.0 UPnP/1.0 IpBridge/1.9.0\r\nNTS: ssdp:alive\r\nNT: upnp:rootdevice\r\nUSN: uuid:x::upnp:rootdevice\r\n\r\n",
		"M-SEARCH * HTTP/1.1\nst: ssdp:all\nuser-agent: App/1\n\n",
		"HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\nUSN: uuid:abc\r\nEXT:\r\n\r\n",
		"M-SEARCH * HTTP/1.1\r\n",
		"<?xml version=\"1.0\"?>",
	)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, ok := Parse(b)
		if !ok {
			if m != (Message{}) {
				t.Fatalf("rejected input left fields set: %+v", m)
			}
			return
		}
		if (m.Method == "") == (m.Status == 0) {
			t.Fatalf("a message is either a request or a response: %+v", m)
		}
		for _, v := range []string{m.ST, m.NT, m.NTS, m.USN, m.Server, m.Location, m.UserAgent} {
			if strings.ContainsRune(v, '\n') {
				t.Fatalf("header value spans lines: %q", v)
			}
		}
	})
}
