package dnsdb

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math/bits"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestScan(t *testing.T) {
	cases := []struct {
		name, line string
		kind       Kind
		rrname     string
		rrtype     string
		rdata      []string
		first      int64
		last       int64
		count      int64
		cond, msg  string
		hasObj     bool
	}{
		{name: "plain record", line: `{"count":12,"time_first":1609459200,"time_last":1645000000,"rrname":"a.iot.us-east-1.amazonaws.com.","rrtype":"A","bailiwick":"amazonaws.com.","rdata":["3.5.6.7","3.5.6.8"]}`,
			kind: KindRecord, rrname: "a.iot.us-east-1.amazonaws.com.", rrtype: "A", rdata: []string{"3.5.6.7", "3.5.6.8"},
			first: 1609459200, last: 1645000000, count: 12},
		{name: "SAF obj", line: `{"obj":{"rrname":"x.azure-devices.net.","rrtype":"CNAME","rdata":"ihsu.cloudapp.net.","zone_time_first":10,"zone_time_last":20}}`,
			kind: KindRecord, rrname: "x.azure-devices.net.", rrtype: "CNAME", rdata: []string{"ihsu.cloudapp.net."}, first: 10, last: 20, hasObj: true},
		{name: "sensor and zone times together", line: `{"rrname":"a.","rrtype":"A","time_first":50,"time_last":60,"zone_time_first":40,"zone_time_last":55}`,
			kind: KindRecord, rrname: "a.", rrtype: "A", first: 40, last: 60},
		{name: "SAF begin", line: `{"cond":"begin"}`, kind: KindCond, cond: "begin"},
		{name: "SAF limited with message", line: `{"cond":"limited","msg":"Result limit reached"}`, kind: KindCond, cond: "limited", msg: "Result limit reached"},
		{name: "blank", line: "  \t", kind: KindEmpty},
		{name: "escapes", line: `{"rrname":"a\\032b.\u0041\ud83d\ude00.example.","rrtype":"TXT","rdata":["\"quoted\"\n"]}`,
			kind: KindRecord, rrname: `a\032b.A😀.example.`, rrtype: "TXT", rdata: []string{"\"quoted\"\n"}},
		{name: "unknown members skipped", line: `{"company":"Amazon AWS","nested":{"a":[1,2.5e3,true,null,{"b":"c"}]},"rrname":"b.","rrtype":"AAAA","rdata":["2600::1"]}`,
			kind: KindRecord, rrname: "b.", rrtype: "AAAA", rdata: []string{"2600::1"}},
		{name: "wrong types are absent", line: `{"rrname":"c.","rrtype":1,"rdata":[1,"x"],"count":"many","time_first":1.6e9}`,
			kind: KindRecord, rrname: "c.", rdata: []string{"x"}, first: 1600000000},
		{name: "whitespace", line: ` { "rrname" : "d." , "rdata" : [ ] } `, kind: KindRecord, rrname: "d."},
		{name: "neither", line: `{"foo":1}`, kind: KindUnknown},
	}
	var s Scanner
	var rec Record
	for _, c := range cases {
		kind, err := s.Scan([]byte(c.line), &rec)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		var rdata []string
		for _, rd := range rec.RData {
			rdata = append(rdata, string(rd))
		}
		if kind != c.kind || string(rec.RRName) != c.rrname || string(rec.RRType) != c.rrtype ||
			strings.Join(rdata, "|") != strings.Join(c.rdata, "|") || rec.First() != c.first || rec.Last() != c.last ||
			rec.Count != c.count || string(rec.Cond) != c.cond || string(rec.Msg) != c.msg || rec.HasObj != c.hasObj {
			t.Errorf("%s: got kind %d rrname %q rrtype %q rdata %q first %d last %d count %d cond %q msg %q obj %v",
				c.name, kind, rec.RRName, rec.RRType, rdata, rec.First(), rec.Last(), rec.Count, rec.Cond, rec.Msg, rec.HasObj)
		}
	}
}

