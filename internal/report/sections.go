package report

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// topN is how many rows a "top" bar chart shows.
const topN = 10

// Known parties and endpoint classes get fixed colours, so "Third-party"
// is the same red in every chart of every report.
var partyClasses = []struct{ prefix, class string }{
	{"first", "p-first"}, {"platform", "p-platform"}, {"support", "p-support"},
	{"third", "p-third"}, {"local", "p-local"},
}

// partyOrder sorts parties as researchers read them: first, platform,
// support, third, local, anything else by name, unclassified last.
func partyOrder(p string) int {
	lp := strings.ToLower(p)
	for i, pc := range partyClasses {
		if strings.HasPrefix(lp, pc.prefix) {
			return i
		}
	}
	if isUnclassified(p) {
		return len(partyClasses) + 1
	}
	return len(partyClasses)
}

func isUnclassified(p string) bool {
	switch strings.ToLower(p) {
	case "", "unknown", "unclassified":
		return true
	}
	return false
}

func partyLabel(p string) string {
	if p == "" {
		return "unclassified"
	}
	return p
}

// palette hands out colour classes: fixed ones for known parties, then
// c2..c9 in first-asked order for anything else.
type palette struct {
	assigned map[string]string
	next     int
}

func (pl *palette) class(name string) string {
	lp := strings.ToLower(name)
	for _, pc := range partyClasses {
		if strings.HasPrefix(lp, pc.prefix) {
			return pc.class
		}
	}
	if isUnclassified(name) {
		return "p-none"
	}
	if pl.assigned == nil {
		pl.assigned = map[string]string{}
	}
	if c, ok := pl.assigned[name]; ok {
		return c
	}
	c := "c" + strconv.Itoa(2+pl.next%8)
	pl.next++
	pl.assigned[name] = c
	return c
}

func monthLabel(month string) string {
	if t, err := time.Parse("2006-01", month); err == nil {
		return t.Format("Jan 2006")
	}
	return month
}

// partiesOf lists the parties of rows in reading order.
func partiesOf(rows []DestinationRow) []string {
	var parties []string
	for _, r := range rows {
		if !slices.Contains(parties, r.Party) {
			parties = append(parties, r.Party)
		}
	}
	slices.SortFunc(parties, func(a, b string) int {
		return cmp.Or(cmp.Compare(partyOrder(a), partyOrder(b)), strings.Compare(a, b))
	})
	return parties
}

// partyByDevice is one bar per device (largest first), split by party.
func partyByDevice(rows []DestinationRow) (Chart, bool) {
	parties := partiesOf(rows)
	var pl palette
	var legend []legendItem
	for _, p := range parties {
		legend = append(legend, legendItem{Label: partyLabel(p), Class: pl.class(p)})
	}
	devices := newRanked()
	perParty := map[[2]string]int64{}
	for _, r := range rows {
		devices.add(r.Device, "", r.BytesUp+r.BytesDown)
		perParty[[2]string{r.Device, r.Party}] += r.BytesUp + r.BytesDown
	}
	var items []hbar
	for _, d := range devices.top(20) {
		it := hbar{Label: d}
		for _, p := range parties {
			it.Segments = append(it.Segments, segment{Name: partyLabel(p), Value: perParty[[2]string{d, p}], Class: pl.class(p)})
		}
		items = append(items, it)
	}
	return horizontalBars("Internet destinations by party", "bytes up + down per device", items, legend, humanBytes)
}

// partyByMonth stacks each month's bytes (up + down) by party; with one
// month, a bar per party says more than one lone column.
func partyByMonth(rows []DestinationRow) (Chart, bool) {
	var months []string
	for _, r := range rows {
		if !slices.Contains(months, r.Month) {
			months = append(months, r.Month)
		}
	}
	slices.Sort(months)
	parties := partiesOf(rows)
	var pl palette
	if len(months) == 1 {
		byParty := map[string]int64{}
		for _, r := range rows {
			byParty[r.Party] += r.BytesUp + r.BytesDown
		}
		var items []hbar
		for _, p := range parties {
			items = append(items, hbar{Label: partyLabel(p), Segments: []segment{{Value: byParty[p], Class: pl.class(p)}}})
		}
		return horizontalBars("By party, "+monthLabel(months[0]), "bytes up + down", items, nil, humanBytes)
	}
	stacks := make([]stack, len(parties))
	for i, p := range parties {
		stacks[i] = stack{Name: partyLabel(p), Class: pl.class(p), Values: make([]int64, len(months))}
	}
	for _, r := range rows {
		stacks[slices.Index(parties, r.Party)].Values[slices.Index(months, r.Month)] += r.BytesUp + r.BytesDown
	}
	labels := make([]string, len(months))
	for i, m := range months {
		labels[i] = monthLabel(m)
	}
	return stackedBars("By party and month", "bytes up + down per month", labels, stacks, humanBytes)
}

