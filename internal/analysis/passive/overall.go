package passive

import (
	"math"
	"sort"
)

// Metrics of a volume row, in the seed's column order (Frames, Bytes,
// TxFrames, TxBytes, RxFrames, RxBytes).
const numMetrics = 6

func (v *Volume) metrics() [numMetrics]int64 {
	return [numMetrics]int64{v.Frames, v.Bytes, v.TxFrames, v.TxBytes, v.RxFrames, v.RxBytes}
}

// OverallInput is one device's interval rows per scope, as
// calculate_overall_stats.py reads them from the three stats files.
type OverallInput struct {
	Key  string // the Device column
	Rows [numScopes][]Volume
}

// Stat is a column's mean and coefficient of variation. CoV is the sample
// standard deviation (ddof = 1, as pandas' .std()) over the mean; CoVZero
// marks the seed's integer 0 when the mean is 0; with a single row the
// standard deviation is NaN, and so is CoV.
type Stat struct {
	Avg     float64
	CoV     float64
	CoVZero bool
}

// OverallStats is one row of overall-stats.csv and overall-distribution.csv.
type OverallStats struct {
	Key    string
	Stats  [numScopes][numMetrics]Stat
	Totals [numScopes][numMetrics]int64
	// Rows is how many intervals each scope had (0: no file / no rows).
	Rows [numScopes]int
}

// ComputeOverall computes the statistics of every device, sorted by key
// (Python's str sort: by code point).
func ComputeOverall(in []OverallInput) []OverallStats {
	out := make([]OverallStats, 0, len(in))
	for _, d := range in {
		st := OverallStats{Key: d.Key}
		for s := 0; s < numScopes; s++ {
			rows := d.Rows[s]
			st.Rows[s] = len(rows)
			for m := 0; m < numMetrics; m++ {
				col := make([]int64, len(rows))
				for i := range rows {
					col[i] = rows[i].metrics()[m]
					st.Totals[s][m] += col[i]
				}
				if len(col) > 0 {
					st.Stats[s][m] = columnStat(col)
				}
			}
		}
		out = append(out, st)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// columnStat is pandas' mean and std(ddof=1) of an int64 column: the sum
// in float64 over the whole column, the squared deviations summed with
// numpy's pairwise summation, so that the last digits match the seed's.
func columnStat(col []int64) Stat {
	n := float64(len(col))
	vals := make([]float64, len(col))
	for i, v := range col {
		vals[i] = float64(v)
	}
	mean := pairwiseSum(vals) / n
	if mean == 0 {
		return Stat{Avg: mean, CoVZero: true}
	}
	if len(col) < 2 {
		return Stat{Avg: mean, CoV: math.NaN()}
	}
	sq := make([]float64, len(vals))
	for i, v := range vals {
		d := mean - v
		sq[i] = d * d
	}
	std := math.Sqrt(pairwiseSum(sq) / (n - 1))
	return Stat{Avg: mean, CoV: std / mean}
}

// pairwiseSum is numpy's pairwise_sum for float64 (blocks of 128 summed
// with an 8-way unrolled loop, halves combined recursively).
func pairwiseSum(a []float64) float64 {
	n := len(a)
	switch {
	case n < 8:
		res := 0.0
		for _, v := range a {
			res += v
		}
		return res
	case n <= 128:
		var r [8]float64
		copy(r[:], a[:8])
		i := 8
		for ; i < n-n%8; i += 8 {
			for j := 0; j < 8; j++ {
				r[j] += a[i+j]
			}
		}
		res := ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < n; i++ {
			res += a[i]
		}
		return res
	}
	n2 := n / 2
	n2 -= n2 % 8
	return pairwiseSum(a[:n2]) + pairwiseSum(a[n2:])
}

// OverallFromVolume turns a run's interval rows into the overall input,
// keyed by the Device column; devices never seen are left out (the seed
// would have no rows for them).
func OverallFromVolume(devs []DeviceVolume) []OverallInput {
	var out []OverallInput
	for i := range devs {
		d := &devs[i]
		if len(d.Rows[ScopeAll]) == 0 {
			continue
		}
		out = append(out, OverallInput{Key: d.Label, Rows: d.Rows})
	}
	return out
}
