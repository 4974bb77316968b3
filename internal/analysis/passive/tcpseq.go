package passive

import (
	"math"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/flow"
)

// TCP analysis flags, as Wireshark names them (tcp.analysis.*). Only those
// that decide the seed's filter or change later decisions are kept.
const (
	tcpRetransmission uint16 = 1 << iota
	tcpFastRetransmission
	tcpSpuriousRetransmission
	tcpOutOfOrder
	tcpAckLostSegment
	tcpDuplicateAck
	tcpKeepAlive
	tcpKeepAliveAck
	tcpZeroWindowProbe
	tcpZeroWindowProbeAck
	tcpReusedPorts
)

// suspectFlags are the frames the seed's "filtered" preset drops:
// tcp.analysis.retransmission (which Wireshark also sets on fast and
// spurious retransmissions), ack_lost_segment and duplicate_ack.
const suspectFlags = tcpRetransmission | tcpFastRetransmission | tcpSpuriousRetransmission | tcpAckLostSegment | tcpDuplicateAck

// Wireshark's out-of-order threshold when no handshake RTT is known, and
// its fast-retransmission window after the last duplicate ACK.
const (
	defaultOOOThreshold = 3_000_000  // 3 ms
	fastRetransWindow   = 20_000_000 // 20 ms
)

// Bounds of the conversation table: a conversation idle this long (packet
// time) is forgotten, and at most this many are kept (memory stays bounded
// on port scans and SYN storms).
const (
	tcpIdleNanos  = int64(3600) * 1e9
	tcpMaxStreams = 1 << 18
)

// tcpDir is one direction of a conversation (Wireshark's tcp_flow_t with
// its tcp_analyze_seq_flow_info_t). Sequence numbers are raw, and zero
// means "not seen" exactly where Wireshark tests for zero.
type tcpDir struct {
	baseSeq         uint32
	baseSet         bool
	nextSeq         uint32
	nextSeqTime     int64
	maxSeqToBeAcked uint32
	lastAck         uint32
	lastAckTime     int64
	window          uint32
	dupAckNum       int
	lastFlags       uint16
}

type tcpConv struct {
	started  bool
	dir      [2]tcpDir
	mruSyn   int64 // time of the latest SYN (no ACK), 0 = none
	firstRTT int64 // SYN to first pure ACK, 0 = unknown
}

func (c *tcpConv) reset() {
	*c = tcpConv{started: true}
	c.dir[0].window, c.dir[1].window = math.MaxUint32, math.MaxUint32
}

// tcpAnalyzer reproduces tshark 4.0's TCP sequence analysis
// (tcp_analyze_sequence_number in packet-tcp.c, one pass in file order), so
// that the seed's `!(tcp.analysis.retransmission ||
// tcp.analysis.ack_lost_segment || tcp.analysis.duplicate_ack)` can be
// applied without tshark. State lives per file, like tshark's per run.
type tcpAnalyzer struct {
	convs *flow.Table[tcpConv]
}

func newTCPAnalyzer() *tcpAnalyzer {
	return &tcpAnalyzer{convs: flow.NewTable[tcpConv](tcpIdleNanos, tcpMaxStreams, nil)}
}

func seqGT(x, y uint32) bool { return int32(y-x) < 0 }
func seqLT(x, y uint32) bool { return int32(x-y) < 0 }
func seqLE(x, y uint32) bool { return int32(x-y) <= 0 }

// analyze runs the analysis on one TCP segment and returns its flags.
// Segments of un-reassembled fragments are skipped, as tshark skips them.
func (a *tcpAnalyzer) analyze(pk *decode.Packet, key flow.Key, fromLo bool, now int64) uint16 {
	if pk.Layers&decode.LayerTCP == 0 || pk.Layers&decode.LayerFragment != 0 && pk.Layers&decode.LayerReassembled == 0 {
		return 0
	}
	conv, created := a.convs.Get(key, now)
	if created || !conv.started {
		conv.reset()
	}
	d := 0
	if !fromLo {
		d = 1
	}
	seg := tcpSegment{seq: pk.Seq, ack: pk.Ack, flags: pk.TCPFlags, window: uint32(pk.Window), now: now}
	if pk.PayloadLen > 0 {
		seg.len = uint32(pk.PayloadLen)
	}
	var fl uint16
	synAck := seg.flags & (decode.TCPSyn | decode.TCPAck)
	if synAck != 0 && seg.flags&decode.TCPSyn != 0 && conv.dir[d].baseSet && seg.seq != conv.dir[d].baseSeq {
		if synAck == decode.TCPSyn {
			conv.reset() // a new connection on the same ports
		}
		fl |= tcpReusedPorts
	}
	fl = conv.sequence(d, seg, fl)
	conv.handshakeTimes(seg)
	return fl
}

type tcpSegment struct {
	seq, ack, len, window uint32
	flags                 uint8
	now                   int64
}

// handshakeTimes keeps the SYN time and the first RTT (SYN to the first
// pure ACK), which set the out-of-order threshold; tshark updates both after
// the analysis of the segment.
func (c *tcpConv) handshakeTimes(s tcpSegment) {
	if s.flags&decode.TCPSyn != 0 && s.flags&decode.TCPAck == 0 {
		c.mruSyn = s.now
	}
	if s.flags&(decode.TCPSyn|decode.TCPAck) == decode.TCPAck && c.mruSyn != 0 && c.firstRTT == 0 {
		c.firstRTT = s.now - c.mruSyn
	}
}

