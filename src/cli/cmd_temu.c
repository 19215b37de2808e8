/*
 * aicos temu: debugging tools for the Temu Open Platform client.
 *   aicos temu sign --secret-file FILE [--body-file FILE]   canonical string and signature
 *   aicos temu call --type TYPE [--params JSON]             one signed call, answer printed
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/limits.h"
#include "cli/cli.h"
#include "temu/client.h"
#include "temu/sign.h"
#include "vault/vault.h"

static const char temu_usage[] =
    "usage: aicos temu <sign|call|credentials> [options]\n"
    "\n"
    "Tools for the Temu Open Platform client.\n"
    "  sign         print the canonical string (secret masked) and the MD5 signature of a body\n"
    "  call         make one signed call and print the answer\n"
    "  credentials  store the App Key and App Secret of a region in the vault\n"
    "\n"
    "Run `aicos temu <subcommand> --help` for its options.\n";

static const char temu_sign_usage[] =
    "usage: aicos temu sign --secret-file FILE [--body-file FILE]\n"
    "\n"
    "Reads a Temu request body (one JSON object) on standard input, or from --body-file,\n"
    "and prints what the gateway computes (temu-open-platform.md section 2.2):\n"
    "  canonical: ****<sorted key+value pairs>****   (the app secret shown as ****, the\n"
    "             access_token masked to its last 4 characters)\n"
    "  sign: <32 uppercase hex characters>\n"
    "A \"sign\" member of the body is ignored; null and empty values are left out.\n"
    "The secret is read from FILE (first line; keep the file mode 0600).\n"
    "Exit status: 0 printed, 2 bad usage or input.\n";

static const char temu_call_usage[] =
    "usage: aicos temu call --type TYPE [--params JSON]\n"
    "\n"
    "Makes one signed call of API TYPE (e.g. bg.order.list.v2.get) with the business\n"
    "parameters JSON (an object; default {}), retrying retryable failures, and prints\n"
    "{\"requestId\", \"attempts\", \"result\"} on standard output.\n"
    "\n"
    "Credentials and gateway come from the environment (see `aicos config`):\n"
    "  AICOS_TEMU_APP_KEY            the app key\n"
    "  AICOS_TEMU_APP_SECRET_FILE    file holding the app secret\n"
    "  AICOS_TEMU_ACCESS_TOKEN_FILE  file holding the seller access token (optional; for\n"
    "                                bg.open.accesstoken.create the code param is used)\n"
    "  AICOS_TEMU_REGION, AICOS_TEMU_GATEWAY_URL, AICOS_TEMU_TIMEOUT_MS, ...\n"
    "Exit status: 0 success, 1 Temu or network failure (class, code and a hint are\n"
    "printed on standard error), 2 bad usage or configuration.\n";

/*
 * Reads a secret from the first line of path into dst (NUL-terminated, trailing CR/LF and
 * spaces removed). Prints the reason and returns false on failure.
 */
static bool temu_read_secret_file(const char *what, const char *path, char *dst, size_t dstlen)
{
    bool ok = false;
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "aicos temu: cannot open the %s file %s: %s.\n", what, path,
                strerror(errno));
        return false;
    }
    if (fstat(fd, &st) == 0 && (st.st_mode & 0077) != 0)
        fprintf(stderr,
                "aicos temu: warning: the %s file %s is readable by other users; "
                "chmod 600 it.\n",
                what, path);
    ssize_t n = read(fd, dst, dstlen - 1);
    if (n < 0) {
        fprintf(stderr, "aicos temu: cannot read the %s file %s: %s.\n", what, path,
                strerror(errno));
        goto out;
    }
    dst[n] = '\0';
    char *nl = strpbrk(dst, "\r\n");
    if (nl != NULL)
        *nl = '\0';
    else if ((size_t)n == dstlen - 1) {
        fprintf(stderr, "aicos temu: the %s in %s is longer than %zu bytes.\n", what, path,
                dstlen - 2);
        goto out;
    }
    size_t len = strlen(dst);
    while (len > 0 && (dst[len - 1] == ' ' || dst[len - 1] == '\t'))
        dst[--len] = '\0';
    if (len == 0) {
        fprintf(stderr, "aicos temu: the %s file %s is empty.\n", what, path);
        goto out;
    }
    ok = true;
