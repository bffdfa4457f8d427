/*
 * view_render.c - the view model's entry points: view_render paints a
 * view_screen from the model (view.c) and the view's settings, choosing the
 * page; view_scroll_max tells the front end how far a page scrolls.  Pure: no
 * curses, no clock, no I/O.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/view_model.h"

/* ---- entry points -------------------------------------------------------------------- */

static bool
too_small(const view_state *v)
{
	return v->width < VIEW_MIN_WIDTH || v->height < VIEW_MIN_HEIGHT;
}

int
view_scroll_max(const view_model *m, const view_state *v)
{
	rc r = { .v = v, .m = m, .w = v->width, .h = v->height };
	int total = 0, vis = 0;

	if (m == NULL || v == NULL || too_small(v))
		return 0;
	switch (v->mode) {
	case VIEW_HELP:
		total = view__help_count(&r);
		vis = v->height - 2;
		break;
	case VIEW_GLIST:
		view__glist(m, v, &total, NULL);
		vis = v->height - 4;
		break;
	case VIEW_PDETAIL:
		if (m->have_snap && v->focus_p >= 0 && v->focus_p < m->snap.np) {
			int cols;
			total =
			    view__pdetail_rows(&r, (int)m->snap.p[v->focus_p].runq_listed, &cols);
			vis = view__pdetail_visible(&r);
		}
		break;
	default:
		break;
	}
	return total - vis > 0 ? total - vis : 0;
}

/* The whole-log page's first and last lines shown (indexes), as painted. */
static void
log_page_shown(const view_model *m, const view_state *v, int *first, int *last)
{
	rc r = { .v = v, .m = m, .w = 0, .h = 0 }; /* paints nothing: no cells */

	view__log_paint(&r, 1, view__log_page_rows(v), 0, v->width, true, first, last);
}

/* The shown line dir (-1, +1) lines from index i; -1 if none. */
static int
log_next(const view_model *m, const view_gquery *f, int i, int dir)
{
	for (i += dir; i >= 0 && i < m->log_len; i += dir)
		if (view__log_shows(view__log_line(m, i), f))
			return i;
	return -1;
}

/*
 * Moves: the main view's panel moves by lines from its bottom line; the
 * whole-log page moves from what it shows (which is top-aligned when it all
 * fits), by lines or by pages of its rows.
 */
void
view_log_move(const view_model *m, view_state *v, view_logmove how)
{
	int first = -1, b, rows;
	const view_gquery *f;

	if (m == NULL || v == NULL)
		return;
	f = view__log_query(v, NULL);
	{
		view_state held = *v; /* the rows of the page once it is held */
		held.log_at = 1;
		rows = view__log_page_rows(&held);
	}
	if (how == VIEW_LOG_FOLLOW || m->log_len == 0) {
		view__log_hold(m, v, -1);
		return;
	}
	if (v->mode == VIEW_LOG && !too_small(v))
		log_page_shown(m, v, &first, &b);
	else
		b = view__log_bottom(m, v);
	if (b < 0)
		return;
	switch (how) {
	case VIEW_LOG_UP: {
		int p = log_next(m, f, b, -1);
		view__log_hold(m, v, p >= 0 ? p : b);
		break;
	}
	case VIEW_LOG_DOWN:
		if (v->log_at != 0)
			view__log_hold(m, v, log_next(m, f, b, 1));
		break;
	case VIEW_LOG_PAGE_UP: {
		/* The line at the top becomes the bottom one when it shows only
		 * in part, else the one above it does. */
		int used = 0, top = b;
		for (int i = b; i >= 0 && used < rows; i = log_next(m, f, i, -1)) {
			used += view__log_rows(view__log_line(m, i), 0, v->width);
			top = i;
		}
		int p = used > rows ? top : log_next(m, f, top, -1);
		view__log_hold(m, v, p >= 0 ? p : top);
		break;
	}
	case VIEW_LOG_PAGE_DOWN: {
		if (v->log_at == 0)
			break;
		int used = 0, nb = -1;
		for (int i = log_next(m, f, b, 1); i >= 0; i = log_next(m, f, i, 1)) {
			used += view__log_rows(view__log_line(m, i), 0, v->width);
			if (used > rows && nb >= 0)
				break;
			nb = i;
		}
		/* On to the newest: follow it again. */
		view__log_hold(m, v, nb >= 0 && log_next(m, f, nb, 1) >= 0 ? nb : -1);
		break;
	}
	case VIEW_LOG_TOP: {
		/* The oldest line at the top, and as many after it as fill a page. */
		int used = 0, nb = -1;
		for (int i = log_next(m, f, -1, 1); i >= 0; i = log_next(m, f, i, 1)) {
			used += view__log_rows(view__log_line(m, i), 0, v->width);
			if (used > rows && nb >= 0)
				break;
			nb = i;
		}
		if (nb >= 0)
			view__log_hold(m, v, nb);
		break;
	}
	case VIEW_LOG_FOLLOW:
		break;
	}
	(void)first;
}

int
view_render(const view_model *m, const view_state *v, view_screen *out)
{
	if (m == NULL || v == NULL || out == NULL || v->width < 0 || v->height < 0)
		return GS_EINVAL;
	if (out->cells == NULL || out->width != v->width || out->height != v->height) {
		int err = view_screen_init(out, v->width, v->height);
		if (err)
			return err;
	}
	rc r = { .s = out,
		.v = v,
		.m = m,
		.ascii = v->ascii,
		.mono = v->mono,
		.w = v->width,
		.h = v->height };
	size_t n = (size_t)r.w * (size_t)r.h;
	for (size_t i = 0; i < n; i++)
		out->cells[i] = (view_cell){ ' ', VA_NORMAL };
	out->nhits = 0;
	if (too_small(v)) {
		view__size_notice(&r);
		return 0;
	}
	switch (v->mode) {
	case VIEW_HELP:
		view__render_help(&r);
		break;
	case VIEW_PDETAIL:
		view__render_pdetail(&r);
		break;
	case VIEW_MDETAIL:
		view__render_mdetail(&r);
		break;
	case VIEW_GLIST:
		view__render_glist(&r);
		break;
	case VIEW_GDETAIL:
		view__render_gdetail(&r);
		break;
	case VIEW_LOG:
		view__render_log(&r);
		break;
	default:
		view__render_main(&r);
		break;
	}
	return 0;
}
