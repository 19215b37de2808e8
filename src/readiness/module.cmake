# Connection progress and the integration registry.
aicos_module(readiness
  SOURCES progress.c registry.c facts.c
  DEPS aicos_settlement aicos_tracking aicos_sync aicos_connect aicos_deploy)
