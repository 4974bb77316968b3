// Command measure runs another command and prints its wall time and peak
// resident memory (from the kernel's rusage of the child), as one
// tab-separated line: label, seconds, peak RSS in MB, exit code. It exists
// so bench/compare.sh needs no GNU time.
//
//	go run ./bench/measure LABEL -- CMD ARGS...
package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 4 || os.Args[2] != "--" {
		fmt.Fprintln(os.Stderr, "usage: measure LABEL -- CMD ARGS...")
		os.Exit(2)
	}
	label := os.Args[1]
	cmd := exec.Command(os.Args[3], os.Args[4:]...)
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
	fmt.Printf("%s\t%.3f\t%.1f\t%d\n", label, elapsed.Seconds(), rssMB, code)
}
