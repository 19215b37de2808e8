/*
 * The fair C ingest reference of sync_bench (issue 17): the least a C program with the same
 * libraries does for the engine's result. The same pages from the same sandbox (the engine's
 * 7-day creation windows back from now - SYNC_OVERLAP_S to since, pages 1..last of 100),
 * each request signed (MD5, fresh timestamp) and POSTed over one keep-alive libcurl handle,
 * the answer parsed with jansson; per order the same rows as the engine into the real schema
 * (migrated by the caller): the key-sorted compact JSON of {parentOrderMap, orderList}, its
 * BLAKE2b-256, the packed document (sync_order_doc_pack), the labels, the upsert that learns
 * new / changed from its RETURNING, each sub-order's columns, a status-history row; one
 * transaction per page with a checkpoint UPDATE. Statements are prepared once, straight on
 * sqlite3 or libpq (no store layer, no statement cache lookup).
 */
#ifndef AICOS_BENCH_INGEST_REF_H
#define AICOS_BENCH_INGEST_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ingest_ref_opts {
    const char *gateway; /* http://127.0.0.1:PORT/openapi/router */
    const char *app_key, *app_secret, *token;
    const char *db_url;        /* sqlite:<path> or postgres://… (migrated, empty) */
    const char *connection_id; /* the rows' connection */
    int64_t since, now;        /* the backfill's range, as the engine's run */
};

struct ingest_ref_result {
    int64_t orders, requests;
};

/* Runs the reference; false with a message in err. */
bool ingest_ref_run(const struct ingest_ref_opts *o, struct ingest_ref_result *r, char *err,
                    size_t len);

#endif
