package ssdp

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Message
		ok   bool
	}{
		{
			"notify alive (Hue bridge)",
			"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=100\r\nLOCATION: http://10.10.10.6:80/description.xml\r\nSERVER: Linux/3.14.0 UPnP/1.0 IpBridge/1.9.0\r\nNTS: ssdp:alive\r\nhue-bridgeid: 001788FFFE2476FF\r\nNT: upnp:rootdevice\r\nUSN: uuid:2f402f80-da50-11e1-9b23-0017882476ff::upnp:rootdevice\r\n\r\n",
			Message{Method: "NOTIFY", NT: "upnp:rootdevice", NTS: "ssdp:alive", USN: "uuid:2f402f80-da50-11e1-9b23-0017882476ff::upnp:rootdevice",
				Server: "Linux/3.14.0 UPnP/1.0 IpBridge/1.9.0", Location: "http://10.10.10.6:80/description.xml"},
			true,
		},
		{
			"notify byebye",
			"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNTS: ssdp:byebye\r\nUSN: uuid:x::upnp:rootdevice\r\nNT: upnp:rootdevice\r\nContent-Length: 0\r\n\r\n",
			Message{Method: "NOTIFY", NT: "upnp:rootdevice", NTS: "ssdp:byebye", USN: "uuid:x::upnp:rootdevice"},
			true,
		},
		{
			"m-search with user agent, lower-case names, bare LF",
			"M-SEARCH * HTTP/1.1\nhost: 239.255.255.250:1900\nman: \"ssdp:discover\"\nmx: 1\nst: ssdp:all\nuser-agent: Android/4.4 UPnP/1.1 App/2.0\n\n",
			Message{Method: "M-SEARCH", ST: "ssdp:all", UserAgent: "Android/4.4 UPnP/1.1 App/2.0"},
			true,
		},
		{"m-search without headers (Plex GDM)", "M-SEARCH * HTTP/1.1\r\n", Message{Method: "M-SEARCH"}, true},
		{
			"search response",
			"HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\nLOCATION: http://192.168.1.20:49152/desc.xml\r\nSERVER: Linux/4.9 UPnP/1.0 Cam/1.0\r\nST: upnp:rootdevice\r\nUSN: uuid:abc::upnp:rootdevice\r\n\r\n",
			Message{Status: 200, ST: "upnp:rootdevice", USN: "uuid:abc::upnp:rootdevice", Server: "Linux/4.9 UPnP/1.0 Cam/1.0", Location: "http://192.168.1.20:49152/desc.xml"},
			true,
		},
		{"first repeated header wins", "NOTIFY * HTTP/1.1\r\nNT: a\r\nNT: b\r\n\r\n", Message{Method: "NOTIFY", NT: "a"}, true},
		{"cut last line ignored", "NOTIFY * HTTP/1.1\r\nNT: a\r\nUSN: uuid:cu", Message{Method: "NOTIFY", NT: "a"}, true},
		{"ws-discovery xml", "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope/>", Message{}, false},
		{"gena subscribe", "SUBSCRIBE /event HTTP/1.1\r\nNT: upnp:event\r\n\r\n", Message{}, false},
		{"notify without version", "NOTIFY *\r\nNT: a\r\n\r\n", Message{}, false},
		{"notify prefix of another word", "NOTIFYX * HTTP/1.1\r\n\r\n", Message{}, false},
		{"m-search without target", "M-SEARCH HTTP/1.1\r\n\r\n", Message{}, false},
		{"bad status line", "HTTP/1.1 OK\r\n\r\n", Message{}, false},
		{"empty", "", Message{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Parse([]byte(tc.in))
			if ok != tc.ok || got != tc.want {
				t.Errorf("got (%+v, %v)\nwant (%+v, %v)", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestParseAllocations(t *testing.T) {
	notify := []byte("NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\nUSN: uuid:x\r\nLOCATION: http://a/\r\n\r\n")
	xml := []byte("<?xml version=\"1.0\"?><soap:Envelope/>")
	nearMiss := []byte("NOTIFY * HTTQ/1.1\r\nNT: a\r\n\r\n")
	bare := []byte("M-SEARCH * HTTP/1.1\r\n\r\n")
	tests := []struct {
		name string
		in   []byte
		max  float64
	}{
		{"notify", notify, 1},
		{"not ssdp", xml, 0},
		{"near miss", nearMiss, 0},
		{"m-search without headers", bare, 1},
	}
	for _, tc := range tests {
		if allocs := testing.AllocsPerRun(100, func() { Parse(tc.in) }); allocs > tc.max {
			t.Errorf("%s: %v allocations, want at most %v", tc.name, allocs, tc.max)
		}
	}
}
