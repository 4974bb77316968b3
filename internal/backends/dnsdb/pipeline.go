package dnsdb

import (
	"context"
	"errors"
	"io"

	"github.com/iotlens/iotlens/internal/backends/jsonl"
)

// Reading a file runs in two goroutines: a producer reads lines (and
// decompresses) and scans them into batches of records; the miner
// attributes them. Scanning is about half the work, so on two cores this
// nearly doubles throughput. Batches are recycled: steady state allocates
// nothing, and at most batchesInFlight batches exist.

const (
	batchItems      = 4096
	batchArena      = 1 << 20 // bytes of names and rdata copied per batch
	batchesInFlight = 3
)

// item is one line: a scanned record, or a warning about the line. Its
// strings are spans of the batch arena, so items hold no pointers: the
// garbage collector neither scans batches nor pays write barriers for them.
type item struct {
	line int64
	kind Kind
	warn string // scan error or over-long line (kind is KindEmpty)
	size int64  // bytes of the line, with its end

	rrname, rrtype, cond, msg span
	rdataFirst, rdataEnd      int32 // range of batch.rdata
	timeFirst, timeLast       int64
	zoneFirst, zoneLast       int64
	count                     int64
	hasObj                    bool
}

// span locates bytes in the arena; start < 0 means absent (nil).
type span struct{ start, end int32 }

type batch struct {
	items []item
	arena []byte
	rdata []span
	err   error // set on the last batch when reading failed
}

func newBatch() *batch {
	return &batch{items: make([]item, 0, batchItems), arena: make([]byte, 0, batchArena)}
}

func (b *batch) reset() {
	b.items, b.arena, b.rdata, b.err = b.items[:0], b.arena[:0], b.rdata[:0], nil
}

// fits reports whether a line's bytes fit the arena's capacity.
func (b *batch) fits(n int) bool {
	return len(b.items) < cap(b.items) && len(b.arena)+n <= cap(b.arena)
}

func (b *batch) copy(v []byte) span {
	if v == nil {
		return span{-1, -1}
	}
	start := len(b.arena)
	b.arena = append(b.arena, v...)
	return span{int32(start), int32(len(b.arena))}
}

func (b *batch) bytes(s span) []byte {
	if s.start < 0 {
		return nil
	}
	return b.arena[s.start:s.end:s.end]
}

// keep copies the scanned record into the batch.
func (b *batch) keep(line int64, size int64, kind Kind, rec *Record) {
	it := item{line: line, kind: kind, size: size, rrname: b.copy(rec.RRName), rrtype: b.copy(rec.RRType),
		cond: b.copy(rec.Cond), msg: b.copy(rec.Msg), timeFirst: rec.TimeFirst, timeLast: rec.TimeLast,
		zoneFirst: rec.ZoneTimeFirst, zoneLast: rec.ZoneTimeLast, count: rec.Count, hasObj: rec.HasObj}
	it.rdataFirst = int32(len(b.rdata))
	for _, rd := range rec.RData {
		b.rdata = append(b.rdata, b.copy(rd))
	}
	it.rdataEnd = int32(len(b.rdata))
	b.items = append(b.items, it)
}

// view reads one item's fields from its batch (the miner works on items
// in place: rebuilding a Record would allocate or cost write barriers).
type view struct {
	b  *batch
	it *item
}

func (v view) bytes(s span) []byte { return v.b.bytes(s) }

func (v view) rdata() []span { return v.b.rdata[v.it.rdataFirst:v.it.rdataEnd] }

// produce reads r to the end, sending full batches on out. It stops early
// when stop is closed. The last batch carries a read error, if any.
func produce(r *jsonl.Reader, out chan<- *batch, free chan *batch, stop <-chan struct{}) {
	defer close(out)
	var scanner Scanner
	var rec Record
	b := <-free
	send := func() bool {
		select {
		case out <- b:
		case <-stop:
			return false
		}
		select {
		case b = <-free:
			return true
		case <-stop:
			return false
		}
	}
	for {
		line, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, jsonl.ErrLineTooLong) {
				if !b.fits(0) && !send() {
					return
				}
				msg := err.Error()
				if je, ok := err.(*jsonl.Error); ok {
					msg = je.Err.Error() // the miner adds file and line
				}
				b.items = append(b.items, item{line: r.Line(), warn: msg})
				continue
			}
			b.err = err
			break
		}
		if !b.fits(len(line)) {
			if len(b.items) > 0 && !send() {
				return
			}
			if !b.fits(len(line)) { // one line larger than the arena
				b.arena = make([]byte, 0, len(line)+batchArena)
			}
		}
		size := int64(len(line)) + 1
		kind, err := scanner.Scan(line, &rec)
		if err != nil {
			b.items = append(b.items, item{line: r.Line(), size: size, warn: err.Error()})
			continue
		}
		b.keep(r.Line(), size, kind, &rec)
	}
	select {
	case out <- b:
	case <-stop:
	}
}

// readBatches runs the producer on r and hands every item to handle, in
// order. It returns the read error, or the context's when cancelled.
func readBatches(ctx context.Context, r *jsonl.Reader, handle func(*batch, *item)) error {
	out := make(chan *batch, batchesInFlight-1)
	free := make(chan *batch, batchesInFlight)
	for range batchesInFlight {
		free <- newBatch()
	}
	stop := make(chan struct{})
	go produce(r, out, free, stop)
	defer func() {
		close(stop)
		for range out { // let the producer finish before r is closed
		}
	}()
	for b := range out {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		for i := range b.items {
			handle(b, &b.items[i])
		}
		if b.err != nil {
			return b.err
		}
		b.reset()
		free <- b
	}
	return nil
}
