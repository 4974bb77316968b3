package signatures

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/pipeline"
	"github.com/iotlens/iotlens/internal/profile"
	"github.com/iotlens/iotlens/internal/testutil"
)

// uclouvainIPs are the device addresses of devices.yaml, except where the
// boot captures show another lease (explained at the entry).
var uclouvainIPs = map[string]string{
	"DLinkCamera": "192.168.1.115", "HueLight": "192.168.1.141", "SmartThingsOutlet": "192.168.1.222",
	"TapoCamera": "192.168.1.139", "TapoLight": "192.168.1.231", "TapoPlug": "192.168.1.134",
	"TpLinkPlug": "192.168.1.135", "TuyaLight": "192.168.1.162", "XiaomiCamera": "192.168.1.161",
	// devices.yaml says 192.168.1.103, the address of the 2024 toggle
	// capture; in both March 2025 boot captures the gateway's DHCP ACK gives
	// the plug (client 68:c6:3a:42:83:f6, host name ESP_E67CDE) 192.168.1.124.
	"TuyaPlug": "192.168.1.124",
}

type capture struct {
	device, event, path string
}

func uclouvainCaptures(t *testing.T) []capture {
	dir := testutil.Fixture(t, "uclouvain-shhcp")
	paths, err := filepath.Glob(filepath.Join(dir, "*", "*", "*.pcap"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no UCLouvain captures in %s", dir)
	}
	slices.Sort(paths)
	var out []capture
	for _, p := range paths {
		out = append(out, capture{device: filepath.Base(filepath.Dir(filepath.Dir(p))), event: filepath.Base(filepath.Dir(p)), path: p})
	}
	return out
}

func runPass(t *testing.T, inputs []string, workers int, a engine.Analysis) *pipeline.Outcome {
	t.Helper()
	out, err := pipeline.Run(context.Background(), pipeline.Options{Inputs: inputs, Workers: workers, Quiet: true,
		Stderr: io.Discard, Analyses: []engine.Analysis{a}})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// extractProfile runs iotlens signatures on one device's captures and
// returns the profile as written to profile.yaml, read back with the
// project's reader.
func extractProfile(t *testing.T, device string, ip netip.Addr, inputs []string) *profile.Profile {
	t.Helper()
	dev := Device{Name: device, IPs: []netip.Addr{ip}}
	out := runPass(t, inputs, 1, &Analysis{Device: dev})
	traces := out.Partial(Name).(*Partial).Traces()
	res := Extract(traces, Options{Tolerance: 0.2})
	p := BuildProfile(res, traces, ProfileOptions{Device: dev, Event: EventName(inputs)})
	data, err := profile.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	back, err := profile.Parse(data, device+"/profile.yaml", profile.Options{})
	if err != nil {
		t.Fatalf("%s: profile does not load with the project's reader: %v\n%s", device, err, data)
	}
	return back
}

// TestBootProfilesDetectBootsOnly is the end-to-end check on real
// captures: for every UCLouvain device with two boot captures, the profile
// extracted from the first boot must detect the boot in the second, and
// must not report a boot in any other capture (other events of the device,
// captures of the other devices).
func TestBootProfilesDetectBootsOnly(t *testing.T) {
	caps := uclouvainCaptures(t)
	var all []string
	boots := map[string][]string{}
	for _, c := range caps {
		all = append(all, c.path)
		if c.event == "boot" {
			boots[c.device] = append(boots[c.device], c.path)
		}
	}
	var devices []string
	for d, b := range boots {
		if len(b) >= 2 {
			devices = append(devices, d)
		}
	}
	slices.Sort(devices)
	if len(devices) != 10 {
		t.Fatalf("%d devices with two boot captures, want 10", len(devices))
	}
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "DEVICE\tSTEPS\tNEED\tOTHER BOOT\tSAME DEVICE, OTHER EVENTS\tOTHER DEVICES (BEST)\tFALSE POSITIVES")
	for _, dev := range devices {
		ip := netip.MustParseAddr(uclouvainIPs[dev])
		prof := extractProfile(t, dev, ip, boots[dev][:1])
		if len(prof.Interactions) != 1 || prof.Interactions[0].Name != "boot" {
			t.Fatalf("%s: profile has no boot interaction: %+v", dev, prof.Interactions)
		}
		m, err := Compile(prof, MatchOptions{})
		if err != nil {
			t.Fatalf("%s: %v", dev, err)
		}
		rep := runPass(t, all, 2, &MatchAnalysis{M: m}).Partial(MatchName).(*MatchPartial).Report()
		var tp string
		var sameDevice, fps []string
		best, bestScore := "", -1
		steps, need := 0, 0
		for _, d := range rep.Detections {
			steps, need = d.StepsTotal, d.StepsNeeded
			rel := relName(d.File)
			score := fmt.Sprintf("%d/%d", d.StepsMatched, d.StepsTotal)
			switch {
			case d.File == boots[dev][0]:
				if !d.Detected {
					t.Errorf("%s: the profile does not even detect the boot it was made from (%s steps)", dev, score)
				}
				continue
			case d.File == boots[dev][1]:
				tp = fmt.Sprintf("detected %v (%s)", d.Detected, score)
				if !d.Detected {
					t.Errorf("%s: boot %s not detected: %s steps in order, %d needed", dev, rel, score, d.StepsNeeded)
				}
				continue
			case strings.HasPrefix(rel, dev+"/"):
				sameDevice = append(sameDevice, strings.TrimPrefix(rel, dev+"/")+" "+score)
			case d.StepsMatched > bestScore:
				bestScore, best = d.StepsMatched, rel+" "+score
			}
			if d.Detected {
				fps = append(fps, rel)
				t.Errorf("%s: boot reported in %s (%s steps)", dev, rel, score)
			}
		}
		if len(sameDevice) == 0 {
			sameDevice = []string{"(none)"}
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%d\n", dev, steps, need, tp, strings.Join(sameDevice, ", "), best, len(fps))
	}
	tw.Flush()
	t.Log("boot detection, profile from the first boot capture of each device, matched against all 27 captures:\n" + table.String())
}

func relName(path string) string {
	parts := strings.Split(filepath.ToSlash(path), "/")
	return strings.Join(parts[max(0, len(parts)-3):], "/")
}

// TestProfilesOfEveryDeviceLoad extracts a profile from all captures of
// each device (every event) and reads it back, resolving includes, with
// the project's reader; the MUD file must name the device's ACLs.
func TestProfilesOfEveryDeviceLoad(t *testing.T) {
	byDevice := map[string][]string{}
	for _, c := range uclouvainCaptures(t) {
		byDevice[c.device] = append(byDevice[c.device], c.path)
	}
	dir := t.TempDir()
	for dev, inputs := range byDevice {
		prof := extractProfile(t, dev, netip.MustParseAddr(uclouvainIPs[dev]), inputs)
		path := filepath.Join(dir, dev+".yaml")
		data, _ := profile.Marshal(prof)
		os.WriteFile(path, data, 0o644)
		if _, err := profile.LoadResolved(path); err != nil {
			t.Errorf("%s: %v", dev, err)
		}
		mud, _ := profile.BuildMUD(prof, profile.MUDOptions{URL: "https://mud.example/" + dev + ".json"})
		if len(mud.ACLs.ACL) == 0 || mud.Container.FromDevice == nil {
			t.Errorf("%s: MUD without from-device ACL: %+v", dev, mud.Container)
		}
	}
}

// platforms group the UCLouvain devices that run one vendor's cloud
// platform: their boots talk to the same services in the same order.
var platforms = map[string]string{
	"TapoCamera": "tapo", "TapoLight": "tapo", "TapoPlug": "tapo", "TuyaLight": "tuya", "TuyaPlug": "tuya",
}

// TestBootSignaturesAcrossIdentities is a harder check than the one the
// issue asks for: each boot profile is matched against the second boot of
// every device *as if* that device had the profile's identity (its IP and
// MAC given to match). What is left to tell devices apart is then their
// behaviour alone. No profile may detect the boot of a device of another
// vendor platform; devices of one platform (Tapo, Tuya) boot alike, which
// the logged matrix shows and docs/signatures.md explains.
func TestBootSignaturesAcrossIdentities(t *testing.T) {
	boots := map[string][]string{}
	for _, c := range uclouvainCaptures(t) {
		if c.event == "boot" {
			boots[c.device] = append(boots[c.device], c.path)
		}
	}
	var devices []string
	for d := range boots {
		devices = append(devices, d)
	}
	slices.Sort(devices)
	macs := map[string]decode.MAC{}
	for _, d := range devices {
		out := runPass(t, boots[d][1:2], 1, &Analysis{Device: Device{Name: d, IPs: []netip.Addr{netip.MustParseAddr(uclouvainIPs[d])}}})
		macs[d], _ = decode.ParseMAC(out.Partial(Name).(*Partial).Traces()[0].DeviceMAC)
	}
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 2, 8, 1, ' ', 0)
	fmt.Fprint(tw, "PROFILE \\ BOOT OF")
	for _, b := range devices {
		fmt.Fprintf(tw, "\t%.6s", b)
	}
	fmt.Fprintln(tw)
	for _, a := range devices {
		prof := extractProfile(t, a, netip.MustParseAddr(uclouvainIPs[a]), boots[a][:1])
		fmt.Fprint(tw, a)
		for _, b := range devices {
			mac := macs[b]
			m, err := Compile(prof, MatchOptions{IPs: []netip.Addr{netip.MustParseAddr(uclouvainIPs[b])}, MAC: &mac})
			if err != nil {
				t.Fatal(err)
			}
			d := runPass(t, boots[b][1:2], 1, &MatchAnalysis{M: m}).Partial(MatchName).(*MatchPartial).Report().Detections[0]
			mark := ""
			if d.Detected {
				mark = "*"
			}
			fmt.Fprintf(tw, "\t%d/%d%s", d.StepsMatched, d.StepsTotal, mark)
			samePlatform := a == b || platforms[a] != "" && platforms[a] == platforms[b]
			if d.Detected && !samePlatform {
				t.Errorf("profile of %s detects the boot of %s (%d/%d steps)", a, b, d.StepsMatched, d.StepsTotal)
			}
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	t.Log("steps in order when the second boot of each device is matched with the profile's identity (* detected):\n" + table.String())
}
