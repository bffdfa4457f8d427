// peer.go - the Go side of `gsched bench`: the same workloads, the same command
// line and the same output lines, written the idiomatic Go way, so that
// tests/bench/run-bench.sh can set libgsched next to Go's own scheduler.
//
//	go run peer.go bench spawn -n 1000 -p 2
//	go build -o peer peer.go && ./peer bench park --rounds 3
//
// Each round prints one line: <workload> <value> <unit> key=value ...
//
// Standard library only; builds with Go 1.19.  The workloads are one table
// (workloads below), in step with benchtab in src/bench.c: a new workload is one
// function and one entry in both.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	maxN        = 1000000000 // -n, before the workload's own limit
	maxProcs    = 256
	maxRounds   = 1000
	maxDuration = 24 * time.Hour
)

type options struct {
	n        int64         // -n: goroutines, switches or round trips
	procs    int           // -p: GOMAXPROCS; 0 = Go's default
	duration time.Duration // -d: for timed workloads (none yet)
	rounds   int           // --rounds
}

type workload struct {
	name     string
	unit     string
	what     string
	defaultN int64
	maxN     int64
	procs    int // GOMAXPROCS forced for this workload; 0 = -p
	// run does one round and returns its output line (without the newline).
	run func(w *workload, o *options) (string, error)
}

var workloads = []*workload{
	{name: "spawn", unit: "ns/goroutine", what: "spawn N empty goroutines and wait for them",
		defaultN: 1000000, maxN: 100000000, run: benchSpawn},
	{name: "yield", unit: "ns/switch", what: "two goroutines runtime.Gosched N times each, on one P",
		defaultN: 10000000, maxN: maxN, procs: 1, run: benchYield},
	{name: "pingpong", unit: "ns/roundtrip", what: "N round trips over two unbuffered channels",
		defaultN: 1000000, maxN: maxN, run: benchPingpong},
	{name: "park", unit: "bytes/goroutine", what: "N goroutines block on one channel: memory, start time",
		defaultN: 1000000, maxN: 10000000, run: benchPark},
}

// perTask formats the line of spawn, yield and pingpong.
func perTask(w *workload, o *options, elapsed time.Duration, ops int64) string {
	ns := float64(elapsed.Nanoseconds()) / float64(ops)
	return fmt.Sprintf("%s %.1f %s n=%d procs=%d", w.name, ns, w.unit, o.n, runtime.GOMAXPROCS(0))
}

// spawn: go func() { wg.Done() }() N times from the main goroutine, then wg.Wait().
func benchSpawn(w *workload, o *options) (string, error) {
	var wg sync.WaitGroup
	start := time.Now()
	wg.Add(int(o.n))
	for i := int64(0); i < o.n; i++ {
		go func() { wg.Done() }()
	}
	wg.Wait()
	return perTask(w, o, time.Since(start), o.n), nil
}

// yield: two goroutines call runtime.Gosched N times each; ns/switch = elapsed/2N.
func benchYield(w *workload, o *options) (string, error) {
	var wg sync.WaitGroup
	start := time.Now()
	wg.Add(2)
	for k := 0; k < 2; k++ {
		go func() {
			for i := int64(0); i < o.n; i++ {
				runtime.Gosched()
			}
			wg.Done()
		}()
	}
	wg.Wait()
	return perTask(w, o, time.Since(start), 2*o.n), nil
}

// pingpong: N round trips; the ponger sends back each value plus one.
func benchPingpong(w *workload, o *options) (string, error) {
	var wg sync.WaitGroup
	ping := make(chan int64)
	pong := make(chan int64)
	var sum int64

	start := time.Now()
	wg.Add(2)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		wg.Done()
	}()
	go func() {
		var s int64
		for i := int64(0); i < o.n; i++ {
			ping <- i
			s += <-pong
		}
		sum = s
		close(ping)
		wg.Done()
	}()
	wg.Wait()
	elapsed := time.Since(start)
	if sum != o.n*(o.n+1)/2 {
		return "", errors.New("pingpong: the values that came back do not add up")
	}
	return perTask(w, o, elapsed, o.n), nil
}

