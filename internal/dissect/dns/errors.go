package dns

import (
	"errors"
	"strconv"
)

// Problems Unpack and Name report, wrapped in an *Error.
var (
	ErrTruncated    = errors.New("message truncated")
	ErrPointerRange = errors.New("compression pointer beyond the message")
	ErrPointerLoop  = errors.New("compression pointers loop")
	ErrLabelType    = errors.New("extended or reserved label type")
	ErrNameTooLong  = errors.New("name longer than 255 octets")
	ErrRData        = errors.New("record data does not match its type")
)

// Error says where in a message a problem was found.
type Error struct {
	Section string // "header", "question", "answer", "authority" or "additional"
	Index   int    // entry within the section, from 0
	Offset  int    // byte offset in the message where the entry or name starts
	Err     error  // one of the Err* values
}

func (e *Error) Error() string {
	return "dns: " + e.Section + " " + strconv.Itoa(e.Index) + " at offset " +
		strconv.Itoa(e.Offset) + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// fatal reports whether err leaves the rest of the message unreadable. Bad
// names whose wire extent is still known, and bad record data framed by its
// length field, only spoil one entry.
func fatal(err error) bool {
	return err != nil && !errors.Is(err, ErrNameTooLong) && !errors.Is(err, ErrPointerLoop) && !errors.Is(err, ErrRData)
}
