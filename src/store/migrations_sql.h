/*
 * The longer scripts of migrations.c, as string macros (private to src/store): each is the
 * portable SQL of one version, named by it. The version's comment stays in migrations.c.
 */
#ifndef AICOS_STORE_MIGRATIONS_SQL_H
#define AICOS_STORE_MIGRATIONS_SQL_H

#define MIGRATION_22_CARRIER_TRACKING                                                              \
    "CREATE TABLE tracking_settings ("                                                             \
    "  name TEXT PRIMARY KEY,"                                                                     \
    "  value TEXT NOT NULL,"                                                                       \
    "  updated_at BIGINT NOT NULL);"                                                               \
    "CREATE TABLE tracking_shipments ("                                                            \
    "  id TEXT PRIMARY KEY,"                                                                       \
    "  connection_id TEXT NOT NULL,"                                                               \
    "  parent_order_sn TEXT NOT NULL,"                                                             \
    "  order_sn TEXT NOT NULL,"                                                                    \
    "  package_sn TEXT NOT NULL,"                                                                  \
    "  tracking_number TEXT NOT NULL,"                                                             \
    "  temu_carrier_id BIGINT NOT NULL,"                                                           \
    "  carrier_name TEXT NOT NULL,"                                                                \
    "  carrier BIGINT NOT NULL,"                                                                   \
    "  lane TEXT NOT NULL,"                                                                        \
    "  provider TEXT NOT NULL,"                                                                    \
    "  reg_state TEXT NOT NULL,"                                                                   \
    "  reg_error TEXT NOT NULL,"                                                                   \
    "  status TEXT NOT NULL,"                                                                      \
    "  raw_status TEXT NOT NULL,"                                                                  \
    "  raw_sub_status TEXT NOT NULL,"                                                              \
    "  shipped_at BIGINT NOT NULL,"                                                                \
    "  promise_at BIGINT NOT NULL,"                                                                \
    "  first_event_at BIGINT NOT NULL,"                                                            \
    "  last_event_at BIGINT NOT NULL,"                                                             \
    "  latest_at BIGINT NOT NULL,"                                                                 \
    "  picked_up_at BIGINT NOT NULL,"                                                              \
    "  delivered_at BIGINT NOT NULL,"                                                              \
    "  registered_at BIGINT NOT NULL,"                                                             \
    "  refreshed_at BIGINT NOT NULL,"                                                              \
    "  next_poll_at BIGINT NOT NULL,"                                                              \
    "  created_at BIGINT NOT NULL,"                                                                \
    "  updated_at BIGINT NOT NULL,"                                                                \
    "  UNIQUE (connection_id, package_sn));"                                                       \
    "CREATE INDEX tracking_shipments_number ON tracking_shipments(tracking_number);"               \
    "CREATE INDEX tracking_shipments_poll ON tracking_shipments(reg_state, next_poll_at);"         \
    "CREATE INDEX tracking_shipments_order ON tracking_shipments(connection_id, "                  \
    "parent_order_sn);"                                                                            \
    "CREATE TABLE tracking_events ("                                                               \
    "  shipment_id TEXT NOT NULL,"                                                                 \
    "  event_key TEXT NOT NULL,"                                                                   \
    "  at BIGINT NOT NULL,"                                                                        \
    "  status TEXT NOT NULL,"                                                                      \
    "  raw_status TEXT NOT NULL,"                                                                  \
    "  description TEXT NOT NULL,"                                                                 \
    "  location TEXT NOT NULL,"                                                                    \
    "  received_at BIGINT NOT NULL,"                                                               \
    "  PRIMARY KEY (shipment_id, event_key));"                                                     \
    "CREATE INDEX tracking_events_at ON tracking_events(shipment_id, at);"                         \
    "CREATE TABLE tracking_flags ("                                                                \
    "  shipment_id TEXT NOT NULL,"                                                                 \
    "  flag TEXT NOT NULL,"                                                                        \
    "  reason TEXT NOT NULL,"                                                                      \
    "  since BIGINT NOT NULL,"                                                                     \
    "  raised_at BIGINT NOT NULL,"                                                                 \
    "  PRIMARY KEY (shipment_id, flag));"                                                          \
    "CREATE TABLE tracking_registrations ("                                                        \
    "  key_id TEXT NOT NULL,"                                                                      \
    "  number TEXT NOT NULL,"                                                                      \
    "  carrier BIGINT NOT NULL,"                                                                   \
    "  state TEXT NOT NULL,"                                                                       \
    "  code BIGINT NOT NULL,"                                                                      \
    "  holder TEXT NOT NULL,"                                                                      \
    "  reserved_at BIGINT NOT NULL,"                                                               \
    "  done_at BIGINT NOT NULL,"                                                                   \
    "  PRIMARY KEY (key_id, number));"                                                             \
    "CREATE TABLE tracking_quota ("                                                                \
    "  key_id TEXT PRIMARY KEY,"                                                                   \
    "  remain BIGINT NOT NULL,"                                                                    \
    "  checked_at BIGINT NOT NULL);"                                                               \
    "CREATE TABLE tracking_order_checks ("                                                         \
    "  connection_id TEXT NOT NULL,"                                                               \
    "  parent_order_sn TEXT NOT NULL,"                                                             \
    "  parcels BIGINT NOT NULL,"                                                                   \
    "  checked_at BIGINT NOT NULL,"                                                                \
    "  PRIMARY KEY (connection_id, parent_order_sn));"                                             \
    "CREATE TABLE tracking_pushes ("                                                               \
    "  id TEXT PRIMARY KEY,"                                                                       \
    "  event TEXT NOT NULL,"                                                                       \
    "  number TEXT NOT NULL,"                                                                      \
    "  deliveries BIGINT NOT NULL,"                                                                \
    "  received_at BIGINT NOT NULL,"                                                               \
    "  body TEXT NOT NULL);"                                                                       \
    "CREATE TABLE tracking_lanes ("                                                                \
    "  connection_id TEXT NOT NULL,"                                                               \
    "  lane TEXT NOT NULL,"                                                                        \
    "  stall_s BIGINT NOT NULL,"                                                                   \
    "  customs_stall_s BIGINT NOT NULL,"                                                           \
    "  transit_s BIGINT NOT NULL,"                                                                 \
    "  lost_s BIGINT NOT NULL,"                                                                    \
    "  PRIMARY KEY (connection_id, lane));"

