package synth

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestGenerateIsDeterministic(t *testing.T) {
	tests := []struct {
		name string
		a, b Options
		same bool
	}{
		{"same options", Options{Devices: 9, Duration: 15 * time.Minute, Seed: 42}, Options{Devices: 9, Duration: 15 * time.Minute, Seed: 42}, true},
		{"same hostile options", Options{Devices: 3, Duration: 10 * time.Minute, Seed: 7, Hostile: true}, Options{Devices: 3, Duration: 10 * time.Minute, Seed: 7, Hostile: true}, true},
		{"same byte target", Options{Devices: 8, Seed: 5, TargetBytes: 2 << 20}, Options{Devices: 8, Seed: 5, TargetBytes: 2 << 20}, true},
		{"different seed", Options{Devices: 9, Duration: 15 * time.Minute, Seed: 42}, Options{Devices: 9, Duration: 15 * time.Minute, Seed: 43}, false},
		{"hostile device added", Options{Devices: 3, Duration: 10 * time.Minute, Seed: 7}, Options{Devices: 3, Duration: 10 * time.Minute, Seed: 7, Hostile: true}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, _ := generate(t, tc.a)
			b, _ := generate(t, tc.b)
			if got := bytes.Equal(a, b); got != tc.same {
				t.Fatalf("outputs equal = %v, want %v (sizes %d and %d)", got, tc.same, len(a), len(b))
			}
		})
	}
}

func TestGenerateReadsBackInOrderAndValid(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"every kind with hostile", Options{Devices: 9, Duration: 40 * time.Minute, Seed: 1, Hostile: true}},
		{"single camera", Options{Devices: 1, Duration: 20 * time.Minute, Seed: 2}},
		{"large home", Options{Devices: MaxDevices, Duration: 3 * time.Minute, Seed: 3, Hostile: true}},
		{"custom start", Options{Devices: 8, Duration: 10 * time.Minute, Seed: 4, Start: time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data, tr := generate(t, tc.opts)
			st, err := checkCapture(data)
			if err != nil {
				t.Fatal(err)
			}
			if st.frames != tr.Packets {
				t.Errorf("read %d frames, Truth.Packets = %d", st.frames, tr.Packets)
			}
			if int64(len(data)) != tr.Bytes {
				t.Errorf("file has %d bytes, Truth.Bytes = %d", len(data), tr.Bytes)
			}
			start := tc.opts.Start
			if start.IsZero() {
				start = DefaultStart
			}
			if st.first < start.UnixNano() || st.last >= start.Add(tc.opts.Duration).UnixNano() {
				t.Errorf("frames span %v..%v, outside %v + %v", time.Unix(0, st.first).UTC(), time.Unix(0, st.last).UTC(), start, tc.opts.Duration)
			}
			for _, et := range []uint16{etherIPv4, etherARP} {
				if st.ethertypes[et] == 0 {
					t.Errorf("no frame with EtherType %#x", et)
				}
			}
		})
	}
}

func TestTruthDescribesTheHome(t *testing.T) {
	_, tr := generate(t, Options{Devices: 17, Duration: 5 * time.Minute, Seed: 11, Hostile: true})
	if len(tr.Devices) != 18 {
		t.Fatalf("%d devices, want 17 + hostile", len(tr.Devices))
	}
	if got := tr.GatewayIP.String(); got != "192.168.1.1" {
		t.Errorf("gateway %s", got)
	}
	if tr.GatewayMAC[0] != 0x38 || tr.GatewayMAC[1] != 0x94 || tr.GatewayMAC[2] != 0xED {
		t.Errorf("gateway MAC %x is not NETGEAR's 38:94:ED", tr.GatewayMAC)
	}
	wantKinds := []string{"camera", "plug", "bulb", "speaker", "hub", "thermostat", "voice", "phone"}
	macs, ips, names := map[[6]byte]bool{}, map[string]bool{}, map[string]bool{}
	for i, d := range tr.Devices {
		want := wantKinds[i%len(wantKinds)]
		if i == len(tr.Devices)-1 {
			want = "hostile"
		}
		spec := kindSpecs[i%len(wantKinds)]
		if want == "hostile" {
			spec = kindSpecs[kindHostile]
		}
		switch {
		case d.Kind != want:
			t.Errorf("device %d kind %q, want %q", i, d.Kind, want)
		case d.Vendor != spec.vendor || [3]byte(d.MAC[:3]) != spec.oui:
			t.Errorf("device %d vendor %q MAC %x, want %q %x", i, d.Vendor, d.MAC, spec.vendor, spec.oui)
		case macs[d.MAC] || ips[d.IPv4.String()] || names[d.Name]:
			t.Errorf("device %d repeats a MAC, address or name: %x %s %q", i, d.MAC, d.IPv4, d.Name)
		case !d.IPv4.Is4() || d.IPv4.As4()[0] != 192 || d.IPv4.As4()[3] < 20:
			t.Errorf("device %d address %s outside the DHCP pool", i, d.IPv4)
		case len(d.Domains) == 0:
			t.Errorf("device %d resolves no name", i)
		case (spec.v6 != 0) != (len(d.IPv6) > 0):
			t.Errorf("device %d (%s) IPv6 %v", i, d.Kind, d.IPv6)
		}
		macs[d.MAC], ips[d.IPv4.String()], names[d.Name] = true, true, true
	}
	hostile := tr.Devices[len(tr.Devices)-1]
	if !strings.Contains(hostile.Name, "<script>") || !strings.Contains(strings.Join(hostile.Domains, " "), "=cmd|") {
		t.Errorf("hostile device lacks hostile names: %q %q", hostile.Name, hostile.Domains)
	}
}

