# The HTTP server (libmicrohttpd), router, request/response types and metrics. It knows no
# domain: handlers reach the application through req->app.
aicos_module(http
  SOURCES http.c multipart.c router.c metrics.c server.c server_addr.c
  DEPS aicos_base PkgConfig::MHD Threads::Threads)