#define MIGRATION_23_ACTION_CENTER                                                                 \
    "CREATE TABLE action_items ("                                                                  \
    "  id TEXT PRIMARY KEY,"                                                                       \
    "  connection_id TEXT NOT NULL,"                                                               \
    "  kind TEXT NOT NULL,"                                                                        \
    "  object_type TEXT NOT NULL,"                                                                 \
    "  object_key TEXT NOT NULL,"                                                                  \
    "  why TEXT NOT NULL,"                                                                         \
    "  deadline BIGINT NOT NULL,"                                                                  \
    "  money_minor BIGINT NOT NULL,"                                                               \
    "  currency TEXT NOT NULL,"                                                                    \
    "  owner TEXT NOT NULL,"                                                                       \
    "  severity INTEGER NOT NULL,"                                                                 \
    "  score BIGINT NOT NULL,"                                                                     \
    "  state TEXT NOT NULL CHECK (state IN ('open','snoozed','resolved','auto_resolved')),"        \
    "  active INTEGER NOT NULL,"                                                                   \
    "  snoozed_until BIGINT NOT NULL DEFAULT 0,"                                                   \
    "  assignee TEXT NOT NULL DEFAULT '',"                                                         \
    "  opened_at BIGINT NOT NULL,"                                                                 \
    "  updated_at BIGINT NOT NULL,"                                                                \
    "  resolved_at BIGINT NOT NULL DEFAULT 0,"                                                     \
    "  resolved_by TEXT NOT NULL DEFAULT '',"                                                      \
    "  notified_at BIGINT NOT NULL DEFAULT 0,"                                                     \
    "  UNIQUE (connection_id, kind, object_type, object_key));"                                    \
    "CREATE INDEX action_items_object ON action_items(connection_id, object_key);"                 \
    "CREATE INDEX action_items_rank ON action_items(state, score);"                                \
    "CREATE TABLE action_history ("                                                                \
    "  item_id TEXT NOT NULL REFERENCES action_items(id),"                                         \
    "  n BIGINT NOT NULL,"                                                                         \
    "  at BIGINT NOT NULL,"                                                                        \
    "  from_state TEXT NOT NULL,"                                                                  \
    "  to_state TEXT NOT NULL,"                                                                    \
    "  actor TEXT NOT NULL,"                                                                       \
    "  note TEXT NOT NULL,"                                                                        \
    "  PRIMARY KEY (item_id, n));"                                                                 \
    "CREATE INDEX action_history_at ON action_history(at);"                                        \
    "CREATE TABLE action_settings ("                                                               \
    "  connection_id TEXT NOT NULL,"                                                               \
    "  kind TEXT NOT NULL,"                                                                        \
    "  name TEXT NOT NULL,"                                                                        \
    "  value BIGINT NOT NULL,"                                                                     \
    "  updated_by TEXT NOT NULL,"                                                                  \
    "  updated_at BIGINT NOT NULL,"                                                                \
    "  PRIMARY KEY (connection_id, kind, name));"                                                  \
    "CREATE TABLE notify_hooks ("                                                                  \
    "  id TEXT PRIMARY KEY,"                                                                       \
    "  kind TEXT NOT NULL CHECK (kind IN ('generic','wecom','dingtalk','feishu','slack')),"        \
    "  url TEXT NOT NULL,"                                                                         \
    "  min_severity INTEGER NOT NULL,"                                                             \
    "  brief INTEGER NOT NULL,"                                                                    \
    "  has_secret INTEGER NOT NULL,"                                                               \
    "  enabled INTEGER NOT NULL DEFAULT 1,"                                                        \
    "  created_by TEXT NOT NULL,"                                                                  \
    "  created_at BIGINT NOT NULL);"                                                               \
    "CREATE TABLE notify_outbox ("                                                                 \
    "  id TEXT PRIMARY KEY,"                                                                       \
    "  hook_id TEXT NOT NULL REFERENCES notify_hooks(id),"                                         \
    "  dedupe TEXT NOT NULL,"                                                                      \
    "  body TEXT NOT NULL,"                                                                        \
    "  state TEXT NOT NULL CHECK (state IN ('pending','sent','failed')),"                          \
    "  attempts INTEGER NOT NULL DEFAULT 0,"                                                       \
    "  next_at BIGINT NOT NULL,"                                                                   \
    "  created_at BIGINT NOT NULL,"                                                                \
    "  sent_at BIGINT NOT NULL DEFAULT 0,"                                                         \
    "  last_error TEXT NOT NULL DEFAULT '',"                                                       \
    "  UNIQUE (hook_id, dedupe));"                                                                 \
    "CREATE INDEX notify_outbox_due ON notify_outbox(state, next_at);"

