package report

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// page is what the template prints: every string in it has been through
// visible, every chart is laid out. The Model itself is only embedded as
// JSON.
type page struct {
	Title     string
	Generated string
	Run       []fact
	Warnings  []string
	Overview  []block
	Devices   []deviceView
	Links     []Link
	Model     *Model
}

type fact struct {
	Label, Value, Tip string
}

type deviceView struct {
	Anchor   string
	Name     string
	Role     string
	Meta     []fact
	Stats    []fact
	Warnings []string
	Blocks   []block
}

// block is one titled part of a device's section: charts, then a table.
type block struct {
	Title  string
	Intro  string
	Charts []Chart
	Table  *tableView
}

type tableView struct {
	ID      string
	Columns []column
	Rows    [][]cell
	Note    string
}

type column struct {
	Title   string
	Numeric bool
}

type cell struct {
	Text  string
	Sort  string // data-v: the raw value the column sorts by, when not Text
	Tip   string
	Class string
	Href  string // in-page anchor ("#device-3")
}

// maxTableRows bounds each table: the page stays small and quick for long
// studies, and the linked CSV has every row.
const maxTableRows = 500

// deviceData is one device's rows from every section of the model.
type deviceData struct {
	Device       Device
	Destinations []DestinationRow
	Series       []Series
	Protocols    []ProtocolMix
	Endpoints    []EndpointRow
	Backends     []BackendRow
	Signatures   []SignatureRow
}

// sections build a device's blocks in page order. A new analysis adds its
// function here (and its slice to Model and deviceData).
var sections = []func(b *builder, d *deviceData) []block{
	destinationBlocks, seriesBlocks, protocolBlocks, endpointBlocks, backendBlocks, signatureBlocks,
}

// builder numbers charts and tables so their ids are unique in the page.
type builder struct {
	charts, tables int
}

func (b *builder) chart(c Chart) Chart {
	b.charts++
	c.ID = "chart-" + strconv.Itoa(b.charts)
	c.Title, c.Note = visible(c.Title), visible(c.Note)
	for i := range c.Bars {
		c.Bars[i].Tip = visible(c.Bars[i].Tip)
	}
	for i := range c.Paths {
		c.Paths[i].Tip = visible(c.Paths[i].Tip)
	}
	for i := range c.Texts {
		c.Texts[i].Text = visible(c.Texts[i].Text)
	}
	for i := range c.Legend {
		c.Legend[i].Label = visible(c.Legend[i].Label)
	}
	return c
}

// table caps the rows, drops columns that are empty in every row (an
// enrichment that was not configured) and cleans every cell.
func (b *builder) table(cols []column, rows [][]cell, what string) *tableView {
	if len(rows) == 0 {
		return nil
	}
	cols, rows = dropEmptyColumns(cols, rows)
	b.tables++
	t := &tableView{ID: "table-" + strconv.Itoa(b.tables), Columns: cols}
	if len(rows) > maxTableRows {
		t.Note = "Showing the first " + strconv.Itoa(maxTableRows) + " of " + strconv.Itoa(len(rows)) + " rows; " + what + " has them all."
		rows = rows[:maxTableRows]
	}
	for _, r := range rows {
		for i := range r {
			r[i].Text, r[i].Tip = visible(r[i].Text), visible(r[i].Tip)
		}
	}
	t.Rows = rows
	return t
}

func dropEmptyColumns(cols []column, rows [][]cell) ([]column, [][]cell) {
	keep := make([]bool, len(cols))
	for _, r := range rows {
		for i := range min(len(r), len(cols)) {
			keep[i] = keep[i] || r[i].Text != ""
		}
	}
	if !slices.Contains(keep, false) {
		return cols, rows
	}
	var outCols []column
	for i, c := range cols {
		if keep[i] {
			outCols = append(outCols, c)
		}
	}
	outRows := make([][]cell, len(rows))
	for j, r := range rows {
		for i := range min(len(r), len(cols)) {
			if keep[i] {
				outRows[j] = append(outRows[j], r[i])
			}
		}
	}
	return outCols, outRows
}

