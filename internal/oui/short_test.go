package oui

import (
	"strings"
	"testing"
)

func TestShort(t *testing.T) {
	tests := []struct{ org, want string }{
		{"Amazon Technologies Inc.", "Amazon Technologies"},
		{"TP-LINK TECHNOLOGIES CO.,LTD.", "TP-LINK TECHNOLOGIES"},
		{"Murata Manufacturing Co., Ltd.", "Murata Manufacturing"},
		{"Google, Inc.", "Google"},
		{"Ring LLC", "Ring"},
		{"Nest Labs Inc.", "Nest Labs"},
		{"LIFI LABS MANAGEMENT PTY LTD", "LIFI LABS MANAGEMENT"},
		{"Raspberry Pi Trading Ltd", "Raspberry Pi Trading"},
		{"AzureWave Technology Inc.", "AzureWave Technology"},
		{"Intel Corporate", "Intel"},
		{"Bender GmbH & Co. KG", "Bender"},
		{"Philips Lighting BV", "Philips Lighting"},
		{"XIMEA s.r.o.", "XIMEA"},
		{"Zhejiang Hengjie Communication Technology Co,. Ltd.", "Zhejiang Hengjie Communication Technology"},
		{"Mantra Softech India Pvt Ltd", "Mantra Softech India"},
		{`"Lampyris Plant" LLC`, `"Lampyris Plant"`},
		{"Fuhr GmbH Filtertechnik", "Fuhr GmbH Filtertechnik"}, // suffix words only count at the end
		{"IEEE Registration Authority", "IEEE Registration Authority"},
		{"Private", "Private"},
		{"Inc.", "Inc"},           // nothing but a suffix: keep it
		{"  Acme  ", "Acme"},      // surrounding space
		{"Acme, Inc. , ", "Acme"}, // punctuation tails
		{"", ""},
	}
	for _, tc := range tests {
		if got := Short(tc.org); got != tc.want {
			t.Errorf("Short(%q) = %q, want %q", tc.org, got, tc.want)
		}
	}
}

func FuzzShort(f *testing.F) {
	for _, s := range []string{"Amazon Technologies Inc.", "TP-LINK TECHNOLOGIES CO.,LTD.", "Bender GmbH & Co. KG", "Inc.", ", ,", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, org string) {
		got := Short(org)
		if strings.TrimSpace(org) != "" && got == "" {
			t.Fatalf("Short(%q) is empty", org)
		}
		if len(got) > len(org) {
			t.Fatalf("Short(%q) = %q grew", org, got)
		}
	})
}