#define MIGRATION_24_SETTLEMENT                                                                    \
    "CREATE TABLE settlement_profiles ("                                                           \
    "  name TEXT PRIMARY KEY,"                                                                     \
    "  source TEXT NOT NULL,"                                                                      \
    "  kind TEXT NOT NULL,"                                                                        \
    "  mapping TEXT NOT NULL,"                                                                     \
    "  currency TEXT NOT NULL,"                                                                    \
    "  utc_offset_s BIGINT NOT NULL,"                                                              \
    "  style TEXT NOT NULL,"                                                                       \
    "  created_at BIGINT NOT NULL,"                                                                \
    "  created_by TEXT NOT NULL);"                                                                 \
    "CREATE TABLE settlement_imports ("                                                            \
    "  file_sha256 TEXT PRIMARY KEY,"                                                              \
    "  file_name TEXT NOT NULL,"                                                                   \
    "  profile TEXT NOT NULL,"                                                                     \
    "  source TEXT NOT NULL,"                                                                      \
    "  kind TEXT NOT NULL,"                                                                        \
    "  lines BIGINT NOT NULL,"                                                                     \
    "  skipped BIGINT NOT NULL,"                                                                   \
    "  totals TEXT NOT NULL,"                                                                      \
    "  imported_at BIGINT NOT NULL,"                                                               \
    "  imported_by TEXT NOT NULL);"                                                                \
    "CREATE TABLE settlement_lines ("                                                              \
    "  file_sha256 TEXT NOT NULL REFERENCES settlement_imports(file_sha256),"                      \
    "  sheet TEXT NOT NULL,"                                                                       \
    "  row_number BIGINT NOT NULL,"                                                                \
    "  source TEXT NOT NULL,"                                                                      \
    "  line_id TEXT NOT NULL,"                                                                     \
    "  posted_at BIGINT NOT NULL,"                                                                 \
    "  utc_offset_s BIGINT NOT NULL,"                                                              \
    "  type_raw TEXT NOT NULL,"                                                                    \
    "  type TEXT NOT NULL,"                                                                        \
    "  order_ref TEXT NOT NULL,"                                                                   \
    "  gross_minor BIGINT,"                                                                        \
    "  fee_minor BIGINT,"                                                                          \
    "  net_minor BIGINT NOT NULL,"                                                                 \
    "  raw_sign INTEGER NOT NULL,"                                                                 \
    "  currency TEXT NOT NULL,"                                                                    \
    "  counterparty TEXT NOT NULL,"                                                                \
    "  reference TEXT NOT NULL,"                                                                   \
    "  status TEXT NOT NULL,"                                                                      \
    "  balance_after_minor BIGINT,"                                                                \
    "  PRIMARY KEY (file_sha256, sheet, row_number));"                                             \
    "CREATE INDEX settlement_lines_order ON settlement_lines(order_ref);"                          \
    "CREATE TABLE settlement_expected ("                                                           \
    "  order_sn TEXT PRIMARY KEY,"                                                                 \
    "  connection_id TEXT NOT NULL,"                                                               \
    "  amount_minor BIGINT NOT NULL,"                                                              \
    "  currency TEXT NOT NULL,"                                                                    \
    "  ordered_at BIGINT NOT NULL,"                                                                \
    "  pickup_at BIGINT NOT NULL,"                                                                 \
    "  delivered_at BIGINT NOT NULL,"                                                              \
    "  after_sales_open INTEGER NOT NULL,"                                                         \
    "  source TEXT NOT NULL,"                                                                      \
    "  updated_at BIGINT NOT NULL);"                                                               \
    "CREATE TABLE settlement_expected_history ("                                                   \
    "  order_sn TEXT NOT NULL,"                                                                    \
    "  amount_minor BIGINT NOT NULL,"                                                              \
    "  currency TEXT NOT NULL,"                                                                    \
    "  seen_at BIGINT NOT NULL,"                                                                   \
    "  source TEXT NOT NULL,"                                                                      \
    "  PRIMARY KEY (order_sn, seen_at, amount_minor));"                                            \
    "CREATE TABLE settlement_results ("                                                            \
    "  layer INTEGER NOT NULL,"                                                                    \
    "  ref TEXT NOT NULL,"                                                                         \
    "  seq BIGINT NOT NULL,"                                                                       \
    "  status TEXT NOT NULL,"                                                                      \
    "  rule TEXT NOT NULL,"                                                                        \
    "  reason TEXT NOT NULL,"                                                                      \
    "  amount_minor BIGINT NOT NULL,"                                                              \
    "  currency TEXT NOT NULL,"                                                                    \
    "  other_ref TEXT NOT NULL,"                                                                   \
    "  PRIMARY KEY (layer, ref, seq));"                                                            \
    "CREATE TABLE settlement_runs ("                                                               \
    "  id INTEGER PRIMARY KEY,"                                                                    \
    "  ran_at BIGINT NOT NULL,"                                                                    \
    "  report TEXT NOT NULL);"

