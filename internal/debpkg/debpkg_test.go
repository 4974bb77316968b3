package debpkg

import (
	"os"
	"path/filepath"
	"testing"
)

func TestVersion(t *testing.T) {
	status := filepath.Join(t.TempDir(), "status")
	text := "Package: other\nVersion: 9\n\nPackage: webext-ublock-origin-firefox\nStatus: install ok installed\nVersion: 1.67.0+dfsg-1~deb12u1\n\n"
	if err := os.WriteFile(status, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if v := Version(status, "webext-ublock-origin-firefox"); v != "1.67.0+dfsg-1~deb12u1" {
		t.Errorf("Version = %q", v)
	}
	if v := Version(status, "absent"); v != "unknown" {
		t.Errorf("absent package = %q", v)
	}
	if v := Version(filepath.Join(t.TempDir(), "none"), "webext-ublock-origin-firefox"); v != "unknown" {
		t.Errorf("missing status file = %q", v)
	}
}
