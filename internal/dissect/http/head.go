package http

import (
	"bytes"
	"strings"
)

// HeaderFields iterates over the complete header lines of a message head,
// up to the blank line that ends it or the end of the input. A last line
// without terminator may be cut and is not returned.
type HeaderFields struct {
	rest []byte
}

// SplitStartLine returns the first line of b and an iterator over the
// header fields after it. The line must end with CRLF or LF, unless it is
// all of b.
func SplitStartLine(b []byte) (line []byte, fields HeaderFields) {
	line, rest, complete := nextLine(b)
	if !complete {
		return b, HeaderFields{}
	}
	return line, HeaderFields{rest: rest}
}

// Next returns the next header field's name and value (without surrounding
// white space). It skips lines without a colon and continuation lines.
func (h *HeaderFields) Next() (name, value []byte, ok bool) {
	for {
		line, rest, complete := nextLine(h.rest)
		if !complete || len(line) == 0 {
			h.rest = nil
			return nil, nil, false
		}
		h.rest = rest
		if line[0] == ' ' || line[0] == '\t' {
			continue // obsolete line folding
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			continue
		}
		return trimSpace(line[:colon]), trimSpace(line[colon+1:]), true
	}
}

// nextLine splits off a line ended by LF (with an optional CR before it).
func nextLine(b []byte) (line, rest []byte, complete bool) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return b, nil, false
	}
	line = b[:i]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	return line, b[i+1:], true
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// EqualFold reports whether the header name equals lower, a lower-case
// ASCII name, ignoring ASCII case.
func EqualFold(name []byte, lower string) bool {
	if len(name) != len(lower) {
		return false
	}
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// ParseVersion reports whether b is "HTTP/d.d".
func ParseVersion(b []byte) bool {
	return len(b) == 8 && string(b[:5]) == "HTTP/" && isDigit(b[5]) && b[6] == '.' && isDigit(b[7])
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// IsMethod reports whether b is a plausible request method: 1 to 20
// upper-case letters, '-' or '_' (M-SEARCH), starting with a letter.
func IsMethod(b []byte) bool {
	if len(b) == 0 || len(b) > 20 || b[0] < 'A' || b[0] > 'Z' {
		return false
	}
	for _, c := range b {
		if (c < 'A' || c > 'Z') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// PackStrings converts parts to strings that share a single allocation
// (none when all parts are empty), writing them to out.
func PackStrings(out []string, parts [][]byte) {
	total := 0
	for _, p := range parts {
		total += len(p)
	}
	if total == 0 {
		return
	}
	var sb strings.Builder
	sb.Grow(total)
	for _, p := range parts {
		sb.Write(p)
	}
	s := sb.String()
	off := 0
	for i, p := range parts {
		out[i] = s[off : off+len(p)]
		off += len(p)
	}
}