/* Version 25 (issue 16): the console's editable settings (sync intervals, thresholds; one
 * row per setting written, defaults otherwise), the shops' display names, and the amounts of
 * each order as temu.order.amount.v2.query gives them (what the buyer paid, the estimated
 * settlement, the answer itself for the order page). */
#define MIGRATION_25_CONSOLE_SETTINGS                                                              \
    "CREATE TABLE console_settings ("                                                              \
    "  name TEXT PRIMARY KEY,"                                                                     \
    "  value TEXT NOT NULL,"                                                                       \
    "  updated_by TEXT NOT NULL,"                                                                  \
    "  updated_at BIGINT NOT NULL);"                                                               \
    "CREATE TABLE shop_names ("                                                                    \
    "  connection_id TEXT PRIMARY KEY,"                                                            \
    "  name TEXT NOT NULL,"                                                                        \
    "  updated_by TEXT NOT NULL,"                                                                  \
    "  updated_at BIGINT NOT NULL);"                                                               \
    "CREATE TABLE order_amounts ("                                                                 \
    "  connection_id TEXT NOT NULL,"                                                               \
    "  parent_order_sn TEXT NOT NULL,"                                                             \
    "  paid_minor BIGINT NOT NULL,"                                                                \
    "  currency TEXT NOT NULL,"                                                                    \
    "  settle_minor BIGINT NOT NULL,"                                                              \
    "  data TEXT NOT NULL,"                                                                        \
    "  fetched_at BIGINT NOT NULL,"                                                                \
    "  PRIMARY KEY (connection_id, parent_order_sn));"

