package knowledge

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
)

//go:generate go run ./gen -out trackers.txt.gz

//go:embed trackers.txt.gz
var trackersGz []byte

// trackerList is the generated advertising/tracking host list, decompressed
// on first use into sorted parallel slices searched with binary search.
type trackerList struct {
	hosts      []string
	categories []byte
	header     map[string]string // "package", "hosts", ...
	lists      []string
}

var (
	trackersOnce sync.Once
	trackers     *trackerList
	trackersErr  error
)

func loadTrackers() (*trackerList, error) {
	trackersOnce.Do(func() {
		zr, err := gzip.NewReader(bytes.NewReader(trackersGz))
		if err != nil {
			trackersErr = fmt.Errorf("trackers.txt.gz: %w", err)
			return
		}
		trackers, trackersErr = parseTrackers(zr)
	})
	return trackers, trackersErr
}

// PreloadTrackers starts decoding the embedded list in the background. A
// command that classifies after a capture pass calls it first: decoding
// takes about 15 ms, which then overlaps the pass instead of following it.
func PreloadTrackers() { go loadTrackers() }

func parseTrackers(r io.Reader) (*trackerList, error) {
	t := &trackerList{header: map[string]string{}}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if rest, ok := strings.CutPrefix(text, "# "); ok {
			key, value, _ := strings.Cut(rest, " ")
			if key == "list" {
				t.lists = append(t.lists, value)
			} else {
				t.header[key] = value
			}
			continue
		}
		host, cat, ok := strings.Cut(text, "\t")
		if !ok || len(cat) != 1 || (cat[0] != 'A' && cat[0] != 'T') || host == "" {
			return nil, fmt.Errorf("trackers.txt.gz:%d: malformed line %q", line, text)
		}
		if n := len(t.hosts); n > 0 && t.hosts[n-1] >= host {
			return nil, fmt.Errorf("trackers.txt.gz:%d: %q is out of order", line, host)
		}
		t.hosts = append(t.hosts, host)
		t.categories = append(t.categories, cat[0])
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("trackers.txt.gz: %w", err)
	}
	return t, nil
}

// trackerHit is what the list says about a name.
type trackerHit struct {
	host, list, category string
}

// lookup finds the most specific listed host that covers name (itself or a
// parent on a dot boundary).
func (t *trackerList) lookup(name string) (trackerHit, bool) {
	for s := name; s != ""; {
		if i, ok := slices.BinarySearch(t.hosts, s); ok {
			if t.categories[i] == 'A' {
				return trackerHit{host: s, list: "easylist", category: "Advertising"}, true
			}
			return trackerHit{host: s, list: "easyprivacy", category: "Tracking"}, true
		}
		dot := strings.IndexByte(s, '.')
		if dot < 0 {
			break
		}
		s = s[dot+1:]
	}
	return trackerHit{}, false
}

// TrackerListInfo describes the embedded tracker list: the Debian package
// and version it was generated from, its source lists and its host count.
func TrackerListInfo() (pkg string, lists []string, hosts int, err error) {
	t, err := loadTrackers()
	if err != nil {
		return "", nil, 0, err
	}
	return t.header["package"], slices.Clone(t.lists), len(t.hosts), nil
}
