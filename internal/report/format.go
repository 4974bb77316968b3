package report

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// visible makes a string from traffic safe to show and honest to read:
// invalid UTF-8 bytes and control characters become \xNN, and bidirectional
// overrides (which can make "moc.live" read as "evil.com") become \u{NNNN}.
// html/template then escapes the markup; this only keeps the text legible.
func visible(s string) string {
	if isPlain(s) {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&sb, `\x%02x`, s[i])
		case r < 0x80 && unicode.IsControl(r):
			fmt.Fprintf(&sb, `\x%02x`, r)
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029':
			fmt.Fprintf(&sb, `\u{%04x}`, r)
		default:
			sb.WriteString(s[i : i+size])
		}
		i += size
	}
	return sb.String()
}

// isPlain is the fast path: printable ASCII needs no change.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// shorten cuts a visible string to max runes, marking the cut.
func shorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

// humanBytes renders a byte count with decimal units, 3 significant digits.
func humanBytes(n int64) string {
	return humanUnit(float64(n), "B")
}

// humanCount renders a count with k/M/G suffixes.
func humanCount(n int64) string {
	if n < 1000 && n > -1000 {
		return strconv.FormatInt(n, 10)
	}
	return humanUnit(float64(n), "")
}

func humanUnit(v float64, unit string) string {
	prefixes := []string{"", "k", "M", "G", "T", "P", "E"}
	i := 0
	for (v >= 999.5 || v <= -999.5) && i < len(prefixes)-1 {
		v /= 1000
		i++
	}
	sep := " "
	if unit == "" {
		sep = ""
	}
	if i == 0 {
		return strconv.FormatFloat(v, 'f', 0, 64) + sep + unit
	}
	prec := 0
	switch {
	case v < 9.995 && v > -9.995:
		prec = 2
	case v < 99.95 && v > -99.95:
		prec = 1
	}
	return strconv.FormatFloat(v, 'f', prec, 64) + sep + prefixes[i] + unit
}

// groupDigits renders 1234567 as "1,234,567" (exact values in tooltips).
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var sb strings.Builder
	if neg {
		sb.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			sb.WriteByte(',')
		}
		sb.WriteRune(c)
	}
	return sb.String()
}

// percent renders part/total as "12.3%".
func percent(part, total int64) string {
	if total <= 0 {
		return "0%"
	}
	return strconv.FormatFloat(100*float64(part)/float64(total), 'f', 1, 64) + "%"
}
