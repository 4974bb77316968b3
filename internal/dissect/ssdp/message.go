package ssdp

import "github.com/iotlens/iotlens/internal/dissect/http"

// Message is one SSDP message. Fields absent from the message are empty.
type Message struct {
	Method    string // "NOTIFY" or "M-SEARCH"; empty for a response
	Status    int    // status code of a response; 0 for a request
	ST        string // search target (M-SEARCH and responses)
	NT        string // notification type (NOTIFY)
	NTS       string // notification sub-type: ssdp:alive, ssdp:byebye, ssdp:update
	USN       string // unique service name
	Server    string
	Location  string // URL of the device description
	UserAgent string
}

// header indexes, in the order PackStrings fills them.
const (
	fieldMethod = iota
	fieldST
	fieldNT
	fieldNTS
	fieldUSN
	fieldServer
	fieldLocation
	fieldUserAgent
	fieldCount
)

// headerNames maps lower-case header names to field indexes.
var headerNames = [...]struct {
	name  string
	field int
}{
	{"st", fieldST},
	{"nt", fieldNT},
	{"nts", fieldNTS},
	{"usn", fieldUSN},
	{"server", fieldServer},
	{"location", fieldLocation},
	{"user-agent", fieldUserAgent},
}

// Parse reads an SSDP message: a NOTIFY or M-SEARCH request or an HTTP/1.x
// response, with CRLF or bare LF line ends. Header names are matched without
// regard to case and the first occurrence wins. It reports false for
// anything else. Rejecting costs no allocation and a message costs one.
func Parse(b []byte) (Message, bool) {
	if len(b) == 0 || (b[0] != 'N' && b[0] != 'M' && b[0] != 'H') {
		return Message{}, false
	}
	line, fields := http.SplitStartLine(b)
	var parts [fieldCount][]byte
	var msg Message
	switch {
	case isRequestLine(line, "NOTIFY"), isRequestLine(line, "M-SEARCH"):
		parts[fieldMethod] = line[:indexSpace(line)]
	default:
		status, ok := http.ParseStatusLine(line)
		if !ok {
			return Message{}, false
		}
		msg.Status = status
	}
	var seen [fieldCount]bool
	for name, value, ok := fields.Next(); ok; name, value, ok = fields.Next() {
		for _, h := range headerNames {
			if !seen[h.field] && http.EqualFold(name, h.name) {
				parts[h.field], seen[h.field] = value, true
				break
			}
		}
	}
	var out [fieldCount]string
	http.PackStrings(out[:], parts[:])
	msg.Method, msg.ST, msg.NT, msg.NTS, msg.USN = out[fieldMethod], out[fieldST], out[fieldNT], out[fieldNTS], out[fieldUSN]
	msg.Server, msg.Location, msg.UserAgent = out[fieldServer], out[fieldLocation], out[fieldUserAgent]
	return msg, true
}

// isRequestLine reports whether line is "METHOD SP target SP HTTP/d.d".
func isRequestLine(line []byte, method string) bool {
	if len(line) < len(method)+1 || string(line[:len(method)]) != method || line[len(method)] != ' ' {
		return false
	}
	rest := line[len(method)+1:]
	sp := indexSpace(rest)
	return sp > 0 && http.ParseVersion(rest[sp+1:])
}

func indexSpace(b []byte) int {
	for i, c := range b {
		if c == ' ' {
			return i
		}
	}
	return -1
}
