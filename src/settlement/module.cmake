# Statement file readers for the settlement import: rows and header detection (table), the
# streaming XLSX reader on libzip + libexpat, the CSV reader on libcsv with encoding
# detection (iconv is part of the C library). Money itself is base (base/money.h). Then the
# settlement domain (issue 13): canonical lines and profiles, file import in one transaction,
# the four-layer reconciliation and the status the registry row reads.
aicos_module(settlement
  SOURCES table.c xlsx.c xlsx_sheet.c csv_reader.c airwallex.c airwallex_parse.c payout.c payout_query.c
          payout_sync.c settle_worker.c line.c profile.c import.c import_rows.c reconcile.c
          reconcile_load.c status.c query.c query_state.c expected.c totals.c amounts.c
  DEPS aicos_tracking aicos_sync aicos_connect aicos_temu aicos_vault aicos_store aicos_base PkgConfig::LIBZIP
       PkgConfig::EXPAT ${LIBCSV_LIBRARY} PkgConfig::CURL PkgConfig::OPENSSL PkgConfig::SODIUM)
