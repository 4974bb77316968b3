package endpoints_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil/tshark"

	"github.com/iotlens/iotlens/internal/analysis/endpoints"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/names"
	"github.com/iotlens/iotlens/internal/pipeline"
	"github.com/iotlens/iotlens/internal/testutil"
)

const (
	blinkMAC   = "b0:73:9c:e6:9a:b9"
	stormFile  = "monitoring_2023-6-13_20_0_41.cap"
	stormPeer  = "192.168.5.1"
	devicesCSV = "Device_MAC_Name_Mapping.csv"
)

func report(t *testing.T, inputs []string, workers int) []endpoints.DeviceEndpoints {
	t.Helper()
	out, err := pipeline.Run(context.Background(), pipeline.Options{Inputs: inputs, Workers: workers, Quiet: true, Stderr: io.Discard,
		DevicesFile: testutil.Fixture(t, "madea", devicesCSV), Analyses: []engine.Analysis{endpoints.Analysis{}}})
	if err != nil {
		t.Fatal(err)
	}
	return endpoints.Report(out.Partial(endpoints.Name).(*endpoints.Partial), out.Inventory, endpoints.Enricher{}, nil)
}

func madeaCaptures(t *testing.T) []string {
	files, _ := filepath.Glob(filepath.Join(testutil.Fixture(t, "madea"), "*.cap"))
	if len(files) == 0 {
		t.Fatal("no MADEA captures")
	}
	return files
}

// ipFrame is one IP frame as tshark dissects it.
type ipFrame struct {
	src, dst  string // MACs
	size      int64
	dstIP     string
	dnsAnswer bool // a unicast DNS response (not mDNS/LLMNR)
	query     string
	answers   []string // A and AAAA addresses
	sni       string
}

var (
	tsharkOnce   sync.Once
	tsharkFrames []ipFrame
)

// madeaFrames reads every IP frame of the MADEA captures once with tshark,
// with the fields the tests compare.
func madeaFrames(t *testing.T) []ipFrame {
	t.Helper()
	tshark.Require(t)
	files := madeaCaptures(t)
	tsharkOnce.Do(func() {
		for _, f := range files {
			for _, l := range tshark.Fields(t, f, "ip || ipv6", "eth.src", "eth.dst", "frame.len", "ip.dst", "ipv6.dst",
				"dns.flags.response", "udp.port", "dns.qry.name", "dns.a", "dns.aaaa", "tls.handshake.extensions_server_name") {
				if len(l) != 11 {
					continue
				}
				n, _ := strconv.ParseInt(l[2], 10, 64)
				fr := ipFrame{src: l[0], dst: l[1], size: n, dstIP: l[3] + l[4], sni: l[10]}
				local := strings.Contains(","+l[6]+",", ",5353,") || strings.Contains(","+l[6]+",", ",5355,")
				if l[5] == "1" && !local && l[7] != "" {
					fr.dnsAnswer, fr.query = true, strings.Split(l[7], ",")[0]
					for _, ip := range strings.Split(l[8]+","+l[9], ",") {
						if ip != "" {
							fr.answers = append(fr.answers, ip)
						}
					}
				}
				tsharkFrames = append(tsharkFrames, fr)
			}
		}
	})
	if len(tsharkFrames) == 0 {
		t.Fatal("tshark read no IP frame from the MADEA captures")
	}
	return tsharkFrames
}

// TestTotalsMatchTshark: per device, the endpoints' Tx and Rx packets and
// bytes add up to tshark's counts of IP frames with eth.src == MAC and
// eth.dst == MAC.
func TestTotalsMatchTshark(t *testing.T) {
	type totals struct{ txP, txB, rxP, rxB int64 }
	want := map[string]*totals{}
	get := func(mac string) *totals {
		if want[mac] == nil {
			want[mac] = &totals{}
		}
		return want[mac]
	}
	for _, fr := range madeaFrames(t) {
		src, dst := get(fr.src), get(fr.dst)
		src.txP++
		src.txB += fr.size
		dst.rxP++
		dst.rxB += fr.size
	}
	devs := report(t, []string{testutil.Fixture(t, "madea")}, 2)
	if len(devs) != 15 {
		t.Fatalf("%d devices, want the 15 of %s", len(devs), devicesCSV)
	}
	checked := 0
	for _, d := range devs {
		var got totals
		for _, r := range d.Rows {
			got.txP += r.TxPackets
			got.txB += r.TxBytes
			got.rxP += r.RxPackets
			got.rxB += r.RxBytes
		}
		w := get(d.Device.MACs[0].String())
		if got != *w {
			t.Errorf("%s: endpoints sum to Tx %d/%d Rx %d/%d, tshark Tx %d/%d Rx %d/%d", d.Device.Name,
				got.txP, got.txB, got.rxP, got.rxB, w.txP, w.txB, w.rxP, w.rxB)
		}
		if w.txP > 0 {
			checked++
		}
	}
	if checked < 10 {
		t.Fatalf("only %d devices had traffic: the check is too weak", checked)
	}
}

