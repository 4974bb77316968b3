package split

import (
	"fmt"
	"os"
	"path/filepath"
)

// Estimate is the disk space a run may need: every selected kind holds at
// most the whole capture once over all devices (a frame between two listed
// devices is written twice, a frame of no device not at all), so the input
// size times the number of kinds.
func Estimate(inputSize int64, kinds int) int64 { return inputSize * int64(kinds) }

// CheckSpace fails when the file system of out has less free space than
// need. Where free space cannot be measured the check passes.
func CheckSpace(out string, need int64) error {
	dir := existingParent(out)
	free, ok := freeBytes(dir)
	if !ok || free >= need {
		return nil
	}
	return fmt.Errorf("not enough free space in %s: the split needs up to %s (capture size x %s), %s available; free some space, choose another -o, or limit the outputs with --only",
		dir, human(need), "number of outputs", human(free))
}

// existingParent returns path or its nearest existing ancestor.
func existingParent(path string) string {
	p, err := filepath.Abs(path)
	if err != nil {
		p = path
	}
	for {
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(p)
		if parent == p {
			return p
		}
		p = parent
	}
}

func human(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