// buildPage lays the model out.
func buildPage(m *Model) *page {
	b := &builder{}
	p := &page{Title: visible(m.Title), Generated: visible(m.Generated), Run: runFacts(m.Run), Model: m}
	for _, w := range m.Run.Warnings {
		p.Warnings = append(p.Warnings, visible(w))
	}
	data := groupByDevice(m)
	p.Overview = overviewBlocks(b, m, data)
	for i, d := range data {
		p.Devices = append(p.Devices, deviceSection(b, i, d))
	}
	for _, l := range m.Links {
		p.Links = append(p.Links, Link{Label: visible(l.Label), Href: l.Href, Description: visible(l.Description)})
	}
	return p
}

func runFacts(r RunInfo) []fact {
	if r.Source != "" && r.Files == 0 {
		return []fact{{Label: "rebuilt from", Value: visible(r.Source)}}
	}
	facts := []fact{
		{Label: "files", Value: strconv.Itoa(r.Files)},
		{Label: "packets", Value: humanCount(r.Packets), Tip: groupDigits(r.Packets)},
		{Label: "bytes", Value: humanBytes(r.Bytes), Tip: groupDigits(r.Bytes) + " bytes"},
		{Label: "warnings", Value: strconv.Itoa(len(r.Warnings))},
	}
	if r.Elapsed != "" {
		facts = append(facts, fact{Label: "elapsed", Value: visible(r.Elapsed)})
	}
	return facts
}

// groupByDevice collects each device's rows, devices in overview order,
// then devices that only other sections name, in first-seen order.
func groupByDevice(m *Model) []*deviceData {
	var out []*deviceData
	index := map[string]*deviceData{}
	get := func(name string) *deviceData {
		d := index[name]
		if d == nil {
			d = &deviceData{Device: Device{Name: name}}
			index[name] = d
			out = append(out, d)
		}
		return d
	}
	for _, d := range m.Devices {
		if index[d.Name] == nil {
			get(d.Name).Device = d
		}
	}
	for _, r := range m.Destinations {
		d := get(r.Device)
		d.Destinations = append(d.Destinations, r)
	}
	for _, r := range m.Series {
		d := get(r.Device)
		d.Series = append(d.Series, r)
	}
	for _, r := range m.Protocols {
		d := get(r.Device)
		d.Protocols = append(d.Protocols, r)
	}
	for _, r := range m.Endpoints {
		d := get(r.Device)
		d.Endpoints = append(d.Endpoints, r)
	}
	for _, r := range m.Backends {
		d := get(r.Device)
		d.Backends = append(d.Backends, r)
	}
	for _, r := range m.Signatures {
		d := get(r.Device)
		d.Signatures = append(d.Signatures, r)
	}
	return out
}

func deviceAnchor(i int) string { return "device-" + strconv.Itoa(i+1) }

func deviceSection(b *builder, i int, d *deviceData) deviceView {
	dev := d.Device
	v := deviceView{Anchor: deviceAnchor(i), Name: visible(dev.Name), Role: visible(dev.Role)}
	for _, f := range []fact{
		{Label: "vendor", Value: dev.Vendor},
		{Label: "MAC", Value: strings.Join(dev.MACs, " ")},
		{Label: "IP", Value: strings.Join(dev.IPs, " ")},
		{Label: "seen (UTC)", Value: timeRange(compactTime(dev.FirstSeen), compactTime(dev.LastSeen))},
		{Label: "top protocols", Value: strings.Join(dev.TopProtocols, " ")},
	} {
		if f.Value != "" {
			v.Meta = append(v.Meta, fact{Label: f.Label, Value: visible(f.Value)})
		}
	}
	if dev.Packets > 0 {
		v.Stats = []fact{
			{Label: "sent", Value: humanBytes(dev.TxBytes), Tip: groupDigits(dev.TxPackets) + " packets, " + groupDigits(dev.TxBytes) + " bytes"},
			{Label: "received", Value: humanBytes(dev.RxBytes), Tip: groupDigits(dev.RxPackets) + " packets, " + groupDigits(dev.RxBytes) + " bytes"},
			{Label: "Internet (WAN)", Value: humanBytes(dev.WANBytes), Tip: percent(dev.WANBytes, dev.LANBytes+dev.WANBytes) + " of its bytes"},
			{Label: "local (LAN)", Value: humanBytes(dev.LANBytes), Tip: percent(dev.LANBytes, dev.LANBytes+dev.WANBytes) + " of its bytes"},
		}
	}
	for _, w := range dev.Warnings {
		v.Warnings = append(v.Warnings, visible(w))
	}
	for _, section := range sections {
		v.Blocks = append(v.Blocks, section(b, d)...)
	}
	return v
}

