package passive

import (
	"testing"

	"github.com/iotlens/iotlens/internal/capture"
	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/flow"
	"github.com/iotlens/iotlens/internal/inventory"
	"github.com/iotlens/iotlens/internal/proto"
)

// TestPacketDoesNotAllocate: once a device, its interval and its endpoint
// exist, counting a frame allocates nothing, with the filtered preset's TCP
// analysis running (a repeated segment is a retransmission it drops).
func TestPacketDoesNotAllocate(t *testing.T) {
	fr := camFrames()[0]
	data := fr.bytes()
	f := &capture.Frame{Data: data, Time: fr.t, WireLen: len(data), LinkType: capture.LinkEthernet, Number: 1}
	var pk decode.Packet
	if err := decode.NewDecoder(decode.DefaultOptions()).Decode(f, &pk); err != nil {
		t.Fatal(err)
	}
	ev := &engine.Event{Frame: f, Packet: &pk, Proto: proto.Classify(&pk)}
	ev.SrcLocal, ev.DstLocal = inventory.IsLocal(pk.SrcIP), inventory.IsLocal(pk.DstIP)
	ev.Flow, ev.FromLo, ev.HasFlow = flow.KeyOf(&pk)
	for _, preset := range []Preset{PresetNone, PresetFiltered} {
		a := &Analysis{Volume: true, Protocols: true, Filter: Filter{Preset: preset}, MACs: []decode.MAC{camMAC, gwMAC}}
		p := a.NewPartial(engine.FileInfo{}).(*Partial)
		p.Packet(ev)
		if n := testing.AllocsPerRun(200, func() { p.Packet(ev) }); n != 0 {
			t.Errorf("preset %s: %v allocations per frame", preset, n)
		}
		if preset == PresetNone && p.Devices.M[camMAC].Buckets[fr.t/hour].WAN.TxFrames != 202 {
			t.Errorf("frames not counted: %+v", p.Devices.M[camMAC].Buckets[fr.t/hour])
		}
	}
}
