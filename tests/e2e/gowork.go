// gowork: a small Go program for gsched go's tests (tests/go.sh,
// tests/e2e/tui.sh's t_go_*) and demos/go-vs-gsched.sh: CPU-bound,
// sleeping and syscall-blocking goroutines for a while, then it exits with
// status 3.
//
//	gowork [SECONDS] [BLOCKERS] [NETWAITERS] [SPAWN]
//
// The blockers sit in read(2) on pipes that nobody writes to (raw system
// calls, not the netpoller), so each holds a thread of its own: Go's
// threads= rises above GOMAXPROCS while they block.  The network waiters
// read from loopback TCP connections nobody writes to: parked in the
// netpoller, they hold no thread.  SPAWN goroutines of about a millisecond
// of CPU each are started at once from one goroutine: its P's local queue
// (256) overflows into the global queue.  It prints one line to standard
// output and one to standard error, which gsched go keeps apart from the
// trace.
package main

import (
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"time"
)

func main() {
	secs, blockers, netwaiters, spawn := 4, 8, 0, 0
	arg := func(i int, v *int) {
		if len(os.Args) > i {
			*v, _ = strconv.Atoi(os.Args[i])
		}
	}
	arg(1, &secs)
	arg(2, &blockers)
	arg(3, &netwaiters)
	arg(4, &spawn)
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
	if netwaiters > 0 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			panic(err)
		}
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go func(c net.Conn) { // the server side: reads what never comes
					var b [1]byte
					c.Read(b[:])
				}(c)
			}
		}()
		for i := 0; i < netwaiters; i++ {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				panic(err)
			}
			go func(c net.Conn) {
				var b [1]byte
				c.Read(b[:]) // parked in the netpoller: nobody writes
			}(c)
		}
	}
	if spawn > 0 {
		go func() {
			for i := 0; i < spawn; i++ {
				go func() {
					end := time.Now().Add(time.Millisecond)
					for time.Now().Before(end) {
					}
				}()
			}
		}()
	}
	time.Sleep(time.Duration(secs) * time.Second)
	fmt.Fprintln(os.Stderr, "gowork: done")
	os.Exit(3)
}
