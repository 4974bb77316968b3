package http

import (
	"testing"
)

func TestParseRequest(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Request
		ok   bool
	}{
		{"full head", "GET /api/config HTTP/1.1\r\nHost: 10.10.10.6\r\nUser-Agent: Dalvik/1.6.0\r\nAccept: */*\r\n\r\nbody", Request{"GET", "/api/config", "10.10.10.6", "Dalvik/1.6.0"}, true},
		{"host with port", "POST /queue HTTP/1.1\r\nhost: bridge.meethue.com:80\r\n\r\n", Request{"POST", "/queue", "bridge.meethue.com:80", ""}, true},
		{"case-insensitive names", "GET / HTTP/1.0\r\nHOST: a\r\nuser-AGENT: b\r\n\r\n", Request{"GET", "/", "a", "b"}, true},
		{"bare LF and extra spaces", "GET / HTTP/1.1\nHost:   a.example  \n\n", Request{"GET", "/", "a.example", ""}, true},
		{"first repeated header wins", "GET / HTTP/1.1\r\nHost: one\r\nHost: two\r\n\r\n", Request{"GET", "/", "one", ""}, true},
		{"headers cut mid-line", "GET /x HTTP/1.1\r\nHost: full.example\r\nUser-Agent: Moz", Request{"GET", "/x", "full.example", ""}, true},
		{"request line only, unterminated", "GET /x HTTP/1.1", Request{"GET", "/x", "", ""}, true},
		{"headers after blank line ignored", "GET / HTTP/1.1\r\n\r\nHost: body\r\n", Request{"GET", "/", "", ""}, true},
		{"folded and colon-less lines skipped", "GET / HTTP/1.1\r\nX-A: 1\r\n  folded\r\nnonsense\r\nHost: h\r\n\r\n", Request{"GET", "/", "h", ""}, true},
		{"absolute URI", "GET http://a.example/p?q=1 HTTP/1.1\r\n\r\n", Request{"GET", "http://a.example/p?q=1", "", ""}, true},
		{"upnp method", "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n\r\n", Request{"M-SEARCH", "*", "239.255.255.250:1900", ""}, true},
		{"empty", "", Request{}, false},
		{"lower-case method", "get / HTTP/1.1\r\n\r\n", Request{}, false},
		{"no version", "GET /\r\nHost: a\r\n\r\n", Request{}, false},
		{"bad version", "GET / HTTP/x.1\r\n\r\n", Request{}, false},
		{"space in target", "GET /a b HTTP/1.1\r\n\r\n", Request{}, false},
		{"response", "HTTP/1.1 200 OK\r\n\r\n", Request{}, false},
		{"tls", "\x16\x03\x01\x02\x00", Request{}, false},
		{"request line cut", "GET /very/long/pa", Request{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ParseRequest([]byte(tc.in))
			if ok != tc.ok || got != tc.want {
				t.Errorf("got (%+v, %v), want (%+v, %v)", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestParseResponse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Response
		ok   bool
	}{
		{"full head", "HTTP/1.1 200 OK\r\nServer: Apache/2.4.3 (Fedora)\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n", Response{200, "Apache/2.4.3 (Fedora)", "text/plain; charset=UTF-8"}, true},
		{"no reason phrase", "HTTP/1.0 404\r\ncontent-type: text/html\r\n\r\n", Response{404, "", "text/html"}, true},
		{"cut head", "HTTP/1.1 401 Unauthorized\r\nServer: Microsoft-IIS/7.5\r\nContent-Ty", Response{401, "Microsoft-IIS/7.5", ""}, true},
		{"status line only", "HTTP/1.1 204 No Content", Response{204, "", ""}, true},
		{"request", "GET / HTTP/1.1\r\n\r\n", Response{}, false},
		{"two-digit status", "HTTP/1.1 20 OK\r\n\r\n", Response{}, false},
		{"four-digit status", "HTTP/1.1 2000 OK\r\n\r\n", Response{}, false},
		{"status 099", "HTTP/1.1 099 X\r\n\r\n", Response{}, false},
		{"short", "HTTP/1.1 2", Response{}, false},
		{"rtsp", "RTSP/1.0 200 OK\r\n\r\n", Response{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ParseResponse([]byte(tc.in))
			if ok != tc.ok || got != tc.want {
				t.Errorf("got (%+v, %v), want (%+v, %v)", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestAllocations(t *testing.T) {
	request := []byte("GET /api/config HTTP/1.1\r\nHost: 10.10.10.6\r\nUser-Agent: Dalvik/1.6.0\r\n\r\n")
	response := []byte("HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: application/json\r\n\r\n")
	binary := []byte{0x16, 0x03, 0x01, 0x00, 0x10, 'G', 'E', 'T'}
	almost := []byte("GET / HTTQ/1.1\r\nHost: a\r\n\r\n")
	noContent := []byte("HTTP/1.1 204 No Content\r\n\r\n")
	tests := []struct {
		name string
		fn   func()
		max  float64
	}{
		{"binary payload", func() { ParseRequest(binary); ParseResponse(binary) }, 0},
		{"near-miss request", func() { ParseRequest(almost) }, 0},
		{"request", func() { ParseRequest(request) }, 1},
		{"response", func() { ParseResponse(response) }, 1},
		{"response without fields", func() { ParseResponse(noContent) }, 0},
	}
	for _, tc := range tests {
		if allocs := testing.AllocsPerRun(100, tc.fn); allocs > tc.max {
			t.Errorf("%s: %v allocations, want at most %v", tc.name, allocs, tc.max)
		}
	}
}

func TestEqualFold(t *testing.T) {
	tests := []struct {
		name  string
		lower string
		want  bool
	}{
		{"Host", "host", true},
		{"HOST", "host", true},
		{"Hosts", "host", false},
		{"Hos", "host", false},
		{"H0st", "host", false},
		{"User-Agent", "user-agent", true},
	}
	for _, tc := range tests {
		if got := EqualFold([]byte(tc.name), tc.lower); got != tc.want {
			t.Errorf("EqualFold(%q, %q) = %v", tc.name, tc.lower, got)
		}
	}
}
