package signatures

import (
	"cmp"
	"math"
	"slices"
)

// maxWindowOccurrences bounds the step occurrences looked at from one
// starting point (a long capture can repeat a step thousands of times).
const maxWindowOccurrences = 4096

// stepHit is a step of an interaction seen at a time.
type stepHit struct {
	t    int64
	step int
}

// episode is one detection: the steps matched in order, from start to end.
type episode struct {
	start, end int64
	matched    int
}

// needed is how many of n steps a detection needs.
func needed(n int, share float64) int {
	return max(1, int(math.Ceil(share*float64(n)-1e-9)))
}

// detect finds the episodes of an interaction: windows of at most window
// ns in which at least need distinct steps occur in increasing step
// order. The longest such ordered subsequence is found with patience
// sorting; episodes do not overlap. best is the largest number of ordered
// steps seen in any window, detected or not.
func detect(hits []stepHit, window int64, need int) (eps []episode, best int) {
	slices.SortFunc(hits, func(a, b stepHit) int { return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.step, b.step)) })
	for i := 0; i < len(hits); {
		j := i
		for j < len(hits) && hits[j].t-hits[i].t <= window && j-i < maxWindowOccurrences {
			j++
		}
		chain := longestOrdered(hits[i:j])
		best = max(best, len(chain))
		if len(chain) < need {
			i++
			continue
		}
		last := hits[i+chain[len(chain)-1]].t
		eps = append(eps, episode{start: hits[i+chain[0]].t, end: last, matched: len(chain)})
		for i < len(hits) && hits[i].t <= last {
			i++
		}
	}
	return eps, best
}

// longestOrdered returns the indices of a longest subsequence of hits
// whose step numbers strictly increase.
func longestOrdered(hits []stepHit) []int {
	tails := []int{} // tails[k]: index of the smallest last step of an ordered run of length k+1
	parent := make([]int, len(hits))
	for i, h := range hits {
		k, _ := slices.BinarySearchFunc(tails, h.step, func(idx, step int) int { return cmp.Compare(hits[idx].step, step) })
		if k > 0 {
			parent[i] = tails[k-1]
		} else {
			parent[i] = -1
		}
		if k == len(tails) {
			tails = append(tails, i)
		} else {
			tails[k] = i
		}
	}
	if len(tails) == 0 {
		return nil
	}
	out := make([]int, len(tails))
	for k, i := len(tails)-1, tails[len(tails)-1]; k >= 0; k, i = k-1, parent[i] {
		out[k] = i
	}
	return out
}
