package destinations

import (
	"bufio"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/iotlens/iotlens/internal/output"
)

// Options choose optional outputs.
type Options struct {
	// Partitioned also writes the Hive-partitioned copy of the long table
	// (destinations/device=<name>/month=<YYYY-MM>/part-0.parquet).
	Partitioned bool
}

// Write writes every output under dir: the destination-analysis seed's
// per-device, per-month layout (JSON instead of pickle), its categorized
// CSVs, the tidy long table over all devices and months, and per-device
// month-to-month changes.
func Write(dir string, months []Month, opts ...Options) error {
	var all []Row
	byDevice := map[string][]Month{}
	var order []string
	for _, m := range months {
		all = append(all, m.Rows...)
		name := m.Device.Name
		if _, ok := byDevice[name]; !ok {
			order = append(order, name)
		}
		byDevice[name] = append(byDevice[name], m)
	}
	folders := make(map[string]*output.Folder, len(order))
	for _, name := range order {
		f, err := output.NewFolder(filepath.Join(dir, SafeDir(name)))
		if err != nil {
			discardAll(folders)
			return err
		}
		folders[name] = f
	}
	// Every file is independent: the long tables (the largest) go first so
	// that the small per-month files fill the gaps around them.
	tasks := []func() error{
		func() error { return output.Parquet(filepath.Join(dir, "destinations.parquet"), all) },
		func() error { return writeRowsCSV(filepath.Join(dir, "destinations.csv"), all) },
	}
	for _, m := range months {
		tasks = append(tasks, func() error { return writeMonth(folders[m.Device.Name], m) })
	}
	for _, name := range order {
		tasks = append(tasks, func() error { return writeChanges(folders[name], byDevice[name]) })
	}
	if len(opts) > 0 && opts[0].Partitioned {
		tasks = append(tasks, func() error { return writePartitioned(filepath.Join(dir, "destinations"), months) })
	}
	if err := forEachParallel(len(tasks), func(i int) error { return tasks[i]() }); err != nil {
		discardAll(folders)
		return err
	}
	for _, name := range order {
		if err := folders[name].Commit(); err != nil {
			discardAll(folders)
			return err
		}
	}
	return nil
}

func discardAll(folders map[string]*output.Folder) {
	for _, f := range folders {
		f.Discard()
	}
}

// writePartitioned writes the long table once more, Hive-partitioned by
// device and month, so DuckDB (hive_partitioning), Spark and pandas
// (pyarrow) read a study's slice without scanning the rest.
func writePartitioned(dir string, months []Month) error {
	return forEachParallel(len(months), func(i int) error {
		m := months[i]
		rows := make([]PartRow, len(m.Rows))
		for j := range m.Rows {
			rows[j] = m.Rows[j].part()
		}
		path := filepath.Join(dir, "device="+url.PathEscape(m.Device.Name), "month="+m.Month, "part-0.parquet")
		return output.Parquet(path, rows)
	})
}

