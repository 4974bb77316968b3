package backends

import (
	"bufio"
	"path/filepath"
	"strings"
	"time"

	"github.com/iotlens/iotlens/internal/output"
)

// ListSep joins multi-valued cells in CSV, as the study's scripts joined
// certificate names.
const ListSep = ";"

// WriteTable writes rows as dir/base.csv and dir/base.parquet, each
// atomically, and returns the paths written. The Parquet columns come from
// T's parquet tags; record renders one row for the CSV under header.
func WriteTable[T any](dir, base string, header []string, rows []T, record func(*T) []string) ([]string, error) {
	csvPath := filepath.Join(dir, base+".csv")
	if err := WriteCSV(csvPath, header, rows, record); err != nil {
		return nil, err
	}
	pqPath := filepath.Join(dir, base+".parquet")
	if err := output.Parquet(pqPath, rows); err != nil {
		return nil, err
	}
	return []string{csvPath, pqPath}, nil
}

// WriteCSV writes rows to path atomically; cells are formula-neutralised.
func WriteCSV[T any](path string, header []string, rows []T, record func(*T) []string) error {
	return output.WriteFile(path, func(w *bufio.Writer) error {
		cw := output.NewCSV(w, false)
		if err := cw.Write(header); err != nil {
			return err
		}
		for i := range rows {
			if err := cw.Write(record(&rows[i])); err != nil {
				return err
			}
		}
		return cw.Flush()
	})
}

// JoinList renders a list cell.
func JoinList(v []string) string { return strings.Join(v, ListSep) }

// Times are kept as Unix milliseconds, the unit of the Parquet columns
// (`timestamp(millisecond),optional`: 0, unknown, is written as null).

// FormatMillis renders Unix milliseconds as RFC 3339 UTC, with
// milliseconds only when there are some ("" for 0, unknown).
func FormatMillis(ms int64) string {
	if ms == 0 {
		return ""
	}
	t := time.UnixMilli(ms).UTC()
	if ms%1000 == 0 {
		return t.Format(time.RFC3339)
	}
	return t.Format("2006-01-02T15:04:05.000Z07:00")
}

// Clean makes a string from a dataset valid UTF-8 (Parquet and JSON need
// it; CSV and terminal output neutralise the rest).
func Clean(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
