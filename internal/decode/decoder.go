package decode

import (
	"time"

	"github.com/iotlens/iotlens/internal/capture"
)

// Options tune IP fragment reassembly.
type Options struct {
	Reassemble       bool  // reassemble IPv4/IPv6 fragments
	MaxDatagrams     int   // datagrams under reassembly at once; the oldest is evicted beyond it
	MaxDatagramBytes int   // cap on one reassembled payload; larger datagrams are dropped
	MaxTotalBytes    int   // cap on buffer memory for all datagrams; the oldest are evicted beyond it
	FragTimeout      int64 // nanoseconds of packet time after which an incomplete datagram is dropped
}

// Defaults. 65535 bytes is the largest payload either IP version can
// reassemble legitimately; 30 s matches the Linux ipfrag_time.
const (
	defaultMaxDatagrams     = 1024
	defaultMaxDatagramBytes = 65535
	defaultMaxTotalBytes    = 8 << 20
	defaultFragTimeout      = int64(30 * time.Second)
)

// DefaultOptions returns reassembly on with the default caps.
func DefaultOptions() Options {
	return Options{
		Reassemble:       true,
		MaxDatagrams:     defaultMaxDatagrams,
		MaxDatagramBytes: defaultMaxDatagramBytes,
		MaxTotalBytes:    defaultMaxTotalBytes,
		FragTimeout:      defaultFragTimeout,
	}
}

// withDefaults replaces unset or impossible caps by the defaults, so a
// partly filled Options still bounds memory.
func (o Options) withDefaults() Options {
	if o.MaxDatagrams <= 0 {
		o.MaxDatagrams = defaultMaxDatagrams
	}
	if o.MaxDatagramBytes <= 0 || o.MaxDatagramBytes > defaultMaxDatagramBytes {
		o.MaxDatagramBytes = defaultMaxDatagramBytes
	}
	if o.MaxTotalBytes <= 0 {
		o.MaxTotalBytes = defaultMaxTotalBytes
	}
	if o.FragTimeout <= 0 {
		o.FragTimeout = defaultFragTimeout
	}
	return o
}

// Decoder decodes frames into Packets and reassembles IP fragments. It is
// not safe for concurrent use: give each worker its own.
type Decoder struct {
	opts  Options
	stats Stats
	frags reassembler
}

// NewDecoder returns a Decoder. Zero or negative caps in o take the defaults.
func NewDecoder(o Options) *Decoder {
	o = o.withDefaults()
	d := &Decoder{opts: o}
	d.frags.init(o, &d.stats)
	return d
}

// Options returns the options in effect (after defaults were applied).
func (d *Decoder) Options() Options { return d.opts }

// Stats returns a copy of the running counters.
func (d *Decoder) Stats() Stats { return d.stats }

// Decode fills p (resetting it first) from the frame. It returns nil when the
// frame was decoded as far as its headers allow: unknown link types,
// EtherTypes and protocols are not errors (the packet simply has fewer
// layers) and snaplen cuts set p.Truncated. It returns a *MalformedError
// (matching ErrMalformed) only for a frame whose headers contradict
// themselves, after filling what it could.
//
// For an IP fragment that does not complete its datagram, Payload and
// PayloadLen cover only the bytes this fragment carries; the fragment at
// offset 0 also has the transport header fields. The frame that completes a
// datagram gets LayerReassembled, the transport fields of the whole datagram
// and its whole payload, which aliases the decoder's buffer and is valid
// until the next Decode; its IPLen is the reassembled datagram's length.
func (d *Decoder) Decode(f *capture.Frame, p *Packet) error {
	*p = Packet{Frame: f}
	d.stats.Packets++
	if d.opts.Reassemble {
		d.frags.expire(f.Time)
	}
	err := d.decodeLink(f, p)
	if p.Truncated {
		d.stats.Truncated++
	}
	if err != nil {
		if me, ok := err.(*MalformedError); ok {
			d.stats.Malformed.count(me.Layer)
		}
	}
	return err
}