// ranked sums bytes per key and returns the keys, largest first.
type ranked struct {
	keys  []string
	bytes map[string]int64
	// party of each key: the party carrying most of its bytes
	party map[string]string
	pb    map[[2]string]int64
}

func newRanked() *ranked {
	return &ranked{bytes: map[string]int64{}, party: map[string]string{}, pb: map[[2]string]int64{}}
}

func (r *ranked) add(key, party string, n int64) {
	if key == "" {
		return
	}
	if _, ok := r.bytes[key]; !ok {
		r.keys = append(r.keys, key)
	}
	r.bytes[key] += n
	r.pb[[2]string{key, party}] += n
	if cur, ok := r.party[key]; !ok || r.pb[[2]string{key, party}] > r.pb[[2]string{key, cur}] {
		r.party[key] = party
	}
}

func (r *ranked) top(n int) []string {
	keys := slices.Clone(r.keys)
	slices.SortStableFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(r.bytes[b], r.bytes[a]), strings.Compare(a, b))
	})
	return keys[:min(n, len(keys))]
}

// topBars draws the n largest keys, coloured by their party when byParty.
func topBars(title string, r *ranked, byParty bool) (Chart, bool) {
	var pl palette
	var items []hbar
	var legend []legendItem
	for _, k := range r.top(topN) {
		class := "c0"
		if byParty {
			p := r.party[k]
			class = pl.class(p)
			if !slices.ContainsFunc(legend, func(l legendItem) bool { return l.Label == partyLabel(p) }) {
				legend = append(legend, legendItem{Label: partyLabel(p), Class: class})
			}
		}
		items = append(items, hbar{Label: k, Segments: []segment{{Value: r.bytes[k], Class: class}}})
	}
	note := "bytes up + down, top " + strconv.Itoa(topN)
	return horizontalBars(title, note, items, legend, humanBytes)
}

func destinationBlocks(b *builder, d *deviceData) []block {
	if len(d.Destinations) == 0 {
		return nil
	}
	blk := block{Title: "Destinations", Intro: destinationsIntro(d.Destinations)}
	domains, orgs, countries := newRanked(), newRanked(), newRanked()
	for _, r := range d.Destinations {
		n := r.BytesUp + r.BytesDown
		domains.add(r.Domain, r.Party, n)
		orgs.add(r.Organization, r.Party, n)
		countries.add(r.Country, r.Party, n)
	}
	add := func(c Chart, ok bool) {
		if ok {
			blk.Charts = append(blk.Charts, b.chart(c))
		}
	}
	add(partyByMonth(d.Destinations))
	add(topBars("Top domains", domains, true))
	add(topBars("Top organizations", orgs, false))
	add(topBars("Top countries", countries, false))
	cols := []column{{Title: "Month"}, {Title: "Domain"}, {Title: "Party"}, {Title: "Organization"}, {Title: "Country"},
		{Title: "Up", Numeric: true}, {Title: "Down", Numeric: true}, {Title: "Flows", Numeric: true},
		{Title: "Rule"}, {Title: "Named by"}}
	var pl palette
	rows := make([][]cell, 0, len(d.Destinations))
	for _, r := range d.Destinations {
		rows = append(rows, []cell{{Text: r.Month}, {Text: r.Domain, Class: "text"}, {Text: partyLabel(r.Party), Class: "badge " + pl.class(r.Party)},
			{Text: r.Organization, Class: "text"}, {Text: r.Country}, bytesCell(r.BytesUp), bytesCell(r.BytesDown), countCell(r.Flows),
			{Text: r.Rule}, {Text: r.NameSource}})
	}
	blk.Table = b.table(cols, rows, "destinations.csv")
	return []block{blk}
}

