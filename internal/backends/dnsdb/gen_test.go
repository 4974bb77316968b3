package dnsdb

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
)

// generate writes a realistic DNSDB export of about size bytes: the output
// of the study's queries (rrset lookups under the providers' generalized
// domains, with the "company" member its script adds), in SAF blocks and
// as plain lines, with A/AAAA/CNAME/NS records, sensor and zone times,
// names repeated across rrtypes and time windows, CNAMEs to load-balancer
// names (some present in the data, before or after the CNAME, most not),
// and names the post-processing rules drop.
func generate(w io.Writer, size int64, seed uint64) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	g := &generator{rng: rand.New(rand.NewPCG(seed, 0x10715)), w: bw}
	for g.written < size {
		g.block()
	}
	return bw.Flush()
}

type generator struct {
	rng     *rand.Rand
	w       *bufio.Writer
	written int64
	scratch []byte
}

var (
	awsRegions = []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-central-1", "eu-west-1", "eu-west-2",
		"ap-northeast-1", "ap-southeast-1", "ap-southeast-2", "sa-east-1", "ca-central-1"}
	huaweiRegions  = []string{"cn-north-4", "cn-east-3", "ap-southeast-1", "la-south-2", "eu-west-0"}
	alibabaRegions = []string{"cn-shanghai", "cn-beijing", "ap-southeast-1", "us-west-1", "eu-central-1"}
)

// block writes one query's results, like one SAF stream.
func (g *generator) block() {
	saf := g.rng.IntN(2) == 0
	if saf {
		g.line(`{"cond":"begin"}`)
	}
	n := 20 + g.rng.IntN(200)
	kind := g.rng.IntN(10)
	for range n {
		g.name(kind, saf)
	}
	if saf {
		g.line(`{"cond":"succeeded"}`)
	}
}

func (g *generator) id(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.rng.IntN(len(alphabet))]
	}
	return string(b)
}

// name writes the records of one name (1 to 4 rrsets).
func (g *generator) name(kind int, saf bool) {
	var name, company, bailiwick string
	cname := ""
	switch {
	case kind < 4:
		r := awsRegions[g.rng.IntN(len(awsRegions))]
		name, company, bailiwick = g.id(14)+"-ats.iot."+r+".amazonaws.com.", "Amazon AWS", "amazonaws.com."
		if g.rng.IntN(20) == 0 {
			name = "x." + name // a deeper name, dropped by the AWS rule
		}
	case kind < 6:
		name, company, bailiwick = g.id(10)+".azure-devices.net.", "Microsoft", "azure-devices.net."
		cname = "ihsu-prod-" + g.id(6) + ".cloudapp.net."
	case kind < 7:
		r := huaweiRegions[g.rng.IntN(len(huaweiRegions))]
		name, company, bailiwick = g.id(10)+".iot-mqtts."+r+".myhuaweicloud.com.", "'Huawei Technologies'", "myhuaweicloud.com."
	case kind < 8:
		r := alibabaRegions[g.rng.IntN(len(alibabaRegions))]
		name, company, bailiwick = g.id(11)+".iot-as-mqtt."+r+".aliyuncs.com.", "'Alibaba Cloud'", "aliyuncs.com."
		cname = "iot-as-mqtt-" + r + "-slb.aliyuncs.com."
	case kind < 9:
		name, company, bailiwick = g.id(8)+".iotcloud.tencentdevices.com.", "Tencent Holdings", "tencentdevices.com."
	default:
		name, company, bailiwick = "doc"+g.id(3)+".doc.bosch-iot-suite.com.", "Bosch", "bosch-iot-suite.com."
	}
	pool := len(name) % 64 // the name's load balancers
	if cname != "" && g.rng.IntN(4) == 0 {
		g.record(saf, cname, "A", company, bailiwick, g.v4(pool), g.v4(pool))
	}
	// DNSDB keeps one rrset per distinct rdata: names whose load balancers
	// rotate addresses have many A records over time.
	rrsets := 1 + g.rng.IntN(12)
	for range rrsets {
		switch g.rng.IntN(8) {
		case 0:
			g.record(saf, name, "AAAA", company, bailiwick, g.v6(pool))
		case 1:
			g.record(saf, name, "NS", company, bailiwick, "ns-"+g.id(3)+".awsdns-"+g.id(2)+".org.")
		case 2:
			if cname != "" {
				g.record(saf, name, "CNAME", company, bailiwick, cname)
				break
			}
			fallthrough
		default:
			ips := make([]string, 1+g.rng.IntN(6))
			for i := range ips {
				ips[i] = g.v4(pool)
			}
			g.record(saf, name, "A", company, bailiwick, ips...)
		}
	}
	if cname != "" && g.rng.IntN(4) == 0 {
		g.record(saf, cname, "A", company, bailiwick, g.v4(pool))
	}
}

// Backend names share load-balancer addresses: each draws from one of 64
// pools of about 2000 addresses (a provider region's front ends).
func (g *generator) v4(pool int) string {
	return fmt.Sprintf("%d.%d.%d.%d", 3+pool, 17, g.rng.IntN(8), 1+g.rng.IntN(254))
}

func (g *generator) v6(pool int) string {
	return fmt.Sprintf("2600:1f18:%x::%x", pool, g.rng.IntN(500))
}

func (g *generator) record(saf bool, name, rrtype, company, bailiwick string, rdata ...string) {
	var sb strings.Builder
	first := 1609459200 + g.rng.Int64N(3e7)
	last := first + g.rng.Int64N(3e7)
	count := 1 + g.rng.Int64N(100000)
	if saf {
		sb.WriteString(`{"obj":`)
	}
	if g.rng.IntN(10) == 0 {
		fmt.Fprintf(&sb, `{"count":%d,"zone_time_first":%d,"zone_time_last":%d,`, count, first, last)
	} else {
		fmt.Fprintf(&sb, `{"count":%d,"time_first":%d,"time_last":%d,`, count, first, last)
	}
	fmt.Fprintf(&sb, `"rrname":%q,"rrtype":%q,"bailiwick":%q,"rdata":[`, name, rrtype, bailiwick)
	for i, rd := range rdata {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, "%q", rd)
	}
	sb.WriteString("]")
	if !saf {
		fmt.Fprintf(&sb, `,"company":%q`, company)
	}
	sb.WriteString("}")
	if saf {
		sb.WriteString("}")
	}
	g.line(sb.String())
}

func (g *generator) line(s string) {
	g.w.WriteString(s)
	g.w.WriteByte('\n')
	g.written += int64(len(s)) + 1
}
