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
	case VIEW_LOG:
		total = m->log_len;
		vis = v->height - 2;
		break;
	case VIEW_GLIST:
		total = m->ng;
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
	case VIEW_LOG:
		view__render_log(&r);
		break;
	default:
		view__render_main(&r);
		break;
	}
	return 0;
}
