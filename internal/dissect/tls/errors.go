package tls

import (
	"errors"
	"fmt"
)

// ErrNeedMore is matched (with errors.Is) by the error returned when the input
// is a valid prefix of what the parser looks for but ends too early. The
// concrete error is a *NeedMoreError that tells how many bytes are needed.
var ErrNeedMore = errors.New("tls: need more data")

// Errors for input that is not what the parser looks for.
var (
	ErrNotHandshake   = errors.New("tls: not a TLS handshake record")
	ErrSSLv2          = errors.New("tls: SSLv2-compatible ClientHello (not parsed)")
	ErrNotClientHello = errors.New("tls: first handshake message is not a ClientHello")
	ErrNotServerHello = errors.New("tls: first handshake message is not a ServerHello")
	ErrMalformed      = errors.New("tls: malformed handshake message")
	ErrTooLarge       = errors.New("tls: handshake message larger than the parser accepts")
)

// NeedMoreError reports a valid but incomplete input. Need is the total input
// length (counted from the start of the input) that is needed at least before
// parsing can go on; 0 when it is not known.
type NeedMoreError struct {
	Need int
}

func (e *NeedMoreError) Error() string {
	if e.Need <= 0 {
		return ErrNeedMore.Error()
	}
	return fmt.Sprintf("%s: at least %d bytes", ErrNeedMore.Error(), e.Need)
}

// Is makes errors.Is(err, ErrNeedMore) true.
func (e *NeedMoreError) Is(target error) bool { return target == ErrNeedMore }

// NeededBytes returns the input length a NeedMoreError asks for, or 0 when err
// is not one or the length is unknown.
func NeededBytes(err error) int {
	var nm *NeedMoreError
	if errors.As(err, &nm) {
		return nm.Need
	}
	return 0
}

func needMore(n int) error { return &NeedMoreError{Need: n} }
