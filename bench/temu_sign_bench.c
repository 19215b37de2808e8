/*
 * temu_sign_bench: the cost of one Temu request signature (temu/sign.h), against raw OpenSSL
 * MD5 over the same canonical string (the lower bound: hashing alone, no canonicalization).
 *
 *   temu_sign_bench [seconds-per-case]     (default 1)
 *
 * Cases: "example1" is the official shipment-confirm body of §2.2 (nested array); "orders"
 * is a typical bg.order.list.v2.get call. For each: ns per signature and signatures per
 * second for temu_sign_body() (canonicalize + MD5 + body), temu_sign_canonicalize() +
 * temu_sign_digest(), and the MD5 reference; the ratio is sign_body / reference.
 */
#include <jansson.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/parse.h"
#include "temu/sign.h"

static const char secret[] = "c7e0a1a63542be4de3cb5488f9fba8149e8fc290";

static const char example1[] =
    "{\"access_token\":\"2nifvmpyymvypwmcms5ct4uqqudrwgpmzbcnmkt1jzjkuaf3x56iixym\","
    "\"app_key\":\"f9d5cc9313893a20d5aa85c654e8f503\",\"data_type\":\"JSON\","
    "\"timestamp\":1711009072,\"type\":\"bg.logistics.shipment.confirm\",\"sendType\":0,"
    "\"sendRequestList\":[{\"orderSendInfoList\":[{\"quantity\":1,\"orderSn\":"
    "\"211-21905473070712792\",\"parentOrderSn\":\"PO-211-21905452099192792\",\"goodsId\":"
    "601099548666279,\"skuId\":17592352673534}],\"carrierId\":\"699272611\","
    "\"trackingNumber\":\"270324232756\"}]}";

static const char orders[] =
    "{\"access_token\":\"2nifvmpyymvypwmcms5ct4uqqudrwgpmzbcnmkt1jzjkuaf3x56iixym\","
    "\"app_key\":\"f9d5cc9313893a20d5aa85c654e8f503\",\"data_type\":\"JSON\","
    "\"timestamp\":1711009072,\"type\":\"bg.order.list.v2.get\",\"pageNumber\":1,"
    "\"pageSize\":100,\"updateAtStart\":1711000000,\"updateAtEnd\":1711009000,"
    "\"sortby\":\"updateTime\"}";

static volatile unsigned sink;

struct result {
    double ns;
    uint64_t n;
};

enum method { M_BODY, M_CANON, M_MD5 };

static struct result run(enum method m, const json_t *params, const char *concat, size_t concat_len,
                         double seconds)
{
    struct buf b = {.max = 1 << 20};
    char sign[TEMU_SIGN_HEX_LEN + 1];
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen;
    uint64_t n = 0, failed = 0;
    uint64_t budget = (uint64_t)(seconds * 1e9);
    uint64_t start = clock_mono_ns(), now = start;
    while (now - start < budget) {
        for (int i = 0; i < 256; i++) {
            buf_reset(&b);
            if (m == M_BODY) {
                failed +=
                    temu_sign_body(params, secret, sizeof secret - 1, &b, sign, NULL) != ERR_OK;
                sink += (unsigned char)sign[0];
            } else if (m == M_CANON) {
                failed += temu_sign_canonicalize(params, &b, NULL) != ERR_OK;
                failed +=
                    temu_sign_digest(secret, sizeof secret - 1, b.data, b.len, sign) != ERR_OK;
                sink += (unsigned char)sign[0];
            } else {
                /* Reference: MD5 of secret + canonical + secret, as one contiguous string. */
                failed += buf_append(&b, secret, sizeof secret - 1) != ERR_OK;
                failed += buf_append(&b, concat, concat_len) != ERR_OK;
                failed += buf_append(&b, secret, sizeof secret - 1) != ERR_OK;
                EVP_Digest(b.data, b.len, md, &mdlen, EVP_md5(), NULL);
                sink += md[0];
            }
        }
        n += 256;
        now = clock_mono_ns();
    }
    buf_free(&b);
    if (failed > 0) {
        fprintf(stderr, "temu_sign_bench: %llu calls failed\n", (unsigned long long)failed);
        exit(1);
    }
    struct result r = {(double)(now - start) / (double)n, n};
    return r;
}

static int bench_case(const char *name, const char *text, double seconds)
{
    json_error_t jerr;
    json_t *params = json_loads(text, 0, &jerr);
    struct buf concat = {0};
    if (params == NULL || temu_sign_canonicalize(params, &concat, NULL) != ERR_OK) {
        fprintf(stderr, "temu_sign_bench: case %s does not parse\n", name);
        return 1;
    }
    run(M_BODY, params, concat.data, concat.len, seconds / 10); /* warm-up */
    struct result body = run(M_BODY, params, concat.data, concat.len, seconds);
    struct result canon = run(M_CANON, params, concat.data, concat.len, seconds);
    struct result ref = run(M_MD5, params, concat.data, concat.len, seconds);
    printf("%-9s %5zu B  sign_body %7.0f ns (%9.0f/s)  canonicalize+digest %7.0f ns (%9.0f/s)  "
           "md5 reference %6.0f ns (%9.0f/s)  ratio %.1fx\n",
           name, concat.len + 2 * (sizeof secret - 1), body.ns, 1e9 / body.ns, canon.ns,
           1e9 / canon.ns, ref.ns, 1e9 / ref.ns, body.ns / ref.ns);
    buf_free(&concat);
    json_decref(params);
    return 0;
}

int main(int argc, char **argv)
{
    double seconds = 1.0;
    if (argc > 1) {
        int64_t s;
        if (parse_int64(argv[1], 1, 60, &s) != ERR_OK) {
            fprintf(stderr, "usage: temu_sign_bench [seconds-per-case 1..60]\n");
            return 2;
        }
        seconds = (double)s;
    }
    printf("temu_sign_bench: %.0f s per measurement, one thread\n", seconds);
    int rc = bench_case("example1", example1, seconds);
    rc |= bench_case("orders", orders, seconds);
    return rc;
}
