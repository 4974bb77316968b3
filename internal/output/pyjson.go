package output

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// PyObject is an ordered JSON object for PyJSON.
type PyObject []PyField

// PyField is one key of a PyObject.
type PyField struct {
	Key   string
	Value any // string, []string, PyObject, int, int64, float64, nil
}

// PyJSON writes v exactly as Python's json.dump(v, f, indent=indent) does
// (ensure_ascii: non-ASCII escaped as \uXXXX; ", " and ": " separators;
// empty containers as [] and {}), so files match the seed pipelines' byte
// for byte and notebooks or diff tools see no change.
func PyJSON(w io.Writer, v any, indent int) error {
	var sb strings.Builder
	if err := pyValue(&sb, v, indent, 0); err != nil {
		return err
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

func pyValue(sb *strings.Builder, v any, indent, depth int) error {
	switch x := v.(type) {
	case nil:
		sb.WriteString("null")
	case string:
		pyString(sb, x)
	case int:
		fmt.Fprint(sb, x)
	case int64:
		fmt.Fprint(sb, x)
	case float64:
		sb.WriteString(PyFloat(x))
	case []string:
		items := make([]any, len(x))
		for i, s := range x {
			items[i] = s
		}
		return pyList(sb, items, indent, depth)
	case []any:
		return pyList(sb, x, indent, depth)
	case PyObject:
		return pyObject(sb, x, indent, depth)
	default:
		return fmt.Errorf("PyJSON: unsupported type %T", v)
	}
	return nil
}

func pyList(sb *strings.Builder, items []any, indent, depth int) error {
	if len(items) == 0 {
		sb.WriteString("[]")
		return nil
	}
	sb.WriteString("[")
	for i, it := range items {
		if i > 0 {
			sb.WriteString(",")
		}
		newline(sb, indent, depth+1)
		if err := pyValue(sb, it, indent, depth+1); err != nil {
			return err
		}
	}
	newline(sb, indent, depth)
	sb.WriteString("]")
	return nil
}

func pyObject(sb *strings.Builder, o PyObject, indent, depth int) error {
	if len(o) == 0 {
		sb.WriteString("{}")
		return nil
	}
	sb.WriteString("{")
	for i, f := range o {
		if i > 0 {
			sb.WriteString(",")
		}
		newline(sb, indent, depth+1)
		pyString(sb, f.Key)
		sb.WriteString(": ")
		if err := pyValue(sb, f.Value, indent, depth+1); err != nil {
			return err
		}
	}
	newline(sb, indent, depth)
	sb.WriteString("}")
	return nil
}

func newline(sb *strings.Builder, indent, depth int) {
	sb.WriteString("\n")
	sb.WriteString(strings.Repeat(" ", indent*depth))
}

// pyString escapes like Python's json with ensure_ascii=True.
func pyString(sb *strings.Builder, s string) {
	sb.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '"':
			sb.WriteString(`\"`)
		case r == '\\':
			sb.WriteString(`\\`)
		case r == '\n':
			sb.WriteString(`\n`)
		case r == '\r':
			sb.WriteString(`\r`)
		case r == '\t':
			sb.WriteString(`\t`)
		case r == '\b':
			sb.WriteString(`\b`)
		case r == '\f':
			sb.WriteString(`\f`)
		case r < 0x20 || (r >= 0x7f && r <= 0xffff):
			fmt.Fprintf(sb, `\u%04x`, r)
		case r > 0xffff:
			r -= 0x10000
			fmt.Fprintf(sb, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		default:
			sb.WriteRune(r)
		}
	}
	sb.WriteByte('"')
}
