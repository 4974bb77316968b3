package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/iotlens/iotlens/internal/synth"
)

// The page's own markup. Anything else in the parsed document came from
// a string that escaped escaping.
var allowedElements = map[string]bool{
	"html": true, "head": true, "body": true, "meta": true, "title": true, "style": true, "script": true,
	"header": true, "nav": true, "main": true, "footer": true, "section": true, "div": true, "p": true, "span": true,
	"b": true, "i": true, "a": true, "code": true, "h1": true, "h2": true, "h3": true, "ul": true, "li": true,
	"dl": true, "dt": true, "dd": true, "details": true, "summary": true, "figure": true, "figcaption": true,
	"svg": true, "line": true, "rect": true, "path": true, "text": true, "input": true, "button": true,
	"table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true,
}

var allowedAttributes = map[string]bool{
	"charset": true, "name": true, "content": true, "http-equiv": true, "lang": true, "class": true, "id": true,
	"href": true, "role": true, "aria-label": true, "aria-sort": true, "data-kind": true, "data-table": true,
	"data-for": true, "data-v": true, "title": true, "type": true, "placeholder": true, "viewBox": true, "xmlns": true,
	"x": true, "y": true, "width": true, "height": true, "x1": true, "y1": true, "x2": true, "y2": true, "d": true,
	"text-anchor": true,
}

// pageStats is what checkPage counted.
type pageStats struct {
	charts, tables, rows int
	text                 string // all text nodes outside script and style
	headings             []string
}

// checkPage parses a rendered report and fails on anything that is not
// the page's own markup (see pageProblems).
func checkPage(t *testing.T, page []byte, m *Model) pageStats {
	t.Helper()
	st, problems := pageProblems(page, m)
	for _, p := range problems {
		t.Error(p)
	}
	return st
}

// pageProblems lists what is wrong with a rendered page: an unknown
// element or attribute, an event handler, a link that is neither in-page
// nor relative, a third script, a chart that draws no data, a Content
// Security Policy that does not pin the inline style and script, or a JSON
// block that is not the model.
func pageProblems(page []byte, m *Model) (pageStats, []string) {
	var st pageStats
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return st, []string{err.Error()}
	}
	var scripts, styles []*html.Node
	var csp string
	var text strings.Builder
	drawn := map[*html.Node]int{}
	for n := range doc.Descendants() {
		if n.Type == html.TextNode && n.Parent != nil && n.Parent.Data != "script" && n.Parent.Data != "style" {
			text.WriteString(n.Data)
			text.WriteByte('\n')
		}
		if n.Type != html.ElementNode {
			continue
		}
		if !allowedElements[n.Data] {
			fail("unexpected element <%s> (parent <%s>)", n.Data, n.Parent.Data)
		}
		for _, a := range n.Attr {
			if !allowedAttributes[a.Key] || strings.HasPrefix(strings.ToLower(a.Key), "on") {
				fail("unexpected attribute %s=%q on <%s>", a.Key, a.Val, n.Data)
			}
			if a.Key == "href" && !(strings.HasPrefix(a.Val, "#") || strings.HasPrefix(a.Val, "./") || strings.HasPrefix(a.Val, "../")) {
				fail("link %q is neither in-page nor relative", a.Val)
			}
			if a.Key == "http-equiv" && a.Val == "Content-Security-Policy" {
				csp = attr(n, "content")
			}
		}
		switch n.Data {
		case "script":
			scripts = append(scripts, n)
		case "style":
			styles = append(styles, n)
		case "figure":
			st.charts++
			drawn[n] = 0
		case "table":
			st.tables++
		case "tr":
			if n.Parent != nil && n.Parent.Data == "tbody" {
				st.rows++
			}
		case "h2", "h3":
			st.headings = append(st.headings, textOf(n))
		case "rect", "path":
			if fig := ancestor(n, "figure"); fig != nil && hasData(n) {
				drawn[fig]++
			}
		}
	}
	st.text = text.String()
	for fig, n := range drawn {
		if n == 0 {
			fail("chart %s %q draws no data", attr(fig, "id"), textOf(fig))
		}
	}
	if len(styles) != 1 || len(scripts) != 2 {
		fail("%d style and %d script elements, want 1 and 2", len(styles), len(scripts))
		return st, problems
	}
	a, err := inlineAssets()
	if err != nil {
		return st, append(problems, err.Error())
	}
	if got := textOf(scripts[1]); got != string(a.js) {
		fail("the page script is not the package's report.js")
	}
	if !strings.Contains(csp, hashOf(textOf(scripts[1]))) || !strings.Contains(csp, hashOf(textOf(styles[0]))) {
		fail("the Content-Security-Policy %q does not allow exactly the inline style and script", csp)
	}
	if attr(scripts[0], "type") != "application/json" || attr(scripts[0], "id") != "iotlens-model" {
		fail("first script is not the JSON model block")
		return st, problems
	}
	var back Model
	if err := json.Unmarshal([]byte(textOf(scripts[0])), &back); err != nil {
		fail("JSON model block: %v", err)
		return st, problems
	}
	// Through JSON once, as the page's reader sees it (invalid UTF-8
	// becomes U+FFFD).
	var want Model
	b, _ := json.Marshal(m)
	if err := json.Unmarshal(b, &want); err != nil {
		return st, append(problems, err.Error())
	}
	if !reflect.DeepEqual(want, back) {
		fail("the JSON model block is not the model")
	}
	return st, problems
}

