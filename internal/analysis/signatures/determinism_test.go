package signatures

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
)

// TestWorkersDoNotChangeOutputs runs extraction and matching over every
// UCLouvain capture with one and with two workers: every output file must
// be identical byte for byte.
func TestWorkersDoNotChangeOutputs(t *testing.T) {
	var inputs []string
	for _, c := range uclouvainCaptures(t) {
		inputs = append(inputs, c.path)
	}
	dev := Device{Name: "TpLinkPlug", IPs: []netip.Addr{netip.MustParseAddr("192.168.1.135")}}
	outputs := map[int]map[string][]byte{}
	for _, workers := range []int{1, 2} {
		out := runPass(t, inputs, workers, &Analysis{Device: dev})
		traces := out.Partial(Name).(*Partial).Traces()
		run := &Run{Device: dev, Event: "mixed", Traces: traces, Result: Extract(traces, Options{MinSupport: 1, Tolerance: 0.2})}
		dir := t.TempDir()
		prof, _, err := run.WriteAll(dir, "")
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, name := range OutputFiles {
			files[name], _ = os.ReadFile(filepath.Join(dir, name))
		}
		m, err := Compile(prof, MatchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		rep := runPass(t, inputs, workers, &MatchAnalysis{M: m}).Partial(MatchName).(*MatchPartial).Report()
		files["match.json"], _ = json.Marshal(rep)
		outputs[workers] = files
	}
	for name, one := range outputs[1] {
		if len(one) < 100 {
			t.Errorf("%s is nearly empty: %q", name, one)
		}
		if !bytes.Equal(one, outputs[2][name]) {
			t.Errorf("%s differs between -j 1 and -j 2", name)
		}
	}
}
