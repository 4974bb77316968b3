// Package split is `iotlens split`: in one pass over a capture it writes,
// per device, the passive-mode seed's per-device pcaps (all traffic, the
// filtered copies with and without DNS, and their LAN and WAN halves) as
// classic pcap files that keep the original timestamps and wire lengths.
//
// Place in the pipeline: an engine analysis that writes while the engine
// reads. The seed ran tshark once per device and variant over full copies
// of the capture (about ten times its size on disk); here every frame is
// judged once (passive.Judge: time window, the seed's "filtered" preset with
// its TCP analysis, DNS) and appended to the files of the devices at either
// end of it. Files are written to temporary names and renamed when the
// whole capture has been read, so an interrupted run leaves no partial
// pcap behind.
package split

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/iotlens/iotlens/internal/analysis/passive"
	"github.com/iotlens/iotlens/internal/capture"
	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/engine"
)

// Name is the analysis name.
const Name = "split"

// Kind is one of the seed's per-device files.
type Kind uint8

// Kinds, in the order the seed's processPcap.bash creates them.
const (
	KindAll Kind = iota
	KindNoDNS
	KindNoDNSLAN
	KindNoDNSWAN
	KindWithDNS
	KindWithDNSLAN
	KindWithDNSWAN
	numKinds
)

// kindLayout is where the seed puts each kind and what it appends to the
// capture's name.
var kindLayout = [numKinds]struct{ dir, infix, suffix, name string }{
	KindAll:        {"unfiltered/per-device", "-trimmed", "", "all"},
	KindNoDNS:      {"filtered/no-DNS/per-device", "-trimmed-filtered", "", "no-dns"},
	KindNoDNSLAN:   {"filtered/no-DNS/per-device/LAN", "-trimmed-filtered", "-LAN", "no-dns LAN"},
	KindNoDNSWAN:   {"filtered/no-DNS/per-device/WAN", "-trimmed-filtered", "-WAN", "no-dns WAN"},
	KindWithDNS:    {"filtered/with-DNS/per-device", "-trimmed-filtered-with-DNS", "", "with-dns"},
	KindWithDNSLAN: {"filtered/with-DNS/per-device/LAN", "-trimmed-filtered-with-DNS", "-LAN", "with-dns LAN"},
	KindWithDNSWAN: {"filtered/with-DNS/per-device/WAN", "-trimmed-filtered-with-DNS", "-WAN", "with-dns WAN"},
}

func (k Kind) String() string { return kindLayout[k].name }

// Path returns the file of device (its safe name) under out.
func (k Kind) Path(out, capture, device string) string {
	l := kindLayout[k]
	return filepath.Join(out, filepath.FromSlash(l.dir), capture+l.infix+"-split-"+device+l.suffix+".pcap")
}

// ParseOnly reads --only: all, no-dns, with-dns, lan, wan. lan and wan
// select the LAN and WAN halves of the filtered variants chosen.
func ParseOnly(values []string) ([]Kind, error) {
	want := map[string]bool{}
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			s = strings.ToLower(strings.TrimSpace(s))
			switch s {
			case "":
			case "all", "no-dns", "with-dns", "lan", "wan":
				want[s] = true
			default:
				return nil, fmt.Errorf("--only %q: choose among all, no-dns, with-dns, lan, wan", s)
			}
		}
	}
	if len(want) == 0 {
		for _, s := range []string{"all", "no-dns", "with-dns", "lan", "wan"} {
			want[s] = true
		}
	}
	if (want["lan"] || want["wan"]) && !want["no-dns"] && !want["with-dns"] {
		return nil, fmt.Errorf("--only lan/wan split the filtered variants: add no-dns and/or with-dns")
	}
	var kinds []Kind
	add := func(cond bool, k Kind) {
		if cond {
			kinds = append(kinds, k)
		}
	}
	add(want["all"], KindAll)
	for _, f := range []struct {
		variant        string
		base, lan, wan Kind
	}{{"no-dns", KindNoDNS, KindNoDNSLAN, KindNoDNSWAN}, {"with-dns", KindWithDNS, KindWithDNSLAN, KindWithDNSWAN}} {
		add(want[f.variant], f.base)
		add(want[f.variant] && want["lan"], f.lan)
		add(want[f.variant] && want["wan"], f.wan)
	}
	return kinds, nil
}

