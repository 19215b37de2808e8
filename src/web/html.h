/*
 * HTML escaping for the console pages (the frame is web/console.h). Pages use no inline
 * script or style: the Content-Security-Policy is default-src 'self'.
 */
#ifndef AICOS_WEB_HTML_H
#define AICOS_WEB_HTML_H

#include "base/buf.h"
#include "base/err.h"

/* Appends s with &, <, >, " and ' escaped. */
enum err html_escape(struct buf *b, const char *s);

#endif