/* Version 26 (issue 17, ingest): the upsert's sync_prev columns, and the sub-orders without a
 * second copy of their JSON (their product name and spec as columns; the full child stays in
 * the parent's data); the (connection_id, ship_by) index of version 8 goes, temu_orders_ship
 * (version 21) serves those ranges. Shared head of both dialects. */
#define MIGRATION_26_HEAD                                                                          \
    "DROP INDEX temu_orders_ship_by;"                                                              \
    "ALTER TABLE temu_orders ADD COLUMN sync_prev BIGINT;"                                         \
    "ALTER TABLE temu_products ADD COLUMN sync_prev BIGINT;"                                       \
    "ALTER TABLE temu_aftersales ADD COLUMN sync_prev BIGINT;"                                     \
    "ALTER TABLE temu_cancellations ADD COLUMN sync_prev BIGINT;"                                  \
    "ALTER TABLE temu_order_items ADD COLUMN goods_name TEXT NOT NULL DEFAULT '';"                 \
    "ALTER TABLE temu_order_items ADD COLUMN spec TEXT NOT NULL DEFAULT '';"

/* SQLite: the columns filled from the JSON, the full-text index rebuilt from them with its
 * triggers on goods_name, then the JSON column dropped (one rewrite, in the migration's
 * transaction); the status history, all key, as a WITHOUT ROWID table (its key once, not in a
 * table and again in its primary-key index). */