// TestCheckerCatchesInjections: the structural check itself notices
// markup that did not come from the template.
func TestCheckerCatchesInjections(t *testing.T) {
	m := &Model{Title: "t", Generated: fixedGenerated, Devices: []Device{{Name: "cam", Packets: 1, Bytes: 10, WANBytes: 10}}}
	page := string(render(t, m))
	if _, problems := pageProblems([]byte(page), m); len(problems) > 0 {
		t.Fatalf("clean page flagged: %v", problems)
	}
	injections := []struct{ name, old, new string }{
		{"img with handler", "<h1>", `<h1><img src=x onerror=alert(1)>`},
		{"handler attribute", `<h1>`, `<h1 onclick="alert(1)">`},
		{"third script", "</main>", "<script>alert(1)</script></main>"},
		{"external link", `href="#overview"`, `href="https://evil.example/"`},
		{"empty chart", `class="bar c0"`, `class="nobar c0"`},
	}
	for _, inj := range injections {
		bad := strings.Replace(page, inj.old, inj.new, -1)
		if bad == page {
			t.Fatalf("%s: %q not found in the page", inj.name, inj.old)
		}
		if _, problems := pageProblems([]byte(bad), m); len(problems) == 0 {
			t.Errorf("%s: not caught", inj.name)
		}
	}
}

func hasData(n *html.Node) bool {
	class := " " + attr(n, "class") + " "
	switch {
	case strings.Contains(class, " bar "):
		w, _ := strconv.ParseFloat(attr(n, "width"), 64)
		h, _ := strconv.ParseFloat(attr(n, "height"), 64)
		return w > 0 && h > 0
	case strings.Contains(class, " series "):
		return strings.Count(attr(n, "d"), "H") > 0
	}
	return false
}

func ancestor(n *html.Node, tag string) *html.Node {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == tag {
			return p
		}
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var sb strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			sb.WriteString(d.Data)
		}
	}
	return sb.String()
}

func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

