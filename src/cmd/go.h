/*
 * go.h - `gsched go`: the visualizer, or --batch's lines, over a real Go
 * program's GODEBUG=schedtrace (go.c).
 */
#ifndef GSCHED_CMD_GO_H
#define GSCHED_CMD_GO_H

/* argv[0] is "go".  The exit status. */
int go_main(int argc, char **argv);

#endif /* GSCHED_CMD_GO_H */