// TestBlinkStorm: the Blink camera's SYN -> RST storm of 20:00 on 13 June
// is its endpoint 192.168.5.1, with exactly tshark's frames each way.
func TestBlinkStorm(t *testing.T) {
	tshark.Require(t)
	file := testutil.Fixture(t, "madea", stormFile)
	tx := len(tshark.Fields(t, file, "eth.src == "+blinkMAC+" && ip.dst == "+stormPeer, "frame.number"))
	rx := len(tshark.Fields(t, file, "eth.dst == "+blinkMAC+" && ip.src == "+stormPeer, "frame.number"))
	syn := len(tshark.Fields(t, file, "eth.src == "+blinkMAC+" && ip.dst == "+stormPeer+" && tcp.flags.syn == 1 && tcp.flags.ack == 0", "frame.number"))
	if syn < 1000 {
		t.Fatalf("tshark sees %d SYNs to %s: not the storm capture", syn, stormPeer)
	}
	for _, d := range report(t, []string{file}, 1) {
		if d.Device.MACs[0].String() != blinkMAC {
			continue
		}
		for _, r := range d.Rows {
			if r.IP.String() != stormPeer {
				continue
			}
			if r.TxPackets != int64(tx) || r.RxPackets != int64(rx) || !r.LAN || r.Type != "Local" {
				t.Fatalf("%s: Tx %d Rx %d LAN %v Type %q; tshark Tx %d Rx %d", stormPeer, r.TxPackets, r.RxPackets, r.LAN, r.Type, tx, rx)
			}
			if share := float64(r.Packets()) / float64(total(d.Rows)); share < 0.9 {
				t.Errorf("the storm is only %.2f of the camera's packets in %s", share, stormFile)
			}
			t.Logf("Blink -> %s: %d SYN-carrying frames out, %d in (tshark: %d, %d)", stormPeer, r.TxPackets, r.RxPackets, tx, rx)
			return
		}
		t.Fatalf("no endpoint %s for the Blink camera", stormPeer)
	}
	t.Fatal("no Blink camera in the report")
}

func total(rows []endpoints.Row) int64 {
	var n int64
	for _, r := range rows {
		n += r.Packets()
	}
	return n
}

// TestNamesMatchTshark: every hostname learned from DNS or SNI is a name
// tshark shows for that address (a DNS query name answered with it, or an
// SNI sent to it), and every address a device sent an SNI to is named.
func TestNamesMatchTshark(t *testing.T) {
	byIP := map[string]map[string]bool{}
	add := func(ip, name string) {
		name = strings.TrimSuffix(strings.ToLower(name), ".")
		if byIP[ip] == nil {
			byIP[ip] = map[string]bool{}
		}
		byIP[ip][name] = true
	}
	sniTo := map[string]bool{} // "mac ip"
	for _, fr := range madeaFrames(t) {
		for _, ip := range fr.answers {
			add(ip, fr.query)
		}
		if fr.sni != "" {
			add(fr.dstIP, fr.sni)
			sniTo[fr.src+" "+fr.dstIP] = true
		}
	}
	named, sni := 0, 0
	for _, d := range report(t, []string{testutil.Fixture(t, "madea")}, 2) {
		mac := d.Device.MACs[0].String()
		for _, r := range d.Rows {
			ip := r.IP.String()
			if sniTo[mac+" "+ip] {
				sni++
				if r.Hostname == "" {
					t.Errorf("%s: %s received an SNI but has no hostname", d.Device.Name, ip)
				}
			}
			if r.HostnameSource != names.DNS && r.HostnameSource != names.SNI {
				continue
			}
			named++
			if !byIP[ip][r.Hostname] {
				t.Errorf("%s: %s named %q (%s), tshark shows %v", d.Device.Name, ip, r.Hostname, r.HostnameSource, byIP[ip])
			}
		}
	}
	if named < 20 || sni < 10 {
		t.Fatalf("%d endpoints named by DNS/SNI, %d SNI endpoints: the check is too weak", named, sni)
	}
	t.Logf("%d endpoints named by DNS or SNI agree with tshark; %d SNI endpoints all named", named, sni)
}

// TestWorkersWriteIdenticalFiles: -j 1 and -j 2 write the same bytes.
func TestWorkersWriteIdenticalFiles(t *testing.T) {
	madea := testutil.Fixture(t, "madea")
	dirs := [2]string{t.TempDir(), t.TempDir()}
	for i, workers := range []int{1, 2} {
		n := endpoints.Naming{Capture: endpoints.CaptureName([]string{madea})}
		if err := endpoints.Write(dirs[i], n.Stem, report(t, []string{madea}, workers), endpoints.Enricher{}); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dirs[0], "*"))
	if len(files) != 15+5 {
		t.Fatalf("%d files written, want 15 device files and 5 tables", len(files))
	}
	for _, f := range files {
		a, _ := os.ReadFile(f)
		b, err := os.ReadFile(filepath.Join(dirs[1], filepath.Base(f)))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between -j 1 and -j 2 (%v)", filepath.Base(f), err)
		}
	}
}
