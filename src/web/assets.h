/*
 * Console assets embedded into the binary at build time (src/web/embed.cmake generates
 * the definitions from src/web/static and src/web/templates): no external assets, no build
 * step for the browser. Each array is NUL-terminated; *_len excludes the NUL.
 */
#ifndef AICOS_WEB_ASSETS_H
#define AICOS_WEB_ASSETS_H

#include <stddef.h>

/* src/web/static/console.css, served at /static/console.css. */
extern const unsigned char web_asset_console_css[];
extern const size_t web_asset_console_css_len;

/* src/web/templates/layout.html: the console frame with {{placeholders}}. */
extern const unsigned char web_asset_layout_html[];
extern const size_t web_asset_layout_html_len;

#endif
