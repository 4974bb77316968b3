package output

import (
	"encoding/json"
	"io"
)

// JSON writes v indented with two spaces. encoding/json replaces invalid
// UTF-8 in strings with U+FFFD and escapes <, > and &, so the result is
// valid UTF-8 and safe to embed in HTML.
func JSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