// sequence is tcp_analyze_sequence_number for direction d.
func (c *tcpConv) sequence(d int, s tcpSegment, fl uint16) uint16 {
	fwd, rev := &c.dir[d], &c.dir[1-d]
	const synFinRst = decode.TCPSyn | decode.TCPFin | decode.TCPRst
	if !fwd.baseSet {
		fwd.baseSeq, fwd.baseSet = s.seq, true
		if s.flags&decode.TCPSyn == 0 {
			fwd.baseSeq = s.seq - 1
		}
	}
	if !rev.baseSet && s.flags&decode.TCPAck != 0 {
		rev.baseSeq, rev.baseSet = s.ack-1, true
	}
	fl = c.ackAnalysis(fwd, rev, s, fl, synFinRst)
	if s.ack != fwd.lastAck {
		fwd.dupAckNum = 0
	}
	fl = ackedUnseen(fwd, rev, s, fl)
	if s.len > 0 || s.flags&(decode.TCPSyn|decode.TCPFin) != 0 {
		fl = c.retransmission(fwd, rev, s, fl)
	}
	fwd.advance(s, fl)
	return fl
}

// ackAnalysis covers the checks before Wireshark's finished_fwd label:
// zero-window probes, keep-alives, their ACKs and duplicate ACKs.
func (c *tcpConv) ackAnalysis(fwd, rev *tcpDir, s tcpSegment, fl uint16, synFinRst uint8) uint16 {
	if s.len == 1 && s.seq == fwd.nextSeq && rev.window == 0 {
		return fl | tcpZeroWindowProbe
	}
	if (s.len == 0 || s.len == 1) && s.seq == fwd.nextSeq-1 && s.flags&synFinRst == 0 {
		fl |= tcpKeepAlive
	}
	sameAck := s.len == 0 && s.seq == fwd.nextSeq && s.ack == fwd.lastAck && s.flags&synFinRst == 0
	if sameAck && s.window != 0 && s.window == fwd.window && rev.lastFlags&tcpKeepAlive != 0 {
		return fl | tcpKeepAliveAck
	}
	if sameAck && s.window == 0 && s.window == fwd.window && rev.lastFlags&tcpZeroWindowProbe != 0 {
		return fl | tcpZeroWindowProbeAck
	}
	if sameAck && s.window != 0 && s.window == fwd.window {
		fwd.dupAckNum++
		fl |= tcpDuplicateAck
	}
	return fl
}

// ackedUnseen flags an ACK beyond what the other direction was seen
// sending ("ACKed unseen segment"). tshark 4.0 flags it once per ACK value:
// repeating the same ACK (more data while the other side stays silent)
// is not flagged again.
func ackedUnseen(fwd, rev *tcpDir, s tcpSegment, fl uint16) uint16 {
	if rev.maxSeqToBeAcked == 0 || !seqGT(s.ack, rev.maxSeqToBeAcked) || s.flags&decode.TCPAck == 0 {
		return fl
	}
	if s.ack != fwd.lastAck {
		fl |= tcpAckLostSegment
	}
	rev.maxSeqToBeAcked = rev.nextSeq
	return fl
}

// retransmission decides between spurious retransmission, fast
// retransmission, out-of-order and retransmission, in tshark 4.0's order.
func (c *tcpConv) retransmission(fwd, rev *tcpDir, s tcpSegment, fl uint16) uint16 {
	if fl&tcpKeepAlive != 0 {
		return fl
	}
	notAdvanced := fwd.nextSeq != 0 && seqLT(s.seq, fwd.nextSeq)
	if s.len > 1 && fwd.nextSeq-1 == s.seq {
		notAdvanced = false
	}
	if s.len > 0 && rev.lastAck != 0 && seqLE(s.seq+s.len, rev.lastAck) {
		return fl | tcpSpuriousRetransmission
	}
	if notAdvanced && rev.dupAckNum >= 2 && rev.lastAck == s.seq && s.now-rev.lastAckTime < fastRetransWindow {
		return fl | tcpFastRetransmission
	}
	threshold := int64(defaultOOOThreshold)
	if c.firstRTT != 0 {
		threshold = c.firstRTT
	}
	end := s.seq + s.len
	if s.flags&(decode.TCPSyn|decode.TCPFin) != 0 {
		end++
	}
	if notAdvanced && s.now-fwd.nextSeqTime < threshold && fwd.nextSeq != end {
		return fl | tcpOutOfOrder
	}
	if notAdvanced {
		fl |= tcpRetransmission
	}
	return fl
}

// advance records the segment: highest next sequence number, the
// contiguous edge to be acknowledged, the last ACK and window, and the
// flags the reverse direction looks at.
func (fwd *tcpDir) advance(s tcpSegment, fl uint16) {
	next := s.seq + s.len
	if s.flags&(decode.TCPSyn|decode.TCPFin) != 0 {
		next++
	}
	probe := fl&tcpZeroWindowProbe != 0
	if (seqGT(next, fwd.nextSeq) || fwd.nextSeq == 0) && !probe {
		fwd.nextSeq, fwd.nextSeqTime = next, s.now
	}
	if (s.seq == fwd.maxSeqToBeAcked || fwd.maxSeqToBeAcked == 0) && !probe {
		fwd.maxSeqToBeAcked = fwd.nextSeq
	}
	fwd.window = s.window
	fwd.lastAck = s.ack
	fwd.lastAckTime = s.now
	fwd.lastFlags = fl
}