func destinationsIntro(rows []DestinationRow) string {
	domains := map[string]bool{}
	months := map[string]bool{}
	var up, down int64
	for _, r := range rows {
		if r.NameSource != "none" {
			domains[r.Domain] = true
		}
		months[r.Month] = true
		up += r.BytesUp
		down += r.BytesDown
	}
	return strconv.Itoa(len(domains)) + " named destinations over " + plural(len(months), "month") +
		"; " + humanBytes(up) + " up, " + humanBytes(down) + " down."
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func seriesBlocks(b *builder, d *deviceData) []block {
	var blocks []block
	for _, s := range d.Series {
		s = normalizeSeries(s)
		blk := block{Title: "Traffic over time"}
		every := "per " + intervalLabel(s.Interval)
		for _, scope := range []struct {
			name   string
			tx, rx []int64
		}{{"Internet (WAN)", s.TxWAN, s.RxWAN}, {"Local (LAN)", s.TxLAN, s.RxLAN}} {
			lines := []line{{Name: "sent", Class: "c0", Values: scope.tx}, {Name: "received", Class: "c1", Values: scope.rx}}
			if c, ok := timeLines(scope.name, "bytes "+every+", UTC", s.Starts, s.Interval, lines, humanBytes); ok {
				blk.Charts = append(blk.Charts, b.chart(c))
			}
		}
		if len(blk.Charts) > 0 {
			blocks = append(blocks, blk)
		}
	}
	return blocks
}

// maxSeriesPoints bounds the intervals drawn per line: a week at one
// second would otherwise put 600 000 points into the page.
const maxSeriesPoints = 1000

// normalizeSeries sorts intervals by start, makes every value slice as
// long as Starts (missing values are zero), so charts never index past a
// slice whatever the caller filled in, and merges neighbouring intervals
// when there are more than maxSeriesPoints.
func normalizeSeries(s Series) Series {
	s = sortSeries(s)
	k := (len(s.Starts) + maxSeriesPoints - 1) / maxSeriesPoints
	if k <= 1 {
		return s
	}
	merge := func(v []int64) []int64 {
		out := make([]int64, 0, maxSeriesPoints)
		for i, x := range v {
			if i%k == 0 {
				out = append(out, 0)
			}
			out[len(out)-1] += x
		}
		return out
	}
	var starts []int64
	for i := 0; i < len(s.Starts); i += k {
		starts = append(starts, s.Starts[i])
	}
	return Series{Device: s.Device, Interval: s.Interval * int64(k), Starts: starts,
		TxLAN: merge(s.TxLAN), RxLAN: merge(s.RxLAN), TxWAN: merge(s.TxWAN), RxWAN: merge(s.RxWAN)}
}

func sortSeries(s Series) Series {
	idx := make([]int, len(s.Starts))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(s.Starts[a], s.Starts[b]) })
	pick := func(v []int64) []int64 {
		out := make([]int64, len(idx))
		for i, j := range idx {
			if j < len(v) {
				out[i] = max(v[j], 0)
			}
		}
		return out
	}
	starts := make([]int64, len(idx))
	for i, j := range idx {
		starts[i] = s.Starts[j]
	}
	return Series{Device: s.Device, Interval: s.Interval, Starts: starts,
		TxLAN: pick(s.TxLAN), RxLAN: pick(s.RxLAN), TxWAN: pick(s.TxWAN), RxWAN: pick(s.RxWAN)}
}

func intervalLabel(sec int64) string {
	switch {
	case sec <= 0:
		return "interval"
	case sec%86400 == 0:
		return unitLabel(sec/86400, "day")
	case sec%3600 == 0:
		return unitLabel(sec/3600, "hour")
	case sec%60 == 0:
		return unitLabel(sec/60, "min")
	}
	return unitLabel(sec, "s")
}

func unitLabel(n int64, unit string) string {
	if n == 1 {
		return unit
	}
	return strconv.FormatInt(n, 10) + " " + unit
}

func protocolBlocks(b *builder, d *deviceData) []block {
	if len(d.Protocols) == 0 {
		return nil
	}
	type agg struct {
		name, category  string
		packets, nbytes int64
	}
	var protos []*agg
	byName := map[string]*agg{}
	var total int64
	hasCategory := false
	for _, p := range d.Protocols {
		a := byName[p.Protocol]
		if a == nil {
			a = &agg{name: p.Protocol, category: p.Category}
			byName[p.Protocol] = a
			protos = append(protos, a)
		}
		a.packets += p.Packets
		a.nbytes += p.Bytes
		total += p.Bytes
		hasCategory = hasCategory || p.Category != ""
	}
	slices.SortStableFunc(protos, func(x, y *agg) int { return cmp.Or(cmp.Compare(y.nbytes, x.nbytes), strings.Compare(x.name, y.name)) })
	blk := block{Title: "Protocols"}
	var pl palette
	var items []hbar
	var legend []legendItem
	categories := newRanked()
	for i, p := range protos {
		class := "c0"
		if hasCategory {
			class = pl.class(categoryLabel(p.category))
			if !slices.ContainsFunc(legend, func(l legendItem) bool { return l.Label == categoryLabel(p.category) }) && i < topN+2 {
				legend = append(legend, legendItem{Label: categoryLabel(p.category), Class: class})
			}
		}
		categories.add(categoryLabel(p.category), "", p.nbytes)
		if i < topN+2 {
			items = append(items, hbar{Label: p.name, Segments: []segment{{Value: p.nbytes, Class: class}}})
		}
	}
	if c, ok := horizontalBars("Protocol mix", "bytes per protocol", items, legend, humanBytes); ok {
		blk.Charts = append(blk.Charts, b.chart(c))
	}
	if hasCategory {
		var catItems []hbar
		for _, k := range categories.top(topN) {
			catItems = append(catItems, hbar{Label: k, Segments: []segment{{Value: categories.bytes[k], Class: pl.class(k)}}})
		}
		if c, ok := horizontalBars("Protocol mix by category", "bytes per category", catItems, nil, humanBytes); ok {
			blk.Charts = append(blk.Charts, b.chart(c))
		}
	}
	cols := []column{{Title: "Protocol"}, {Title: "Category"}, {Title: "Packets", Numeric: true}, {Title: "Bytes", Numeric: true}, {Title: "Share", Numeric: true}}
	var rows [][]cell
	for _, p := range protos {
		share := percent(p.nbytes, total)
		rows = append(rows, []cell{{Text: p.name}, {Text: p.category}, countCell(p.packets), bytesCell(p.nbytes),
			{Text: share, Sort: strconv.FormatInt(p.nbytes, 10), Class: "num"}})
	}
	blk.Table = b.table(cols, rows, "the protocol table")
	return []block{blk}
}

