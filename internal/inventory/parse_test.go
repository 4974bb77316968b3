package inventory

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/testutil"
)

func mac(t testing.TB, s string) decode.MAC {
	t.Helper()
	m, err := decode.ParseMAC(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// wantDevice is the part of a Device a test checks.
type wantDevice struct {
	name    string
	macs    []string
	ips     []string
	source  string
	aliases []string
}

func checkDevices(t *testing.T, inv *Inventory, want []wantDevice) {
	t.Helper()
	if len(inv.Devices) != len(want) {
		for _, d := range inv.Devices {
			t.Logf("got %+v", *d)
		}
		t.Fatalf("got %d devices, want %d", len(inv.Devices), len(want))
	}
	for i, w := range want {
		d := inv.Devices[i]
		var macs, ips []string
		for _, m := range d.MACs {
			macs = append(macs, m.String())
		}
		for _, ip := range d.IPs {
			ips = append(ips, ip.String())
		}
		if d.Name != w.name || !slices.Equal(macs, w.macs) || !slices.Equal(ips, w.ips) ||
			d.Source != w.source || !slices.Equal(d.Aliases, w.aliases) {
			t.Errorf("device %d = {%q %v %v %q %v}, want %+v", i, d.Name, macs, ips, d.Source, d.Aliases, w)
		}
	}
}

func TestParseFormats(t *testing.T) {
	tests := []struct {
		name, file, text string
		want             []wantDevice
	}{
		{
			name: "seed MAC file", file: "US1-MACs.txt",
			text: "PhillipsBridge,EC:B5:FA:99:AC:15\nTPLink,AC:84:C6:20:FE:4B\nEchoDot5,44:3D:54:BE:12:3C\n",
			want: []wantDevice{
				{"PhillipsBridge", []string{"ec:b5:fa:99:ac:15"}, nil, SourceMACList, nil},
				{"TPLink", []string{"ac:84:c6:20:fe:4b"}, nil, SourceMACList, nil},
				{"EchoDot5", []string{"44:3d:54:be:12:3c"}, nil, SourceMACList, nil},
			},
		},
		{
			name: "comments, blanks, CRLF, no final newline, spaces", file: "macs.txt",
			text: "# lab devices\r\n\r\nLiving Room Cam , AA:BB:CC:00:00:FF\r\n  # indented comment\r\nKettle,aa-bb-cc-00-00-01",
			want: []wantDevice{
				{"Living Room Cam", []string{"aa:bb:cc:00:00:ff"}, nil, SourceMACList, nil},
				{"Kettle", []string{"aa:bb:cc:00:00:01"}, nil, SourceMACList, nil},
			},
		},
		{
			name: "whitespace separated, either order", file: "macs.txt",
			text: "EchoDot5 44:3D:54:BE:12:3C\n44:3d:54:be:12:3d\tEcho Show\nsmart plug\taabb.cc00.0002\n",
			want: []wantDevice{
				{"EchoDot5", []string{"44:3d:54:be:12:3c"}, nil, SourceMACList, nil},
				{"Echo Show", []string{"44:3d:54:be:12:3d"}, nil, SourceMACList, nil},
				{"smart plug", []string{"aa:bb:cc:00:00:02"}, nil, SourceMACList, nil},
			},
		},
		{
			name: "MAC first with comma, repeated name merges", file: "macs.txt",
			text: "44:3D:54:BE:12:3C,Echo\nEcho,44:3D:54:BE:12:3D\n0:17:88:24:76:ff,Hue\n",
			want: []wantDevice{
				{"Echo", []string{"44:3d:54:be:12:3c", "44:3d:54:be:12:3d"}, nil, SourceMACList, nil},
				{"Hue", []string{"00:17:88:24:76:ff"}, nil, SourceMACList, nil},
			},
		},
		{
			name: "bare MAC names the device after its folder", file: filepath.Join("captures", "HueBridge", "_iotdevice-mac.txt"),
			text: "00:17:88:24:76:ff",
			want: []wantDevice{{"HueBridge", []string{"00:17:88:24:76:ff"}, nil, SourceIoTSentinel, nil}},
		},
		{
			name: "generic CSV, columns in any order", file: "devices.csv",
			text: "ip;vendor;Name;MAC\n192.168.1.5;Acme;cam;AA:BB:CC:00:00:01\n192.168.1.6 ; ; plug ;\n",
			want: []wantDevice{
				{"cam", []string{"aa:bb:cc:00:00:01"}, []string{"192.168.1.5"}, SourceCSV, nil},
				{"plug", nil, []string{"192.168.1.6"}, SourceCSV, nil},
			},
		},
		{
			name: "CSV: device name column beats device, several MACs in a cell", file: "d.csv",
			text: "Device,Device Name,MAC Address,IPv4\nx,Hub,\"00:17:88:00:00:01; 00:17:88:00:00:02\",10.0.0.2\n",
			want: []wantDevice{{"Hub", []string{"00:17:88:00:00:01", "00:17:88:00:00:02"}, []string{"10.0.0.2"}, SourceCSV, nil}},
		},
		{
			name: "YAML with MAC, IPv6 list, alias by shared MAC", file: "devices.yaml",
			text: "# lab\nPlug: &Plug\n  name: HS110\n  ipv4: 10.0.0.9\n  ipv6: [fe80::1, 2001:db8::9]\n  mac: 50:c7:bf:00:c7:03\n" +
				"PlugApp:\n  <<: *Plug\n  app: other\nEmpty:\n",
			want: []wantDevice{
				{"Plug", []string{"50:c7:bf:00:c7:03"}, []string{"10.0.0.9", "fe80::1", "2001:db8::9"}, SourceDevicesYAML, []string{"PlugApp"}},
				{"Empty", nil, nil, SourceDevicesYAML, nil},
			},
		},
		{
			name: "YAML under a devices key", file: "x.yaml",
			text: "devices:\n  cam:\n    ipv4: 10.0.0.3\n",
			want: []wantDevice{{"cam", nil, []string{"10.0.0.3"}, SourceDevicesYAML, nil}},
		},
		{name: "empty file", file: "empty.txt", text: "\n# nothing\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv, err := Parse(strings.NewReader(tc.text), tc.file)
			if err != nil {
				t.Fatal(err)
			}
			checkDevices(t, inv, tc.want)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, file, text, wantErr string
	}{
		{"seed example with a 5-octet MAC", "Example-MACs.txt",
			"MyCamera,AA:BB:CC:00:00:FF\nSmartKettle,AF:ED:11:12:34\nVoiceAssistant,11:22:33:44:55:66",
			`Example-MACs.txt:2: MAC "AF:ED:11:12:34" has 5 octets, want 6`},
		{"bad hex octet", "m.txt", "cam aa:bb:cc:dd:ee:gg\n", `m.txt:1: MAC "aa:bb:cc:dd:ee:gg": octet "gg" is not one or two hex digits`},
		{"no MAC", "m.txt", "\n\njust words here\n", `m.txt:3: no MAC address in "just words here"`},
		{"too many fields", "m.txt", "a,b,aa:bb:cc:dd:ee:ff\n", "m.txt:1: want name,MAC; got 3 fields"},
		{"two MACs", "m.txt", "aa:bb:cc:dd:ee:01,aa:bb:cc:dd:ee:02\n", "two MAC addresses"},
		{"empty name", "m.txt", ",aa:bb:cc:dd:ee:01\n", "m.txt:1: MAC aa:bb:cc:dd:ee:01 has an empty device name"},
		{"bare MAC among named ones", "m.txt", "cam,aa:bb:cc:dd:ee:01\naa:bb:cc:dd:ee:02\n", "m.txt:2: MAC aa:bb:cc:dd:ee:02 has no device name"},
		{"bare MAC without a folder", "mac.txt", "aa:bb:cc:dd:ee:02\n", "mac.txt: a file of bare MACs is named after its folder"},
		{"same MAC, two names", "m.txt", "cam,aa:bb:cc:dd:ee:01\nplug,AA:BB:CC:DD:EE:01\n",
			`m.txt:2: conflicting device names: MAC aa:bb:cc:dd:ee:01 already belongs to "cam", not "plug"`},
		{"CSV bad MAC", "d.csv", "MAC Address,Device Name\n24:ce:33:24:b5,Plug\n", `d.csv:2: MAC "24:ce:33:24:b5" has 5 octets, want 6`},
		{"CSV bad IP", "d.csv", "name,ip\ncam,10.0.0.300\n", `d.csv:2: bad IP address "10.0.0.300"`},
		{"CSV empty name", "d.csv", "name,mac\n\n,aa:bb:cc:dd:ee:01\n", "d.csv:3: empty device name"},
		{"CSV no address", "d.csv", "name,mac,ip\ncam,,\n", `d.csv:2: device "cam" has no MAC or IP`},
		{"CSV IP conflict", "d.csv", "name,ip\ncam,10.0.0.1\nplug,10.0.0.1\n", `d.csv:3: conflicting device names: IP 10.0.0.1 already belongs to "cam"`},
		{"YAML syntax", "d.yaml", "cam:\n  ipv4: [10.0.0.1\n", "d.yaml: yaml:"},
		{"YAML bad IP", "d.yaml", "cam:\n  ipv4: 10.0.0.1\nplug:\n  ipv4: nope\n", `d.yaml:3: device "plug": bad IP address "nope"`},
		{"YAML bad MAC", "d.yaml", "cam:\n  mac: 11:22\n", `d.yaml:1: device "cam": MAC "11:22" has 2 octets, want 6`},
		{"YAML wrong shape", "d.yaml", "cam:\n  ipv4: {a: b}\n", `d.yaml:1: device "cam"`},
		{"YAML two devices share MAC and IP of different owners", "d.yaml",
			"a:\n  ipv4: 10.0.0.1\nb:\n  mac: aa:bb:cc:dd:ee:01\nc:\n  ipv4: 10.0.0.1\n  mac: aa:bb:cc:dd:ee:01\n",
			`d.yaml:5: conflicting device names: MAC aa:bb:cc:dd:ee:01 belongs to "b" but IP 10.0.0.1 belongs to "a"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv, err := Parse(strings.NewReader(tc.text), tc.file)
			if err == nil {
				t.Fatalf("no error; devices %v", inv.Devices)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q\nwant it to contain %q", err, tc.wantErr)
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.File != tc.file {
				t.Errorf("error %T does not name the file %q", err, tc.file)
			}
		})
	}
}

func TestLoadMADEA(t *testing.T) {
	inv, err := Load(testutil.Fixture(t, "madea", "Device_MAC_Name_Mapping.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Devices) != 15 {
		t.Fatalf("%d devices, want 15", len(inv.Devices))
	}
	tests := []struct{ mac, name, vendor string }{
		{"24:ce:33:24:b5:cb", "Amazon Plug", "Amazon Technologies Inc."},
		{"cc:a7:c1:62:cc:aa", "Nest Smoke & CO Detector", "Google, Inc."},
		{"d0:c5:d3:90:54:73", "Roomba Robot", "AzureWave Technology Inc."},
		{"e6:ce:94:c8:64:43", "Pixel 6 Phone", ""}, // random MAC: no vendor
	}
	for _, tc := range tests {
		d := inv.ByMAC(mac(t, tc.mac))
		if d == nil || d.Name != tc.name || d.Vendor != tc.vendor || d.Source != SourceMADEA {
			t.Errorf("ByMAC(%s) = %+v, want %q by %q from %s", tc.mac, d, tc.name, tc.vendor, SourceMADEA)
		}
	}
	if inv.Devices[0].Name != "Amazon Plug" || inv.Devices[14].Name != "Pixel 6 Phone" {
		t.Errorf("devices not in file order: first %q, last %q", inv.Devices[0].Name, inv.Devices[14].Name)
	}
}

func TestLoadMADEAProfileCSV(t *testing.T) {
	// DEVICE_MAC,...,DEVICE_NAME with one row per packet profile: the 3533
	// rows name the 14 IoT devices (not the phone).
	inv, err := Load(testutil.Fixture(t, "madea", "smart_home_devices_profile.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Devices) != 14 {
		t.Errorf("%d devices, want 14", len(inv.Devices))
	}
	if d := inv.ByMAC(mac(t, "e4:5f:01:c3:64:86")); d == nil || d.Name != "RPi Emulated Bulb" || d.Source != SourceCSV {
		t.Errorf("RPi bulb: %+v", d)
	}
}

func TestLoadDevicesYAML(t *testing.T) {
	inv, err := Load(testutil.Fixture(t, "uclouvain-shhcp", "devices.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	checkDevices(t, inv, []wantDevice{
		{"TpLinkPlug", nil, []string{"192.168.1.135"}, SourceDevicesYAML, []string{"TpLinkPlugTapo", "TpLinkPlugSmartThings"}},
		{"TapoPlug", nil, []string{"192.168.1.134"}, SourceDevicesYAML, []string{"TapoPlugSmartThings"}},
		{"TuyaPlug", nil, []string{"192.168.1.103"}, SourceDevicesYAML, nil},
		{"XiaomiCamera", nil, []string{"192.168.1.161"}, SourceDevicesYAML, nil},
		{"DLinkCamera", nil, []string{"192.168.1.115"}, SourceDevicesYAML, nil},
		{"TapoCamera", nil, []string{"192.168.1.139"}, SourceDevicesYAML, []string{"TapoCameraSmartThings"}},
		{"HueLight", nil, []string{"192.168.1.141"}, SourceDevicesYAML, []string{"HueLightEssentials", "HueLightSmartThings"}},
		{"TapoLight", nil, []string{"192.168.1.231"}, SourceDevicesYAML, []string{"TapoLightSmartThings"}},
		{"TuyaLight", nil, []string{"192.168.1.162"}, SourceDevicesYAML, nil},
		{"SmartThingsHub", nil, []string{"192.168.1.222"}, SourceDevicesYAML, []string{"SmartThingsOutlet"}},
	})
	plug := inv.ByIP(netip.MustParseAddr("192.168.1.135"))
	if plug == nil || plug.Model != "TP-Link HS110" || plug.Type != "plug" || plug.Manufacturer != "TP-Link" {
		t.Errorf("TpLinkPlug fields: %+v", plug)
	}
	if inv.ByName("TpLinkPlugSmartThings") != plug {
		t.Error("alias TpLinkPlugSmartThings does not find TpLinkPlug")
	}
	// The capture folders are named by device id.
	for _, d := range inv.Devices {
		if d.Name == "SmartThingsHub" {
			continue
		}
		if _, err := os.Stat(filepath.Join(testutil.FixturesDir(t), "uclouvain-shhcp", d.Name)); err != nil {
			t.Errorf("no capture folder for %s: %v", d.Name, err)
		}
	}
}

func TestLoadIoTSentinel(t *testing.T) {
	// MACs as stored in each folder's _iotdevice-mac.txt (some lack a final
	// newline); vendors per the IEEE registry.
	tests := []struct{ folder, mac, vendor string }{
		{"HueBridge", "00:17:88:24:76:ff", "Philips Lighting BV"},
		{"D-LinkCam", "b0:c5:54:25:5b:0e", "D-Link International"},
		{"TP-LinkPlugHS110", "50:c7:bf:00:c7:03", "TP-LINK TECHNOLOGIES CO.,LTD."},
		{"EdimaxPlug1101W", "74:da:38:4a:76:49", "Edimax Technology Co. Ltd."},
		{"WeMoInsightSwitch2", "94:10:3e:42:80:69", "Belkin International Inc."},
	}
	for _, tc := range tests {
		t.Run(tc.folder, func(t *testing.T) {
			inv, err := Load(testutil.Fixture(t, "iot-sentinel", tc.folder, "_iotdevice-mac.txt"))
			if err != nil {
				t.Fatal(err)
			}
			checkDevices(t, inv, []wantDevice{{tc.folder, []string{tc.mac}, nil, SourceIoTSentinel, nil}})
			if v := inv.Devices[0].Vendor; v != tc.vendor {
				t.Errorf("vendor %q, want %q", v, tc.vendor)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "none.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want not-exist", err)
	}
}

func TestParseTooLarge(t *testing.T) {
	big := strings.NewReader(strings.Repeat("x", maxInventoryBytes+1))
	if _, err := Parse(big, "big.bin"); err == nil || !strings.Contains(err.Error(), "big.bin") {
		t.Errorf("err = %v", err)
	}
}

func TestAdd(t *testing.T) {
	inv := &Inventory{}
	steps := []struct {
		d       Device
		wantErr string
	}{
		{Device{Name: "cam", MACs: []decode.MAC{mac(t, "24:ce:33:00:00:01")}, Source: SourceFlag}, ""},
		{Device{Name: "cam", IPs: []netip.Addr{netip.MustParseAddr("::ffff:10.0.0.2")}}, ""},              // by name; v4-mapped unmapped
		{Device{MACs: []decode.MAC{mac(t, "24:ce:33:00:00:01")}, Type: "camera"}, ""},                     // nameless: fills fields
		{Device{Name: "camera-alias", IPs: []netip.Addr{netip.MustParseAddr("10.0.0.2")}}, "conflicting"}, // different name
		{Device{Name: "plug", IPs: []netip.Addr{netip.MustParseAddr("10.0.0.3")}}, ""},
		{Device{Name: "x", MACs: []decode.MAC{mac(t, "24:ce:33:00:00:01")}, IPs: []netip.Addr{netip.MustParseAddr("10.0.0.3")}}, "belongs to"},
		{Device{MACs: []decode.MAC{mac(t, "24:ce:33:00:00:09")}}, "has no name"},
		{Device{}, "no name, MAC or IP"},
	}
	for i, s := range steps {
		err := inv.Add(s.d)
		if (err != nil) != (s.wantErr != "") || err != nil && !strings.Contains(err.Error(), s.wantErr) {
			t.Errorf("step %d: err = %v, want %q", i, err, s.wantErr)
		}
	}
	if len(inv.Devices) != 2 {
		t.Fatalf("%d devices, want 2", len(inv.Devices))
	}
	cam := inv.ByIP(netip.MustParseAddr("10.0.0.2"))
	if cam == nil || cam.Name != "cam" || cam.Type != "camera" || cam.Source != SourceFlag || cam.Vendor != "Amazon Technologies Inc." {
		t.Errorf("cam = %+v", cam)
	}
	if inv.ByMAC(mac(t, "24:ce:33:00:00:01")) != cam || inv.ByName("plug") == nil {
		t.Error("index lookups failed")
	}
	var zero Inventory
	if zero.ByMAC(decode.MAC{}) != nil || zero.ByIP(netip.Addr{}) != nil {
		t.Error("zero inventory found something")
	}
}

func FuzzParseInventory(f *testing.F) {
	seeds := []string{
		"EchoDot5,44:3D:54:BE:12:3C\nSmartKettle,AF:ED:11:12:34\n",
		"MAC Address,Device Name\n24:ce:33:00:00:01,Amazon Plug\n",
		"TpLinkPlug: &TpLinkPlug\n  name: TP-Link HS110\n  ipv4: 192.168.1.135\nTapo:\n  <<: *TpLinkPlug\n",
		"00:17:88:24:76:ff\n",
		"name;ip;mac\ncam;10.0.0.1;aa-bb-cc-dd-ee-ff\n",
		"a: &a [*a]\n",
		"cam 0:1:2:3:4:5\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Parse(strings.NewReader(string(data)), filepath.Join("dir", "dev", "inventory.txt"))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			return
		}
		for _, d := range inv.Devices {
			if d.Name == "" {
				t.Fatalf("device without a name: %+v", d)
			}
			for _, m := range d.MACs {
				if inv.ByMAC(m) != d {
					t.Fatalf("ByMAC(%s) is not %q", m, d.Name)
				}
			}
		}
	})
}
