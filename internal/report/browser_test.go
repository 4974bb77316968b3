package report

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/iotlens/iotlens/internal/report/headless"
	"github.com/iotlens/iotlens/internal/synth"
)

// startBrowser starts headless Chromium, or skips the test when none is
// installed (and fails under CI=true, where it must be).
func startBrowser(t *testing.T) *headless.Browser {
	t.Helper()
	path := headless.Find()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed (CI installs it: apt-get install -y chromium)")
		}
		t.Skip("chromium not installed; skipping the browser test")
	}
	b, err := headless.Start(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

// screenshotDir is $IOTLENS_SCREENSHOTS, else the test's artifact folder
// (kept with `go test -artifacts`).
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("IOTLENS_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.ArtifactDir()
}

// chartCheck is what the page reports about one chart after layout.
type chartCheck struct {
	ID    string  `json:"id"`
	Drawn int     `json:"drawn"` // bars and lines with a non-empty box
	Width float64 `json:"width"`
}

// checkInBrowser loads a report in the browser and fails on any console
// error, exception, failed or outside request or dialog, on a chart with
// nothing drawn, or when sorting and filtering do not work. It returns the
// page for more checks.
func checkInBrowser(t *testing.T, b *headless.Browser, path string, width, height int) *headless.Page {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p, err := b.Open(ctx, width, height)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Load(ctx, path); err != nil {
		t.Fatal(err)
	}
	var charts []chartCheck
	err = p.Eval(ctx, `Array.from(document.querySelectorAll("figure.chart")).map(function (f) {
		var drawn = Array.from(f.querySelectorAll("svg .bar, svg .series")).filter(function (e) {
			var r = e.getBBox(); return r.width > 0 && (r.height > 0 || e.classList.contains("series"));
		}).length;
		return {id: f.id, drawn: drawn, width: f.querySelector("svg").getBoundingClientRect().width};
	})`, &charts)
	if err != nil {
		t.Fatal(err)
	}
	if len(charts) == 0 {
		t.Error("no chart in the page")
	}
	for _, c := range charts {
		if c.Drawn == 0 || c.Width < 100 {
			t.Errorf("chart %s: %d drawn elements, %.0f px wide", c.ID, c.Drawn, c.Width)
		}
	}
	checkSortAndFilter(ctx, t, p)
	// Let late errors (a blocked style, a deferred exception) arrive.
	time.Sleep(300 * time.Millisecond)
	for _, problem := range p.Problems() {
		t.Error(problem)
	}
	return p
}

// checkSortAndFilter sorts the overview table by packets (largest first)
// and filters it down to one device, as a reader would.
func checkSortAndFilter(ctx context.Context, t *testing.T, p *headless.Page) {
	var res struct {
		Sorted   bool   `json:"sorted"`
		AriaSort string `json:"ariaSort"`
		Shown    int    `json:"shown"`
		Count    string `json:"count"`
		Rows     int    `json:"rows"`
	}
	err := p.Eval(ctx, `(function () {
		var table = document.querySelector("table.sortable");
		var ths = Array.from(table.tHead.rows[0].cells);
		var col = ths.findIndex(function (th) { return th.textContent.trim() === "Packets"; });
		ths[col].querySelector("button").click();
		var values = Array.from(table.tBodies[0].rows).map(function (r) { return parseFloat(r.cells[col].getAttribute("data-v")); });
		var sorted = values.every(function (v, i) { return i === 0 || values[i - 1] >= v; });
		var input = document.querySelector('input.filter[data-table="' + table.id + '"]');
		var first = table.tBodies[0].rows[0].cells[0].textContent;
		input.value = first;
		input.dispatchEvent(new Event("input"));
		var shown = Array.from(table.tBodies[0].rows).filter(function (r) { return !r.hidden; }).length;
		var count = document.querySelector('.count[data-for="' + table.id + '"]').textContent;
		input.value = "";
		input.dispatchEvent(new Event("input"));
		return {sorted: sorted, ariaSort: ths[col].getAttribute("aria-sort"), shown: shown, count: count, rows: table.tBodies[0].rows.length};
	})()`, &res)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Sorted || res.AriaSort != "descending" {
		t.Errorf("sorting by packets: sorted %v, aria-sort %q", res.Sorted, res.AriaSort)
	}
	if res.Shown < 1 || res.Shown >= res.Rows || !strings.HasSuffix(res.Count, " of "+strconv.Itoa(res.Rows)+" rows") {
		t.Errorf("filtering by a device name: %d of %d rows shown, count %q", res.Shown, res.Rows, res.Count)
	}
}

func saveScreenshot(t *testing.T, p *headless.Page, name string, maxHeight int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	png, err := p.Screenshot(ctx, maxHeight)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(screenshotDir(t), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(png))
}

// TestReportInBrowser renders a synthetic home with every section and the
// hostile device, loads it in headless Chromium and checks it is clean,
// drawn and interactive; then saves a screenshot.
func TestReportInBrowser(t *testing.T) {
	b := startBrowser(t)
	dir := t.TempDir()
	capPath := writeCapture(t, dir, synth.Options{Devices: 5, Duration: 40 * time.Minute, Seed: 11, Hostile: true})
	m := modelOf(t, []string{capPath}, "", 1)
	enrich(m)
	path := filepath.Join(dir, "report.html")
	if err := WriteFile(path, m); err != nil {
		t.Fatal(err)
	}
	p := checkInBrowser(t, b, path, 1280, 900)
	saveScreenshot(t, p, "report-full.png", 0)
}

// TestBrowserCheckCatchesProblems: the browser check is not blind. Markup
// slipped into a page (an inline script, an outside image, a script whose
// bytes changed) is refused by the page's Content Security Policy, and the
// refusal is reported.
func TestBrowserCheckCatchesProblems(t *testing.T) {
	b := startBrowser(t)
	m := &Model{Title: "t", Generated: fixedGenerated, Devices: []Device{{Name: "cam", Packets: 1, Bytes: 10, WANBytes: 10}}}
	page := string(render(t, m))
	a, err := inlineAssets()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, old, new string }{
		{"inline script", "</main>", "<script>alert(1)</script></main>"},
		{"outside image", "</main>", `<img src="https://example.invalid/x.png"></main>`},
		{"changed script", string(a.js), string(a.js) + ";alert(2)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.html")
			if err := os.WriteFile(path, []byte(strings.Replace(page, c.old, c.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			p, err := b.Open(ctx, 800, 600)
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Load(ctx, path); err != nil {
				t.Fatal(err)
			}
			time.Sleep(300 * time.Millisecond)
			problems := p.Problems()
			if len(problems) == 0 {
				t.Fatal("not reported")
			}
			for _, pr := range problems {
				if strings.HasPrefix(pr, "JavaScript dialog") {
					t.Errorf("the injected script ran: %s", pr)
				}
			}
			t.Logf("reported: %v", problems)
		})
	}
}