// park: N goroutines block receiving on one channel; memory per goroutine and the
// time until all are parked, then close the channel and wait for all to exit.
func benchPark(w *workload, o *options) (string, error) {
	var wg sync.WaitGroup
	var parked int64
	wake := make(chan struct{})

	rss0, err := procStatus("VmRSS:")
	if err != nil {
		return "", err
	}
	start := time.Now()
	wg.Add(int(o.n))
	for i := int64(0); i < o.n; i++ {
		go func() {
			atomic.AddInt64(&parked, 1)
			<-wake
			wg.Done()
		}()
	}
	for atomic.LoadInt64(&parked) < o.n {
		runtime.Gosched()
	}
	startS := time.Since(start).Seconds()
	rss1, err := procStatus("VmRSS:")
	if err != nil {
		return "", err
	}
	threads, err := procStatus("Threads:")
	if err != nil {
		return "", err
	}
	close(wake)
	wg.Wait()
	totalS := time.Since(start).Seconds()

	bytesPer := (rss1 - rss0) * 1024 / o.n
	return fmt.Sprintf("%s %d %s n=%d start_s=%.3f total_s=%.3f threads=%d",
		w.name, bytesPer, w.unit, o.n, startS, totalS, threads), nil
}

// procStatus returns the number after key ("VmRSS:" in kB, "Threads:") in
// /proc/self/status.
func procStatus(key string) (int64, error) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, key) {
			fields := strings.Fields(line[len(key):])
			if len(fields) > 0 {
				return strconv.ParseInt(fields[0], 10, 64)
			}
		}
	}
	return 0, fmt.Errorf("no %s in /proc/self/status", key)
}

// ---- command line ------------------------------------------------------------

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...interface{}) error {
	return usageError{fmt.Sprintf(format, a...)}
}

func lookup(name string) *workload {
	for _, w := range workloads {
		if w.name == name {
			return w
		}
	}
	return nil
}

func workloadNames() string {
	names := make([]string, len(workloads))
	for i, w := range workloads {
		names[i] = w.name
	}
	return strings.Join(names, ", ")
}

func usage() {
	fmt.Print("Usage: peer bench WORKLOAD [-n N] [-p PROCS] [-d DURATION] [--rounds R]\n\n" +
		"Prints one line per round: <workload> <value> <unit> key=value ...\n\n" +
		"Workloads (default n):\n")
	for _, w := range workloads {
		fmt.Printf("  %-9s %-54s n=%d\n", w.name, w.what, w.defaultN)
	}
	fmt.Print("\nOptions:\n" +
		"  -n N               goroutines, switches or round trips\n" +
		"  -p, --procs P      GOMAXPROCS, 1..256 (yield always 1)\n" +
		"  -d, --duration D   run time of timed workloads, e.g. 250us 100ms 1s 2m\n" +
		"  --rounds R         repeat R times, one line each (default 1)\n")
}

