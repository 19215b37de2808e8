/*
 * Unit: the settlement import and reconciliation (src/settlement), on SQLite and PostgreSQL.
 * Every scenario of temu-statements reproduces its golden report exactly; re-imports are
 * no-ops; a control total that disagrees, bad files (truncated and zip-bomb workbooks,
 * UTF-16, a header that maps nothing, text in an amount cell, a 1 GiB file) fail with a
 * clear error and store nothing; a kill -9 during an import leaves nothing or everything.
 */
#include "testsupport.h"

#include <dirent.h>
#include <fcntl.h>
#include <iconv.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "settlement/import.h"
#include "settlement/profile.h"
#include "settlement/reconcile.h"
#include "settlement/status.h"
#include "store/db.h"
#include "store/migrate.h"

static char gen_dir[TS_PATH_MAX];

static struct db *open_db(const char *name, char *url, size_t len)
{
    struct db *db = NULL;
    struct errbuf eb = {0};
    ts_fresh_db_url(name, url, len);
    if (db_open(url, 2, &db, &eb) != ERR_OK || migrate_apply(db, NULL, &eb) != ERR_OK)
        fail_msg("set-up: %s", eb.msg);
    return db;
}

static int setup(void **state)
{
    (void)state;
    char *dir = ts_tmpdir("settle-gen");
    snprintf(gen_dir, sizeof gen_dir, "%s", dir);
    free(dir);
    char *argv[] = {(char *)STATEMENTS_BIN, (char *)"--seed", (char *)"13",
                    (char *)"--out",        gen_dir,          NULL};
    struct ts_proc p;
    ts_spawn(gen_dir, argv, NULL, &p);
    return ts_wait(&p, 60000) == 0 ? 0 : -1;
}

static enum err import_path(struct db *db, const char *path, const char *profile,
                            const char *control, struct settle_import_result *r, struct errbuf *eb)
{
    struct settle_import_opts o = {path, profile, control, "test", 1800000000};
    return settle_import_file(db, path, &o, r, eb);
}

static void save_provider_profile(struct db *db)
{
    struct settle_profile p;
    memset(&p, 0, sizeof p);
    snprintf(p.name, sizeof p.name, "provider_credits");
    snprintf(p.source, sizeof p.source, "airwallex");
    snprintf(p.kind, sizeof p.kind, "credits");
    snprintf(p.currency, sizeof p.currency, "CNY");
    p.style = MONEY_STYLE_PLAIN;
    snprintf(p.map[SF_POSTED_AT], sizeof p.map[0], "Date");
    snprintf(p.map[SF_NET], sizeof p.map[0], "Amount");
    snprintf(p.map[SF_CURRENCY], sizeof p.map[0], "Currency");
    snprintf(p.map[SF_REFERENCE], sizeof p.map[0], "Reference");
    struct errbuf eb = {0};
    assert_int_equal(settle_profile_save(db, &p, "test", 1, &eb), ERR_OK);
    assert_int_equal(settle_profile_save(db, &p, "test", 1, &eb), ERR_CONFLICT);
}