#define MIGRATION_26_SQLITE                                                                        \
    MIGRATION_26_HEAD                                                                              \
    "CREATE TABLE temu_order_status_history_k ("                                                   \
    "  connection_id TEXT NOT NULL,"                                                               \
    "  parent_order_sn TEXT NOT NULL,"                                                             \
    "  status INTEGER NOT NULL,"                                                                   \
    "  seen_at BIGINT NOT NULL,"                                                                   \
    "  update_time BIGINT NOT NULL,"                                                               \
    "  PRIMARY KEY (connection_id, parent_order_sn, update_time, status)) WITHOUT ROWID;"          \
    "INSERT INTO temu_order_status_history_k (connection_id, parent_order_sn, status, seen_at,"    \
    " update_time) SELECT connection_id, parent_order_sn, status, seen_at, update_time"            \
    " FROM temu_order_status_history;"                                                             \
    "DROP TABLE temu_order_status_history;"                                                        \
    "ALTER TABLE temu_order_status_history_k RENAME TO temu_order_status_history;"                 \
    "UPDATE temu_order_items SET"                                                                  \
    " goods_name = CASE WHEN json_valid(data) AND json_type(data, '$.goodsName') = 'text'"         \
    " THEN json_extract(data, '$.goodsName') ELSE '' END,"                                         \
    " spec = CASE WHEN json_valid(data) AND json_type(data, '$.spec') = 'text'"                    \
    " THEN json_extract(data, '$.spec') ELSE '' END;"                                              \
    "DROP TRIGGER temu_order_items_fts_ai;"                                                        \
    "DROP TRIGGER temu_order_items_fts_au;"                                                        \
    "DROP TRIGGER temu_order_items_fts_ad;"                                                        \
    "DROP TABLE temu_order_items_fts;"                                                             \
    "ALTER TABLE temu_order_items DROP COLUMN data;"                                               \
    "CREATE VIRTUAL TABLE temu_order_items_fts USING fts5(goods_name, content='');"                \
    "INSERT INTO temu_order_items_fts(rowid, goods_name) SELECT rowid, goods_name"                 \
    " FROM temu_order_items;"                                                                      \
    "CREATE TRIGGER temu_order_items_fts_ai AFTER INSERT ON temu_order_items BEGIN"                \
    "  INSERT INTO temu_order_items_fts(rowid, goods_name) VALUES (new.rowid, new.goods_name);"    \
    "  END;"                                                                                       \
    "CREATE TRIGGER temu_order_items_fts_au AFTER UPDATE OF goods_name ON temu_order_items"        \
    "  WHEN old.goods_name IS NOT new.goods_name BEGIN"                                            \
    "  INSERT INTO temu_order_items_fts(temu_order_items_fts, rowid, goods_name) VALUES"           \
    "  ('delete', old.rowid, old.goods_name);"                                                     \
    "  INSERT INTO temu_order_items_fts(rowid, goods_name) VALUES (new.rowid, new.goods_name);"    \
    "  END;"                                                                                       \
    "CREATE TRIGGER temu_order_items_fts_ad AFTER DELETE ON temu_order_items BEGIN"                \
    "  INSERT INTO temu_order_items_fts(temu_order_items_fts, rowid, goods_name) VALUES"           \
    "  ('delete', old.rowid, old.goods_name); END;"

/* PostgreSQL: the same columns, the name index on the column instead of the JSON. */
#define MIGRATION_26_POSTGRES                                                                      \
    MIGRATION_26_HEAD                                                                              \
    "UPDATE temu_order_items SET"                                                                  \
    " goods_name = CASE WHEN jsonb_typeof(data::jsonb -> 'goodsName') = 'string'"                  \
    " THEN data::jsonb ->> 'goodsName' ELSE '' END,"                                               \
    " spec = CASE WHEN jsonb_typeof(data::jsonb -> 'spec') = 'string'"                             \
    " THEN data::jsonb ->> 'spec' ELSE '' END;"                                                    \
    "DROP INDEX temu_order_items_name;"                                                            \
    "ALTER TABLE temu_order_items DROP COLUMN data;"                                               \
    "CREATE INDEX temu_order_items_name ON temu_order_items USING gin"                             \
    " (to_tsvector('simple', goods_name)) WITH (fastupdate = off);"

/*
 * Version 27 (issue 13, import speed): a statement line is keyed by one integer, its file's
 * number (settlement_imports.file_no, 1, 2, ... in import order) times 2^40 plus its place in
 * the file (1, 2, ... in reading order), instead of the text key (file SHA-256, sheet, row):
 * on SQLite the key is the rowid (one B-tree less, no 64-character hash in every line), and a
 * file's lines are one key range. Sheet and row stay columns (the provenance).
 */
