# Carrier tracking (issue 12): the model, the 17TRACK v2.2 client, the two providers (17TRACK,
# Temu), storage and the refresh, push intake and queries.
aicos_module(tracking
  SOURCES model.c t17.c provider_17track.c provider_temu.c store.c setup.c refresh.c push.c
          query.c scheduler.c manage.c carriers.c
          reconcile.c settings.c
  DEPS aicos_sync aicos_connect aicos_temu aicos_vault aicos_store PkgConfig::CURL Threads::Threads)
# The tracking benchmark (bench/tracking.cmake), built with the other benchmarks.
include(${CMAKE_SOURCE_DIR}/bench/tracking.cmake OPTIONAL)
