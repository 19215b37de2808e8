/*
 * The schema, one migration at a time. Never edit a released migration: add a new one.
 * Write portable SQL where possible (TEXT, BIGINT, INTEGER); give both dialects otherwise.
 */
#include "store/migrate.h"
#include "store/migrations_sql.h"

/* Version 12's tables, the same in both dialects but for audit_prune's id column. */
#define MIGRATION_AUDIT_REFUSALS                                                                   \
    "CREATE TABLE audit_refusals ("                                                                \
    "  source TEXT NOT NULL,"                                                                      \
    "  minute TEXT NOT NULL,"                                                                      \
    "  action TEXT NOT NULL,"                                                                      \
    "  target TEXT NOT NULL,"                                                                      \
    "  count BIGINT NOT NULL,"                                                                     \
    "  first_at TEXT NOT NULL,"                                                                    \
    "  last_at TEXT NOT NULL,"                                                                     \
    "  PRIMARY KEY (source, minute, action, target));"                                             \
    "CREATE INDEX audit_refusals_minute ON audit_refusals(minute);"
#define MIGRATION_AUDIT_PRUNE_COLUMNS                                                              \
    "  through_id BIGINT NOT NULL,"                                                                \
    "  entries BIGINT NOT NULL,"                                                                   \
    "  archive TEXT NOT NULL,"                                                                     \
    "  archive_sha256 TEXT NOT NULL,"                                                              \
    "  at TEXT NOT NULL,"                                                                          \
    "  actor TEXT NOT NULL);"

/* Version 19's indexes (issue 17, lists flat in shop size): one per filter of the orders list
 * with the list's sort (update_time, parent_order_sn, connection_id) behind it, the order
 * numbers without their connection (prefix search), goods and SKU ids (covering: a search reads
 * no table row to find its orders), and the label table that triggers keep in step with
 * temu_orders.labels (one row per label and order). */
#define MIGRATION_ORDER_LIST_INDEXES                                                               \
    "DROP INDEX temu_orders_update;"                                                               \
    "CREATE INDEX temu_orders_update ON temu_orders(connection_id, update_time, parent_order_sn);" \
    "CREATE INDEX temu_orders_recent ON temu_orders(update_time, parent_order_sn, connection_id);" \
    "CREATE INDEX temu_orders_status ON temu_orders(status, update_time, parent_order_sn,"         \
    " connection_id);"                                                                             \
    "CREATE INDEX temu_orders_sn ON temu_orders(parent_order_sn, update_time, connection_id);"     \
    "CREATE INDEX temu_orders_ship ON temu_orders(ship_by, update_time, parent_order_sn,"          \
    " connection_id);"                                                                             \
    "CREATE INDEX temu_order_items_sn ON temu_order_items(order_sn, connection_id,"                \
    " parent_order_sn);"                                                                           \
    "CREATE INDEX temu_order_items_goods ON temu_order_items(goods_id, connection_id,"             \
    " parent_order_sn);"                                                                           \
    "CREATE INDEX temu_order_items_sku ON temu_order_items(sku_id, connection_id,"                 \
    " parent_order_sn);"                                                                           \
    "CREATE TABLE temu_order_labels ("                                                             \
    "  label TEXT NOT NULL,"                                                                       \
    "  update_time BIGINT NOT NULL,"                                                               \
    "  parent_order_sn TEXT NOT NULL,"                                                             \
    "  connection_id TEXT NOT NULL,"                                                               \
    "  PRIMARY KEY (label, update_time, parent_order_sn, connection_id));"                         \
    "CREATE INDEX temu_order_labels_order ON temu_order_labels(connection_id, parent_order_sn);"

