package signatures

import (
	"bufio"
	"encoding/json"
	"path/filepath"
	"time"

	"github.com/iotlens/iotlens/internal/output"
	"github.com/iotlens/iotlens/internal/profile"
)

// OutputFiles are the files WriteAll writes into its folder.
var OutputFiles = []string{"patterns.txt", "patterns.json", "profile.yaml", "mud.json"}

// DefaultMUDURL is the mud-url written when none is given: RFC 8520
// requires one, and example.com says plainly that it is a placeholder.
func DefaultMUDURL(device string) string {
	return "https://example.com/mud/" + policyName(device) + ".json"
}

// Profile builds the run's smart-home-firewall profile.
func (r *Run) Profile() *profile.Profile {
	return BuildProfile(r.Result, r.Traces, ProfileOptions{Device: r.Device, Event: r.Event, Idle: r.Idle})
}

// WriteAll writes patterns.txt, patterns.json, profile.yaml and mud.json
// into dir, each atomically. It returns the profile and the policies the
// MUD file could not express.
func (r *Run) WriteAll(dir, mudURL string) (*profile.Profile, []string, error) {
	prof := r.Profile()
	if mudURL == "" {
		mudURL = DefaultMUDURL(r.Device.Name)
	}
	updated, err := time.Parse(time.RFC3339, prof.DeviceInfo.LastUpdate)
	if err != nil {
		updated = time.Unix(0, 0)
	}
	mud, skipped := profile.BuildMUD(prof, profile.MUDOptions{URL: mudURL, LastUpdate: updated})
	writers := map[string]func(w *bufio.Writer) error{
		"patterns.txt":  func(w *bufio.Writer) error { return r.WriteText(w) },
		"patterns.json": func(w *bufio.Writer) error { return r.WriteJSON(w) },
		"profile.yaml":  func(w *bufio.Writer) error { return profile.Write(w, prof) },
		"mud.json": func(w *bufio.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(mud)
		},
	}
	for _, name := range OutputFiles {
		if err := output.WriteFile(filepath.Join(dir, name), writers[name]); err != nil {
			return nil, nil, err
		}
	}
	return prof, skipped, nil
}