out:
    close(fd);
    if (!ok)
        sodium_memzero(dst, dstlen);
    return ok;
}

/* Reads all of fd (at most max bytes) into b; prints the reason and returns false on failure. */
static bool temu_read_all(int fd, const char *what, size_t max, struct buf *b)
{
    char chunk[8192];
    b->max = max;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n == 0)
            return true;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fprintf(stderr, "aicos temu: cannot read %s: %s.\n", what, strerror(errno));
            return false;
        }
        if (buf_append(b, chunk, (size_t)n) != ERR_OK) {
            fprintf(stderr, "aicos temu: %s is larger than %zu bytes.\n", what, max);
            return false;
        }
    }
}

/* The options of `temu sign`: --secret-file (required) and --body-file. */
static int temu_sign_options(int argc, char **argv, const char **secret_file,
                             const char **body_file)
{
    static const struct option opts[] = {{"secret-file", required_argument, NULL, 's'},
                                         {"body-file", required_argument, NULL, 'b'},
                                         {0}};
    const struct cli_getopt g = {"temu sign", opts, false};
    const struct cli_slot slots[] = {{'s', .text = secret_file}, {'b', .text = body_file}, {0}};
    if (cli_getopt_store(&g, slots, argc, argv) != CLI_OK ||
        cli_no_operands("temu sign", argc, argv) != CLI_OK)
        return CLI_USAGE;
    if (*secret_file == NULL) {
        fprintf(stderr, "aicos temu sign: --secret-file FILE is required; see `aicos temu sign "
                        "--help`.\n");
        return CLI_USAGE;
    }
    return CLI_OK;
}

/* The body to sign, from body_file or (NULL or "-") standard input. */
static bool temu_sign_read_body(const char *body_file, struct buf *body)
{
    int fd = 0;
    if (body_file != NULL && strcmp(body_file, "-") != 0) {
        fd = open(body_file, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            fprintf(stderr, "aicos temu sign: cannot open %s: %s.\n", body_file, strerror(errno));
            return false;
        }
    }
    bool read_ok = temu_read_all(fd, body_file != NULL ? body_file : "standard input",
                                 LIMIT_TEMU_REQUEST_BYTES, body);
    if (fd != 0)
        close(fd);
    return read_ok;
}