#define MIGRATION_27_LINES_HEAD                                                                    \
    "ALTER TABLE settlement_imports ADD COLUMN file_no BIGINT NOT NULL DEFAULT 0;"                 \
    "UPDATE settlement_imports SET file_no = (SELECT COUNT(*) FROM settlement_imports j WHERE"     \
    " j.imported_at < settlement_imports.imported_at OR (j.imported_at ="                          \
    " settlement_imports.imported_at AND j.file_sha256 <= settlement_imports.file_sha256));"       \
    "CREATE UNIQUE INDEX settlement_imports_no ON settlement_imports(file_no);"
#define MIGRATION_27_LINES_COLUMNS                                                                 \
    "  sheet TEXT NOT NULL DEFAULT '',"                                                            \
    "  row_number BIGINT NOT NULL,"                                                                \
    "  line_id TEXT NOT NULL DEFAULT '',"                                                          \
    "  posted_at BIGINT NOT NULL,"                                                                 \
    "  utc_offset_s BIGINT NOT NULL,"                                                              \
    "  type_raw TEXT NOT NULL,"                                                                    \
    "  type TEXT NOT NULL,"                                                                        \
    "  order_ref TEXT NOT NULL,"                                                                   \
    "  gross_minor BIGINT,"                                                                        \
    "  fee_minor BIGINT,"                                                                          \
    "  net_minor BIGINT NOT NULL,"                                                                 \
    "  raw_sign INTEGER NOT NULL,"                                                                 \
    "  currency TEXT NOT NULL,"                                                                    \
    "  counterparty TEXT NOT NULL DEFAULT '',"                                                     \
    "  reference TEXT NOT NULL DEFAULT '',"                                                        \
    "  status TEXT NOT NULL DEFAULT '',"                                                           \
    "  balance_after_minor BIGINT);"
#define MIGRATION_27_LINES_TAIL                                                                    \
    "INSERT INTO settlement_lines_25 SELECT i.file_no * 1099511627776 + ROW_NUMBER() OVER"         \
    " (PARTITION BY l.file_sha256 ORDER BY l.sheet, l.row_number), l.sheet, l.row_number,"         \
    " l.line_id, l.posted_at, l.utc_offset_s, l.type_raw, l.type, l.order_ref,"                    \
    " l.gross_minor, l.fee_minor, l.net_minor, l.raw_sign, l.currency, l.counterparty,"            \
    " l.reference, l.status, l.balance_after_minor FROM settlement_lines l JOIN"                   \
    " settlement_imports i ON i.file_sha256 = l.file_sha256;"                                      \
    "DROP TABLE settlement_lines;"                                                                 \
    "ALTER TABLE settlement_lines_25 RENAME TO settlement_lines;"                                  \
    "CREATE INDEX settlement_lines_order ON settlement_lines(order_ref);"
#define MIGRATION_27_LINES_SQLITE                                                                  \
    MIGRATION_27_LINES_HEAD                                                                        \
    "CREATE TABLE settlement_lines_25 (id INTEGER PRIMARY KEY," MIGRATION_27_LINES_COLUMNS         \
        MIGRATION_27_LINES_TAIL
#define MIGRATION_27_LINES_POSTGRES                                                                \
    MIGRATION_27_LINES_HEAD                                                                        \
    "CREATE TABLE settlement_lines_25 (id BIGINT PRIMARY KEY," MIGRATION_27_LINES_COLUMNS          \
        MIGRATION_27_LINES_TAIL

/* Version 28: the expected-amounts stream's state per connection (migrations.c). */
#define MIGRATION_28_AMOUNT_STREAM                                                                 \
    "CREATE TABLE settlement_amount_state ("                                                       \
    "  connection_id TEXT PRIMARY KEY,"                                                            \
    "  last_run_at BIGINT NOT NULL,"                                                               \
    "  last_ok_at BIGINT NOT NULL,"                                                                \
    "  asked BIGINT NOT NULL,"                                                                     \
    "  stored BIGINT NOT NULL,"                                                                    \
    "  moved BIGINT NOT NULL,"                                                                     \
    "  failed BIGINT NOT NULL,"                                                                    \
    "  last_error TEXT NOT NULL);"