// parseInt reads a whole decimal integer in [min, max] (no '+', no spaces).
func parseInt(s string, min, max int64) (int64, bool) {
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || digits[0] < '0' || digits[0] > '9' {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < min || v > max {
		return 0, false
	}
	return v, true
}

var durationRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h)$`)

func parseDuration(s string) (time.Duration, bool) {
	if !durationRE.MatchString(s) {
		return 0, false
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 || d > maxDuration {
		return 0, false
	}
	return d, true
}

type optSpec struct {
	short  byte   // 0: long only
	long   string // "": short only
	hasArg bool
}

var optSpecs = []optSpec{
	{'n', "", true},
	{'p', "procs", true},
	{'d', "duration", true},
	{0, "rounds", true},
	{'h', "help", false},
}

// parseBench parses the arguments after "bench"; it returns nil options for --help.
func parseBench(args []string) (*workload, *options, error) {
	o := &options{rounds: 1}
	var w *workload
	optsDone := false

	for i := 0; i < len(args); i++ {
		arg := args[i]
		if !optsDone && arg == "--" {
			optsDone = true
			continue
		}
		if optsDone || !strings.HasPrefix(arg, "-") || arg == "-" {
			if w != nil {
				return nil, nil, usagef("unexpected argument '%s'", arg)
			}
			if w = lookup(arg); w == nil {
				return nil, nil, usagef("unknown workload '%s' (%s)", arg, workloadNames())
			}
			continue
		}

		var spec *optSpec
		var spelled, value string
		hasValue := false
		if strings.HasPrefix(arg, "--") {
			spelled = arg
			if eq := strings.IndexByte(arg, '='); eq >= 0 {
				spelled, value, hasValue = arg[:eq], arg[eq+1:], true
			}
			for k := range optSpecs {
				if optSpecs[k].long != "" && "--"+optSpecs[k].long == spelled {
					spec = &optSpecs[k]
				}
			}
			if spelled == "--stack" {
				return nil, nil, usagef("option '--stack' is not supported by the Go peer " +
					"(Go sizes goroutine stacks itself)")
			}
		} else {
			spelled = arg[:2]
			if len(arg) > 2 {
				value, hasValue = arg[2:], true
			}
			for k := range optSpecs {
				if optSpecs[k].short == arg[1] {
					spec = &optSpecs[k]
				}
			}
		}
		if spec == nil {
			return nil, nil, usagef("unknown option '%s'", spelled)
		}
		if !spec.hasArg {
			if hasValue {
				return nil, nil, usagef("option '%s' takes no value", spelled)
			}
			return nil, nil, nil // --help
		}
		if !hasValue {
			if i+1 >= len(args) {
				return nil, nil, usagef("option '%s' needs a value", spelled)
			}
			i++
			value = args[i]
		}

		switch {
		case spec.short == 'n':
			v, ok := parseInt(value, 1, maxN)
			if !ok {
				return nil, nil, usagef("invalid count '%s' for %s: expected an integer from 1 to %d",
					value, spelled, maxN)
			}
			o.n = v
		case spec.short == 'p':
			v, ok := parseInt(value, 1, maxProcs)
			if !ok {
				return nil, nil, usagef("invalid GOMAXPROCS '%s' for %s: expected an integer from 1 to %d",
					value, spelled, maxProcs)
			}
			o.procs = int(v)
		case spec.short == 'd':
			d, ok := parseDuration(value)
			if !ok {
				return nil, nil, usagef("invalid duration '%s' for %s: expected e.g. 250us, 100ms, 1s or 2m (at most 24h)",
					value, spelled)
			}
			o.duration = d
		case spec.long == "rounds":
			v, ok := parseInt(value, 1, maxRounds)
			if !ok {
				return nil, nil, usagef("invalid round count '%s' for %s: expected an integer from 1 to %d",
					value, spelled, maxRounds)
			}
			o.rounds = int(v)
		}
	}
	if w == nil {
		return nil, nil, usagef("bench needs a workload (%s)", workloadNames())
	}
	if o.n == 0 {
		o.n = w.defaultN
	}
	if o.n > w.maxN {
		return nil, nil, usagef("-n %d is too large for %s (at most %d)", o.n, w.name, w.maxN)
	}
	return w, o, nil
}

func fail(err error) {
	if _, ok := err.(usageError); ok {
		fmt.Fprintf(os.Stderr, "peer: %v\nTry 'peer --help'.\n", err)
		os.Exit(2)
	}
	fmt.Fprintf(os.Stderr, "peer: %v\n", err)
	os.Exit(1)
}

func main() {
	args := os.Args[1:]
	switch {
	case len(args) == 0:
		fail(usagef("missing command: bench"))
	case args[0] == "-h" || args[0] == "--help":
		usage()
		return
	case args[0] != "bench":
		if strings.HasPrefix(args[0], "-") {
			fail(usagef("unknown option '%s'", args[0]))
		}
		fail(usagef("unknown command '%s'", args[0]))
	}

	w, o, err := parseBench(args[1:])
	if err != nil {
		fail(err)
	}
	if w == nil {
		usage()
		return
	}
	switch {
	case w.procs != 0:
		runtime.GOMAXPROCS(w.procs)
	case o.procs != 0:
		runtime.GOMAXPROCS(o.procs)
	}

	out := bufio.NewWriter(os.Stdout)
	for r := 0; r < o.rounds; r++ {
		line, err := w.run(w, o)
		if err != nil {
			out.Flush()
			fail(fmt.Errorf("bench %s: %v", w.name, err))
		}
		fmt.Fprintln(out, line)
		if err := out.Flush(); err != nil {
			fail(err)
		}
	}
}
