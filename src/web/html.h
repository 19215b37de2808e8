/*
 * HTML output for the console pages: escaping and the common page frame. Pages use no inline
 * script or style (the Content-Security-Policy is default-src 'self'); styling comes from
 * /static/app.css.
 */
#ifndef AICOS_WEB_HTML_H
#define AICOS_WEB_HTML_H

#include "base/buf.h"
#include "base/err.h"

/* Appends s with &, <, >, " and ' escaped. */
enum err html_escape(struct buf *b, const char *s);

/* Appends the page head and opening body, with an escaped title. */
enum err html_page_begin(struct buf *b, const char *title);

/* Appends the closing tags. */
enum err html_page_end(struct buf *b);

/* The stylesheet served at /static/app.css. */
extern const char html_stylesheet[];

#endif