// Device is one device to split out.
type Device struct {
	Name string
	MACs []decode.MAC
}

// Options configure a Splitter.
type Options struct {
	Out     string // output folder
	Capture string // the capture's name in file names
	Input   string // the capture path (never overwritten)
	Devices []Device
	Kinds   []Kind
	// Filter is the base of the filtered variants: its Preset is
	// PresetFilteredWithDNS for the seed's tree, or PresetNone for plain
	// eth.addr copies minus DNS; Start/End trim every file.
	Filter passive.Filter
	Scope  passive.Scoper
}

// Splitter writes the files while the engine reads the capture.
type Splitter struct {
	opts    Options
	byMAC   map[decode.MAC]int
	files   [][numKinds]*outFile // [device][kind]
	names   []string             // safe device names
	wanted  [numKinds]bool
	kindBuf [numKinds]Kind
	link    capture.LinkType
	linkOK  bool
	// Mismatched counts frames whose link type differs from the first
	// frame's (one classic pcap holds one link type): they are skipped.
	Mismatched int64
	err        error
}

// New validates the options and prepares the file names.
func New(o Options) (*Splitter, error) {
	if len(o.Devices) == 0 {
		return nil, fmt.Errorf("split needs devices: --devices FILE or --device NAME --mac MAC")
	}
	if len(o.Kinds) == 0 {
		return nil, fmt.Errorf("split: no output selected")
	}
	s := &Splitter{opts: o, byMAC: map[decode.MAC]int{}}
	naming := passive.Naming{}
	for i, d := range o.Devices {
		if len(d.MACs) == 0 {
			return nil, fmt.Errorf("device %q has no MAC address: split selects frames by eth.addr", d.Name)
		}
		for _, m := range d.MACs {
			if j, dup := s.byMAC[m]; dup && j != i {
				return nil, fmt.Errorf("MAC %s is listed for %q and %q", m, o.Devices[j].Name, d.Name)
			}
			s.byMAC[m] = i
		}
		stem := naming.Stem(d.Name) // unique safe name after "-split-"
		s.names = append(s.names, stem[strings.Index(stem, "-split-")+len("-split-"):])
	}
	s.files = make([][numKinds]*outFile, len(o.Devices))
	for _, k := range o.Kinds {
		s.wanted[k] = true
	}
	return s, nil
}

// Paths lists every file the run writes, in device then kind order.
func (s *Splitter) Paths() []string {
	var out []string
	for i := range s.opts.Devices {
		for _, k := range s.opts.Kinds {
			out = append(out, k.Path(s.opts.Out, s.opts.Capture, s.names[i]))
		}
	}
	return out
}

// Analysis returns the engine analysis that feeds this Splitter. The run
// must read exactly one capture file: frames are appended in file order.
func (s *Splitter) Analysis() engine.Analysis { return analysis{s} }

type analysis struct{ s *Splitter }

func (a analysis) Name() string        { return Name }
func (a analysis) Needs() engine.Needs { return 0 }
func (a analysis) NewPartial(engine.FileInfo) engine.Partial {
	return &partial{s: a.s, judge: passive.NewJudge(&a.s.opts.Filter)}
}

type partial struct {
	s     *Splitter
	judge *passive.Judge
}

// Merge implements engine.Partial: the files are shared, nothing to fold.
func (p *partial) Merge(engine.Partial) {}

