package decode

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestZZDump(t *testing.T) {
	path := os.Getenv("DECODE_DUMP")
	if path == "" {
		t.Skip()
	}
	out, _ := os.Create(os.Getenv("DECODE_OUT"))
	defer out.Close()
	d := NewDecoder(DefaultOptions())
	var p Packet
	for _, f := range readCaptureFile(t, path) {
		err := d.Decode(&f, &p)
		var names []string
		for i, n := range []string{"eth", "arp", "ip", "ipv6", "tcp", "udp", "icmp", "icmpv6", "igmp", "frag", "reasm"} {
			if p.Layers&(1<<i) != 0 {
				names = append(names, n)
			}
		}
		src, dst := "", ""
		if p.IsIP() {
			src, dst = p.SrcIP.String(), p.DstIP.String()
		}
		fmt.Fprintf(out, "%d\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%v\t%v\tvlan=%v/%d et=%04x trunc=%v\n", f.Number, strings.Join(names, ","), src, dst,
			p.IPProto, p.SrcPort, p.DstPort, p.PayloadLen, len(p.Payload), p.Truncated, err, p.VLANs, p.NumVLAN, p.EtherType, p.Truncated)
	}
	fmt.Fprintf(out, "stats %+v\n", d.Stats())
}
