package packets

import (
	"encoding/hex"
	"errors"
	"testing"
)

// Hex decodes a hex dump of packet bytes, failing the test if it is not
// valid hex.
func Hex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// AddSeeds adds each text message (an HTTP head, an SSDP message...) to the
// seed corpus of a fuzz test whose only argument is a []byte.
func AddSeeds(f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
}

// CheckErr fails the test at once unless err matches want: errors.Is(err,
// want), which for a nil want means err is nil too. what names the call that
// returned err.
func CheckErr(tb testing.TB, what string, err, want error) {
	tb.Helper()
	if !errors.Is(err, want) || (err == nil) != (want == nil) {
		tb.Fatalf("%s error = %v, want %v", what, err, want)
	}
}
