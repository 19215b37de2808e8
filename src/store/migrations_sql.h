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

#define MIGRATION_25_PARCELS_CARRIERS                                                              \
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
