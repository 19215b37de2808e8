/*
 * The inputs of a production deployment and their rules, shared by init-env (which refuses
 * bad input) and preflight (which reports it): public HTTPS origins, the callback mode and
 * URL, the ACME e-mail, the PostgreSQL password and the master key.
 */
#ifndef AICOS_DEPLOY_INPUTS_H
#define AICOS_DEPLOY_INPUTS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/config.h"
#include "base/err.h"
#include "base/limits.h"

#define DEPLOY_HOST_MAX 256
#define DEPLOY_URL_MAX  (CONFIG_ORIGIN_MAX + 128)

/* The callback paths of product.md §3. */
#define DEPLOY_CALLBACK_PATH_API "/api/v1/integrations/temu/authorization/callback"
#define DEPLOY_CALLBACK_PATH_WEB "/integrations/temu/callback"

enum deploy_callback_mode { DEPLOY_CALLBACK_API = 0, DEPLOY_CALLBACK_WEB_BRIDGE };

/* Parses "api" or "web-bridge"; false otherwise. */
bool deploy_callback_mode_parse(const char *s, enum deploy_callback_mode *out);

/* "api" or "web-bridge". */
const char *deploy_callback_mode_name(enum deploy_callback_mode m);

struct deploy_origin {
    char origin[CONFIG_ORIGIN_MAX]; /* normalized: lower case, no trailing slash */
    char host[DEPLOY_HOST_MAX];     /* without brackets or port */
    unsigned port;                  /* 443 when not given */
    bool explicit_port;
    bool https;
};

/*
 * Parses scheme://host[:port] with an optional trailing slash (host a DNS name, IPv4 or
 * [IPv6]). ERR_INVAL with a sentence naming what (e.g. "--api-origin") on any defect.
 * It does not require https or a public host: see deploy_origin_check().
 */
ERR_MUST_USE enum err deploy_origin_parse(const char *what, const char *s, struct deploy_origin *o,
                                          struct errbuf *eb);

/*
 * Parses and requires what a production origin must be: https, and a host that may be
 * public (deploy_host_check_public). IP literals are refused too, because ACME does not
 * issue certificates for them; the message suggests an sslip.io name.
 */
ERR_MUST_USE enum err deploy_origin_check(const char *what, const char *s, struct deploy_origin *o,
                                          struct errbuf *eb);

/* Writes the callback URL for mode into dst (DEPLOY_URL_MAX bytes). */
void deploy_callback_url(enum deploy_callback_mode mode, const struct deploy_origin *api,
                         const struct deploy_origin *web, char *dst, size_t dstlen);

/*
 * A strong PostgreSQL password: LIMIT_DEPLOY_PASSWORD_MIN..MAX characters, at least one
 * lower-case letter, one upper-case letter and one digit, printable ASCII only, and none
 * of space, quotes, $, #, \ or ` (they break env files and shell use). ERR_INVAL with a
 * sentence saying exactly what is missing; the password itself is never in the message.
 */
ERR_MUST_USE enum err deploy_password_check(const char *pw, struct errbuf *eb);

/* A plain address local@domain.tld usable for ACME; ERR_INVAL saying what is wrong. */
ERR_MUST_USE enum err deploy_email_check(const char *email, struct errbuf *eb);

/* True when s is standard base64 (with padding) of exactly 32 bytes. */
bool deploy_master_key_valid(const char *s);

/*
 * Writes a fresh master key, base64 of 32 random bytes from libsodium, into dst (at least
 * 45 bytes). ERR_INTERNAL if libsodium cannot start.
 */
ERR_MUST_USE enum err deploy_master_key_new(char *dst, size_t dstlen);

#endif
