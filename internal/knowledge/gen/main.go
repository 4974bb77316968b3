package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/iotlens/iotlens/internal/debpkg"
)

// debianPackage ships the lists; the generator records its version.
const debianPackage = "webext-ublock-origin-firefox"

// defaultSrc is where that package installs EasyList and EasyPrivacy.
const defaultSrc = "/usr/share/mozilla/extensions/{ec8030f7-c20a-464f-9b0e-13a3a9e97384}/uBlock0@raymondhill.net/assets/thirdparties/easylist"

const installHint = "install the lists with `apt-get install --no-install-recommends " + debianPackage + "` or pass -src"

// list is one filter list and the category its host rules give.
type list struct {
	file     string
	category byte
}

// lists in precedence order: a host in both is Advertising.
var lists = []list{
	{file: "easylist.txt", category: 'A'},
	{file: "easyprivacy.txt", category: 'T'},
}

func main() {
	src := flag.String("src", defaultSrc, "folder holding easylist.txt and easyprivacy.txt")
	status := flag.String("dpkg-status", "/var/lib/dpkg/status", "dpkg status file, read for the package version")
	version := flag.String("version", "", "package version to record (default: read from -dpkg-status)")
	out := flag.String("out", "trackers.txt.gz", "output file")
	flag.Parse()
	if *version == "" {
		*version = debpkg.Version(*status, debianPackage)
	}
	if err := run(*src, *version, *out); err != nil {
		fmt.Fprintln(os.Stderr, "knowledge/gen:", err)
		os.Exit(1)
	}
}

func run(src, version, out string) error {
	hosts := map[string]byte{}
	var titles []string
	for _, l := range lists {
		f, err := os.Open(filepath.Join(src, l.file))
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s not found in %s: %s", l.file, src, installHint)
		}
		if err != nil {
			return err
		}
		parsed, err := parseList(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(src, l.file), err)
		}
		for _, h := range parsed.blocked {
			if _, seen := hosts[h]; !seen {
				hosts[h] = l.category
			}
		}
		for _, h := range parsed.allowed {
			delete(hosts, h)
		}
		titles = append(titles, fmt.Sprintf("%s (%s)", parsed.title, l.file))
	}
	if len(hosts) == 0 {
		return fmt.Errorf("no host rules found in %s", src)
	}
	data, err := encode(compact(hosts), version, titles)
	if err != nil {
		return err
	}
	return os.WriteFile(out, data, 0o644)
}

// parsed is what one list contributes.
type parsed struct {
	title   string
	blocked []string
	allowed []string
}

func parseList(r io.Reader) (parsed, error) {
	var p parsed
	section := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "! Title:"); ok && p.title == "" {
			p.title = strings.TrimSpace(rest)
		}
		if rest, ok := strings.CutPrefix(line, "! *** "); ok {
			section = strings.TrimSuffix(rest, " ***")
			continue
		}
		if skipSection(section) {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "@@"); ok {
			if h, ok := hostRule(rest); ok {
				p.allowed = append(p.allowed, h)
			}
			continue
		}
		if h, ok := hostRule(line); ok {
			p.blocked = append(p.blocked, h)
		}
	}
	if err := sc.Err(); err != nil {
		return p, err
	}
	if p.title == "" {
		p.title = "untitled list"
	}
	return p, nil
}

// skipSection drops EasyPrivacy's CNAME-cloaking sections: their hosts are
// websites' own subdomains aliased to a tracker.
func skipSection(section string) bool {
	return strings.Contains(section, "_specific_cname_")
}

// typeOptions restrict a rule to resource types or to third-party requests;
// the host is still an ad or tracking server.
var typeOptions = map[string]bool{
	"third-party": true, "3p": true, "popup": true, "document": true, "doc": true, "script": true, "image": true,
	"subdocument": true, "frame": true, "xmlhttprequest": true, "xhr": true, "ping": true, "media": true,
	"stylesheet": true, "css": true, "object": true, "websocket": true, "font": true, "other": true,
	"important": true, "all": true, "match-case": true,
}

// hostRule returns the host of a `||host^[$options]` rule whose options are
// only resource types (negated or not).
func hostRule(rule string) (string, bool) {
	rest, ok := strings.CutPrefix(rule, "||")
	if !ok {
		return "", false
	}
	host, opts, ok := strings.Cut(rest, "^")
	if !ok || !validHost(host) || isIPv4(host) {
		return "", false
	}
	if opts == "" {
		return host, true
	}
	opts, ok = strings.CutPrefix(opts, "$")
	if !ok {
		return "", false // "^" followed by a path or another separator
	}
	for _, o := range strings.Split(opts, ",") {
		if !typeOptions[strings.TrimPrefix(o, "~")] || o == "~third-party" || o == "~3p" {
			return "", false
		}
	}
	return host, true
}

func validHost(h string) bool {
	if len(h) < 3 || len(h) > 253 || h[0] == '.' || h[len(h)-1] == '.' || h[0] == '-' || !strings.Contains(h, ".") ||
		strings.Contains(h, "..") {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

// isIPv4 reports a dotted-quad literal: address rules are not host names.
func isIPv4(h string) bool {
	_, err := netip.ParseAddr(h)
	return err == nil
}

// entry is one output line.
type entry struct {
	host     string
	category byte
}

// compact sorts the hosts and drops those under a listed parent of the same
// category (the parent already covers them).
func compact(hosts map[string]byte) []entry {
	out := make([]entry, 0, len(hosts))
	for h, c := range hosts {
		if !coveredByParent(hosts, h, c) {
			out = append(out, entry{h, c})
		}
	}
	slices.SortFunc(out, func(a, b entry) int { return strings.Compare(a.host, b.host) })
	return out
}

func coveredByParent(hosts map[string]byte, h string, c byte) bool {
	for {
		dot := strings.IndexByte(h, '.')
		if dot < 0 {
			return false
		}
		h = h[dot+1:]
		if pc, ok := hosts[h]; ok {
			return pc == c
		}
	}
}

func encode(rows []entry, version string, titles []string) ([]byte, error) {
	var text bytes.Buffer
	fmt.Fprintln(&text, "# iotlens tracker list, generated by internal/knowledge/gen from Debian's "+debianPackage+"; do not edit")
	fmt.Fprintf(&text, "# package %s %s\n", debianPackage, version)
	for _, t := range titles {
		fmt.Fprintf(&text, "# list %s\n", t)
	}
	fmt.Fprintf(&text, "# hosts %d\n", len(rows))
	for _, r := range rows {
		fmt.Fprintf(&text, "%s\t%c\n", r.host, r.category)
	}
	var out bytes.Buffer
	zw, err := gzip.NewWriterLevel(&out, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(text.Bytes()); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
