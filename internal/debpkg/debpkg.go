// Package debpkg reads installed Debian package versions, so the generators
// of embedded tables (go generate) record which package version they read.
package debpkg

import (
	"os"
	"strings"
)

// Version reads pkg's version from the dpkg status file, or "unknown".
func Version(statusFile, pkg string) string {
	raw, err := os.ReadFile(statusFile)
	if err != nil {
		return "unknown"
	}
	for stanza := range strings.SplitSeq(string(raw), "\n\n") {
		if !strings.HasPrefix(stanza, "Package: "+pkg+"\n") {
			continue
		}
		for line := range strings.SplitSeq(stanza, "\n") {
			if v, ok := strings.CutPrefix(line, "Version: "); ok {
				return strings.TrimSpace(v)
			}
		}
	}
	return "unknown"
}