static int temu_cmd_sign(int argc, char **argv)
{
    const char *secret_file = NULL, *body_file = NULL;
    char secret[LIMIT_TEMU_SECRET_BYTES + 2];
    char sign[TEMU_SIGN_HEX_LEN + 1];
    struct buf body = {0}, concat = {.max = LIMIT_TEMU_REQUEST_BYTES};
    struct errbuf eb = {0};
    json_t *params = NULL;
    int rc = CLI_USAGE;
    secret[0] = '\0';
    if (cli_wants_help(argc, argv)) {
        fputs(temu_sign_usage, stdout);
        return CLI_OK;
    }
    if (temu_sign_options(argc, argv, &secret_file, &body_file) != CLI_OK)
        return CLI_USAGE;
    if (!temu_read_secret_file("app secret", secret_file, secret, sizeof secret))
        goto out;
    if (!temu_sign_read_body(body_file, &body))
        goto out;
    if (json_parse_strict(body.data != NULL ? body.data : "", body.len, LIMIT_JSON_DEPTH, &params,
                          &eb) != ERR_OK) {
        fprintf(stderr, "aicos temu sign: the body is not valid JSON: %s\n", eb.msg);
        goto out;
    }
    if (temu_sign_canonicalize(params, &concat, &eb) != ERR_OK) {
        fprintf(stderr, "aicos temu sign: %s\n",
                eb.msg[0] ? eb.msg : "the body cannot be canonicalized.");
        goto out;
    }
    if (temu_sign_digest(secret, strlen(secret), concat.data != NULL ? concat.data : "", concat.len,
                         sign) != ERR_OK) {
        fprintf(stderr, "aicos temu sign: MD5 is not available from OpenSSL.\n");
        rc = CLI_FAIL;
        goto out;
    }
    /* The access token is a credential too: the printed string shows it masked, like the
     * inspector does (the signature above is over the real one). */
    const char *token = json_string_value(json_object_get(params, "access_token"));
    if (token != NULL) {
        char masked[VAULT_MASKED_MAX];
        vault_mask(token, strlen(token), masked);
        json_object_set_new(params, "access_token", json_string(masked));
        if (concat.data != NULL)
            sodium_memzero(concat.data, concat.len);
        buf_free(&concat);
        concat = (struct buf){.max = LIMIT_TEMU_REQUEST_BYTES};
        if (temu_sign_canonicalize(params, &concat, &eb) != ERR_OK) {
            fprintf(stderr, "aicos temu sign: %s\n", eb.msg);
            rc = CLI_FAIL;
            goto out;
        }
    }
    printf("canonical: ****%s****\nsign: %s\n", concat.data != NULL ? concat.data : "", sign);
    rc = CLI_OK;
out:
    sodium_memzero(secret, sizeof secret);
    json_decref(params);
    buf_free(&body);
    buf_free(&concat);
    return rc;
}

static void temu_print_error(const struct temu_error *te)
{
    fprintf(stderr,
            "aicos temu call: %s error (%s), code %lld, HTTP %d, after %d attempt(s): %s\n"
            "  hint: %s\n",
            temu_error_class_name(te->cls), temu_error_source_name(te->source), (long long)te->code,
            te->http_status, te->attempts, te->message, te->hint != NULL ? te->hint : "");
    if (te->request_id[0] != '\0')
        fprintf(stderr, "  requestId: %s\n", te->request_id);
}