func render(t *testing.T, m *Model) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestWriteFullModel renders every section from a synthetic home and
// checks the page's structure, charts and embedded data.
func TestWriteFullModel(t *testing.T) {
	capPath := writeCapture(t, t.TempDir(), synth.Options{Devices: 4, Duration: 40 * time.Minute, Seed: 3})
	m := modelOf(t, []string{capPath}, "", 1)
	enrich(m)
	st := checkPage(t, render(t, m), m)
	// Overview: 2 charts. Per device: party, domains, organizations,
	// countries, WAN, LAN, protocols, categories, endpoint classes,
	// backends = 10 charts when it has destinations.
	withDest := map[string]bool{}
	for _, r := range m.Destinations {
		withDest[r.Device] = true
	}
	wantCharts := 2
	for _, d := range m.Devices {
		wantCharts += 6
		if withDest[d.Name] {
			wantCharts += 4
		}
	}
	if st.charts != wantCharts {
		t.Errorf("%d charts, want %d", st.charts, wantCharts)
	}
	// Overview table + per device: destinations (if any), protocols,
	// endpoints, backends, signatures.
	wantTables := 1 + 4*len(m.Devices) + len(withDest)
	if st.tables != wantTables {
		t.Errorf("%d tables, want %d", st.tables, wantTables)
	}
	for _, h := range []string{"Devices", "Destinations", "Traffic over time", "Protocols", "Endpoints", "Backends", "Signatures", "Files"} {
		if !strings.Contains(strings.Join(st.headings, "|"), h) {
			t.Errorf("no %q section (headings %v)", h, st.headings)
		}
	}
	for _, d := range m.Devices {
		if !strings.Contains(st.text, d.Name) {
			t.Errorf("device %q is not in the page", d.Name)
		}
	}
}

// TestSectionsOnlyWhenPresent: optional sections appear with their rows
// and not without.
func TestSectionsOnlyWhenPresent(t *testing.T) {
	dev := Device{Name: "plug", Vendor: "TP-Link", MACs: []string{"50:c7:bf:00:c7:03"}, Packets: 10, Bytes: 1000, TxBytes: 600, RxBytes: 400, WANBytes: 900, LANBytes: 100}
	cases := []struct {
		name    string
		fill    func(m *Model)
		heading string
	}{
		{"destinations", func(m *Model) {
			m.Destinations = []DestinationRow{{Device: "plug", Month: "2025-07", Domain: "api.tplinkcloud.com", BytesUp: 10, BytesDown: 20, NameSource: "sni"}}
		}, "Destinations"},
		{"series", func(m *Model) {
			m.Series = []Series{{Device: "plug", Interval: 60, Starts: []int64{0, 60}, TxWAN: []int64{1, 2}, RxWAN: []int64{3, 4}}}
		}, "Traffic over time"},
		{"protocols", func(m *Model) { m.Protocols = []ProtocolMix{{Device: "plug", Protocol: "tls", Packets: 3, Bytes: 900}} }, "Protocols"},
		{"endpoints", func(m *Model) {
			m.Endpoints = []EndpointRow{{Device: "plug", IP: "203.0.113.1", Class: "First", Bytes: 10}}
		}, "Endpoints"},
		{"backends", func(m *Model) { m.Backends = []BackendRow{{Device: "plug", Provider: "TP-Link cloud", Bytes: 10}} }, "Backends"},
		{"signatures", func(m *Model) {
			m.Signatures = []SignatureRow{{Device: "plug", Event: "on", Protocol: "tls", Remote: "api.tplinkcloud.com", Support: "2/2"}}
		}, "Signatures"},
		{"links", func(m *Model) { m.Links = []Link{{Label: "summary.csv", Href: "./summary.csv"}} }, "Files"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bare := &Model{Title: "t", Generated: fixedGenerated, Devices: []Device{dev}}
			if st := checkPage(t, render(t, bare), bare); strings.Contains(strings.Join(st.headings, "|"), c.heading) {
				t.Errorf("%q rendered without rows", c.heading)
			}
			full := &Model{Title: "t", Generated: fixedGenerated, Devices: []Device{dev}}
			c.fill(full)
			if st := checkPage(t, render(t, full), full); !strings.Contains(strings.Join(st.headings, "|"), c.heading) {
				t.Errorf("%q not rendered (headings %v)", c.heading, st.headings)
			}
		})
	}
}

