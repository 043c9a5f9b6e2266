/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Strings for people go through _(); static tables use N_() and translate
 * where they are shown. Answer-file keys and JSON are never translated. */
#pragma once

#include <libintl.h>

#define _(s)		gettext(s)
#define N_(s)		(s)
#define GETTEXT_PACKAGE "azl-installer"
