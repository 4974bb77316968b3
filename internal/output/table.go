package output

import (
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Table writes rows as aligned columns for a terminal. Cells are cleaned of
// control characters (a hostile name must not move the cursor) and cut at
// maxWidth runes.
func Table(w io.Writer, header []string, rows [][]string, maxWidth int) error {
	clean := func(s string) string { return TerminalSafe(s, maxWidth) }
	widths := make([]int, len(header))
	all := append([][]string{header}, rows...)
	for _, r := range all {
		for i := range widths {
			if i < len(r) {
				if n := utf8.RuneCountInString(clean(r[i])); n > widths[i] {
					widths[i] = n
				}
			}
		}
	}
	var sb strings.Builder
	for _, r := range all {
		sb.Reset()
		for i := range widths {
			cell := ""
			if i < len(r) {
				cell = clean(r[i])
			}
			sb.WriteString(cell)
			if i < len(widths)-1 {
				sb.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell)+2))
			}
		}
		sb.WriteString("\n")
		if _, err := io.WriteString(w, strings.TrimRight(sb.String(), " \n")+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// TerminalSafe replaces control and invalid bytes with '?' and shortens s
// to max runes (0: no limit), marking the cut with an ellipsis.
func TerminalSafe(s string, max int) string {
	var sb strings.Builder
	n := 0
	for _, r := range strings.ToValidUTF8(s, "?") {
		if max > 0 && n == max-1 && utf8.RuneCountInString(s) > max {
			sb.WriteRune('…')
			break
		}
		if unicode.IsControl(r) || r == utf8.RuneError {
			r = '?'
		}
		sb.WriteRune(r)
		n++
	}
	return sb.String()
}