/* --type (required) and --params of temu call. */
static int temu_call_options(int argc, char **argv, const char **type, const char **params_text)
{
    static const struct option opts[] = {
        {"type", required_argument, NULL, 't'}, {"params", required_argument, NULL, 'p'}, {0}};
    const struct cli_getopt g = {"temu call", opts, false};
    int c;
    cli_getopt_begin();
    while ((c = cli_getopt_next(&g, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_BAD)
            return CLI_USAGE;
        if (c == 't')
            *type = optarg;
        else if (c == 'p')
            *params_text = optarg;
    }
    if (cli_no_operands("temu call", argc, argv) != CLI_OK)
        return CLI_USAGE;
    if (*type == NULL) {
        fprintf(stderr, "aicos temu call: --type TYPE is required; see `aicos temu call "
                        "--help`.\n");
        return CLI_USAGE;
    }
    return CLI_OK;
}

/* The client for temu call: App Key and Secret (and a token) from the configuration. */
static bool temu_call_client(const struct config *cfg, char *secret, char *token,
                             struct temu_client **client)
{
    struct errbuf eb = {0};
    if (cfg->temu_app_key[0] == '\0' || cfg->temu_app_secret_file[0] == '\0') {
        fprintf(stderr,
                "aicos temu call: set AICOS_TEMU_APP_KEY and AICOS_TEMU_APP_SECRET_FILE.\n");
        return false;
    }
    if (!temu_read_secret_file("app secret", cfg->temu_app_secret_file, secret,
                               LIMIT_TEMU_SECRET_BYTES + 2))
        return false;
    if (cfg->temu_access_token_file[0] != '\0' &&
        !temu_read_secret_file("access token", cfg->temu_access_token_file, token,
                               LIMIT_TEMU_SECRET_BYTES + 2))
        return false;
    struct temu_client_options o;
    temu_client_options_init(&o);
    temu_client_options_from_config(&o, cfg);
    o.app_key = cfg->temu_app_key;
    o.app_secret = secret;
    o.access_token = token;
    if (temu_client_new(&o, client, &eb) != ERR_OK) {
        fprintf(stderr, "aicos temu call: %s\n", eb.msg[0] ? eb.msg : "cannot create the client.");
        return false;
    }
    return true;
}

static int temu_cmd_call(int argc, char **argv)
{
    const char *type = NULL, *params_text = NULL;
    char secret[LIMIT_TEMU_SECRET_BYTES + 2] = "";
    char token[LIMIT_TEMU_SECRET_BYTES + 2] = "";
    struct config cfg;
    struct errbuf eb = {0};
    struct temu_client *client = NULL;
    struct temu_result res = {0};
    struct temu_error te;
    json_t *params = NULL, *answer = NULL;
    int rc = CLI_USAGE;
    if (cli_wants_help(argc, argv)) {
        fputs(temu_call_usage, stdout);
        return CLI_OK;
    }
    rc = temu_call_options(argc, argv, &type, &params_text);
    if (rc != CLI_OK)
        return rc;
    rc = CLI_USAGE;
    if (!cli_load_config(&cfg))
        return CLI_USAGE;
    if (params_text == NULL)
        params_text = "{}";
    if (json_parse_strict(params_text, strlen(params_text), LIMIT_JSON_DEPTH, &params, &eb) !=
        ERR_OK) {
        fprintf(stderr, "aicos temu call: --params is not valid JSON: %s\n", eb.msg);
        goto out;
    }
    if (!json_is_object(params)) {
        fprintf(stderr, "aicos temu call: --params must be a JSON object.\n");
        goto out;
    }
    if (!temu_call_client(&cfg, secret, token, &client))
        goto out;
    /* §3.2: the token exchange sends the authorization code as access_token. */
    struct temu_call_options copts = {.access_token = NULL, .idempotent = -1};
    const char *code = json_get_string(params, "code");
    if (strcmp(type, "bg.open.accesstoken.create") == 0 && code != NULL) {
        copts.access_token = code;
        copts.idempotent = 0;
    }
    enum err e = temu_client_call_ex(client, type, params, &copts, &res, &te);
    if (e == ERR_INVAL) {
        fprintf(stderr, "aicos temu call: %s\n", te.message);
        goto out;
    }
    if (e != ERR_OK) {
        temu_print_error(&te);
        rc = CLI_FAIL;
        goto out;
    }
    answer = json_pack("{s:s, s:i, s:O}", "requestId", res.request_id, "attempts", res.attempts,
                       "result", res.result);
    if (answer == NULL || json_dumpf(answer, stdout, JSON_INDENT(2)) != 0) {
        fprintf(stderr, "aicos temu call: cannot print the answer.\n");
        rc = CLI_FAIL;
        goto out;
    }
    fputc('\n', stdout);
    rc = CLI_OK;
out:
    json_decref(answer);
    temu_result_clear(&res);
    temu_client_free(client);
    json_decref(params);
    sodium_memzero(secret, sizeof secret);
    sodium_memzero(token, sizeof token);
    return rc;
}

int cmd_temu(int argc, char **argv)
{
    if (argc < 2) {
        fputs(temu_usage, stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(temu_usage, stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "sign") == 0)
        return temu_cmd_sign(argc - 1, argv + 1);
    if (strcmp(argv[1], "call") == 0)
        return temu_cmd_call(argc - 1, argv + 1);
    if (strcmp(argv[1], "credentials") == 0)
        return cmd_temu_credentials(argc - 1, argv + 1);
    fprintf(stderr, "aicos temu: unknown subcommand %s; see `aicos temu --help`.\n", argv[1]);
    return CLI_USAGE;
}
