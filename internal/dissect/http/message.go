package http

import "bytes"

// Request is what an HTTP request head says about the client and server.
type Request struct {
	Method    string
	Path      string // the request target as sent (path and query, or an absolute URI)
	Host      string // Host header as sent, port included ("bridge.meethue.com:80")
	UserAgent string
}

// Response is what an HTTP response head says about the server.
type Response struct {
	Status      int
	Server      string
	ContentType string
}

// ParseRequest parses the request line and the Host and User-Agent headers
// present in b (the head may be cut: missing headers stay empty). It
// reports false when b does not start with an HTTP/1.x request line. The
// first occurrence of a repeated header wins. Rejecting costs no allocation
// and a request costs one.
func ParseRequest(b []byte) (Request, bool) {
	if len(b) == 0 || b[0] < 'A' || b[0] > 'Z' {
		return Request{}, false
	}
	line, fields := SplitStartLine(b)
	method, target, ok := splitRequestLine(line)
	if !ok {
		return Request{}, false
	}
	var host, agent []byte
	var hostSeen, agentSeen bool
	for name, value, ok := fields.Next(); ok; name, value, ok = fields.Next() {
		switch {
		case !hostSeen && EqualFold(name, "host"):
			host, hostSeen = value, true
		case !agentSeen && EqualFold(name, "user-agent"):
			agent, agentSeen = value, true
		}
	}
	var out [4]string
	PackStrings(out[:], [][]byte{method, target, host, agent})
	return Request{Method: out[0], Path: out[1], Host: out[2], UserAgent: out[3]}, true
}

// splitRequestLine splits "METHOD SP target SP HTTP/d.d".
func splitRequestLine(line []byte) (method, target []byte, ok bool) {
	first := bytes.IndexByte(line, ' ')
	last := bytes.LastIndexByte(line, ' ')
	if first <= 0 || last <= first+1 {
		return nil, nil, false
	}
	method, target = line[:first], line[first+1:last]
	if !IsMethod(method) || !ParseVersion(line[last+1:]) || bytes.IndexByte(target, ' ') >= 0 {
		return nil, nil, false
	}
	return method, target, true
}

// ParseResponse parses the status line and the Server and Content-Type
// headers present in b, with the same conventions as ParseRequest.
func ParseResponse(b []byte) (Response, bool) {
	if len(b) < 12 || b[0] != 'H' {
		return Response{}, false
	}
	line, fields := SplitStartLine(b)
	status, ok := ParseStatusLine(line)
	if !ok {
		return Response{}, false
	}
	var server, contentType []byte
	var serverSeen, typeSeen bool
	for name, value, ok := fields.Next(); ok; name, value, ok = fields.Next() {
		switch {
		case !serverSeen && EqualFold(name, "server"):
			server, serverSeen = value, true
		case !typeSeen && EqualFold(name, "content-type"):
			contentType, typeSeen = value, true
		}
	}
	var out [2]string
	PackStrings(out[:], [][]byte{server, contentType})
	return Response{Status: status, Server: out[0], ContentType: out[1]}, true
}

// ParseStatusLine reads "HTTP/d.d SP ddd [SP reason]" and returns the
// status code.
func ParseStatusLine(line []byte) (int, bool) {
	if len(line) < 12 || !ParseVersion(line[:8]) || line[8] != ' ' {
		return 0, false
	}
	code := line[9:12]
	if !isDigit(code[0]) || !isDigit(code[1]) || !isDigit(code[2]) || code[0] == '0' {
		return 0, false
	}
	if len(line) > 12 && line[12] != ' ' {
		return 0, false
	}
	return int(code[0]-'0')*100 + int(code[1]-'0')*10 + int(code[2]-'0'), true
}
