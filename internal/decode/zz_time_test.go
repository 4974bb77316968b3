package decode

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestZZTimeCorpus(t *testing.T) {
	dir := os.Getenv("CORPUS_DIR")
	if dir == "" {
		t.Skip()
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	var worst time.Duration
	var worstName string
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		lines := strings.Split(string(raw), "\n")
		s := strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")")
		in, err := strconv.Unquote(s)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		for range 100 {
			runFuzzInput(t, []byte(in))
		}
		if el := time.Since(start) / 100; el > worst {
			worst, worstName = el, f
		}
	}
	t.Logf("%d inputs, worst %v %s", len(files), worst, worstName)
}