func timeRange(first, last string) string {
	switch {
	case first == "":
		return ""
	case first == last:
		return first
	}
	return first + " → " + last
}

// overviewBlocks: traffic per device, destinations by party over all
// devices, and the device table.
func overviewBlocks(b *builder, m *Model, data []*deviceData) []block {
	blk := block{Title: "Devices"}
	devices := slices.Clone(m.Devices)
	slices.SortStableFunc(devices, func(x, y Device) int { return cmp.Compare(y.Bytes, x.Bytes) })
	var items []hbar
	for _, d := range devices[:min(len(devices), 20)] {
		items = append(items, hbar{Label: d.Name, Segments: []segment{
			{Name: "Internet (WAN)", Value: d.WANBytes, Class: "c0"}, {Name: "local (LAN)", Value: d.LANBytes, Class: "c1"}}})
	}
	legend := []legendItem{{Label: "Internet (WAN)", Class: "c0"}, {Label: "local (LAN)", Class: "c1"}}
	if c, ok := horizontalBars("Traffic per device", "bytes sent and received", items, legend, humanBytes); ok {
		blk.Charts = append(blk.Charts, b.chart(c))
	}
	if c, ok := partyByDevice(m.Destinations); ok {
		blk.Charts = append(blk.Charts, b.chart(c))
	}
	blk.Table = deviceTable(b, data)
	return []block{blk}
}

func deviceTable(b *builder, data []*deviceData) *tableView {
	cols := []column{{Title: "Device"}, {Title: "Vendor"}, {Title: "MAC"}, {Title: "IP"},
		{Title: "Packets", Numeric: true}, {Title: "Sent", Numeric: true}, {Title: "Received", Numeric: true},
		{Title: "LAN", Numeric: true}, {Title: "WAN", Numeric: true}, {Title: "First seen (UTC)"},
		{Title: "Top protocols"}, {Title: "Warnings"}}
	var rows [][]cell
	for i, dd := range data {
		d := dd.Device
		name := cell{Text: d.Name, Href: "#" + deviceAnchor(i), Class: "text"}
		if d.Role == "gateway" {
			name.Class = "text gateway"
			name.Tip = "the LAN's gateway"
		}
		rows = append(rows, []cell{name, {Text: d.Vendor, Class: "text"}, firstOf(d.MACs), firstOf(d.IPs),
			countCell(d.Packets), bytesCell(d.TxBytes), bytesCell(d.RxBytes), bytesCell(d.LANBytes), bytesCell(d.WANBytes),
			timeCell(d.FirstSeen), {Text: strings.Join(d.TopProtocols, " "), Class: "text"},
			warningsCell(d.Warnings)})
	}
	return b.table(cols, rows, "summary.csv")
}

// warningsCell counts a device's warnings; the tooltip and the device's
// section have the text.
func warningsCell(w []string) cell {
	if len(w) == 0 {
		return cell{}
	}
	return cell{Text: plural(len(w), "warning"), Tip: strings.Join(w, "; "), Class: "warn"}
}

// timeCell shows "2025-07-01T00:01:00.982Z" as "2025-07-01 00:01:00",
// the exact time in its tooltip.
func timeCell(ts string) cell {
	return cell{Text: compactTime(ts), Tip: ts, Sort: ts}
}

func compactTime(ts string) string {
	if len(ts) >= 19 && ts[10] == 'T' {
		return ts[:10] + " " + ts[11:19]
	}
	return ts
}

// firstOf shows the first of a list and how many more there are, the
// whole list in the tooltip (the device's section lists them all).
func firstOf(values []string) cell {
	switch len(values) {
	case 0:
		return cell{}
	case 1:
		return cell{Text: values[0]}
	}
	return cell{Text: values[0] + " +" + strconv.Itoa(len(values)-1), Tip: strings.Join(values, " ")}
}

func bytesCell(n int64) cell {
	return cell{Text: humanBytes(n), Sort: strconv.FormatInt(n, 10), Tip: groupDigits(n) + " bytes", Class: "num"}
}

func countCell(n int64) cell {
	return cell{Text: groupDigits(n), Sort: strconv.FormatInt(n, 10), Class: "num"}
}
