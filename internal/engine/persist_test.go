package engine

import (
	"fmt"
	"testing"
)

func TestSelectShardCoversEveryFileOnceInOrder(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 40} {
		var files []FileInfo
		var sizes []int64
		for i := 0; i < 23; i++ {
			files = append(files, FileInfo{Path: fmt.Sprint(i), Index: i})
			sizes = append(sizes, int64(1+(i*7919)%1000))
		}
		next := 0
		for k := 0; k < n; k++ {
			for _, f := range SelectShard(files, sizes, k, n) {
				if f.Index != next {
					t.Fatalf("n=%d shard %d: file %d, want %d (shards must be contiguous and ordered)", n, k, f.Index, next)
				}
				next++
			}
		}
		if next != len(files) {
			t.Fatalf("n=%d: %d of %d files assigned", n, next, len(files))
		}
	}
}