func TestOptionsAreValidated(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"no devices", Options{Devices: 0}},
		{"too many devices", Options{Devices: MaxDevices + 1}},
		{"negative duration", Options{Devices: 1, Duration: -time.Second}},
		{"negative target", Options{Devices: 1, TargetBytes: -1}},
		{"start before 1970", Options{Devices: 1, Start: time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{"start past 2105", Options{Devices: 1, Start: time.Date(2106, 1, 1, 0, 0, 0, 0, time.UTC)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if _, err := Generate(&buf, tc.opts); err == nil {
				t.Fatalf("Generate(%+v) succeeded", tc.opts)
			}
			if buf.Len() != 0 {
				t.Errorf("%d bytes written despite the error", buf.Len())
			}
		})
	}
}

// failingWriter accepts limit bytes, then fails.
type failingWriter struct{ limit int }

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.limit {
		n := w.limit
		w.limit = 0
		return n, errDiskFull
	}
	w.limit -= len(p)
	return len(p), nil
}

func TestGenerateReportsWriteErrors(t *testing.T) {
	for _, limit := range []int{0, 10, 100_000} {
		_, err := Generate(&failingWriter{limit: limit}, Options{Devices: 8, Duration: 30 * time.Minute, Seed: 1})
		if !errors.Is(err, errDiskFull) {
			t.Errorf("limit %d: error %v, want %v", limit, err, errDiskFull)
		}
	}
}

func TestTargetBytesStopsNearTheTarget(t *testing.T) {
	tests := []struct {
		devices int
		target  int64
	}{
		{1, 1 << 20},
		{8, 3 << 20},
		{40, 8 << 20},
	}
	for _, tc := range tests {
		data, tr := generate(t, Options{Devices: tc.devices, Seed: 9, TargetBytes: tc.target, Duration: time.Minute})
		if tr.Bytes < tc.target || tr.Bytes > tc.target+frameCap {
			t.Errorf("devices %d target %d: file of %d bytes", tc.devices, tc.target, tr.Bytes)
		}
		if int64(len(data)) != tr.Bytes {
			t.Errorf("Truth.Bytes %d, wrote %d", tr.Bytes, len(data))
		}
	}
}

func TestMemoryStaysBoundedForLargeOutputs(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 60 MB")
	}
	const target = 60 << 20
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	tr, err := Generate(io.Discard, Options{Devices: 12, Seed: 3, TargetBytes: target})
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	if tr.Bytes < target || allocated > 8<<20 {
		t.Fatalf("wrote %d bytes and allocated %d bytes; want >= %d written with < 8 MiB allocated", tr.Bytes, allocated, target)
	}
}