// forEachParallel runs fn(0..n-1) on a few goroutines and returns the
// first error. The per-device-month files are independent and small, so
// their creation, not the CPU, bounds the time: overlapping it pays.
func forEachParallel(n int, fn func(i int) error) error {
	const workers = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	next := make(chan int)
	for w := 0; w < min(workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

// monthFolder gives the seed's names: "2025", "Jul_2025", "Jul-2025".
func monthFolder(month string) (year, folder, label string) {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month, month, month
	}
	return t.Format("2006"), t.Format("Jan_2006"), t.Format("Jan-2006")
}

// writeMonth writes one month's files into its device's folder.
func writeMonth(folder *output.Folder, m Month) error {
	dev := m.Device.Name
	year, monthDir, label := monthFolder(m.Month)
	base := filepath.Join(year, monthDir)
	keyed := func(v any) output.PyObject { return output.PyObject{{Key: dev, Value: v}} }
	ipMap := output.PyObject{}
	for _, ip := range m.IPs {
		if d, ok := m.IPDomain[ip]; ok {
			ipMap = append(ipMap, output.PyField{Key: ip, Value: d})
		}
	}
	files := []struct {
		path   string
		value  any
		indent int
	}{
		{filepath.Join(base, "domain_list", "contacted_domains.json"), keyed(m.Contacted), 4},
		{filepath.Join(base, "domain_list", "unique_domains.json"), keyed(m.Unique), 4},
		{filepath.Join(base, "ip_list", "all_ips.json"), keyed(m.IPs), 4},
		{filepath.Join(base, "ip_list", "ip_domain_map.json"), keyed(ipMap), 4},
		{filepath.Join(base, "geolocation.json"), geoObject(m), 2},
	}
	for _, f := range files {
		if err := folder.WriteFile(f.path, func(w *bufio.Writer) error { return output.PyJSON(w, f.value, f.indent) }); err != nil {
			return err
		}
	}
	return folder.WriteFile("categorized_domains_"+monthDir+".csv", func(w *bufio.Writer) error { return writeCategorized(w, m, label) })
}

// geoObject is the seed's geolocation.json: sorted IPs that the database
// knows, {"country_iso_code", "country_name"}.
func geoObject(m Month) output.PyObject {
	ips := make([]string, 0, len(m.Geo))
	for ip, g := range m.Geo {
		if g.Country != "" {
			ips = append(ips, ip)
		}
	}
	sort.Strings(ips) // the seed sorts IP strings
	obj := output.PyObject{}
	for _, ip := range ips {
		g := m.Geo[ip]
		obj = append(obj, output.PyField{Key: ip, Value: output.PyObject{
			{Key: "country_iso_code", Value: g.Country}, {Key: "country_name", Value: g.CountryName}}})
	}
	return obj
}

// writeCategorized writes categorized_domains_<Mon>_<Year>.csv: exactly the
// seed's columns and CRLF line ends, one row per contacted domain.
func writeCategorized(w *bufio.Writer, m Month, label string) error {
	cw := output.NewCSV(w, true)
	if err := cw.Write([]string{"Month-Year", "Domain", "SLD", "TLD", "Category", "Organization", "Query Type"}); err != nil {
		return err
	}
	rows := append([]Row(nil), m.Rows...)
	sort.Slice(rows, func(i, j int) bool { return rows[i].Domain < rows[j].Domain })
	for _, r := range rows {
		if r.NameSource == "none" {
			continue // an address nobody named is not a domain
		}
		org := r.Organization
		if org == "" {
			org = "Unknown"
		}
		if err := cw.Write([]string{label, r.Domain, r.SLD, r.TLD, r.Category, org, r.QueryType}); err != nil {
			return err
		}
	}
	return cw.Flush()
}

func writeRowsCSV(path string, rows []Row) error {
	return output.WriteFile(path, func(w *bufio.Writer) error {
		cw := output.NewCSV(w, false)
		if err := cw.Write(Header); err != nil {
			return err
		}
		for _, r := range rows {
			rec := []string{r.Device, r.Month, r.Domain, r.RegistrableDomain, r.SLD, r.TLD, r.IPs, r.FirstSeen, r.LastSeen,
				fmt.Sprint(r.Flows), fmt.Sprint(r.Packets), fmt.Sprint(r.BytesUp), fmt.Sprint(r.BytesDown),
				r.Category, r.Organization, r.Rule, r.ASN, r.ASOrg, r.Country, r.NameSource, r.QueryType, r.Aliases, r.JA4, r.JA3}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		return cw.Flush()
	})
}

// writeChanges lists, per device, the domains and organizations that appear
// or disappear from one month to the next, and domains whose party changes.
func writeChanges(folder *output.Folder, months []Month) error {
	return folder.WriteFile("changes.csv", func(w *bufio.Writer) error {
		cw := output.NewCSV(w, false)
		if err := cw.Write([]string{"device", "month", "kind", "value", "change", "from", "to"}); err != nil {
			return err
		}
		for i := 1; i < len(months); i++ {
			for _, c := range diffMonths(months[i-1], months[i]) {
				if err := cw.Write(c); err != nil {
					return err
				}
			}
		}
		return cw.Flush()
	})
}

func diffMonths(prev, cur Month) [][]string {
	dev := cur.Device.Name
	var out [][]string
	pd, cd := partyByDomain(prev), partyByDomain(cur)
	po, co := orgs(prev), orgs(cur)
	for _, d := range sortedKeys(cd) {
		switch from, ok := pd[d]; {
		case !ok:
			out = append(out, []string{dev, cur.Month, "domain", d, "appeared", "", cd[d]})
		case from != cd[d]:
			out = append(out, []string{dev, cur.Month, "domain", d, "party-changed", from, cd[d]})
		}
	}
	for _, d := range sortedKeys(pd) {
		if _, ok := cd[d]; !ok {
			out = append(out, []string{dev, cur.Month, "domain", d, "disappeared", pd[d], ""})
		}
	}
	for _, o := range sortedKeys(co) {
		if !po[o] {
			out = append(out, []string{dev, cur.Month, "organization", o, "appeared", "", ""})
		}
	}
	for _, o := range sortedKeys(po) {
		if !co[o] {
			out = append(out, []string{dev, cur.Month, "organization", o, "disappeared", "", ""})
		}
	}
	return out
}

func partyByDomain(m Month) map[string]string {
	out := map[string]string{}
	for _, r := range m.Rows {
		if r.NameSource != "none" {
			out[r.Domain] = r.Category
		}
	}
	return out
}

func orgs(m Month) map[string]bool {
	out := map[string]bool{}
	for _, r := range m.Rows {
		if r.Organization != "" {
			out[r.Organization] = true
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// SafeDir is the folder named after a device (output.SafeName).
func SafeDir(name string) string { return output.SafeName(name) }
