package output

import (
	"bufio"

	"github.com/parquet-go/parquet-go"
)

// Parquet writes rows to path atomically as a Parquet file whose columns
// come from T's `parquet:"name"` struct tags (pandas, DuckDB and Spark read
// it directly). Snappy, the codec every Parquet reader supports and the cheapest to set up per file.
func Parquet[T any](path string, rows []T) error {
	return WriteFile(path, func(w *bufio.Writer) error {
		pw := parquet.NewGenericWriter[T](w, parquet.Compression(&parquet.Snappy))
		if _, err := pw.Write(rows); err != nil {
			return err
		}
		return pw.Close()
	})
}
