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
// (workloads below), in step with benchtab in src/cmd/bench.c: a new workload is one
// function and one entry in both.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

const (
	maxN        = 1000000000 // -n, before the workload's own limit
	maxProcs    = 256
	maxRounds   = 1000
	maxDuration = 24 * time.Hour
)

type options struct {
	n        int64         // -n: goroutines, switches, round trips or iterations
	procs    int           // -p: GOMAXPROCS; 0 = Go's default
	duration time.Duration // -d: sleep or wait; the workload's default if not given
	rounds   int           // --rounds
}

type workload struct {
	name     string
	unit     string
	what     string
	defaultN int64
	maxN     int64
	defaultD time.Duration // -d when not given; 0: takes no -d
	procs    int           // GOMAXPROCS forced for this workload; 0 = -p
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
	{name: "sleep", unit: "s_wall", what: "N goroutines time.Sleep for D at once (default 1s)",
		defaultN: 100000, maxN: 10000000, defaultD: time.Second, run: benchSleep},
	{name: "syscallblock", unit: "s_wall", what: "N goroutines block in nanosleep(2) for D (default 100ms)",
		defaultN: 1000, maxN: 5000, defaultD: 100 * time.Millisecond, run: benchSyscallBlock},
	{name: "netwait", unit: "s_wall", what: "N goroutines read TCP, answered after D (default 100ms)",
		defaultN: 1000, maxN: 100000, defaultD: 100 * time.Millisecond, run: benchNetwait},
	{name: "cpu", unit: "s_wall", what: "8 goroutines each sum 0..N in a loop",
		defaultN: 100000000, maxN: maxN, run: benchCPU},
	{name: "uneven", unit: "s_wall", what: "1000 goroutines from one: 100 sum 0..N, 900 sleep 1ms",
		defaultN: 10000000, maxN: maxN, run: benchUneven},
	{name: "webserver", unit: "s_wall", what: "N goroutines each sleep 10, 20 and 5 ms in turn",
		defaultN: 10000, maxN: 10000000, run: benchWebserver},
	{name: "setprocs", unit: "us/change", what: "change GOMAXPROCS N times from a goroutine, 4 busy beside",
		defaultN: 200, maxN: 100000, run: benchSetprocs},
	{name: "idle", unit: "wakeups/s", what: "main sleeps for D (default 2s): threads' wake-ups per second",
		defaultN: 1, maxN: 1, defaultD: 2 * time.Second, run: benchIdle},
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

// ---- peak threads: a goroutine samples /proc/self/status every ~1 ms ---------

type threadSampler struct {
	stop chan struct{}
	done chan struct{}
	peak int64
	err  error
}

func (ts *threadSampler) sample() {
	n, err := procStatus("Threads:")
	if err != nil {
		ts.err = err
		return
	}
	if n > ts.peak {
		ts.peak = n
	}
}

func startSampler() *threadSampler {
	ts := &threadSampler{stop: make(chan struct{}), done: make(chan struct{})}
	ts.sample()
	go func() {
		defer close(ts.done)
		for {
			select {
			case <-ts.stop:
				ts.sample()
				return
			default:
			}
			ts.sample()
			time.Sleep(time.Millisecond)
		}
	}()
	return ts
}

// finish stops the sampler and returns the most threads it saw.
func (ts *threadSampler) finish() (int64, error) {
	close(ts.stop)
	<-ts.done
	return ts.peak, ts.err
}

// firstError keeps the first error that goroutines report.
type firstError struct {
	mu  sync.Mutex
	err error
}

func (f *firstError) set(err error) {
	f.mu.Lock()
	if f.err == nil {
		f.err = err
	}
	f.mu.Unlock()
}

func (f *firstError) get() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// fmtDuration prints d in the largest unit that divides it (1s, 100ms, 250us,
// 1500ns), as fmt_duration in src/cmd/bench.c does.
func fmtDuration(d time.Duration) string {
	switch {
	case d%time.Second == 0:
		return fmt.Sprintf("%ds", d/time.Second)
	case d%time.Millisecond == 0:
		return fmt.Sprintf("%dms", d/time.Millisecond)
	case d%time.Microsecond == 0:
		return fmt.Sprintf("%dus", d/time.Microsecond)
	}
	return fmt.Sprintf("%dns", int64(d))
}

// sleep: N goroutines time.Sleep(D) at once; overhead is the wall time past D.
func benchSleep(w *workload, o *options) (string, error) {
	var wg sync.WaitGroup
	ts := startSampler()
	start := time.Now()
	wg.Add(int(o.n))
	for i := int64(0); i < o.n; i++ {
		go func() {
			time.Sleep(o.duration)
			wg.Done()
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	threads, err := ts.finish()
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s %.3f %s n=%d sleep=%s overhead_ms=%.1f threads=%d",
		w.name, wall.Seconds(), w.unit, o.n, fmtDuration(o.duration),
		float64(wall-o.duration)/float64(time.Millisecond), threads), nil
}

// syscallblock: N goroutines block in a real nanosleep system call for D (not
// time.Sleep): each holds its thread, and sysmon hands its P to another.
func benchSyscallBlock(w *workload, o *options) (string, error) {
	var wg sync.WaitGroup
	var firstErr firstError
	ts := startSampler()
	start := time.Now()
	wg.Add(int(o.n))
	for i := int64(0); i < o.n; i++ {
		go func() {
			defer wg.Done()
			req := syscall.NsecToTimespec(int64(o.duration))
			for {
				var rem syscall.Timespec
				err := syscall.Nanosleep(&req, &rem)
				if err == syscall.EINTR {
					req = rem
					continue
				}
				if err != nil {
					firstErr.set(err)
				}
				return
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	threads, err := ts.finish()
	if err != nil {
		return "", err
	}
	if err := firstErr.get(); err != nil {
		return "", fmt.Errorf("nanosleep: %v", err)
	}
	return fmt.Sprintf("%s %.3f %s n=%d block=%s peak_threads=%d procs=%d",
		w.name, wall.Seconds(), w.unit, o.n, fmtDuration(o.duration), threads,
		runtime.GOMAXPROCS(0)), nil
}

// netwait: N goroutines each read one byte from a loopback TCP connection; one
// writer sleeps D, then writes a byte to the other end of every connection.
// The connections are set up first; the time runs from spawning the readers
// until every one has its byte.
func benchNetwait(w *workload, o *options) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	clients := make([]net.Conn, 0, o.n)
	servers := make([]net.Conn, 0, o.n)
	defer func() {
		for _, c := range clients {
			c.Close()
		}
		for _, c := range servers {
			c.Close()
		}
	}()
	for i := int64(0); i < o.n; i++ {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			return "", err
		}
		clients = append(clients, c)
		s, err := ln.Accept()
		if err != nil {
			return "", err
		}
		servers = append(servers, s)
	}

	var readers, writer sync.WaitGroup
	var firstErr firstError
	ts := startSampler()
	start := time.Now()
	readers.Add(len(clients))
	for _, c := range clients {
		go func(c net.Conn) {
			defer readers.Done()
			var b [1]byte
			if _, err := io.ReadFull(c, b[:]); err != nil {
				firstErr.set(err)
			}
		}(c)
	}
	writer.Add(1)
	go func() {
		defer writer.Done()
		time.Sleep(o.duration)
		for _, s := range servers {
			if _, err := s.Write([]byte{'x'}); err != nil {
				firstErr.set(err)
				s.Close() // the reader gets EOF instead of waiting for ever
			}
		}
	}()
	readers.Wait()
	wall := time.Since(start)
	writer.Wait()
	threads, err := ts.finish()
	if err != nil {
		return "", err
	}
	if err := firstErr.get(); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s %.3f %s n=%d wait=%s peak_threads=%d procs=%d",
		w.name, wall.Seconds(), w.unit, o.n, fmtDuration(o.duration), threads,
		runtime.GOMAXPROCS(0)), nil
}

const (
	cpuWorkers  = 8
	unevenTotal = 1000
	unevenHeavy = 100
)

// sumTo adds 0..n-1 one at a time; Go's compiler neither folds nor vectorizes
// the loop, and it calls nothing, so only asynchronous preemption stops it.
//
//go:noinline
func sumTo(n int64) int64 {
	var s int64
	for i := int64(0); i < n; i++ {
		s += i
	}
	return s
}

// cpu: 8 goroutines each sum 0..N.
func benchCPU(w *workload, o *options) (string, error) {
	var wg sync.WaitGroup
	var wrong int32
	start := time.Now()
	wg.Add(cpuWorkers)
	for k := 0; k < cpuWorkers; k++ {
		go func() {
			if sumTo(o.n) != o.n*(o.n-1)/2 {
				atomic.AddInt32(&wrong, 1)
			}
			wg.Done()
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	if wrong != 0 {
		return "", errors.New("cpu: a worker's sum came out wrong")
	}
	return fmt.Sprintf("%s %.3f %s workers=%d iters=%d procs=%d",
		w.name, wall.Seconds(), w.unit, cpuWorkers, o.n, runtime.GOMAXPROCS(0)), nil
}

// uneven: the main goroutine spawns 1000: the first 100 sum 0..N, the rest sleep 1 ms.
func benchUneven(w *workload, o *options) (string, error) {
	var wg sync.WaitGroup
	var wrong int32
	start := time.Now()
	wg.Add(unevenTotal)
	for k := 0; k < unevenTotal; k++ {
		if k < unevenHeavy {
			go func() {
				if sumTo(o.n) != o.n*(o.n-1)/2 {
					atomic.AddInt32(&wrong, 1)
				}
				wg.Done()
			}()
		} else {
			go func() {
				time.Sleep(time.Millisecond)
				wg.Done()
			}()
		}
	}
	wg.Wait()
	wall := time.Since(start)
	if wrong != 0 {
		return "", errors.New("uneven: a heavy goroutine's sum came out wrong")
	}
	return fmt.Sprintf("%s %.3f %s total=%d heavy=%d iters=%d procs=%d",
		w.name, wall.Seconds(), w.unit, unevenTotal, unevenHeavy, o.n, runtime.GOMAXPROCS(0)), nil
}

// webserver: N requests, each sleeps 10, 20 and 5 ms in turn (35 ms ideal).
func benchWebserver(w *workload, o *options) (string, error) {
	const ideal = 35 * time.Millisecond
	var wg sync.WaitGroup
	ts := startSampler()
	start := time.Now()
	wg.Add(int(o.n))
	for i := int64(0); i < o.n; i++ {
		go func() {
			time.Sleep(10 * time.Millisecond)
			time.Sleep(20 * time.Millisecond)
			time.Sleep(5 * time.Millisecond)
			wg.Done()
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	threads, err := ts.finish()
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s %.3f %s n=%d ideal_s=%.3f threads=%d",
		w.name, wall.Seconds(), w.unit, o.n, ideal.Seconds(), threads), nil
}

// setprocs: 4 goroutines spin while the main goroutine, N times, sleeps 1 ms and
// then changes GOMAXPROCS between P and P+1 (P-1 at 256); the median time the
// call takes.
func benchSetprocs(w *workload, o *options) (string, error) {
	const busy = 4
	var stop int32
	var wg sync.WaitGroup
	base := runtime.GOMAXPROCS(0)
	other := base + 1
	if base == maxProcs {
		other = base - 1
	}
	wg.Add(busy)
	for k := 0; k < busy; k++ {
		go func() {
			for atomic.LoadInt32(&stop) == 0 {
				sumTo(100000)
			}
			wg.Done()
		}()
	}
	samples := make([]time.Duration, o.n)
	for i := range samples {
		time.Sleep(time.Millisecond)
		p := base
		if i%2 == 0 {
			p = other
		}
		start := time.Now()
		runtime.GOMAXPROCS(p)
		samples[i] = time.Since(start)
	}
	atomic.StoreInt32(&stop, 1)
	wg.Wait()
	sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
	us := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }
	return fmt.Sprintf("%s %.1f %s n=%d busy=%d tail_us=%.1f procs=%d", w.name,
		us(samples[len(samples)/2]), w.unit, o.n, busy, us(samples[len(samples)*9/10]),
		base), nil
}

// idle: the main goroutine sleeps for D; the wake-ups are the
// voluntary_ctxt_switches of every thread (/proc/self/task/<tid>/status) over D,
// per second, after 200 ms for start-up to settle.
func benchIdle(w *workload, o *options) (string, error) {
	time.Sleep(200 * time.Millisecond)
	c0, err := taskStatusSum("voluntary_ctxt_switches:")
	if err != nil {
		return "", err
	}
	start := time.Now()
	time.Sleep(o.duration)
	c1, err := taskStatusSum("voluntary_ctxt_switches:")
	if err != nil {
		return "", err
	}
	wall := time.Since(start)
	threads, err := procStatus("Threads:")
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s %.1f %s sleep=%s threads=%d procs=%d", w.name,
		float64(c1-c0)/wall.Seconds(), w.unit, fmtDuration(o.duration), threads,
		runtime.GOMAXPROCS(0)), nil
}

// taskStatusSum is procStatus summed over every thread of the process; a thread
// that exits while it is read adds nothing.
func taskStatusSum(key string) (int64, error) {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return 0, err
	}
	var sum int64
	for _, t := range tasks {
		if v, err := statusField("/proc/self/task/"+t.Name()+"/status", key); err == nil {
			sum += v
		}
	}
	return sum, nil
}

// procStatus returns the number after key ("VmRSS:" in kB, "Threads:") in
// /proc/self/status.
func procStatus(key string) (int64, error) {
	return statusField("/proc/self/status", key)
}

// statusField returns the number after key in a status file of /proc.
func statusField(path, key string) (int64, error) {
	data, err := os.ReadFile(path)
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
	return 0, fmt.Errorf("no %s in %s", key, path)
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
		fmt.Printf("  %-12s %-56s n=%d\n", w.name, w.what, w.defaultN)
	}
	fmt.Print("\nOptions:\n" +
		"  -n N               goroutines, switches, round trips or loop iterations\n" +
		"  -p, --procs P      GOMAXPROCS, 1..256 (yield always 1)\n" +
		"  -d, --duration D   sleep or wait of sleep, syscallblock, netwait (default: per\n" +
		"                     workload), e.g. 250us 100ms 1s 2m\n" +
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
	if o.duration == 0 {
		o.duration = w.defaultD
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
