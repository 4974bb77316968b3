package main

import (
	"bufio"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// databaseType is what geo reports for the converted file.
const databaseType = "ip-location-db-asn"

func main() {
	out := flag.String("o", "asn.mmdb", "output .mmdb file")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: mkmmdb -o asn.mmdb asn-ipv4.csv [asn-ipv6.csv ...]")
		os.Exit(2)
	}
	if err := run(*out, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "mkmmdb:", err)
		os.Exit(1)
	}
}

func run(out string, inputs []string) error {
	tree, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType:            databaseType,
		Description:             map[string]string{"en": "ip-location-db ASN, converted by iotlens mkmmdb"},
		IncludeReservedNetworks: true,
		// The CSVs list Teredo and 6to4 ranges (2001::/32, 2002::/16) as
		// networks of their own; aliasing them to IPv4 would refuse them.
		// IPv4 lookups do not need the aliases: readers find IPv4 at ::/96.
		DisableIPv4Aliasing: true,
		RecordSize:          28,
	})
	if err != nil {
		return err
	}
	for _, in := range inputs {
		if err := insertFile(tree, in); err != nil {
			return err
		}
	}
	return writeAtomic(out, tree)
}

func insertFile(tree *mmdbwriter.Tree, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	cr := csv.NewReader(bufio.NewReader(f))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		r, err := parseRow(rec)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", path, line, err)
		}
		if err := tree.InsertRange(net.IP(r.start.AsSlice()), net.IP(r.end.AsSlice()), r.value()); err != nil {
			return fmt.Errorf("%s:%d: %w", path, line, err)
		}
	}
}

// row is one ASN range.
type row struct {
	start, end netip.Addr
	asn        uint32
	org        string
}

func (r row) value() mmdbtype.Map {
	return mmdbtype.Map{
		"autonomous_system_number":       mmdbtype.Uint32(r.asn),
		"autonomous_system_organization": mmdbtype.String(r.org),
	}
}

// parseRow checks one CSV record: an inclusive range of one address family
// in order, and an AS number.
func parseRow(rec []string) (row, error) {
	if len(rec) < 3 {
		return row{}, fmt.Errorf("want ip_range_start,ip_range_end,asn[,organization], got %d fields", len(rec))
	}
	start, err1 := netip.ParseAddr(strings.TrimSpace(rec[0]))
	end, err2 := netip.ParseAddr(strings.TrimSpace(rec[1]))
	if err1 != nil || err2 != nil {
		return row{}, fmt.Errorf("range %q-%q is not two addresses", rec[0], rec[1])
	}
	start, end = start.Unmap().WithZone(""), end.Unmap().WithZone("")
	if start.Is4() != end.Is4() || end.Less(start) {
		return row{}, fmt.Errorf("range %s-%s is not in order within one address family", start, end)
	}
	asn, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimSpace(rec[2]), "AS"), 10, 32)
	if err != nil {
		return row{}, fmt.Errorf("AS number %q: %w", rec[2], err)
	}
	org := ""
	if len(rec) > 3 {
		org = strings.TrimSpace(rec[3])
	}
	return row{start: start, end: end, asn: uint32(asn), org: org}, nil
}

// writeAtomic writes the tree to a temporary file beside out and renames
// it, so an interrupted run leaves the previous database or none.
func writeAtomic(out string, tree *mmdbwriter.Tree) error {
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tree.WriteTo(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", out, err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil { // CreateTemp makes it private
		return err
	}
	return os.Rename(tmp.Name(), out)
}