func categoryLabel(c string) string {
	if c == "" {
		return "uncategorized"
	}
	return c
}

func endpointBlocks(b *builder, d *deviceData) []block {
	if len(d.Endpoints) == 0 {
		return nil
	}
	blk := block{Title: "Endpoints"}
	classes := newRanked()
	for _, e := range d.Endpoints {
		classes.add(partyLabel(e.Class), e.Class, e.Bytes)
	}
	var pl palette
	var items []hbar
	for _, k := range classes.top(topN) {
		items = append(items, hbar{Label: k, Segments: []segment{{Value: classes.bytes[k], Class: pl.class(classes.party[k])}}})
	}
	if c, ok := horizontalBars("Traffic by endpoint class", "bytes sent and received", items, nil, humanBytes); ok {
		blk.Charts = append(blk.Charts, b.chart(c))
	}
	endpoints := slices.Clone(d.Endpoints)
	slices.SortStableFunc(endpoints, func(x, y EndpointRow) int { return cmp.Compare(y.Bytes, x.Bytes) })
	cols := []column{{Title: "Address"}, {Title: "Names"}, {Title: "Organization"}, {Title: "Country"}, {Title: "Class"},
		{Title: "Rule"}, {Title: "Packets", Numeric: true}, {Title: "Bytes", Numeric: true}}
	var rows [][]cell
	for _, e := range endpoints {
		rows = append(rows, []cell{{Text: e.IP}, {Text: e.Names, Class: "text"}, {Text: e.Organization, Class: "text"}, {Text: e.Country},
			{Text: partyLabel(e.Class), Class: "badge " + pl.class(e.Class)}, {Text: e.Rule}, countCell(e.Packets), bytesCell(e.Bytes)})
	}
	blk.Table = b.table(cols, rows, "the endpoint table")
	return []block{blk}
}

func backendBlocks(b *builder, d *deviceData) []block {
	if len(d.Backends) == 0 {
		return nil
	}
	blk := block{Title: "Backends"}
	providers := newRanked()
	for _, r := range d.Backends {
		key := r.Provider
		if r.Region != "" {
			key += " (" + r.Region + ")"
		}
		providers.add(key, "", r.Bytes)
	}
	if c, ok := topBars("Backend providers", providers, false); ok {
		blk.Charts = append(blk.Charts, b.chart(c))
	}
	cols := []column{{Title: "Provider"}, {Title: "Region"}, {Title: "Bytes", Numeric: true}, {Title: "Flows", Numeric: true},
		{Title: "First seen"}, {Title: "Last seen"}}
	var rows [][]cell
	for _, r := range d.Backends {
		rows = append(rows, []cell{{Text: r.Provider}, {Text: r.Region}, bytesCell(r.Bytes), countCell(r.Flows),
			timeCell(r.FirstSeen), timeCell(r.LastSeen)})
	}
	blk.Table = b.table(cols, rows, "the backends table")
	return []block{blk}
}

func signatureBlocks(b *builder, d *deviceData) []block {
	if len(d.Signatures) == 0 {
		return nil
	}
	cols := []column{{Title: "Event"}, {Title: "Protocol"}, {Title: "Remote"}, {Title: "Port"}, {Title: "Detail"},
		{Title: "Support"}, {Title: "Packets"}, {Title: "Bytes"}}
	var rows [][]cell
	for _, s := range d.Signatures {
		rows = append(rows, []cell{{Text: s.Event, Class: "text"}, {Text: s.Protocol}, {Text: s.Remote, Class: "text"}, {Text: s.Port}, {Text: s.Detail, Class: "text"},
			{Text: s.Support}, {Text: s.Packets}, {Text: s.Bytes}})
	}
	return []block{{Title: "Signatures", Intro: "Patterns that recur in the captures of each event.",
		Table: b.table(cols, rows, "patterns.json")}}
}