#define MIGRATION_29_PARCELS_CARRIERS                                                              \
    "DROP TABLE tracking_order_checks;"                                                            \
    "CREATE TABLE temu_parcel_orders ("                                                            \
    "  connection_id TEXT NOT NULL,"                                                               \
    "  parent_order_sn TEXT NOT NULL,"                                                             \
    "  status BIGINT NOT NULL,"                                                                    \
    "  parcels BIGINT NOT NULL,"                                                                   \
    "  content_hash TEXT NOT NULL,"                                                                \
    "  data TEXT NOT NULL,"                                                                        \
    "  first_synced_at BIGINT NOT NULL,"                                                           \
    "  synced_at BIGINT NOT NULL,"                                                                 \
    "  sync_prev BIGINT,"                                                                          \
    "  PRIMARY KEY (connection_id, parent_order_sn));"                                             \
    "CREATE TABLE temu_parcels ("                                                                  \
    "  connection_id TEXT NOT NULL,"                                                               \
    "  package_sn TEXT NOT NULL,"                                                                  \
    "  parent_order_sn TEXT NOT NULL,"                                                             \
    "  order_sn TEXT NOT NULL,"                                                                    \
    "  tracking_number TEXT NOT NULL,"                                                             \
    "  carrier_id BIGINT NOT NULL,"                                                                \
    "  carrier_name TEXT NOT NULL,"                                                                \
    "  shipped_at BIGINT NOT NULL,"                                                                \
    "  promise_at BIGINT NOT NULL,"                                                                \
    "  data TEXT NOT NULL,"                                                                        \
    "  synced_at BIGINT NOT NULL,"                                                                 \
    "  PRIMARY KEY (connection_id, package_sn));"                                                  \
    "CREATE INDEX temu_parcels_synced ON temu_parcels(synced_at);"                                 \
    "CREATE TABLE tracking_carriers ("                                                             \
    "  temu_carrier_id BIGINT NOT NULL,"                                                           \
    "  name_key TEXT NOT NULL,"                                                                    \
    "  name TEXT NOT NULL,"                                                                        \
    "  code BIGINT NOT NULL,"                                                                      \
    "  lane TEXT NOT NULL,"                                                                        \
    "  source TEXT NOT NULL,"                                                                      \
    "  updated_at BIGINT NOT NULL,"                                                                \
    "  PRIMARY KEY (temu_carrier_id, name_key));"                                                  \
    "INSERT INTO tracking_carriers (temu_carrier_id, name_key, name, code, lane, source, "         \
    "updated_at) VALUES "                                                                          \
    "(0, 'dhl express', 'DHL Express', 100001, 'express', 'seed', 0),"                             \
    "(0, 'dhl paket', 'DHL Paket', 7041, 'domestic', 'seed', 0),"                                  \
    "(0, 'china post', 'China Post', 3011, 'postal', 'seed', 0),"                                  \
    "(0, 'china ems', 'China EMS', 3013, 'postal', 'seed', 0),"                                    \
    "(0, 'yunexpress', 'YunExpress', 190008, 'line', 'seed', 0),"                                  \
    "(0, 'yanwen', 'Yanwen', 190012, 'line', 'seed', 0),"                                          \
    "(0, 'cainiao', 'Cainiao', 190271, 'line', 'seed', 0),"                                        \
    "(0, 'usps', 'USPS', 21051, 'domestic', 'seed', 0),"                                           \
    "(0, 'fedex', 'FedEx', 100003, 'domestic', 'seed', 0),"                                        \
    "(0, 'ups', 'UPS', 100002, 'domestic', 'seed', 0),"                                            \
    "(0, 'gls', 'GLS', 100005, 'domestic', 'seed', 0),"                                            \
    "(0, '4px', '4PX', 190094, 'line', 'seed', 0);"

#endif
