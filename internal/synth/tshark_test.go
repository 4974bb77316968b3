package synth

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// writeCapture generates o into a temporary file and returns its path and
// the generator, whose internal record (SNIs used) the tests compare with.
func writeCapture(t *testing.T, o Options) (string, *generator) {
	t.Helper()
	if err := o.normalize(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "home.pcap")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := newGenerator(f, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.run(); err != nil {
		t.Fatal(err)
	}
	return path, g
}

// tshark runs tshark and returns its standard output; the test is skipped
// when tshark is not installed.
func tshark(t *testing.T, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark not on PATH")
	}
	out, err := exec.Command(bin, args...).Output()
	if err != nil {
		t.Fatalf("tshark %v: %v", args, err)
	}
	return string(out)
}

func TestTsharkRecognisesEveryProtocol(t *testing.T) {
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not on PATH")
	}
	path, _ := writeCapture(t, Options{Devices: 8, Duration: 45 * time.Minute, Seed: 3})
	phs := tshark(t, "-r", path, "-q", "-z", "io,phs")
	protocols := []string{"dns", "tls", "quic", "ntp", "dhcp", "mdns", "ssdp", "mqtt", "arp", "icmpv6", "igmp",
		"dhcpv6", "stun", "http", "tplink-smarthome"}
	for _, proto := range protocols {
		re := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(proto) + `\s+frames:[1-9]`)
		if !re.MatchString(phs) {
			t.Errorf("tshark's protocol hierarchy has no %s:\n%s", proto, phs)
		}
	}
}

func TestTsharkSeesExactlyTheSNIsUsed(t *testing.T) {
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not on PATH")
	}
	path, g := writeCapture(t, Options{Devices: 9, Duration: time.Hour, Seed: 4, Hostile: true})
	out := tshark(t, "-r", path, "-Y", "tls.handshake.type == 1", "-T", "fields", "-e", "tls.handshake.extensions_server_name")
	var seen []string
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		if sni := sc.Text(); sni != "" && !slices.Contains(seen, sni) {
			seen = append(seen, sni)
		}
	}
	want := g.usedSNIs()
	slices.Sort(seen)
	slices.Sort(want)
	if !slices.Equal(seen, want) {
		t.Fatalf("tshark SNIs:\n%q\ngenerator SNIs:\n%q", seen, want)
	}
	quic := 0
	for i := range g.servers {
		if g.servers[i].quic && g.servers[i].used {
			quic++
		}
	}
	if quic == 0 || !slices.Contains(seen, hostileLongSNI) {
		t.Errorf("want QUIC SNIs (%d seen) and the hostile long SNI among %q", quic, seen)
	}
}

// expertLine is a row of tshark's expert summary: count, group, protocol.
var expertLine = regexp.MustCompile(`^\s*(\d+)\s+(\S+)\s+(\S+)\s+(.*)$`)

func TestTsharkFindsNoMalformedPackets(t *testing.T) {
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not on PATH")
	}
	tests := []struct {
		name string
		opts Options
	}{
		{"home", Options{Devices: 16, Duration: 90 * time.Minute, Seed: 6}},
		{"hostile", Options{Devices: 9, Duration: 30 * time.Minute, Seed: 7, Hostile: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path, _ := writeCapture(t, tc.opts)
			out := tshark(t, "-r", path, "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
				"-o", "ip.check_checksum:TRUE", "-q", "-z", "expert,warn")
			for line := range strings.SplitSeq(out, "\n") {
				m := expertLine.FindStringSubmatch(line)
				if m == nil {
					continue
				}
				// QUIC Handshake and 1-RTT packets cannot be decrypted
				// without the TLS secrets; tshark says so on real captures too.
				if m[2] == "Decryption" && m[3] == "QUIC" {
					continue
				}
				t.Errorf("tshark expert warning: %s", strings.TrimSpace(line))
			}
		})
	}
}