/* Imports a scenario's files in the order scenario.json gives, reconciles, compares. */
static void run_scenario(const char *name)
{
    char dir[TS_PATH_MAX * 2], path[TS_PATH_MAX * 3], url[TS_PATH_MAX];
    snprintf(dir, sizeof dir, "%s/%s", gen_dir, name);
    snprintf(path, sizeof path, "%s/scenario.json", dir);
    json_t *sc = json_load_file(path, 0, NULL);
    snprintf(path, sizeof path, "%s/golden.json", dir);
    json_t *golden = json_load_file(path, 0, NULL);
    assert_non_null(sc);
    assert_non_null(golden);
    struct db *db = open_db("settlegolden", url, sizeof url);
    save_provider_profile(db);
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(sc, "files"), i, f)
    {
        const char *file = json_string_value(f);
        snprintf(path, sizeof path, "%s/%s", dir, file);
        struct settle_import_result r;
        struct errbuf eb = {0};
        enum err e = import_path(
            db, path, strcmp(file, "credits.csv") == 0 ? "provider_credits" : NULL, NULL, &r, &eb);
        if (e != ERR_OK)
            fail_msg("%s: %s: %s", name, file, eb.msg);
        assert_false(r.existed);
        settle_import_result_clear(&r);
        /* The same file again changes nothing. */
        assert_int_equal(import_path(db, path, NULL, NULL, &r, &eb), ERR_OK);
        assert_true(r.existed);
        settle_import_result_clear(&r);
    }
    struct errbuf eb = {0};
    int64_t now = (int64_t)json_integer_value(json_object_get(sc, "now"));
    assert_int_equal(settle_reconcile(db, now, NULL, &eb), ERR_OK);
    json_t *rep = NULL;
    assert_int_equal(settle_report_load(db, &rep, NULL, &eb), ERR_OK);
    if (!json_equal(rep, golden)) {
        char *a = json_dumps(rep, JSON_SORT_KEYS), *b = json_dumps(golden, JSON_SORT_KEYS);
        fail_msg("%s: report %s, golden %s", name, a, b);
    }
    json_decref(rep);
    json_decref(golden);
    json_decref(sc);
    db_close(db);
}

static void test_every_scenario_matches_its_golden_report(void **state)
{
    (void)state;
    DIR *d = opendir(gen_dir);
    assert_non_null(d);
    struct dirent *de;
    int n = 0;
    while ((de = readdir(d)) != NULL) {
        char probe[TS_PATH_MAX * 2];
        snprintf(probe, sizeof probe, "%s/%s/scenario.json", gen_dir, de->d_name);
        if (de->d_name[0] == '.' || access(probe, R_OK) != 0)
            continue;
        run_scenario(de->d_name);
        n++;
    }
    closedir(d);
    assert_int_equal(n, 15);
}

