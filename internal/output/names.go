package output

import (
	"strconv"
	"strings"
)

// SafeName turns a device or capture name (which may come from traffic:
// DHCP host names) into one safe file-name part: no path separators,
// control characters or invalid UTF-8, not "." or "..", not empty, at most
// 120 bytes. Outputs named after devices can never leave their folder.
func SafeName(name string) string {
	var sb strings.Builder
	for _, r := range strings.ToValidUTF8(name, "_") {
		if r == '/' || r == '\\' || r < 0x20 || r == 0x7f {
			r = '_'
		}
		sb.WriteRune(r)
	}
	s := strings.TrimSpace(sb.String())
	if len(s) > 120 {
		s = strings.ToValidUTF8(s[:120], "")
	}
	if s == "" || s == "." || s == ".." {
		s = "_" + s
	}
	return s
}

// UniqueNames hands out SafeName parts that stay distinct: two names that
// clean up to the same part get " (2)", " (3)"... The zero value is ready.
type UniqueNames struct {
	byName map[string]string
	used   map[string]bool
}

// Get returns name's part, the same every time for the same name.
func (u *UniqueNames) Get(name string) string {
	if u.byName == nil {
		u.byName, u.used = map[string]string{}, map[string]bool{}
	}
	if s, ok := u.byName[name]; ok {
		return s
	}
	base := SafeName(name)
	s := base
	for i := 2; u.used[s]; i++ {
		s = base + " (" + strconv.Itoa(i) + ")"
	}
	u.byName[name], u.used[s] = s, true
	return s
}
