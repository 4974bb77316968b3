package output

import (
	"bufio"

	"github.com/parquet-go/parquet-go"
)

// Parquet writes rows to path atomically as a Parquet file whose columns
// come from T's `parquet:"name"` struct tags (pandas, DuckDB and Spark read
// it directly). Strings are made valid UTF-8 by the caller's SafeString.
func Parquet[T any](path string, rows []T) error {
	return WriteFile(path, func(w *bufio.Writer) error {
		pw := parquet.NewGenericWriter[T](w, parquet.Compression(&parquet.Zstd))
		if _, err := pw.Write(rows); err != nil {
			return err
		}
		return pw.Close()
	})
}
