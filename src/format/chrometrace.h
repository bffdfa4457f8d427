/*
 * chrometrace.h - the Chrome trace event format (JSON object form) from the event
 * stream and snapshots, for chrome://tracing, Perfetto (ui.perfetto.dev) and
 * trace_processor:
 *
 *   process 1 "Ps": one track (thread) per P, named "P<n>": goroutine run
 *     slices ("B" and "E", from GS_EV_RUN to the matching GS_EV_STOP, named
 *     "G<id> <label>"), instants ("i") for steal, handoff, retake, preempt,
 *     timer_fire, netpoll_wake; procresize as a global instant; flows ("s"/"f")
 *     from victim to thief for steals; counters ("C") threads, runqueue, runq
 *     (one series per P) and goroutines, from the snapshots.
 *   process 2 "Ms": one track per M, named "M<id>": system call slices ("B"
 *     and "E", syscall_enter to syscall_exit), instants m_create, m_park, m_wake and
 *     handoff (on the M giving the P up), flows from that M to the next.
 *
 * Timestamps are microseconds since the runtime started, with nanosecond
 * decimals, printed exactly from integers; displayTimeUnit is "ns".  A slice's
 * E and the next B on its track print the same or ordered numbers, so that no
 * two slices of a track overlap once read as doubles.  A time before the
 * start is written as the start; one further than tick.h's TICK_SPAN_NS from
 * it stops the trace (the tick callback returns 1 after saying so on
 * stderr).
 */
#ifndef GSCHED_TRACE_H
#define GSCHED_TRACE_H

#include <stdbool.h>

#include "format/tick.h"

typedef struct chrometrace_writer chrometrace_writer;

/* Open path for writing.  NULL with a message in err. */
chrometrace_writer *chrometrace_open(const char *path, char *err, size_t errsize);
/* The sink writing the trace; its end callback finishes and closes the file
 * (chrometrace_free still has to be called). */
tick_sink chrometrace_sink(chrometrace_writer *w);
/* Whether the trace is a whole JSON document: its end was written and the
 * file closed without an error.  Otherwise it is incomplete. */
bool chrometrace_finished(const chrometrace_writer *w);
/* Free (closing the file if the end never came: it is then incomplete). */
void chrometrace_free(chrometrace_writer *w);

#endif /* GSCHED_TRACE_H */