const struct migration migrations[] = {
    {1, "app_meta",
     "CREATE TABLE app_meta ("
     "  key TEXT PRIMARY KEY,"
     "  value TEXT NOT NULL,"
     "  updated_at TEXT NOT NULL"
     ");",
     NULL, NULL},
    {2, "auth", NULL,
     /* SQLite */
     "CREATE TABLE users ("
     "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
     "  name TEXT NOT NULL UNIQUE,"
     "  role TEXT NOT NULL CHECK (role IN ('viewer','operator','ops','seller_admin')),"
     "  password_hash TEXT NOT NULL,"
     "  disabled INTEGER NOT NULL DEFAULT 0,"
     "  failed_logins INTEGER NOT NULL DEFAULT 0,"
     "  next_login_at BIGINT NOT NULL DEFAULT 0,"
     "  locked_until BIGINT NOT NULL DEFAULT 0,"
     "  created_at TEXT NOT NULL,"
     "  updated_at TEXT NOT NULL);"
     "CREATE TABLE sessions ("
     "  id_hash TEXT PRIMARY KEY,"
     "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
     "  csrf_token TEXT NOT NULL,"
     "  created_at BIGINT NOT NULL,"
     "  last_seen_at BIGINT NOT NULL,"
     "  expires_at BIGINT NOT NULL,"
     "  ip TEXT NOT NULL);"
     "CREATE INDEX sessions_user ON sessions(user_id);"
     "CREATE TABLE api_tokens ("
     "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
     "  name TEXT NOT NULL,"
     "  role TEXT NOT NULL CHECK (role IN ('viewer','operator','ops','seller_admin')),"
     "  token_hash TEXT NOT NULL UNIQUE,"
     "  prefix TEXT NOT NULL,"
     "  created_at TEXT NOT NULL,"
     "  created_by TEXT NOT NULL,"
     "  last_used_at TEXT,"
     "  revoked_at TEXT);"
     "CREATE TABLE audit_log ("
     "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
     "  at TEXT NOT NULL,"
     "  actor TEXT NOT NULL,"
     "  role TEXT NOT NULL,"
     "  action TEXT NOT NULL,"
     "  target TEXT NOT NULL,"
     "  outcome TEXT NOT NULL,"
     "  ip TEXT NOT NULL,"
     "  request_id TEXT NOT NULL,"
     "  detail TEXT NOT NULL);"
     "CREATE INDEX audit_log_action ON audit_log(action);"
     "CREATE INDEX audit_log_actor ON audit_log(actor);"
     "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
     "  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
     "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
     "  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
     /* PostgreSQL */
     "CREATE TABLE users ("
     "  id BIGSERIAL PRIMARY KEY,"
     "  name TEXT NOT NULL UNIQUE,"
     "  role TEXT NOT NULL CHECK (role IN ('viewer','operator','ops','seller_admin')),"
     "  password_hash TEXT NOT NULL,"
     "  disabled INTEGER NOT NULL DEFAULT 0,"
     "  failed_logins INTEGER NOT NULL DEFAULT 0,"
     "  next_login_at BIGINT NOT NULL DEFAULT 0,"
     "  locked_until BIGINT NOT NULL DEFAULT 0,"
     "  created_at TEXT NOT NULL,"
     "  updated_at TEXT NOT NULL);"
     "CREATE TABLE sessions ("
     "  id_hash TEXT PRIMARY KEY,"
     "  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
     "  csrf_token TEXT NOT NULL,"
     "  created_at BIGINT NOT NULL,"
     "  last_seen_at BIGINT NOT NULL,"
     "  expires_at BIGINT NOT NULL,"
     "  ip TEXT NOT NULL);"
     "CREATE INDEX sessions_user ON sessions(user_id);"
     "CREATE TABLE api_tokens ("
     "  id BIGSERIAL PRIMARY KEY,"
     "  name TEXT NOT NULL,"
     "  role TEXT NOT NULL CHECK (role IN ('viewer','operator','ops','seller_admin')),"
     "  token_hash TEXT NOT NULL UNIQUE,"
     "  prefix TEXT NOT NULL,"
     "  created_at TEXT NOT NULL,"
     "  created_by TEXT NOT NULL,"
     "  last_used_at TEXT,"
     "  revoked_at TEXT);"
     "CREATE TABLE audit_log ("
     "  id BIGSERIAL PRIMARY KEY,"
     "  at TEXT NOT NULL,"
     "  actor TEXT NOT NULL,"
     "  role TEXT NOT NULL,"
     "  action TEXT NOT NULL,"
     "  target TEXT NOT NULL,"
     "  outcome TEXT NOT NULL,"
     "  ip TEXT NOT NULL,"
     "  request_id TEXT NOT NULL,"
     "  detail TEXT NOT NULL);"
     "CREATE INDEX audit_log_action ON audit_log(action);"
     "CREATE INDEX audit_log_actor ON audit_log(actor);"
     "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
     "  BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;"
     "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log"
     "  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();"},
    {3, "vault",
     "CREATE TABLE vault_keys ("
     "  id TEXT PRIMARY KEY,"
     "  wrapped_key TEXT NOT NULL,"
     "  state TEXT NOT NULL CHECK (state IN ('active','retiring','retired')),"
     "  created_at TEXT NOT NULL);"
     "CREATE TABLE secrets ("
     "  name TEXT PRIMARY KEY,"
     "  key_id TEXT NOT NULL REFERENCES vault_keys(id),"
     "  sealed TEXT NOT NULL,"
     "  masked TEXT NOT NULL,"
     "  updated_at TEXT NOT NULL,"
     "  updated_by TEXT NOT NULL);"
     "CREATE INDEX secrets_key ON secrets(key_id);",
     NULL, NULL},
    {4, "deploy_checks",
     "CREATE TABLE deploy_checks ("
     "  id TEXT PRIMARY KEY,"
     "  kind TEXT NOT NULL CHECK (kind IN ('preflight','smoke','dns')),"
     "  ran_at TEXT NOT NULL,"
     "  blockers INTEGER NOT NULL CHECK (blockers >= 0),"
     "  warnings INTEGER NOT NULL CHECK (warnings >= 0),"
     "  findings_json TEXT NOT NULL);"
     "CREATE INDEX deploy_checks_kind_ran_at ON deploy_checks(kind, ran_at);",
     NULL, NULL},
    /* Versions 5 and 6: Temu authorization (src/connect). A session keeps only the hash of its
     * single-use state; a connection is one shop in one region, its token lives in the vault
     * (token_secret names it) and every authorization of it is kept as history. */
    {5, "temu_auth_sessions",
     "CREATE TABLE temu_auth_sessions ("
     "  id TEXT PRIMARY KEY,"
     "  state_hash TEXT NOT NULL UNIQUE,"
     "  region TEXT NOT NULL,"
     "  seller_type TEXT NOT NULL CHECK (seller_type IN ('local','cross_border')),"
     "  purpose TEXT NOT NULL CHECK (purpose IN ('production','dev')),"
     "  connection_id TEXT,"
     "  redirect_uri TEXT NOT NULL,"
     "  created_by TEXT NOT NULL,"
     "  created_at BIGINT NOT NULL,"
     "  expires_at BIGINT NOT NULL,"
     "  used_at BIGINT,"
     "  cancelled_at BIGINT,"
     "  outcome TEXT NOT NULL DEFAULT '',"
     "  result_connection_id TEXT);"
     "CREATE INDEX temu_auth_sessions_open ON temu_auth_sessions(expires_at);",
     NULL, NULL},
    {6, "temu_connections",
     "CREATE TABLE temu_connections ("
     "  id TEXT PRIMARY KEY,"
     "  region TEXT NOT NULL,"
     "  mall_id BIGINT NOT NULL,"
     "  seller_type TEXT NOT NULL,"
     "  mall_type BIGINT NOT NULL DEFAULT 0,"
     "  scopes_json TEXT NOT NULL,"
     "  status TEXT NOT NULL CHECK (status IN ('active','failed')),"
     "  status_reason TEXT NOT NULL DEFAULT '',"
     "  auth_mode TEXT NOT NULL CHECK (auth_mode IN ('callback','manual','dev')),"
     "  token_secret TEXT NOT NULL,"
     "  authorized_by TEXT NOT NULL,"
     "  authorized_at BIGINT NOT NULL,"
     "  expires_at BIGINT NOT NULL,"
     "  last_success_at BIGINT,"
     "  auth_errors INTEGER NOT NULL DEFAULT 0,"
     "  sync_errors INTEGER NOT NULL DEFAULT 0,"
     "  created_at BIGINT NOT NULL,"
     "  updated_at BIGINT NOT NULL,"
     "  UNIQUE (region, mall_id));"
     "CREATE TABLE temu_authorizations ("
     "  id TEXT PRIMARY KEY,"
     "  connection_id TEXT NOT NULL REFERENCES temu_connections(id),"
     "  at BIGINT NOT NULL,"
     "  actor TEXT NOT NULL,"
     "  auth_mode TEXT NOT NULL,"
     "  session_id TEXT,"
     "  mall_id BIGINT NOT NULL,"
     "  scopes_json TEXT NOT NULL,"
     "  expires_at BIGINT NOT NULL,"
     "  token_masked TEXT NOT NULL);"
     "CREATE INDEX temu_authorizations_conn ON temu_authorizations(connection_id, at);",
     NULL, NULL},
    /* Version 7 (5 and 6 are reserved for a concurrent module): the compliance sign-off that
     * lets the mainland China hosting strategy leave review_required. Revoked sign-offs stay
     * as history; at most one per strategy is in force (the partial unique index). */
    {7, "deploy_signoffs",
     "CREATE TABLE deploy_signoffs ("
     "  id TEXT PRIMARY KEY,"
     "  strategy TEXT NOT NULL CHECK (strategy IN ('mainland')),"
     "  cleared_by TEXT NOT NULL,"
     "  cleared_items TEXT NOT NULL,"
     "  note TEXT NOT NULL,"
     "  recorded_by TEXT NOT NULL,"
     "  recorded_at TEXT NOT NULL,"
     "  revoked_by TEXT,"
     "  revoked_at TEXT,"
     "  revoke_reason TEXT);"
     "CREATE UNIQUE INDEX deploy_signoffs_in_force ON deploy_signoffs(strategy)"
     "  WHERE revoked_at IS NULL;",
     NULL, NULL},
    /* Version 8: the sync engine (src/sync). State and lease per (connection, stream), the run
     * history, and the synced orders (parent and child) keyed by the platform's ids, each with
     * a content hash for change detection. */
    {8, "sync_orders",
     "CREATE TABLE sync_state ("
     "  connection_id TEXT NOT NULL,"
     "  stream TEXT NOT NULL,"
     "  watermark BIGINT NOT NULL DEFAULT 0,"
     "  backfill_since BIGINT NOT NULL DEFAULT 0,"
     "  backfill_next BIGINT NOT NULL DEFAULT 0,"
     "  backfill_done INTEGER NOT NULL DEFAULT 0,"
     "  cur_kind TEXT NOT NULL DEFAULT '',"
     "  cur_lo BIGINT NOT NULL DEFAULT 0,"
     "  cur_hi BIGINT NOT NULL DEFAULT 0,"
     "  cur_page BIGINT NOT NULL DEFAULT 0,"
     "  last_success_at BIGINT NOT NULL DEFAULT 0,"
     "  last_run_at BIGINT NOT NULL DEFAULT 0,"
     "  consecutive_failures INTEGER NOT NULL DEFAULT 0,"
     "  paused INTEGER NOT NULL DEFAULT 0,"
     "  warning TEXT NOT NULL DEFAULT '',"
     "  PRIMARY KEY (connection_id, stream));"
     "CREATE TABLE sync_leases ("
     "  connection_id TEXT NOT NULL,"
     "  stream TEXT NOT NULL,"
     "  holder TEXT NOT NULL,"
     "  expires_at BIGINT NOT NULL,"
     "  PRIMARY KEY (connection_id, stream));"
     "CREATE TABLE sync_runs ("
     "  id TEXT PRIMARY KEY,"
     "  connection_id TEXT NOT NULL,"
     "  stream TEXT NOT NULL,"
     "  trigger_kind TEXT NOT NULL,"
     "  holder TEXT NOT NULL,"
     "  started_at BIGINT NOT NULL,"
     "  finished_at BIGINT,"
     "  outcome TEXT NOT NULL,"
     "  pages BIGINT NOT NULL DEFAULT 0,"
     "  added BIGINT NOT NULL DEFAULT 0,"
     "  updated BIGINT NOT NULL DEFAULT 0,"
     "  unchanged BIGINT NOT NULL DEFAULT 0,"
     "  failed BIGINT NOT NULL DEFAULT 0,"
     "  error_class TEXT NOT NULL DEFAULT '',"
     "  error_code BIGINT NOT NULL DEFAULT 0,"
     "  error_message TEXT NOT NULL DEFAULT '');"
     "CREATE INDEX sync_runs_started ON sync_runs(started_at);"
     "CREATE INDEX sync_runs_stream ON sync_runs(connection_id, stream, outcome);"
     "CREATE TABLE temu_orders ("
     "  connection_id TEXT NOT NULL,"
     "  parent_order_sn TEXT NOT NULL,"
     "  status INTEGER NOT NULL,"
     "  order_time BIGINT NOT NULL,"
     "  update_time BIGINT NOT NULL,"
     "  ship_by BIGINT NOT NULL,"
     "  labels TEXT NOT NULL,"
     "  region_id BIGINT NOT NULL,"
     "  content_hash TEXT NOT NULL,"
     "  data TEXT NOT NULL,"
     "  first_synced_at BIGINT NOT NULL,"
     "  synced_at BIGINT NOT NULL,"
     "  PRIMARY KEY (connection_id, parent_order_sn));"
     "CREATE INDEX temu_orders_update ON temu_orders(connection_id, update_time);"
     "CREATE INDEX temu_orders_ship_by ON temu_orders(connection_id, ship_by);"
     "CREATE TABLE temu_order_items ("
     "  connection_id TEXT NOT NULL,"
     "  order_sn TEXT NOT NULL,"
     "  parent_order_sn TEXT NOT NULL,"
     "  status INTEGER NOT NULL,"
     "  goods_id BIGINT NOT NULL,"
     "  sku_id BIGINT NOT NULL,"
     "  quantity BIGINT NOT NULL,"
     "  data TEXT NOT NULL,"
     "  PRIMARY KEY (connection_id, order_sn));"
     "CREATE INDEX temu_order_items_parent ON temu_order_items(connection_id, parent_order_sn);",
     NULL, NULL},
    /* Version 9: the products and buyer_cases streams (src/sync/products.c, cases.c) and the
     * webhook intake (src/api/webhook_api.c). Products carry their goods status bucket, SKUs
     * are keyed by skuId; after-sales requests by parentAfterSalesSn; pushed events by a hash
     * of their content, so a redelivery is stored once. sync_state.refresh_from is where a
     * pushed event asks the stream's next run to re-read from (0 = nothing asked). */
    {9, "sync_products_cases_webhooks",
     "CREATE TABLE temu_products ("
     "  connection_id TEXT NOT NULL,"
     "  goods_id BIGINT NOT NULL,"
     "  bucket INTEGER NOT NULL,"
     "  goods_name TEXT NOT NULL,"
     "  out_goods_sn TEXT NOT NULL,"
     "  cat_id BIGINT NOT NULL,"
     "  price TEXT NOT NULL,"
     "  currency TEXT NOT NULL,"
     "  quantity BIGINT NOT NULL,"
     "  content_hash TEXT NOT NULL,"
     "  data TEXT NOT NULL,"
     "  first_synced_at BIGINT NOT NULL,"
     "  synced_at BIGINT NOT NULL,"
     "  PRIMARY KEY (connection_id, goods_id));"
     "CREATE INDEX temu_products_bucket ON temu_products(connection_id, bucket);"
     "CREATE TABLE temu_product_skus ("
     "  connection_id TEXT NOT NULL,"
     "  sku_id BIGINT NOT NULL,"
     "  goods_id BIGINT NOT NULL,"
     "  out_sku_sn TEXT NOT NULL,"
     "  spec_name TEXT NOT NULL,"
     "  price TEXT NOT NULL,"
     "  quantity BIGINT NOT NULL,"
     "  data TEXT NOT NULL,"
     "  PRIMARY KEY (connection_id, sku_id));"
     "CREATE INDEX temu_product_skus_goods ON temu_product_skus(connection_id, goods_id);"
     "CREATE TABLE temu_aftersales ("
     "  connection_id TEXT NOT NULL,"
     "  parent_after_sales_sn TEXT NOT NULL,"
     "  parent_order_sn TEXT NOT NULL,"
     "  status_group INTEGER NOT NULL,"
     "  status INTEGER NOT NULL,"
     "  case_type INTEGER NOT NULL,"
     "  create_at BIGINT NOT NULL,"
     "  update_at BIGINT NOT NULL,"
     "  content_hash TEXT NOT NULL,"
     "  data TEXT NOT NULL,"
     "  first_synced_at BIGINT NOT NULL,"
     "  synced_at BIGINT NOT NULL,"
     "  PRIMARY KEY (connection_id, parent_after_sales_sn));"
     "CREATE INDEX temu_aftersales_update ON temu_aftersales(connection_id, update_at);"
     "CREATE INDEX temu_aftersales_order ON temu_aftersales(connection_id, parent_order_sn);"
     "CREATE TABLE temu_webhook_events ("
     "  id TEXT PRIMARY KEY,"
     "  app_key TEXT NOT NULL,"
     "  event_code TEXT NOT NULL,"
     "  sent_at_ms BIGINT NOT NULL,"
     "  received_at BIGINT NOT NULL,"
     "  mall_id BIGINT NOT NULL,"
     "  parent_order_sn TEXT NOT NULL,"
     "  payload TEXT NOT NULL,"
     "  deliveries BIGINT NOT NULL DEFAULT 1,"
     "  processed_at BIGINT);"
     "CREATE INDEX temu_webhook_events_received ON temu_webhook_events(received_at);"
     "ALTER TABLE sync_state ADD COLUMN refresh_from BIGINT NOT NULL DEFAULT 0;",
     NULL, NULL},
    /* Version 10: the request budget per app key shared by all processes (src/sync/budget.c:
     * one GCRA row, the theoretical arrival time of the next request in microseconds), and a
     * cancel flag on running syncs that the page loop checks between pages. */
    {10, "sync_budget_cancel",
     "CREATE TABLE temu_budget ("
     "  app_key TEXT PRIMARY KEY,"
     "  tat_us BIGINT NOT NULL);"
     "ALTER TABLE sync_runs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;",
     NULL, NULL},
    /* Version 11: the status history of orders (src/sync/orders.c). The orders upsert adds a
     * row, in the transaction of its page, when an order is first stored or its parent status
     * changes. Orders stored before this version get one row with their current status as
     * last seen, so every order has a history from here on. */
    {11, "order_status_history",
     "CREATE TABLE temu_order_status_history ("
     "  connection_id TEXT NOT NULL,"
     "  parent_order_sn TEXT NOT NULL,"
     "  status INTEGER NOT NULL,"
     "  seen_at BIGINT NOT NULL,"
     "  update_time BIGINT NOT NULL,"
     "  PRIMARY KEY (connection_id, parent_order_sn, update_time, status));"
     "INSERT INTO temu_order_status_history (connection_id, parent_order_sn, status, seen_at, "
     "update_time) SELECT connection_id, parent_order_sn, status, synced_at, update_time "
     "FROM temu_orders;",
     NULL, NULL},
    /* Version 12 (issue 18): refusals of anonymous callers are counted, one row per source,
     * minute, action and target (src/auth/audit.c), instead of one audit row each; and the
     * audit log gets a retention path that keeps it append-only otherwise: `aicos audit prune`
     * exports the old entries, records the prune in audit_prune (itself append-only) and may
     * then delete only entries up to the recorded id. */
    {12, "audit_refusals_prune", NULL,
     /* SQLite */
     MIGRATION_AUDIT_REFUSALS
     "CREATE TABLE audit_prune ("
     "  id INTEGER PRIMARY KEY AUTOINCREMENT," MIGRATION_AUDIT_PRUNE_COLUMNS
     "CREATE TRIGGER audit_prune_no_update BEFORE UPDATE ON audit_prune"
     "  BEGIN SELECT RAISE(ABORT, 'audit_prune is append-only'); END;"
     "CREATE TRIGGER audit_prune_no_delete BEFORE DELETE ON audit_prune"
     "  BEGIN SELECT RAISE(ABORT, 'audit_prune is append-only'); END;"
     "DROP TRIGGER audit_log_no_delete;"
     "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
     "  WHEN OLD.id > COALESCE((SELECT MAX(through_id) FROM audit_prune), 0)"
     "  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
     /* PostgreSQL */
     MIGRATION_AUDIT_REFUSALS
     "CREATE TABLE audit_prune ("
     "  id BIGSERIAL PRIMARY KEY," MIGRATION_AUDIT_PRUNE_COLUMNS
     "CREATE FUNCTION audit_prune_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
     "  BEGIN RAISE EXCEPTION 'audit_prune is append-only'; END $$;"
     "CREATE TRIGGER audit_prune_no_change BEFORE UPDATE OR DELETE ON audit_prune"
     "  FOR EACH ROW EXECUTE FUNCTION audit_prune_append_only();"
     "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
     "  BEGIN"
     "    IF TG_OP = 'DELETE' AND OLD.id <= COALESCE((SELECT MAX(through_id) FROM audit_prune), 0)"
     "    THEN RETURN OLD; END IF;"
     "    RAISE EXCEPTION 'audit_log is append-only';"
     "  END $$;"},
    /* Version 13 (issue 18): at most one active vault key, as a constraint. A ring left with
     * several by two concurrent rotations is repaired first (the newest stays active, the
     * others become retiring, so the next `vault rotate` moves their secrets), and retired
     * keys that seal nothing are destroyed. */
    {13, "vault_one_active_key",
     "UPDATE vault_keys SET state = 'retiring' WHERE state = 'active' AND id <> (SELECT id FROM "
     "vault_keys WHERE state = 'active' ORDER BY created_at DESC, id DESC LIMIT 1);"
     "DELETE FROM vault_keys WHERE state = 'retired' AND id NOT IN (SELECT key_id FROM secrets);"
     "CREATE UNIQUE INDEX vault_keys_one_active ON vault_keys(state) WHERE state = 'active';",
     NULL, NULL},
    /* Version 14: what the buyer_cases stream (src/sync/cases.c) adds to an after-sales case
     * from its detail (reason, refund summary, the buyer's own comment, the whole answer, the
     * updateAt it was read at, -1 = never, or why it failed), and the buyers' cancellation
     * requests (bg.aftersales.cancel.list.get) keyed by parentAfterSalesSn. */
    {14, "buyer_case_detail_cancellations",
     "ALTER TABLE temu_aftersales ADD COLUMN reason_code BIGINT NOT NULL DEFAULT 0;"
     "ALTER TABLE temu_aftersales ADD COLUMN reason_desc TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE temu_aftersales ADD COLUMN buyer_comment TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE temu_aftersales ADD COLUMN refund_summary TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE temu_aftersales ADD COLUMN detail TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE temu_aftersales ADD COLUMN detail_update_at BIGINT NOT NULL DEFAULT -1;"
     "ALTER TABLE temu_aftersales ADD COLUMN detail_error TEXT NOT NULL DEFAULT '';"
     "CREATE TABLE temu_cancellations ("
     "  connection_id TEXT NOT NULL,"
     "  parent_after_sales_sn TEXT NOT NULL,"
     "  parent_order_sn TEXT NOT NULL,"
     "  status INTEGER NOT NULL,"
     "  create_at BIGINT NOT NULL,"
     "  content_hash TEXT NOT NULL,"
     "  data TEXT NOT NULL,"
     "  first_synced_at BIGINT NOT NULL,"
     "  synced_at BIGINT NOT NULL,"
     "  PRIMARY KEY (connection_id, parent_after_sales_sn));"
     "CREATE INDEX temu_cancellations_order ON temu_cancellations(connection_id, "
     "parent_order_sn);",
     NULL, NULL},
    /* Version 15: shipment confirm (src/sync/shipments.c). Every upload of a carrier and
     * tracking number is recorded before Temu is called (state sending, then confirmed), so a
     * retried request never uploads twice; the shop's carrier list is cached per connection. */
    {15, "shipment_uploads",
     "CREATE TABLE temu_shipment_uploads ("
     "  connection_id TEXT NOT NULL,"
     "  parent_order_sn TEXT NOT NULL,"
     "  tracking_number TEXT NOT NULL,"
     "  carrier_id BIGINT NOT NULL,"
     "  carrier_name TEXT NOT NULL,"
     "  order_sns TEXT NOT NULL,"
     "  state TEXT NOT NULL,"
     "  warnings TEXT NOT NULL,"
     "  actor TEXT NOT NULL,"
     "  created_at BIGINT NOT NULL,"
     "  confirmed_at BIGINT NOT NULL,"
     "  PRIMARY KEY (connection_id, parent_order_sn, tracking_number));"
     "CREATE TABLE temu_carriers ("
     "  connection_id TEXT NOT NULL,"
     "  carrier_id BIGINT NOT NULL,"
     "  name TEXT NOT NULL,"
     "  fetched_at BIGINT NOT NULL,"
     "  PRIMARY KEY (connection_id, carrier_id));",
     NULL, NULL},
    /* Version 16 (issue 16): the flash notice of a session, shown once by the next page after
     * a form post (post/redirect/get); it goes with its session. */
    {16, "session_flash",
     "CREATE TABLE session_flash ("
     "  id_hash TEXT PRIMARY KEY REFERENCES sessions(id_hash) ON DELETE CASCADE,"
     "  kind TEXT NOT NULL CHECK (kind IN ('ok','error','info')),"
     "  message TEXT NOT NULL);",
     NULL, NULL},
    /* Version 17 (issue 13): the payout provider's credits (src/settlement/payout.c), one row
     * per provider line (a settlement or a balance history item) keyed by the provider's id,
     * money in minor units, with the content hash that makes a re-read a no-op; and each
     * feed's checkpoint, last run and last error. */
    {17, "payout_credits",
     "CREATE TABLE payout_credits ("
     "  provider TEXT NOT NULL,"
     "  feed TEXT NOT NULL CHECK (feed IN ('settlements','history')),"
     "  provider_id TEXT NOT NULL,"
     "  kind TEXT NOT NULL,"
     "  status TEXT NOT NULL,"
     "  amount_minor BIGINT NOT NULL,"
     "  fee_minor BIGINT NOT NULL,"
     "  currency TEXT NOT NULL,"
     "  fx_rate TEXT NOT NULL,"
     "  created_at BIGINT NOT NULL,"
     "  settled_at BIGINT NOT NULL,"
     "  estimated_at BIGINT NOT NULL,"
     "  reference TEXT NOT NULL,"
     "  source TEXT NOT NULL,"
     "  content_hash TEXT NOT NULL,"
     "  first_synced_at BIGINT NOT NULL,"
     "  synced_at BIGINT NOT NULL,"
     "  PRIMARY KEY (provider, feed, provider_id));"
     "CREATE INDEX payout_credits_settled ON payout_credits(provider, settled_at);"
     "CREATE TABLE payout_sync_state ("
     "  provider TEXT NOT NULL,"
     "  feed TEXT NOT NULL,"
     "  checkpoint BIGINT NOT NULL,"
     "  last_run_at BIGINT NOT NULL,"
     "  last_ok_at BIGINT NOT NULL,"
     "  last_error TEXT NOT NULL,"
     "  PRIMARY KEY (provider, feed));",
     NULL, NULL},
    /* Version 18 (issue 15): operators' relabels of buyer messages, read by `aicos ai train`
     * (src/ai/corrections.c); one row per text, the latest label wins. */
    {18, "ai_corrections",
     "CREATE TABLE ai_corrections ("
     "  text TEXT PRIMARY KEY,"
     "  lang TEXT NOT NULL,"
     "  label TEXT NOT NULL,"
     "  actor TEXT NOT NULL,"
     "  created_at TEXT NOT NULL);",
     NULL, NULL},
    /* Version 19 (issue 15, drafts): each after-sales case's classification (intent, confidence
     * in basis points, band, language, urgency; an operator's relabel beside the model's
     * label), and every reply draft with what became of it (proposed, then accepted, edited or
     * discarded, copied or marked sent). */
    {19, "case_triage_drafts",
     "CREATE TABLE case_triage ("
     "  connection_id TEXT NOT NULL,"
     "  case_id TEXT NOT NULL,"
     "  intent TEXT NOT NULL,"
     "  confidence_bp BIGINT NOT NULL,"
     "  band TEXT NOT NULL CHECK (band IN ('low','medium','high')),"
     "  lang TEXT NOT NULL,"
     "  urgent INTEGER NOT NULL,"
     "  classified_at BIGINT NOT NULL,"
     "  relabel TEXT NOT NULL DEFAULT '',"
     "  relabel_by TEXT NOT NULL DEFAULT '',"
     "  relabel_at BIGINT NOT NULL DEFAULT 0,"
     "  PRIMARY KEY (connection_id, case_id));"
     "CREATE TABLE reply_drafts ("
     "  id TEXT PRIMARY KEY,"
     "  connection_id TEXT NOT NULL,"
     "  case_id TEXT NOT NULL,"
     "  intent TEXT NOT NULL,"
     "  lang TEXT NOT NULL,"
     "  source TEXT NOT NULL CHECK (source IN ('template','llm')),"
     "  body TEXT NOT NULL,"
     "  llm_note TEXT NOT NULL,"
     "  state TEXT NOT NULL CHECK (state IN ('proposed','accepted','edited','discarded')),"
     "  action TEXT NOT NULL CHECK (action IN ('','copied','sent','discarded')),"
     "  final_text TEXT NOT NULL,"
     "  created_by TEXT NOT NULL,"
     "  created_at BIGINT NOT NULL,"
     "  decided_by TEXT NOT NULL,"
     "  decided_at BIGINT NOT NULL);"
     "CREATE INDEX reply_drafts_case ON reply_drafts(connection_id, case_id, created_at);",
     NULL, NULL},
    /* Version 20 (issue 16): each user's own language ('' follows the browser, 'zh', 'en')
     * and time zone (a tz database name) for the console. */
    {20, "user_preferences",
     "ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT '' "
     "CHECK (lang IN ('','zh','en'));"
     "ALTER TABLE users ADD COLUMN tz TEXT NOT NULL DEFAULT 'UTC';",
     NULL, NULL},
    /* Version 21 (issue 17): the orders list served by indexes
     * (MIGRATION_ORDER_LIST_INDEXES), the labels kept in temu_order_labels by
     * triggers, and a full-text index of the sub-orders' product names: FTS5
     * (contentless, kept by triggers) on SQLite, a GIN tsvector expression index
     * on PostgreSQL. */
    {21, "order_list_indexes", NULL,
     /* SQLite */
     MIGRATION_ORDER_LIST_INDEXES
     "INSERT INTO temu_order_labels SELECT j.value, o.update_time, o.parent_order_sn,"
     " o.connection_id FROM temu_orders o, json_each(o.labels) j WHERE json_valid(o.labels)"
     " AND j.type = 'text' ON CONFLICT DO NOTHING;"
     "CREATE TRIGGER temu_orders_labels_ai AFTER INSERT ON temu_orders BEGIN"
     "  INSERT INTO temu_order_labels SELECT j.value, new.update_time, new.parent_order_sn,"
     "  new.connection_id FROM json_each(CASE WHEN json_valid(new.labels) THEN new.labels"
     "  ELSE '[]' END) j WHERE j.type = 'text' ON CONFLICT DO NOTHING; END;"
     "CREATE TRIGGER temu_orders_labels_au AFTER UPDATE OF labels, update_time ON temu_orders"
     "  WHEN old.labels IS NOT new.labels OR old.update_time IS NOT new.update_time"
     "  BEGIN DELETE FROM temu_order_labels WHERE connection_id = old.connection_id AND"
     "  parent_order_sn = old.parent_order_sn;"
     "  INSERT INTO temu_order_labels SELECT j.value, new.update_time, new.parent_order_sn,"
     "  new.connection_id FROM json_each(CASE WHEN json_valid(new.labels) THEN new.labels"
     "  ELSE '[]' END) j WHERE j.type = 'text' ON CONFLICT DO NOTHING; END;"
     "CREATE TRIGGER temu_orders_labels_ad AFTER DELETE ON temu_orders BEGIN"
     "  DELETE FROM temu_order_labels WHERE connection_id = old.connection_id AND"
     "  parent_order_sn = old.parent_order_sn; END;"
     "CREATE VIRTUAL TABLE temu_order_items_fts USING fts5(goods_name, content='');"
     "INSERT INTO temu_order_items_fts(rowid, goods_name) SELECT rowid, CASE WHEN"
     " json_valid(data) THEN coalesce(json_extract(data, '$.goodsName'), '') ELSE '' END"
     " FROM temu_order_items;"
     "CREATE TRIGGER temu_order_items_fts_ai AFTER INSERT ON temu_order_items BEGIN"
     "  INSERT INTO temu_order_items_fts(rowid, goods_name) VALUES (new.rowid,"
     "  CASE WHEN json_valid(new.data) THEN coalesce(json_extract(new.data, '$.goodsName'), '')"
     "  ELSE '' END); END;"
     "CREATE TRIGGER temu_order_items_fts_au AFTER UPDATE OF data ON temu_order_items"
     "  WHEN old.data IS NOT new.data BEGIN"
     "  INSERT INTO temu_order_items_fts(temu_order_items_fts, rowid, goods_name) VALUES"
     "  ('delete', old.rowid, CASE WHEN json_valid(old.data) THEN"
     "  coalesce(json_extract(old.data, '$.goodsName'), '') ELSE '' END);"
     "  INSERT INTO temu_order_items_fts(rowid, goods_name) VALUES (new.rowid,"
     "  CASE WHEN json_valid(new.data) THEN coalesce(json_extract(new.data, '$.goodsName'), '')"
     "  ELSE '' END); END;"
     "CREATE TRIGGER temu_order_items_fts_ad AFTER DELETE ON temu_order_items BEGIN"
     "  INSERT INTO temu_order_items_fts(temu_order_items_fts, rowid, goods_name) VALUES"
     "  ('delete', old.rowid, CASE WHEN json_valid(old.data) THEN"
     "  coalesce(json_extract(old.data, '$.goodsName'), '') ELSE '' END); END;",
     /* PostgreSQL */
     MIGRATION_ORDER_LIST_INDEXES
     "CREATE FUNCTION temu_order_labels_keep() RETURNS trigger LANGUAGE plpgsql AS $$"
     "  BEGIN"
     "  IF TG_OP <> 'INSERT' THEN DELETE FROM temu_order_labels WHERE connection_id ="
     "  OLD.connection_id AND parent_order_sn = OLD.parent_order_sn; END IF;"
     "  IF TG_OP <> 'DELETE' THEN INSERT INTO temu_order_labels SELECT l, NEW.update_time,"
     "  NEW.parent_order_sn, NEW.connection_id FROM jsonb_array_elements_text(CASE WHEN"
     "  jsonb_typeof(NEW.labels::jsonb) = 'array' THEN NEW.labels::jsonb ELSE '[]'::jsonb END) l"
     "  ON CONFLICT DO NOTHING; END IF;"
     "  RETURN NULL; END $$;"
     "INSERT INTO temu_order_labels SELECT l, o.update_time, o.parent_order_sn, o.connection_id"
     " FROM temu_orders o, jsonb_array_elements_text(o.labels::jsonb) l"
     " WHERE jsonb_typeof(o.labels::jsonb) = 'array' ON CONFLICT DO NOTHING;"
     "CREATE TRIGGER temu_orders_labels_ai AFTER INSERT OR DELETE ON temu_orders"
     "  FOR EACH ROW EXECUTE FUNCTION temu_order_labels_keep();"
     "CREATE TRIGGER temu_orders_labels_au AFTER UPDATE OF labels, update_time ON temu_orders"
     "  FOR EACH ROW WHEN (OLD.labels IS DISTINCT FROM NEW.labels OR OLD.update_time IS"
     "  DISTINCT FROM NEW.update_time) EXECUTE FUNCTION temu_order_labels_keep();"
     "CREATE INDEX temu_order_items_name ON temu_order_items USING gin"
     " (to_tsvector('simple', data::jsonb ->> 'goodsName')) WITH (fastupdate = off);"},
    /* Version 22 (issue 12): carrier tracking (src/tracking). Parcels, their scans and
     * current flags; the 17TRACK quota ledger (a number is reserved here before it is
     * registered, so it is never registered twice nor past the quota); shipped orders already
     * asked for their parcels; received pushes by content hash; per-shop lane thresholds. */
    {22, "carrier_tracking", MIGRATION_22_CARRIER_TRACKING, NULL, NULL},
    /* Version 23 (issue 14): the action center (src/actions). Items are unique per
     * (connection, kind, object), so restarts and concurrent workers never duplicate one; the
     * history holds every state change with who made it (numbered per item); settings override
     * a detector's thresholds per shop ('' = every shop); the notification hooks and their
     * outbox (one row per hook and event: deduplicated, retried, crash-safe). */
    {23, "action_center", MIGRATION_23_ACTION_CENTER, NULL, NULL},
    /* Version 24 (issue 13): the settlement import and reconciliation (src/settlement).
     * One row per imported file (keyed by its SHA-256, so a re-import is a no-op) with its
     * totals; its canonical lines (tracking-and-settlement.md §3.5) keyed by provenance
     * (file, sheet, row), money as minor units + ISO code, times as Unix seconds with the
     * source's UTC offset kept; the saved mapping profiles; the expected amount of each order
     * with its history (drift after the sale stays visible); and the last reconciliation's
     * results, each with the rule that made it. */
    {24, "settlement", MIGRATION_24_SETTLEMENT, NULL, NULL},
    /* Version 25 (issue 16): console settings, shop names and order amounts. */
    {25, "console_settings", MIGRATION_25_CONSOLE_SETTINGS, NULL, NULL},
    /* Version 26 (issue 17, ingest): upserts that learn from their RETURNING whether a row
     * was new or changed (sync_prev, src/sync/stream.h), and each order's JSON stored once:
     * a sub-order keeps its own columns, its JSON lives in the parent's data. */
    {26, "ingest_rows", NULL, MIGRATION_26_SQLITE, MIGRATION_26_POSTGRES},
    /* Version 27 (issue 13): statement lines keyed by (file number, place in the file) as
     * one integer (MIGRATION_27_LINES_*): the import stores a line in one B-tree plus the
     * order-number index. */
    {27, "settlement_line_keys", NULL, MIGRATION_27_LINES_SQLITE, MIGRATION_27_LINES_POSTGRES},
    /* Version 28 (issue 13): the expected-amounts stream (temu.order.amount.v2.query, run by
     * the settlement worker like the sync streams): per connection its last run, its last
     * success and what the run did (asked, stored, moved: amounts that changed after the
     * first one, failed), so several processes share the work and people see its state. */
    {28, "settlement_amount_stream", MIGRATION_28_AMOUNT_STREAM, NULL, NULL},
    /* Version 29 (issue 12): the shipments sync stream's tables (each shipped order's
     * content hash and its parcels from bg.logistics.shipment.v2.get, read by the tracking
     * refresh, which no longer keeps tracking_order_checks) and the carrier mapping (Temu
     * carrier id or name -> 17TRACK code and lane), seeded with the carriers of
     * tracking-and-settlement.md §1.8. */
    {29, "parcels_carriers", MIGRATION_29_PARCELS_CARRIERS, NULL, NULL},
};

const unsigned migrations_count = sizeof migrations / sizeof migrations[0];