// Packet implements engine.Partial.
func (p *partial) Packet(ev *engine.Event) {
	s := p.s
	if s.err != nil {
		return
	}
	pk := ev.Packet
	src, dst := -1, -1
	if pk.HasSrcMAC {
		if i, ok := s.byMAC[pk.SrcMAC]; ok {
			src = i
		}
	}
	if pk.HasDstMAC {
		if i, ok := s.byMAC[pk.DstMAC]; ok {
			dst = i
		}
	}
	v := p.judge.Judge(ev) // every frame: the TCP analysis must see them all
	if (src < 0 && dst < 0) || !v.InWindow {
		return
	}
	if !s.linkOK {
		s.link, s.linkOK = ev.Frame.LinkType, true
	}
	if ev.Frame.LinkType != s.link {
		s.Mismatched++
		return
	}
	kinds := s.kindsOf(ev, v)
	if src >= 0 {
		s.write(src, kinds, ev.Frame)
	}
	if dst >= 0 && dst != src {
		s.write(dst, kinds, ev.Frame)
	}
}

// kindsOf lists the files a frame of a device goes to.
func (s *Splitter) kindsOf(ev *engine.Event, v passive.Verdict) []Kind {
	kinds := append(s.kindBuf[:0], KindAll) // reused: no allocation per frame
	if v.Base {
		side := KindWithDNSWAN
		if s.opts.Scope.IsLAN(ev) {
			side = KindWithDNSLAN
		}
		kinds = append(kinds, KindWithDNS, side)
		if !v.DNS {
			kinds = append(kinds, KindNoDNS, side-KindWithDNS+KindNoDNS)
		}
	}
	n := 0
	for _, k := range kinds {
		if s.wanted[k] {
			kinds[n] = k
			n++
		}
	}
	return kinds[:n]
}

func (s *Splitter) write(dev int, kinds []Kind, f *capture.Frame) {
	for _, k := range kinds {
		of := s.files[dev][k]
		if of == nil {
			var err error
			of, err = s.create(dev, k)
			if err != nil {
				s.err = err
				return
			}
		}
		if err := of.w.WritePacket(f.Time, f.WireLen, f.Data); err != nil {
			s.err = fmt.Errorf("%s: %w", of.path, err)
			return
		}
		of.packets++
	}
}

func (s *Splitter) create(dev int, k Kind) (*outFile, error) {
	path := k.Path(s.opts.Out, s.opts.Capture, s.names[dev])
	if sameFile(path, s.opts.Input) {
		return nil, fmt.Errorf("refusing to write %s: it is the input capture", path)
	}
	link := capture.LinkEthernet
	if s.linkOK {
		link = s.link
	}
	of, err := createPcap(path, link)
	if err != nil {
		return nil, err
	}
	s.files[dev][k] = of
	return of, nil
}

func sameFile(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// FileStat is one written file.
type FileStat struct {
	Device  string
	Kind    Kind
	Path    string
	Packets int64
}

// Close finishes the run: every selected file (an empty pcap for a device
// with no matching frame, as tshark -w writes one) is flushed and renamed
// into place. After an error nothing is renamed and the temporary files
// are removed.
func (s *Splitter) Close() ([]FileStat, error) {
	if s.err != nil {
		s.Abort()
		return nil, s.err
	}
	var stats []FileStat
	for i, d := range s.opts.Devices {
		for _, k := range s.opts.Kinds {
			of := s.files[i][k]
			if of == nil {
				var err error
				if of, err = s.create(i, k); err != nil {
					s.Abort()
					return nil, err
				}
			}
			stats = append(stats, FileStat{Device: d.Name, Kind: k, Path: of.path, Packets: of.packets})
		}
	}
	for i := range s.files {
		for _, of := range s.files[i] {
			if of == nil {
				continue
			}
			if err := of.commit(); err != nil {
				s.Abort()
				return nil, err
			}
		}
	}
	return stats, nil
}

// Abort removes every temporary file not yet renamed.
func (s *Splitter) Abort() {
	for i := range s.files {
		for _, of := range s.files[i] {
			if of != nil {
				of.abort()
			}
		}
	}
}