static long long count_of(const char *url, const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
    return ts_db_int(url, sql);
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* Expects the import of data to fail with e and a message containing needle; nothing kept. */
static void expect_refused(struct db *db, const char *url, const char *name, const void *data,
                           size_t len, enum err want, const char *needle)
{
    char path[TS_PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/%s", gen_dir, name);
    write_file(path, data, len);
    struct settle_import_result r;
    struct errbuf eb = {0};
    enum err e = import_path(db, path, NULL, NULL, &r, &eb);
    if (e != want || strstr(eb.msg, needle) == NULL)
        fail_msg("%s: got %d \"%s\", want %d with \"%s\"", name, e, eb.msg, want, needle);
    settle_import_result_clear(&r);
    assert_int_equal(count_of(url, "settlement_imports"), 0);
    assert_int_equal(count_of(url, "settlement_lines"), 0);
    assert_int_equal(count_of(url, "settlement_expected"), 0);
}

static char *first_xlsx(const char *scenario, size_t *len)
{
    char dir[TS_PATH_MAX * 2], path[TS_PATH_MAX * 3];
    snprintf(dir, sizeof dir, "%s/%s", gen_dir, scenario);
    DIR *d = opendir(dir);
    struct dirent *de;
    path[0] = '\0';
    while (d != NULL && (de = readdir(d)) != NULL) {
        if (strstr(de->d_name, ".xlsx") != NULL)
            snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    }
    if (d)
        closedir(d);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 20);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

/* A workbook whose one sheet inflates 1000-fold. */
static void *zip_bomb(size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_source_keep(src);
    zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    size_t n = 16u << 20;
    char *zeros = calloc(1, n);
    zip_source_t *s = zip_source_buffer(z, zeros, n, 0);
    zip_file_add(z, "xl/workbook.xml", s, 0);
    assert_int_equal(zip_close(z), 0);
    zip_source_open(src);
    zip_source_seek(src, 0, SEEK_END);
    *len = (size_t)zip_source_tell(src);
    zip_source_seek(src, 0, SEEK_SET);
    void *out = malloc(*len);
    assert_int_equal(zip_source_read(src, out, *len), (zip_int64_t)*len);
    zip_source_close(src);
    zip_source_free(src);
    free(zeros);
    return out;
}

static void test_bad_files_store_nothing(void **state)
{
    (void)state;
    char url[TS_PATH_MAX];
    struct db *db = open_db("settlebad", url, sizeof url);
    size_t len;
    char *x = first_xlsx("chargeback", &len);
    expect_refused(db, url, "truncated.xlsx", x, len / 2, ERR_PARSE, "");
    free(x);
    void *bomb = zip_bomb(&len);
    expect_refused(db, url, "bomb.xlsx", bomb, len, ERR_TOOBIG, "");
    free(bomb);
    expect_refused(db, url, "utf16.csv", "\xFF\xFEo\0r\0", 6, ERR_PARSE, "UTF-16");
    const char nomap[] = "alpha,beta,gamma\n1,2,3\n";
    expect_refused(db, url, "nomap.csv", nomap, strlen(nomap), ERR_NOTFOUND, "maps nothing");
    const char text[] = "order_sn,expected_amount,currency,ordered_at,pickup_at,delivered_at,"
                        "after_sales_open\nPO-1,12.00,USD,0,0,0,0\nPO-2,twelve,USD,0,0,0,0\n";
    expect_refused(db, url, "text.csv", text, strlen(text), ERR_INVAL, "row 3 column B");
    const char ctl[] = "\xEF\xBB\xBF订单编号,结算时间,币种,交易类型,结算金额\n"
                       "PO-1,2026-10-01 10:00:00,USD,结算-交易收入,12.00\n";
    char path[TS_PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/ctl.csv", gen_dir);
    write_file(path, ctl, strlen(ctl));
    struct settle_import_result r;
    struct errbuf eb = {0};
    assert_int_equal(import_path(db, path, NULL, "12.01", &r, &eb), ERR_INVAL);
    assert_non_null(strstr(eb.msg, "disagrees"));
    settle_import_result_clear(&r);
    assert_int_equal(count_of(url, "settlement_lines"), 0);
    assert_int_equal(import_path(db, path, NULL, "12.00", &r, &eb), ERR_OK);
    assert_int_equal(r.lines, 1);
    settle_import_result_clear(&r);
    /* A 1 GiB file is refused by its size, unread (sparse, so it costs no disk). */
    snprintf(path, sizeof path, "%s/huge.csv", gen_dir);
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    assert_true(fd >= 0 && ftruncate(fd, (off_t)1 << 30) == 0);
    close(fd);
    assert_int_equal(import_path(db, path, NULL, NULL, &r, &eb), ERR_TOOBIG);
    assert_non_null(strstr(eb.msg, "refused"));
    unlink(path);
    db_close(db);
}

/* A settlement export of n lines for the kill test. */
static void write_big_export(const char *path, int n)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("订单编号,结算时间,币种,交易类型,结算金额\n", f);
    for (int i = 0; i < n; i++)
        fprintf(f, "PO-211-%08d,2026-10-01 10:00:00,USD,结算-交易收入,%d.%02d\n", i, 10 + i % 90,
                i % 100);
    fclose(f);
}

static void test_kill_during_import_keeps_nothing_or_everything(void **state)
{
    (void)state;
    char url[TS_PATH_MAX], path[TS_PATH_MAX * 2], env[TS_PATH_MAX + 32];
    struct db *db = open_db("settlekill", url, sizeof url);
    db_close(db);
    snprintf(path, sizeof path, "%s/big.csv", gen_dir);
    /* Large enough that the kills land inside the import's transaction (batched inserts
     * make 20,000 lines take only a few tens of milliseconds). */
    const int n = 60000;
    write_big_export(path, n);
    snprintf(env, sizeof env, "AICOS_DATABASE_URL=%s", url);
    char *envv[] = {env, NULL};
    char *argv[] = {getenv("AICOS_BIN"), (char *)"settlement", (char *)"import", path, NULL};
    for (int delay = 50; delay <= 400; delay += 175) {
        struct ts_proc p;
        ts_spawn(gen_dir, argv, envv, &p);
        ts_sleep_ms(delay);
        ts_stop(&p, SIGKILL, 10000);
        long long lines = count_of(url, "settlement_lines");
        long long imports = count_of(url, "settlement_imports");
        assert_true((lines == 0 && imports == 0) || (lines == n && imports == 1));
    }
    struct ts_proc p;
    ts_spawn(gen_dir, argv, envv, &p);
    assert_int_equal(ts_wait(&p, 120000), 0);
    assert_int_equal(count_of(url, "settlement_lines"), n);
}

/* A bank statement in GB18030 with a preamble, through a saved profile without a type column. */
static void test_mapped_bank_statement(void **state)
{
    (void)state;
    char url[TS_PATH_MAX], path[TS_PATH_MAX * 2];
    struct db *db = open_db("settlebank", url, sizeof url);
    struct settle_profile p;
    memset(&p, 0, sizeof p);
    snprintf(p.name, sizeof p.name, "bank_cn");
    snprintf(p.source, sizeof p.source, "bank");
    snprintf(p.kind, sizeof p.kind, "lines");
    snprintf(p.currency, sizeof p.currency, "CNY");
    p.utc_offset_s = 8 * 3600;
    p.style = MONEY_STYLE_EN;
    snprintf(p.map[SF_POSTED_AT], sizeof p.map[0], "交易日期");
    snprintf(p.map[SF_NET], sizeof p.map[0], "金额");
    snprintf(p.map[SF_COUNTERPARTY], sizeof p.map[0], "对方户名");
    snprintf(p.map[SF_BALANCE_AFTER], sizeof p.map[0], "余额");
    struct errbuf eb = {0};
    assert_int_equal(settle_profile_save(db, &p, "test", 1, &eb), ERR_OK);
    /* The second balance is 2.00 off its line: layer 2 reports the residue. */
    char utf8[] = "中国银行对账单\n账号,6217\n\n交易日期,对方户名,金额,余额\n"
                  "2026-10-14 10:00:00,空中云汇,\"5,200.00\",\"15,200.00\"\n"
                  "2026-10-15 09:00:00,手续费,-12.00,\"15,190.00\"\n";
    char gb[512], *in = utf8, *out = gb;
    size_t il = strlen(utf8), ol = sizeof gb;
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    assert_true(cd != (iconv_t)-1 && iconv(cd, &in, &il, &out, &ol) != (size_t)-1);
    iconv_close(cd);
    snprintf(path, sizeof path, "%s/bank.csv", gen_dir);
    write_file(path, gb, sizeof gb - ol);
    struct settle_import_result r;
    assert_int_equal(import_path(db, path, NULL, NULL, &r, &eb), ERR_NOTFOUND);
    settle_import_result_clear(&r);
    if (import_path(db, path, "bank_cn", "5,188.00", &r, &eb) != ERR_OK)
        fail_msg("bank import: %s", eb.msg);
    assert_int_equal(r.lines, 2);
    settle_import_result_clear(&r);
    assert_int_equal(ts_db_int(url, "SELECT SUM(net_minor) FROM settlement_lines"), 518800);
    assert_int_equal(ts_db_int(url, "SELECT COUNT(*) FROM settlement_lines WHERE type = "
                                    "'other_debit' AND counterparty = '手续费'"),
                     1);
    assert_int_equal(ts_db_int(url, "SELECT MIN(posted_at) FROM settlement_lines"), 1791943200);
    json_t *rep = NULL;
    assert_int_equal(settle_reconcile(db, 1792454400, NULL, &eb), ERR_OK);
    assert_int_equal(settle_report_load(db, &rep, NULL, &eb), ERR_OK);
    json_t *gap = json_object_get(json_object_get(rep, "reasons"), "unexplained_balance_delta");
    assert_int_equal(json_integer_value(json_object_get(gap, "amount_minor")), 200);
    assert_int_equal(json_integer_value(json_object_get(gap, "count")), 1);
    json_decref(rep);
    db_close(db);
}

/* A completed withdrawal matched to a settlement the payout provider's API import stored. */
static void test_withdrawal_matches_a_payout_api_credit(void **state)
{
    (void)state;
    char url[TS_PATH_MAX], path[TS_PATH_MAX * 2];
    struct db *db = open_db("settlepayout", url, sizeof url);
    ts_db_exec(url, "INSERT INTO payout_credits (provider, feed, provider_id, kind, status, "
                    "amount_minor, fee_minor, currency, fx_rate, created_at, settled_at, "
                    "estimated_at, reference, source, content_hash, first_synced_at, synced_at) "
                    "VALUES ('airwallex', 'settlements', 'st_1', 'settlement', 'SETTLED', 520000, "
                    "0, 'CNY', '', 1791900000, 1791972000, 0, 'r', '', 'h', 1, 1)");
    const char wd[] = "fund_account,created_at,amount,currency,status,beneficiary\n"
                      "货款提现,2026-09-30 10:00:00,5200.00(CNY),CNY,提现成功,中国银行 (6217)\n";
    snprintf(path, sizeof path, "%s/wd.csv", gen_dir);
    write_file(path, wd, strlen(wd));
    struct settle_import_result r;
    struct errbuf eb = {0};
    assert_int_equal(import_path(db, path, NULL, NULL, &r, &eb), ERR_OK);
    settle_import_result_clear(&r);
    struct settle_report rep;
    assert_int_equal(settle_reconcile(db, 1792454400, &rep, &eb), ERR_OK);
    assert_int_equal(rep.wd_matched, 1);
    assert_int_equal(rep.cr_matched, 1);
    assert_int_equal(rep.cr_unmatched, 0);
    db_close(db);
}

static void test_status_and_expected_date(void **state)
{
    (void)state;
    struct settle_order_times t = {.pickup_at = 1000, .delivered_at = 0};
    assert_int_equal(settle_expected_date(&t), 1000 + 45 * 86400);
    t.delivered_at = 5000;
    assert_int_equal(settle_expected_date(&t), 5000 + 86400);
    t.after_sales_open = true;
    assert_int_equal(settle_expected_date(&t), 0);
    char url[TS_PATH_MAX];
    struct db *db = open_db("settlestatus", url, sizeof url);
    struct settle_status s;
    struct errbuf eb = {0};
    assert_int_equal(settle_status_get(db, &s, &eb), ERR_OK);
    assert_int_equal(s.imports, 0);
    assert_false(s.api_credential);
    db_close(db);
}

static void sql(struct db *db, const char *q, const struct db_param *p, size_t n)
{
    struct errbuf eb = {0};
    struct db_conn *c = db_acquire(db);
    enum err e = db_exec(c, q, p, n, NULL, &eb);
    db_release(c);
    if (e != ERR_OK)
        fail_msg("%s: %s", q, eb.msg);
}

/* A tracked parcel of order sn with its carrier pickup and delivery scans (0: none). */
static void seed_parcel(struct db *db, const char *id, const char *sn, int64_t pickup,
                        int64_t delivered)
{
    struct db_param p[] = {DB_P_TEXT(id), DB_P_TEXT(sn), DB_P_INT(pickup), DB_P_INT(delivered)};
    sql(db,
        "INSERT INTO tracking_shipments (id, connection_id, parent_order_sn, order_sn, "
        "package_sn, tracking_number, temu_carrier_id, carrier_name, carrier, lane, provider, "
        "reg_state, reg_error, status, raw_status, raw_sub_status, shipped_at, promise_at, "
        "first_event_at, last_event_at, latest_at, picked_up_at, delivered_at, registered_at, "
        "refreshed_at, next_poll_at, created_at, updated_at) VALUES ($1, 'c', $2, $2, $1, $1, 0, "
        "'UPS', 0, 'express', 'temu', 'registered', '', 'InTransit', '', '', 0, 0, 0, 0, 0, $3, "
        "$4, 0, 0, 0, 0, 0)",
        p, 4);
}

static int64_t expected_at(struct db *db, const char *sn)
{
    struct settle_order_times t;
    struct errbuf eb = {0};
    struct db_conn *c = db_acquire(db);
    assert_int_equal(settle_order_times_get(c, sn, &t, &eb), ERR_OK);
    db_release(c);
    return settle_expected_date(&t);
}

/* The carrier's scans (tracking) move the expected settlement date: the file's pickup gives
 * pickup + 45 days; a tracked pickup replaces it; a delivery of every parcel gives delivered
 * + 1 day, and the reconciliation then calls the unpaid order missing instead of pending. */
static void test_tracked_delivery_moves_expected_date(void **state)
{
    (void)state;
    const int64_t day = 86400, file_pickup = 1790000000;
    char url[TS_PATH_MAX];
    struct db *db = open_db("settletrack", url, sizeof url);
    struct db_param p[] = {DB_P_TEXT("PO-211-T1"), DB_P_INT(file_pickup)};
    sql(db,
        "INSERT INTO settlement_expected (order_sn, connection_id, amount_minor, currency, "
        "ordered_at, pickup_at, delivered_at, after_sales_open, source, updated_at) VALUES ($1, "
        "'c', 1234, 'USD', 0, $2, 0, 0, 'file', 0)",
        p, 2);
    assert_int_equal(expected_at(db, "PO-211-T1"), file_pickup + 45 * day);
    int64_t now = file_pickup + 10 * day;
    struct settle_report rep;
    struct errbuf eb = {0};
    assert_int_equal(settle_reconcile(db, now, &rep, &eb), ERR_OK);
    assert_int_equal(rep.pending, 1);
    assert_int_equal(rep.missing, 0);
    /* Two parcels, one delivered: the tracked pickup (the first) counts, not a delivery. */
    seed_parcel(db, "p1", "PO-211-T1", file_pickup + day, file_pickup + 4 * day);
    seed_parcel(db, "p2", "PO-211-T1", file_pickup + 2 * day, 0);
    assert_int_equal(expected_at(db, "PO-211-T1"), file_pickup + day + 45 * day);
    /* The second parcel delivered: the last delivery + 1 day. */
    struct db_param d[] = {DB_P_INT(file_pickup + 6 * day)};
    sql(db, "UPDATE tracking_shipments SET delivered_at = $1 WHERE id = 'p2'", d, 1);
    assert_int_equal(expected_at(db, "PO-211-T1"), file_pickup + 7 * day);
    assert_int_equal(settle_reconcile(db, now, &rep, &eb), ERR_OK);
    assert_int_equal(rep.pending, 0);
    assert_int_equal(rep.missing, 1);
    /* An order without tracked parcels keeps the file's times. */
    struct db_param q[] = {DB_P_TEXT("PO-211-T2"), DB_P_INT(file_pickup)};
    sql(db,
        "INSERT INTO settlement_expected (order_sn, connection_id, amount_minor, currency, "
        "ordered_at, pickup_at, delivered_at, after_sales_open, source, updated_at) VALUES ($1, "
        "'c', 1234, 'USD', 0, $2, 0, 0, 'file', 0)",
        q, 2);
    assert_int_equal(expected_at(db, "PO-211-T2"), file_pickup + 45 * day);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_scenario_matches_its_golden_report),
        cmocka_unit_test(test_bad_files_store_nothing),
        cmocka_unit_test(test_kill_during_import_keeps_nothing_or_everything),
        cmocka_unit_test(test_mapped_bank_statement),
        cmocka_unit_test(test_withdrawal_matches_a_payout_api_credit),
        cmocka_unit_test(test_status_and_expected_date),
        cmocka_unit_test(test_tracked_delivery_moves_expected_date),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
