# The sync engine (issue 7): state, lease, run history, the orders, products, buyer_cases and
# shipments streams on one skeleton (stream.c), the shared request budget, the scheduler, the
# console's read-only queries, webhook intake and buyer shipping info on demand.
aicos_module(sync
  SOURCES engine.c stream.c runs.c orders.c order_doc.c products.c cases.c budget.c scheduler.c
          query.c
          orders_list.c
          intake.c shipping.c shipments.c dashboard.c settings.c parcels.c
  DEPS aicos_connect aicos_temu aicos_vault aicos_store PkgConfig::ZLIB Threads::Threads)
# The sync benchmark (bench/sync.cmake), built with the other benchmarks.
include(${CMAKE_SOURCE_DIR}/bench/sync.cmake OPTIONAL)