func TestSomeNameIsReResolvedToANewAddress(t *testing.T) {
	o := Options{Devices: 8, Duration: 2 * time.Hour, Seed: 21}
	if err := o.normalize(); err != nil {
		t.Fatal(err)
	}
	g, err := newGenerator(io.Discard, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.run(); err != nil {
		t.Fatal(err)
	}
	if g.reresolved == 0 {
		t.Fatal("no device re-resolved a name to a different address")
	}
}

func TestLongLivedConnectionsSpanTheCapture(t *testing.T) {
	o := Options{Devices: 8, Duration: 90 * time.Minute, Seed: 5}
	if err := o.normalize(); err != nil {
		t.Fatal(err)
	}
	g, err := newGenerator(io.Discard, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.run(); err != nil {
		t.Fatal(err)
	}
	open := 0
	for _, d := range g.devs {
		if d.control >= 0 && g.flows[d.control].live && g.flows[d.control].persistent {
			open++
		}
	}
	if open < 6 {
		t.Fatalf("%d long-lived connections still open at the end, want one per connected kind", open)
	}
}

func TestSteadyStateDoesNotAllocate(t *testing.T) {
	o := Options{Devices: 16, Seed: 8, TargetBytes: 1 << 40, Hostile: true}
	if err := o.normalize(); err != nil {
		t.Fatal(err)
	}
	g, err := newGenerator(io.Discard, o)
	if err != nil {
		t.Fatal(err)
	}
	// Warm up past boot so the queue, flow table and buffers have grown.
	for g.now < g.start+2*hour {
		if !g.step() {
			t.Fatal("generation stopped during warm-up")
		}
	}
	packets := g.packets
	allocs := testing.AllocsPerRun(50, func() {
		for range 2000 {
			g.step()
		}
	})
	if allocs != 0 {
		t.Fatalf("%.1f allocations per 2000 tasks (%d packets)", allocs, g.packets-packets)
	}
	t.Logf("%d packets over %v of simulated time without allocating", g.packets-packets, time.Duration(g.now-g.start-2*hour))
}

func TestWriteMACList(t *testing.T) {
	tests := []struct {
		name    string
		truth   Truth
		want    string
		wantErr bool
	}{
		{"two devices", Truth{Devices: []Device{
			{Name: "WyzeCam-0A0B0C", MAC: [6]byte{0xd0, 0x3f, 0x27, 0x0a, 0x0b, 0x0c}},
			{Name: "<script>alert(1)</script>", MAC: [6]byte{0x24, 0x6f, 0x28, 0xff, 0xee, 0xdd}},
		}}, "WyzeCam-0A0B0C,D0:3F:27:0A:0B:0C\n<script>alert(1)</script>,24:6F:28:FF:EE:DD\n", false},
		{"empty", Truth{}, "", false},
		{"comma in name", Truth{Devices: []Device{{Name: "a,b"}}}, "", true},
		{"newline in name", Truth{Devices: []Device{{Name: "a\nb"}}}, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := WriteMACList(&buf, tc.truth)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v, want error %v", err, tc.wantErr)
			}
			if !tc.wantErr && buf.String() != tc.want {
				t.Errorf("got %q, want %q", buf.String(), tc.want)
			}
		})
	}
}

func TestGeneratedMACListMatchesTruth(t *testing.T) {
	_, tr := generate(t, Options{Devices: 10, Duration: time.Minute, Seed: 1, Hostile: true})
	var buf bytes.Buffer
	if err := WriteMACList(&buf, tr); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(tr.Devices) {
		t.Fatalf("%d lines for %d devices", len(lines), len(tr.Devices))
	}
	for i, line := range lines {
		if want := tr.Devices[i].Name + "," + formatMAC(tr.Devices[i].MAC); line != want {
			t.Errorf("line %d %q, want %q", i, line, want)
		}
	}
}

func TestEncodeName(t *testing.T) {
	tests := []struct {
		name    string
		want    []byte
		wantErr bool
	}{
		{"a.bc", []byte{1, 'a', 2, 'b', 'c', 0}, false},
		{"\xff.x", []byte{1, 0xff, 1, 'x', 0}, false},
		{"a..b", nil, true},
		{strings.Repeat("x", 64) + ".com", nil, true},
		{strings.Repeat(strings.Repeat("x", 60)+".", 5) + "com", nil, true},
	}
	for _, tc := range tests {
		got, err := encodeName(tc.name)
		if (err != nil) != tc.wantErr || !bytes.Equal(got, tc.want) {
			t.Errorf("encodeName(%q) = %v, %v; want %v (error %v)", tc.name, got, err, tc.want, tc.wantErr)
		}
	}
}
