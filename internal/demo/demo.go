// Package demo embeds a small synthetic smart-home capture made by package
// synth (see gen.go), so `iotlens demo` runs the main job with no input.
package demo

import (
	"bytes"
	_ "embed"
	"io"
	"os"
	"path/filepath"

	"github.com/klauspost/compress/gzip"
)

//go:generate go run ../../cmd/iotlens synth --devices 8 --hours 3 --seed 1 --compressible -o sample.pcap.gz --mac-list sample-devices.csv

//go:embed sample.pcap.gz
var samplePcapGz []byte

//go:embed sample-devices.csv
var sampleDevices []byte

// Extract writes the sample capture (decompressed) and its "Name,MAC" device
// list into dir and returns their paths.
func Extract(dir string) (capturePath, devicesPath string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	capturePath = filepath.Join(dir, "sample.pcap")
	devicesPath = filepath.Join(dir, "sample-devices.csv")
	zr, err := gzip.NewReader(bytes.NewReader(samplePcapGz))
	if err != nil {
		return "", "", err
	}
	f, err := os.Create(capturePath)
	if err != nil {
		return "", "", err
	}
	if _, err := io.Copy(f, zr); err != nil {
		f.Close()
		return "", "", err
	}
	if err := f.Close(); err != nil {
		return "", "", err
	}
	return capturePath, devicesPath, os.WriteFile(devicesPath, sampleDevices, 0o644)
}
