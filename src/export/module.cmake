# Tabular export (CSV and XLSX) for the API, the console and the command line: rows of typed
# cells, formula-injection neutralization, bounded. XLSX through Debian's libxlsxwriter.
aicos_module(export
  SOURCES export.c export_xlsx.c
  DEPS aicos_base PkgConfig::XLSXWRITER)
