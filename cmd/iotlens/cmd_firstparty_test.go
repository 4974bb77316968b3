package main

import (
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil"
)

func TestFirstPartyFromKnowledgeAndCaptures(t *testing.T) {
	out, stderr, code := run(t, "first-party", "--manufacturer", "Sonos")
	if code != 0 || !strings.Contains(out, "sonos.com\n") || !strings.Contains(out, "sonosapi.com\n") {
		t.Fatalf("exit %d: %s %s", code, out, stderr)
	}
	out, stderr, code = run(t, "first-party", "-q", "--manufacturer", "Ring", testutil.Fixture(t, "madea"))
	if code != 0 || !strings.Contains(out, "fw-eventstream.ring.com\n") || !strings.Contains(out, "ring.com\n") {
		t.Fatalf("observed Ring names missing (exit %d): %s %s", code, out, stderr)
	}
	if _, _, code := run(t, "first-party", "--manufacturer", "No Such Vendor"); code != exitUsage {
		t.Fatalf("unknown manufacturer: exit %d", code)
	}
}