// TestRowsOfUnknownDevices: rows naming a device the overview lacks get
// their own section instead of being dropped.
func TestRowsOfUnknownDevices(t *testing.T) {
	m := &Model{Title: "t", Generated: fixedGenerated,
		Backends: []BackendRow{{Device: "ghost", Provider: "Tuya", Bytes: 5}}}
	st := checkPage(t, render(t, m), m)
	if !strings.Contains(strings.Join(st.headings, "|"), "ghost") {
		t.Errorf("no section for the device only the backends name: %v", st.headings)
	}
}

// TestTablesAreCapped: a long table shows maxTableRows rows and says where
// the rest is.
func TestTablesAreCapped(t *testing.T) {
	m := &Model{Title: "t", Generated: fixedGenerated, Devices: []Device{{Name: "cam"}}}
	for i := range maxTableRows + 100 {
		m.Destinations = append(m.Destinations, DestinationRow{Device: "cam", Month: "2025-07",
			Domain: fmt.Sprintf("h%d.example.com", i), BytesUp: int64(i), NameSource: "dns"})
	}
	page := render(t, m)
	st := checkPage(t, page, m)
	if st.rows != 1+maxTableRows {
		t.Errorf("%d table rows, want %d (device table + capped destinations)", st.rows, 1+maxTableRows)
	}
	if !strings.Contains(st.text, "Showing the first 500 of 600 rows; destinations.csv has them all.") {
		t.Error("no note about the capped rows")
	}
}

// TestEmptyColumnsDropped: columns no row fills (no geo database, no
// classifier) are left out rather than shown empty.
func TestEmptyColumnsDropped(t *testing.T) {
	m := &Model{Title: "t", Generated: fixedGenerated, Devices: []Device{{Name: "cam"}},
		Destinations: []DestinationRow{{Device: "cam", Month: "2025-07", Domain: "a.example", BytesUp: 1, NameSource: "dns"}}}
	page := string(render(t, m))
	for _, col := range []string{">Organization<", ">Country<", ">Rule<"} {
		if strings.Contains(page, col) {
			t.Errorf("empty column %s rendered", col)
		}
	}
	if !strings.Contains(page, ">Domain<") || !strings.Contains(page, ">Named by<") {
		t.Error("filled columns missing")
	}
}

// TestWriteIsDeterministic: the same model gives the same bytes, and -j 1
// and -j 2 give the same model.
func TestWriteIsDeterministic(t *testing.T) {
	dir := t.TempDir()
	capPath := writeCapture(t, dir, synth.Options{Devices: 3, Duration: 20 * time.Minute, Seed: 5})
	// Two files, so that two workers each take one.
	second := filepath.Join(dir, "synth2.pcap")
	b, _ := os.ReadFile(capPath)
	if err := os.WriteFile(second, b, 0o644); err != nil {
		t.Fatal(err)
	}
	one := render(t, modelOf(t, []string{capPath, second}, "", 1))
	two := render(t, modelOf(t, []string{capPath, second}, "", 2))
	if !bytes.Equal(one, two) {
		t.Error("-j 1 and -j 2 render different reports")
	}
	if again := render(t, modelOf(t, []string{capPath, second}, "", 1)); !bytes.Equal(one, again) {
		t.Error("two renders of the same run differ")
	}
}

// TestJSONBlockCannotBreakOut: a string holding the script end tag stays
// inside the JSON block.
func TestJSONBlockCannotBreakOut(t *testing.T) {
	evil := `</script><script>alert(1)</script><!--`
	m := &Model{Title: evil, Generated: fixedGenerated, Devices: []Device{{Name: evil, Vendor: evil}}}
	page := render(t, m)
	checkPage(t, page, m)
	if bytes.Contains(page, []byte("<script>alert")) {
		t.Error("raw <script>alert in the page")
	}
}

func TestWriteFileIsAtomic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out", "report.html")
	m := &Model{Title: "t", Generated: fixedGenerated, Devices: []Device{{Name: "cam"}}}
	if err := WriteFile(path, m); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 || entries[0].Name() != "report.html" {
		t.Errorf("folder holds %v, want report.html only", entries)
	}
}
