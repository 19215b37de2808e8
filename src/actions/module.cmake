# The action center (issue 14): the detector table, incremental evaluation, items with their
# history, ranking, metrics and the daily brief.
aicos_module(actions
  SOURCES detectors.c items.c eval.c passes.c query.c change.c brief.c ticker.c notify.c settle.c
  DEPS aicos_settlement aicos_tracking aicos_vault aicos_auth aicos_store aicos_base PkgConfig::CURL
       PkgConfig::SODIUM
       Threads::Threads)
