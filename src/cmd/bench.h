/*
 * bench.h - `gsched bench`: micro-benchmarks of the scheduler's hot paths (spawn,
 * yield, channel hand-off, parking), each printing one line per round in a format
 * that tests/bench/peer.go prints too, so the two can be compared field by field:
 *
 *	<workload> <value> <unit> key=value ...
 *
 * The program side uses only the public <gsched.h>.
 */
#ifndef GSCHED_BENCH_H
#define GSCHED_BENCH_H

#include <stdio.h>

/*
 * Run `gsched bench WORKLOAD [options]`.  argv[0] is "bench".  Returns the process
 * exit status: 0 on success, 1 if a round failed, 2 for a usage error (already
 * reported on stderr).
 */
int bench_main(int argc, char **argv);

/* Print the workload table, one indented line each (name, what, default n), to f. */
void bench_list(FILE *f);

/* Print the options `gsched bench` takes, one indented line each, to f. */
void bench_options(FILE *f);

#endif /* GSCHED_BENCH_H */
