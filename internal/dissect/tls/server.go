package tls

// ServerInfo holds what the server's first flight shows in clear.
type ServerInfo struct {
	Version         uint16 // legacy_version of the ServerHello
	CipherSuite     uint16
	SelectedVersion uint16        // supported_versions value (TLS 1.3), else Version
	Certificates    []Certificate // leaf first; only TLS <= 1.2 sends them in clear
}

// ParseServerFlight parses the ServerHello and, for TLS <= 1.2, the
// Certificate handshake message from the start of the server-to-client byte
// stream. It follows ParseClientHello's ErrNeedMore convention; when the
// ServerHello is complete but the certificate chain is not, it returns the
// ServerInfo so far together with the *NeedMoreError.
func ParseServerFlight(stream []byte) (*ServerInfo, error) {
	if len(stream) == 0 {
		return nil, needMore(recordHeaderLen)
	}
	hs := handshakeStream{stream: stream}
	msgType, bodyLen, err := hs.header(0)
	if err == nil || err == ErrTooLarge {
		if msgType != typeServerHello {
			return nil, ErrNotServerHello
		}
	}
	if err != nil {
		return nil, endIsMalformed(err)
	}
	msg, err := hs.message(0, bodyLen)
	if err != nil {
		return nil, endIsMalformed(err)
	}
	info, err := parseServerHello(msg[handshakeHdrLen:])
	if err != nil {
		return nil, err
	}
	if info.SelectedVersion >= 0x0304 && info.SelectedVersion < 0xfe00 {
		return info, nil // the rest of a TLS 1.3 flight is encrypted
	}
	err = info.readCertificates(&hs, handshakeHdrLen+bodyLen)
	return info, err
}

// readCertificates parses the Certificate message if it is the message at
// offset off. A resumed session (ChangeCipherSpec next) or an anonymous or
// PSK suite (another message next) ends the flight without certificates.
func (info *ServerInfo) readCertificates(hs *handshakeStream, off int) error {
	msgType, bodyLen, err := hs.header(off)
	switch {
	case err == errEndOfHandshake:
		return nil
	case err != nil:
		return err
	case msgType != typeCertificate:
		return nil
	}
	msg, err := hs.message(off, bodyLen)
	if err != nil {
		return endIsMalformed(err)
	}
	info.Certificates = parseCertificateList(msg[handshakeHdrLen:])
	return nil
}

// endIsMalformed turns "a non-handshake record came next" into ErrMalformed
// for callers that were in the middle of a message.
func endIsMalformed(err error) error {
	if err == errEndOfHandshake {
		return ErrMalformed
	}
	return err
}

func parseServerHello(body []byte) (*ServerInfo, error) {
	r := reader{b: body}
	info := &ServerInfo{Version: r.u16()}
	r.bytes(32) // random
	r.vec8()    // session id
	info.CipherSuite = r.u16()
	r.u8() // compression method
	if r.bad {
		return nil, ErrMalformed
	}
	info.SelectedVersion = info.Version
	if r.empty() {
		return info, nil
	}
	exts := reader{b: r.vec16()}
	for !exts.empty() && !exts.bad {
		typ := exts.u16()
		data := exts.vec16()
		if typ == extSupportedVersions && len(data) == 2 {
			info.SelectedVersion = be16(data)
		}
	}
	return info, nil
}

// maxCertificates bounds the chain length kept (real chains have 2-4).
const maxCertificates = 10

// parseCertificateList reads a TLS <= 1.2 Certificate message body: a 3-byte
// list length and 3-byte-length-prefixed DER certificates.
func parseCertificateList(body []byte) []Certificate {
	r := reader{b: body}
	list := reader{b: r.vec24()}
	var certs []Certificate
	for !list.empty() && len(certs) < maxCertificates {
		der := list.vec24()
		if list.bad {
			break
		}
		certs = append(certs, parseCertificate(der))
	}
	return certs
}
