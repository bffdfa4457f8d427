/*
 * compare.h - `gsched compare KIND`: the same workload as N goroutines on gsched
 * and as one OS thread per task (pthreads), each side in its own forked child, and
 * a table of what each cost: wall time, peak threads, peak resident memory,
 * creation cost per task, switch cost, and the ratios; `gsched compare io`, three
 * ways to have N tasks wait for data in one table.  The program side uses only
 * the public <gsched.h>.
 */
#ifndef GSCHED_COMPARE_H
#define GSCHED_COMPARE_H

#include <stdio.h>

/*
 * Run `gsched compare KIND [-n N] [-d DURATION]` or `gsched compare io [-n N]`.
 * argv[0] is "compare".  Returns the exit status: 0 when the table was printed
 * (also when the thread-per-task side ran out of threads: that is a finding;
 * not for io, whose rows must all run whole), 1 if the goroutine side or an io
 * row failed, a child died or N is past the limits, 2 for a usage error.
 */
int compare_main(int argc, char **argv);

/* The usage lines, for `gsched --help`. */
void compare_usage(FILE *f);

#endif /* GSCHED_COMPARE_H */