func TestScanErrors(t *testing.T) {
	for _, line := range []string{
		`not json`,
		`{"rrname":"a."`,
		`{"rrname":"a.",}`,
		`{"rrname":"a."} trailing`,
		`["rrname"]`,
		`{"rrname":"a\x01b"}`,
		`{"rrname":"bad \q escape"}`,
		`{"count":01}`,
		`{"count":-}`,
		`{"x":tru}`,
		`{"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`,
	} {
		var s Scanner
		var rec Record
		if _, err := s.Scan([]byte(line), &rec); err == nil {
			t.Errorf("%q: no error", line)
		} else if !strings.HasPrefix(err.Error(), "byte ") {
			t.Errorf("%q: error %q does not say where", line, err)
		}
	}
}

func TestScanDoesNotAllocate(t *testing.T) {
	line := []byte(`{"obj":{"count":5,"time_first":1,"time_last":2,"rrname":"a.iot.us-east-1.amazonaws.com.","rrtype":"A","rdata":["3.5.6.7","3.5.6.8"]}}`)
	var s Scanner
	var rec Record
	s.Scan(line, &rec)
	if n := testing.AllocsPerRun(100, func() { s.Scan(line, &rec) }); n != 0 {
		t.Fatalf("%v allocations per line", n)
	}
}

// refField decodes one string member of a JSON object exactly as
// encoding/json does (escapes, U+FFFD for lone surrogates); ok is false
// when the member is absent or not a string.
func refField(obj map[string]json.RawMessage, key string) (string, bool) {
	raw, present := obj[key]
	var v string
	if !present || json.Unmarshal(raw, &v) != nil {
		return "", false
	}
	return v, true
}

// FuzzDNSDBLine checks the scanner never panics and, on valid UTF-8 JSON,
// accepts every object and agrees with encoding/json on rrname and rrtype.
func FuzzDNSDBLine(f *testing.F) {
	f.Add([]byte(`{"rrname":"a.","rrtype":"A","rdata":["1.2.3.4"],"time_first":1,"time_last":2,"count":3}`))
	f.Add([]byte(`{"obj":{"rrname":"a\u00e9.","rrtype":"CNAME","rdata":"b."}}`))
	f.Add([]byte(`{"cond":"limited","msg":"x"}`))
	f.Add([]byte(`{"rrname":"\ud800x","rdata":[null,{"a":[]}]}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		var s Scanner
		var rec Record
		kind, err := s.Scan(line, &rec)
		if !utf8.Valid(line) {
			return
		}
		var top map[string]json.RawMessage
		if json.Unmarshal(line, &top) != nil || top == nil {
			return // not a JSON object: the scanner may reject or skip it
		}
		if errors.Is(err, errTooDeep) {
			return // the scanner's documented nesting limit (records are flat)
		}
		if err != nil {
			t.Fatalf("valid JSON object rejected: %v", err)
		}
		var obj map[string]json.RawMessage
		if raw, ok := top["obj"]; ok {
			json.Unmarshal(raw, &obj)
		}
		for _, c := range []struct {
			key string
			got []byte
		}{{"rrname", rec.RRName}, {"rrtype", rec.RRType}} {
			want, inTop := refField(top, c.key)
			if v, inObj := refField(obj, c.key); inObj {
				if inTop {
					continue // both levels: the scanner keeps the later one
				}
				want, inTop = v, true
			}
			if inTop && string(c.got) != want {
				t.Fatalf("%s %q, encoding/json %q", c.key, c.got, want)
			}
			if inTop && c.key == "rrname" && kind != KindRecord {
				t.Fatalf("kind %d for a line with rrname", kind)
			}
		}
	})
}

func TestSpecialMask(t *testing.T) {
	// Every position and every byte value: the lowest flag must be the first
	// special byte (or none).
	for pos := 0; pos < 8; pos++ {
		for c := 0; c < 256; c++ {
			b := []byte("abcdefgh")
			b[pos] = byte(c)
			want := -1
			for i, x := range b {
				if special(x) {
					want = i
					break
				}
			}
			m := specialMask(binary.LittleEndian.Uint64(b))
			got := -1
			if m != 0 {
				got = bits.TrailingZeros64(m) >> 3
			}
			if got != want {
				t.Fatalf("%q: first special byte %d, mask says %d", b, want, got)
			}
		}
	}
}
