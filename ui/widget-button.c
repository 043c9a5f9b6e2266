/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Buttons: "< Done >", reverse when focused, dim when disabled. */
#include "util.h"
#include "widget.h"

int ui_button_draw(int y, int x, const char *label, bool focus, bool disabled)
{
	_cleanup_free_ char *t = xasprintf("< %s >", label);
	int a = focus ? UIA_FOCUS : disabled ? UIA_DIM : 0;
	if (a)
		ui_attr_on(a);
	int w = ui_put(y, x, ui_width(t), t, false);
	if (a)
		ui_attr_off(a);
	return w;
}
