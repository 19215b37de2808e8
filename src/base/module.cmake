# Errors, limits, arena, buffers, the integer parser, configuration, logs, JSON, clock, the
# libsodium helpers, URLs (libcurl), {{slot}} templates and integer money: no other folder of
# src/.
aicos_module(base
  SOURCES err.c arena.c buf.c parse.c log.c config.c json.c jsonw.c clock.c secure.c url.c tmpl.c
          money.c tz.c
  DEPS PkgConfig::JANSSON PkgConfig::SODIUM PkgConfig::CURL Threads::Threads)
