# The route table of `aicos serve`: the one place that names both src/api and src/web handlers.
aicos_module(routes
  SOURCES routes.c
  DEPS aicos_api aicos_web aicos_http)
