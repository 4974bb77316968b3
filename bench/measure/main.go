// Command measure runs another command and prints its wall time and peak
// resident memory (from the kernel's rusage of the child), as one
// tab-separated line: label, seconds, peak RSS in MB, exit code. It exists
// so bench/compare.sh needs no GNU time. With MEASURE_RUNS=N it runs the
// command N times and reports the fastest run (sub-second timings on a shared
// machine are noisy; the minimum is the standard robust estimate). With
// MEASURE_FRESH=DIR it removes DIR before every run, outside the timing, so
// a command that writes a folder tree is timed writing it anew each time.
//
//	go run ./bench/measure LABEL -- CMD ARGS...
package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 4 || os.Args[2] != "--" {
		fmt.Fprintln(os.Stderr, "usage: measure LABEL -- CMD ARGS...")
		os.Exit(2)
	}
	label := os.Args[1]
	runs, _ := strconv.Atoi(os.Getenv("MEASURE_RUNS"))
	best, bestRSS, code := 0.0, 0.0, 0
	fresh := os.Getenv("MEASURE_FRESH")
	for i := 0; i < max(runs, 1); i++ {
		if fresh != "" {
			if err := os.RemoveAll(fresh); err != nil {
				fmt.Fprintln(os.Stderr, "measure:", err)
				os.Exit(2)
			}
		}
		sec, rss, c := runOnce(os.Args[3], os.Args[4:])
		if i == 0 || sec < best {
			best = sec
		}
		bestRSS = max(bestRSS, rss)
		code = max(code, c)
	}
	fmt.Printf("%s\t%.3f\t%.1f\t%d\n", label, best, bestRSS, code)
}

// runOnce runs the command once: wall seconds, peak RSS in MB, exit code.
func runOnce(name string, args []string) (float64, float64, int) {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = nil, os.Stderr
	if devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		cmd.Stdout = devnull
		defer devnull.Close()
	}
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	code := 0
	if err != nil {
		code = 1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else {
			fmt.Fprintln(os.Stderr, "measure:", err)
		}
	}
	var rssMB float64
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rssMB = float64(ru.Maxrss) / 1024 // Linux reports KiB
		}
	}
	return elapsed.Seconds(), rssMB, code
}
