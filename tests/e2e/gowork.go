// gowork: a small Go program for gsched go's end-to-end test
// (tests/e2e/tui.sh, t_go_live) and the demos: CPU-bound, sleeping and
// syscall-blocking goroutines for a while, then it exits with status 3.
//
//	gowork [SECONDS] [BLOCKERS]
//
// The blockers sit in read(2) on pipes that nobody writes to (raw system
// calls, not the netpoller), so each holds a thread of its own: Go's
// threads= rises above GOMAXPROCS while they block.  It prints one line to
// standard output and one to standard error, which gsched go keeps apart
// from the trace.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"time"
)

func main() {
	secs, blockers := 4, 8
	if len(os.Args) > 1 {
		secs, _ = strconv.Atoi(os.Args[1])
	}
	if len(os.Args) > 2 {
		blockers, _ = strconv.Atoi(os.Args[2])
	}
	fmt.Println("gowork: on standard output")
	fmt.Fprintf(os.Stderr, "gowork: %d blockers, GOMAXPROCS %d\n", blockers, runtime.GOMAXPROCS(0))
	for i := 0; i < runtime.GOMAXPROCS(0); i++ {
		go func() {
			x := 0
			for {
				x++
			}
		}()
	}
	for i := 0; i < 16; i++ {
		go func() {
			for {
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	for i := 0; i < blockers; i++ {
		var p [2]int
		if err := syscall.Pipe(p[:]); err != nil {
			panic(err)
		}
		go func(fd int) {
			var b [1]byte
			syscall.Read(fd, b[:]) // blocks: nobody writes
		}(p[0])
	}
	time.Sleep(time.Duration(secs) * time.Second)
	fmt.Fprintln(os.Stderr, "gowork: done")
	os.Exit(3)
}
