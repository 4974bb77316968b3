package output

import (
	"encoding/csv"
	"io"
	"strings"
	"unicode/utf8"
)

// CSVWriter writes RFC 4180 CSV with every cell made safe: invalid UTF-8 is
// replaced, and cells starting with a formula character (= + - @, tab, CR)
// are prefixed with a single quote so spreadsheets show them as text
// (OWASP's CSV-injection advice). Plain numbers such as "-1" stay numbers.
type CSVWriter struct {
	w   *csv.Writer
	buf []string
}

// NewCSV returns a CSV writer; crlf selects CRLF line ends (the
// destination-analysis seed writes them).
func NewCSV(w io.Writer, crlf bool) *CSVWriter {
	c := csv.NewWriter(w)
	c.UseCRLF = crlf
	return &CSVWriter{w: c}
}

// Write writes one record.
func (c *CSVWriter) Write(rec []string) error {
	c.buf = c.buf[:0]
	for _, s := range rec {
		c.buf = append(c.buf, SafeCell(s))
	}
	return c.w.Write(c.buf)
}

// Flush flushes and reports any write error.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// SafeCell neutralises one CSV cell.
func SafeCell(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if s == "" || isNumber(s) {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

func isNumber(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case (r == '-' || r == '+') && i == 0:
		case r == '.' || r == 'e' || r == 'E':
		default:
			return false
		}
	}
	return digits > 0
}
