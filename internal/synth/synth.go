package synth

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"
)

// MaxDevices bounds Options.Devices: the home is one /24 with a DHCP pool of
// .20-.250 shared with the optional hostile device.
const MaxDevices = 200

// DefaultDuration is used when neither Duration nor TargetBytes is set.
const DefaultDuration = time.Hour

// DefaultStart is the capture start when Options.Start is zero.
var DefaultStart = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)

// Options describe the capture to generate. The same Options always produce
// the same bytes.
type Options struct {
	Devices  int           // number of home devices, 1..MaxDevices (kinds cycle)
	Duration time.Duration // simulated time span; DefaultDuration when zero
	Start    time.Time     // first timestamp; DefaultStart when zero
	Seed     uint64        // seeds every random choice
	// TargetBytes, when > 0, keeps generating until the file reaches about
	// this size (it overrides Duration).
	TargetBytes int64
	// Hostile adds a device whose DHCP host name, mDNS name, DNS names and
	// SNIs contain HTML, CSV-formula and control characters, very long names
	// and invalid UTF-8 where the protocol allows it.
	Hostile bool
	// Compressible fills encrypted payloads (TLS/QUIC application data,
	// media) with a repeating pattern instead of random bytes. Lengths,
	// timing and every header stay the same, but the file gzips to a few
	// percent of its size: the embedded demo sample uses it.
	Compressible bool
}

// Device is the ground truth about one simulated device.
type Device struct {
	Name    string // DHCP host name (option 12)
	Kind    string // camera, plug, bulb, speaker, hub, thermostat, voice, phone or hostile
	Vendor  string // IEEE registry organisation of the MAC's OUI
	MAC     [6]byte
	IPv4    netip.Addr
	IPv6    []netip.Addr // link-local first, then SLAAC, privacy and DHCPv6 addresses
	Domains []string     // DNS names the device resolves, in first-use order
}

// Truth describes what Generate wrote.
type Truth struct {
	Devices    []Device
	GatewayMAC [6]byte
	GatewayIP  netip.Addr
	Packets    int64 // pcap records written
	Bytes      int64 // size of the pcap file in bytes, file header included
}

// Generate writes a classic little-endian microsecond pcap (Ethernet) of a
// simulated smart home to w and returns what it contains.
func Generate(w io.Writer, o Options) (Truth, error) {
	if err := o.normalize(); err != nil {
		return Truth{}, err
	}
	g, err := newGenerator(w, o)
	if err != nil {
		return Truth{}, err
	}
	if err := g.run(); err != nil {
		return Truth{}, err
	}
	return g.truth(), nil
}

// normalize fills defaults and rejects options Generate cannot honour.
func (o *Options) normalize() error {
	switch {
	case o.Devices < 1 || o.Devices > MaxDevices:
		return fmt.Errorf("synth: Devices must be 1..%d, got %d", MaxDevices, o.Devices)
	case o.Duration < 0:
		return fmt.Errorf("synth: negative Duration %v", o.Duration)
	case o.TargetBytes < 0:
		return fmt.Errorf("synth: negative TargetBytes %d", o.TargetBytes)
	}
	if o.Duration == 0 {
		o.Duration = DefaultDuration
	}
	if o.Start.IsZero() {
		o.Start = DefaultStart
	}
	if o.Start.Unix() < 0 || o.Start.Unix() > 1<<32-1-365*24*3600 {
		return fmt.Errorf("synth: Start %v does not fit a classic pcap timestamp", o.Start)
	}
	return nil
}

// ErrMACListName is returned by WriteMACList for a device name that the
// one-line `Name,MAC` format cannot carry (a comma or a line break).
var ErrMACListName = errors.New("synth: device name contains a comma or line break")

// WriteMACList writes the passive-mode seed: one `Name,MAC` line per device,
// MAC upper-case with colons, in Truth order.
func WriteMACList(w io.Writer, t Truth) error {
	bw := bufio.NewWriter(w)
	for _, d := range t.Devices {
		if strings.ContainsAny(d.Name, ",\r\n") {
			return fmt.Errorf("%w: %q", ErrMACListName, d.Name)
		}
		if _, err := fmt.Fprintf(bw, "%s,%s\n", d.Name, formatMAC(d.MAC)); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// formatMAC renders a MAC as upper-case colon-separated hex.
func formatMAC(m [6]byte) string {
	const hexdigits = "0123456789ABCDEF"
	var b [17]byte
	for i, v := range m {
		if i > 0 {
			b[i*3-1] = ':'
		}
		b[i*3] = hexdigits[v>>4]
		b[i*3+1] = hexdigits[v&0xf]
	}
	return string(b[:])
}
