/*
 * aicos deploy: the production deployment planner's commands (product.md §3). The logic is
 * in src/deploy; this file parses options, prints results and picks exit codes:
 * 0 no blockers, 1 blockers (or a failed write), 2 bad usage or a check that could not run.
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/json.h"
#include "base/log.h"
#include "cli/cli.h"
#include "deploy/dns.h"
#include "deploy/findings.h"
#include "deploy/initenv.h"
#include "deploy/inputs.h"
#include "deploy/preflight.h"
#include "deploy/record.h"
#include "deploy/smoke.h"

static const char deploy_usage[] =
    "usage: aicos deploy <command> [options]\n"
    "\n"
    "The public callback deployment planner: generate the production files, check them,\n"
    "check a running deployment from outside. Every command takes --help.\n"
    "\n"
    "  init-env        write infra/production.env, docker-compose.prod.yml, caddy/Caddyfile\n"
    "  bootstrap-test  generate into a temporary folder and prove preflight has 0 blockers\n"
    "  preflight       check the production files without starting anything\n"
    "  smoke           check the public deployment over HTTPS\n"
    "  dns             resolve the API and Web hosts and say whether they are public\n"
    "  suggest-host    propose an sslip.io host name for a public IPv4 address\n"
    "\n"
    "Then start the stack with:\n"
    "  docker compose --env-file infra/production.env -f infra/docker-compose.prod.yml up -d\n";

static const char initenv_usage[] =
    "usage: aicos deploy init-env --api-origin https://<api-host> --web-origin https://<web-host>\n"
    "           --acme-email <e-mail> --postgres-password <password>\n"
    "           [--callback-mode api|web-bridge] [--out DIR] [--force]\n"
    "\n"
    "Writes DIR/infra/production.env (mode 0600: every AICOS_* setting of the production\n"
    "stack, a fresh master key, the database URL, the callback URL and the CORS origins),\n"
    "DIR/infra/docker-compose.prod.yml (PostgreSQL, the migration job, the app, Caddy) and\n"
    "DIR/infra/caddy/Caddyfile (automatic TLS for both hosts). Also writes DIR/infra/Dockerfile\n"
    "when it is missing. Files are written atomically; on any refusal nothing is written.\n"
    "\n"
    "  --api-origin U         public HTTPS origin of the API (no path)\n"
    "  --web-origin U         public HTTPS origin of the Web console (may equal the API's)\n"
    "  --acme-email E         e-mail for the certificate authority's notices\n"
    "  --postgres-password P  at least 16 characters with lower-case, upper-case and digits;\n"
    "                         no spaces, quotes, $, #, \\ or `\n"
    "  --postgres-password-file F  read the password from the first line of F instead\n"
    "  --callback-mode M      api (default): https://<api-host>" DEPLOY_CALLBACK_PATH_API "\n"
    "                         web-bridge: https://<web-host>" DEPLOY_CALLBACK_PATH_WEB "\n"
    "  --out DIR              an existing folder (default: the current one)\n"
    "  --force                replace existing files (this also replaces the master key)\n"
    "\n"
    "Refused: non-HTTPS origins; localhost, private, link-local, loopback or reserved hosts;\n"
    "IP addresses (use suggest-host); a weak password; a malformed e-mail; existing files\n"
    "without --force. Exit 0 written, 1 write failed, 2 refused.\n";

static const char bootstrap_usage[] =
    "usage: aicos deploy bootstrap-test [--callback-mode api|web-bridge] [--keep]\n"
    "\n"
    "Generates the production files into a new temporary folder with sample public origins,\n"
    "runs the preflight on them and removes the folder (unless --keep). It touches no real\n"
    "file and no database. Exit 0 when the preflight has zero blockers, 1 otherwise.\n";

static const char preflight_usage[] =
    "usage: aicos deploy preflight [--dir DIR] [--json] [--no-record]\n"
    "\n"
    "Checks the production files in DIR (default infra) without starting anything: the env\n"
    "file (present, mode 0600, every required variable, origins, callback URL, CORS, master\n"
    "key, password), the compose file (parsed as YAML), the Caddyfile (caddy validate when\n"
    "Caddy is installed), the Dockerfile and this binary's version. Prints each finding with\n"
    "its id, blocker or warning, and the fix. When AICOS_DATABASE_URL is set, the result is\n"
    "recorded there (unless --no-record).\n"
    "\n"
    "  --json       print {\"kind\",\"blockers\",\"warnings\",\"findings\":[...]} instead\n"
    "\n"
    "Exit 0 no blockers (deploy), 1 blockers, 2 could not run.\n";

static const char smoke_usage[] =
    "usage: aicos deploy smoke --api-origin https://<api-host> --web-origin https://<web-host>\n"
    "           [--callback-mode api|web-bridge] [--token T] [--cacert FILE]\n"
    "           [--resolve HOST:PORT:ADDRESS]... [--json] [--no-record]\n"
    "\n"
    "Checks the running deployment over HTTPS: health of both hosts, the OpenAPI document,\n"
    "the callback diagnostics, the deployment packet (with --token), the callback route\n"
    "(a request without code must get a 400 JSON error), certificate trust and lifetime, and\n"
    "the server clock (more than 300 s off is a blocker).\n"
    "\n"
    "  --token T      ops API token for the deployment packet (or AICOS_DEPLOY_TOKEN)\n"
    "  --cacert FILE  trust this CA bundle instead of the system's (e.g. Caddy's internal CA)\n"
    "  --resolve H:P:A  test and diagnostic aid: connect to address A for host H and port P\n"
    "                 without DNS (like curl --resolve); may be repeated\n"
    "\n"
    "Exit 0 no blockers, 1 blockers, 2 could not run.\n";

static const char dns_usage[] =
    "usage: aicos deploy dns --api-host HOST --web-host HOST [--json] [--no-record]\n"
    "\n"
    "Resolves both hosts (A and AAAA) and says whether they point at public addresses.\n"
    "Exit 0 both public, 1 blockers, 2 bad usage.\n";

static const char suggest_usage[] =
    "usage: aicos deploy suggest-host --ip A.B.C.D\n"
    "\n"
    "Proposes sslip.io host names for the server's public IPv4 address (the quick-callback\n"
    "strategy when there is no domain yet): A.B.C.D.sslip.io and A-B-C-D.sslip.io both\n"
    "resolve to A.B.C.D. Private and reserved addresses are refused.\n";

/* Reads the first line of path into dst; false (with a message) when it cannot. */
static bool deploy_read_secret_line(const char *path, char *dst, size_t len)
{
    FILE *fp = fopen(path, "r");
    if (fp == NULL || fgets(dst, (int)len, fp) == NULL) {
        fprintf(stderr, "aicos deploy init-env: cannot read %s.\n", path);
        if (fp != NULL)
            fclose(fp);
        return false;
    }
    fclose(fp);
    dst[strcspn(dst, "\r\n")] = '\0';
    return true;
}

/* The options of init-env into o (and the password file's name into *pw_file). */
static int deploy_init_env_options(int argc, char **argv, struct deploy_initenv_opts *o,
                                   const char **pw_file)
{
    static const struct option opts[] = {{"api-origin", required_argument, NULL, 'a'},
                                         {"web-origin", required_argument, NULL, 'w'},
                                         {"acme-email", required_argument, NULL, 'e'},
                                         {"postgres-password-file", required_argument, NULL, 'F'},
                                         {"postgres-password", required_argument, NULL, 'p'},
                                         {"callback-mode", required_argument, NULL, 'm'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"force", no_argument, NULL, 'f'},
                                         {0}};
    const struct cli_getopt g = {"deploy init-env", opts, true};
    int c;
    cli_getopt_begin();
    while ((c = cli_getopt_next(&g, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_BAD)
            return CLI_USAGE;
        switch (c) {
        case 'a':
            o->api_origin = optarg;
            break;
        case 'w':
            o->web_origin = optarg;
            break;
        case 'e':
            o->acme_email = optarg;
            break;
        case 'F':
            *pw_file = optarg;
            break;
        case 'p':
            o->postgres_password = optarg;
            break;
        case 'm':
            o->callback_mode = optarg;
            break;
        case 'o':
            o->out_dir = optarg;
            break;
        default:
            o->force = true;
        }
    }
    if (cli_no_operands("deploy init-env", argc, argv) != CLI_OK)
        return CLI_USAGE;
    return CLI_OK;
}

static int deploy_init_env(int argc, char **argv)
{
    struct deploy_initenv_opts o = {0};
    struct deploy_initenv_result res;
    struct errbuf eb = {0};
    const char *pw_file = NULL;
    char pw[LIMIT_DEPLOY_PASSWORD_MAX + 8] = "";
    int rc = CLI_USAGE;
    if (cli_wants_help(argc, argv)) {
        fputs(initenv_usage, stdout);
        return CLI_OK;
    }
    if (deploy_init_env_options(argc, argv, &o, &pw_file) != CLI_OK)
        return CLI_USAGE;
    if (pw_file != NULL) {
        if (o.postgres_password != NULL) {
            fprintf(stderr, "aicos deploy init-env: give --postgres-password or "
                            "--postgres-password-file, not both.\n");
            return CLI_USAGE;
        }
        if (!deploy_read_secret_line(pw_file, pw, sizeof pw))
            return CLI_USAGE;
        o.postgres_password = pw;
    }
    enum err e = deploy_initenv_run(&o, &res, &eb);
    if (e == ERR_OK) {
        printf("wrote %s (mode 0600; it holds the PostgreSQL password and a new master key: "
               "back it up, never commit it)\n",
               res.env_path);
        printf("wrote %s\n", res.compose_path);
        printf("wrote %s\n", res.caddyfile_path);
        printf("%s %s\n", res.wrote_dockerfile ? "wrote" : "kept", res.dockerfile_path);
        printf("callback URL to register in Seller Center: %s\n", res.callback_url);
        printf("next: aicos deploy preflight --dir %s/infra\n",
               o.out_dir != NULL ? o.out_dir : ".");
        rc = CLI_OK;
    } else {
        fprintf(stderr, "aicos deploy init-env: %s\n", errbuf_message(&eb, e));
        rc = e == ERR_IO || e == ERR_NOMEM || e == ERR_INTERNAL ? CLI_FAIL : CLI_USAGE;
    }
    explicit_bzero(pw, sizeof pw);
    return rc;
}

/* Prints findings as text or JSON; returns the exit code they call for. */
static int deploy_report(const struct deploy_findings *f, const char *kind, bool json)
{
    if (json) {
        json_t *j = deploy_findings_to_json(f, kind);
        char *s = j != NULL ? json_dumps(j, JSON_INDENT(2)) : NULL;
        if (s == NULL) {
            json_decref(j);
            fprintf(stderr, "aicos deploy %s: out of memory\n", kind);
            return CLI_USAGE;
        }
        printf("%s\n", s);
        free(s);
        json_decref(j);
    } else {
        deploy_findings_print(f, kind, stdout);
    }
    return f->blockers == 0 ? CLI_OK : CLI_FAIL;
}

static int deploy_preflight(int argc, char **argv)
{
    const char *dir = "infra";
    bool json = false, record = true;
    struct deploy_findings f = {0};
    struct errbuf eb = {0};
    if (cli_wants_help(argc, argv)) {
        fputs(preflight_usage, stdout);
        return CLI_OK;
    }
    static const struct option opts[] = {{"dir", required_argument, NULL, 'd'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"no-record", no_argument, NULL, 'n'},
                                         {0}};
    const struct cli_getopt g = {"deploy preflight", opts, true};
    int c;
    cli_getopt_begin();
    while ((c = cli_getopt_next(&g, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_BAD)
            return CLI_USAGE;
        if (c == 'd')
            dir = optarg;
        else if (c == 'j')
            json = true;
        else
            record = false;
    }
    if (cli_no_operands("deploy preflight", argc, argv) != CLI_OK)
        return CLI_USAGE;
    enum err e = deploy_preflight_run(dir, &f, &eb);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos deploy preflight: %s\n", errbuf_message(&eb, e));
        deploy_findings_free(&f);
        return CLI_USAGE;
    }
    int rc = deploy_report(&f, "preflight", json);
    if (record)
        deploy_record_from_env("preflight", &f);
    deploy_findings_free(&f);
    return rc;
}

static int deploy_rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) == 0 ? 0 : -1;
}

/* --callback-mode (api or web-bridge) and --keep of bootstrap-test. */
static int deploy_bootstrap_options(int argc, char **argv, const char **mode, bool *keep)
{
    static const struct option opts[] = {
        {"callback-mode", required_argument, NULL, 'm'}, {"keep", no_argument, NULL, 'k'}, {0}};
    const struct cli_getopt g = {"deploy bootstrap-test", opts, true};
    int c;
    cli_getopt_begin();
    while ((c = cli_getopt_next(&g, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_BAD)
            return CLI_USAGE;
        if (c == 'm')
            *mode = optarg;
        else
            *keep = true;
    }
    if (cli_no_operands("deploy bootstrap-test", argc, argv) != CLI_OK)
        return CLI_USAGE;
    enum deploy_callback_mode m;
    if (!deploy_callback_mode_parse(*mode, &m)) {
        fprintf(stderr,
                "aicos deploy bootstrap-test: --callback-mode must be api or web-bridge.\n");
        return CLI_USAGE;
    }
    return CLI_OK;
}

/* A throw-away strong password into pw (len bytes): it never leaves the temporary folder. */
static bool deploy_bootstrap_password(char *pw, size_t len)
{
    char master[64];
    if (deploy_master_key_new(master, sizeof master) != ERR_OK) {
        fprintf(stderr, "aicos deploy bootstrap-test: libsodium could not start.\n");
        return false;
    }
    snprintf(pw, len, "Bt9-");
    for (size_t i = 0, o = 4; master[i] != '\0' && o + 1 < len; i++) {
        if ((master[i] >= 'a' && master[i] <= 'z') || (master[i] >= 'A' && master[i] <= 'Z') ||
            (master[i] >= '0' && master[i] <= '9')) {
            pw[o++] = master[i];
            pw[o] = '\0';
        }
    }
    explicit_bzero(master, sizeof master);
    return true;
}

static int deploy_bootstrap_test(int argc, char **argv)
{
    const char *mode = "api";
    bool keep = false;
    char tmp[512], infra[600], pw[48];
    const char *base = getenv("TMPDIR");
    struct deploy_initenv_result res;
    struct deploy_findings f = {0};
    struct errbuf eb = {0};
    int rc = CLI_FAIL;
    bool made = false;
    if (cli_wants_help(argc, argv)) {
        fputs(bootstrap_usage, stdout);
        return CLI_OK;
    }
    if (deploy_bootstrap_options(argc, argv, &mode, &keep) != CLI_OK)
        return CLI_USAGE;
    if (!deploy_bootstrap_password(pw, sizeof pw))
        return CLI_FAIL;
    snprintf(tmp, sizeof tmp, "%s/aicos-bootstrap-XXXXXX",
             base != NULL && *base != '\0' ? base : "/tmp");
    if (mkdtemp(tmp) == NULL) {
        fprintf(stderr, "aicos deploy bootstrap-test: cannot create a temporary folder.\n");
        return CLI_FAIL;
    }
    made = true;
    struct deploy_initenv_opts o = {
        .api_origin = "https://api.aicos-bootstrap.example.com",
        .web_origin = "https://console.aicos-bootstrap.example.com",
        .acme_email = "ops@aicos-bootstrap.example.com",
        .postgres_password = pw,
        .callback_mode = mode,
        .out_dir = tmp,
    };
    printf("bootstrap-test: generating into %s (%s callback mode)\n", tmp, mode);
    enum err e = deploy_initenv_run(&o, &res, &eb);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos deploy bootstrap-test: init-env failed: %s\n",
                errbuf_message(&eb, e));
        goto out;
    }
    printf("bootstrap-test: callback URL %s\n", res.callback_url);
    snprintf(infra, sizeof infra, "%s/infra", tmp);
    e = deploy_preflight_run(infra, &f, &eb);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos deploy bootstrap-test: preflight could not run: %s\n",
                errbuf_message(&eb, e));
        rc = CLI_USAGE;
        goto out;
    }
    deploy_findings_print(&f, "bootstrap-test preflight", stdout);
    rc = f.blockers == 0 ? CLI_OK : CLI_FAIL;
    printf("bootstrap-test: %s\n", rc == CLI_OK ? "PASS, zero blockers" : "FAIL, see blockers");
out:
    explicit_bzero(pw, sizeof pw);
    if (made && !keep)
        nftw(tmp, deploy_rm_cb, 8, FTW_DEPTH | FTW_PHYS);
    else if (made)
        printf("bootstrap-test: kept %s\n", tmp);
    deploy_findings_free(&f);
    return rc;
}

static int deploy_smoke(int argc, char **argv)
{
    struct deploy_smoke_opts o = {0};
    struct deploy_findings f = {0};
    struct errbuf eb = {0};
    bool json = false, record = true;
    if (cli_wants_help(argc, argv)) {
        fputs(smoke_usage, stdout);
        return CLI_OK;
    }
    o.token = getenv("AICOS_DEPLOY_TOKEN");
    static const struct option opts[] = {{"api-origin", required_argument, NULL, 'a'},
                                         {"web-origin", required_argument, NULL, 'w'},
                                         {"token", required_argument, NULL, 't'},
                                         {"cacert", required_argument, NULL, 'C'},
                                         {"callback-mode", required_argument, NULL, 'm'},
                                         {"resolve", required_argument, NULL, 'r'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"no-record", no_argument, NULL, 'n'},
                                         {0}};
    const struct cli_getopt g = {"deploy smoke", opts, true};
    int c;
    cli_getopt_begin();
    while ((c = cli_getopt_next(&g, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_BAD)
            return CLI_USAGE;
        if (c == 'a') {
            o.api_origin = optarg;
        } else if (c == 'w') {
            o.web_origin = optarg;
        } else if (c == 't') {
            o.token = optarg;
        } else if (c == 'C') {
            o.cacert = optarg;
        } else if (c == 'm' && !deploy_callback_mode_parse(optarg, &o.mode)) {
            fprintf(stderr, "aicos deploy smoke: --callback-mode must be api or web-bridge.\n");
            return CLI_USAGE;
        } else if (c == 'r' && o.nresolve == LIMIT_DEPLOY_RESOLVE_ENTRIES) {
            fprintf(stderr, "aicos deploy smoke: at most %d --resolve options.\n",
                    LIMIT_DEPLOY_RESOLVE_ENTRIES);
            return CLI_USAGE;
        } else if (c == 'r') {
            o.resolve[o.nresolve++] = optarg;
        } else if (c == 'j') {
            json = true;
        } else if (c == 'n') {
            record = false;
        }
    }
    if (cli_no_operands("deploy smoke", argc, argv) != CLI_OK)
        return CLI_USAGE;
    if (o.api_origin == NULL || o.web_origin == NULL) {
        fprintf(stderr, "aicos deploy smoke: --api-origin and --web-origin are required.\n");
        return CLI_USAGE;
    }
    enum err e = deploy_smoke_run(&o, &f, &eb);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos deploy smoke: %s\n", errbuf_message(&eb, e));
        deploy_findings_free(&f);
        return CLI_USAGE;
    }
    int rc = deploy_report(&f, "smoke", json);
    if (record)
        deploy_record_from_env("smoke", &f);
    deploy_findings_free(&f);
    return rc;
}

static void deploy_dns_print(const char *role, const struct deploy_dns_result *r)
{
    if (!r->resolved) {
        printf("%s host %s: does not resolve\n", role, r->host);
        return;
    }
    printf("%s host %s: %s\n", role, r->host, r->all_public ? "public" : "NOT public");
    for (size_t i = 0; i < r->count; i++)
        printf("  %s (%s)\n", r->addrs[i], deploy_addr_class_name(r->classes[i]));
}

static int deploy_dns(int argc, char **argv)
{
    const char *api = NULL, *web = NULL;
    bool json = false, record = true;
    struct deploy_findings f = {0};
    struct deploy_dns_result ra, rw;
    if (cli_wants_help(argc, argv)) {
        fputs(dns_usage, stdout);
        return CLI_OK;
    }
    static const struct option opts[] = {{"api-host", required_argument, NULL, 'a'},
                                         {"web-host", required_argument, NULL, 'w'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"no-record", no_argument, NULL, 'n'},
                                         {0}};
    const struct cli_getopt g = {"deploy dns", opts, true};
    int c;
    cli_getopt_begin();
    while ((c = cli_getopt_next(&g, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_BAD)
            return CLI_USAGE;
        if (c == 'a')
            api = optarg;
        else if (c == 'w')
            web = optarg;
        else if (c == 'j')
            json = true;
        else
            record = false;
    }
    if (cli_no_operands("deploy dns", argc, argv) != CLI_OK)
        return CLI_USAGE;
    if (api == NULL || web == NULL) {
        fprintf(stderr, "aicos deploy dns: --api-host and --web-host are required.\n");
        return CLI_USAGE;
    }
    const char *hosts[2] = {api, web};
    for (size_t i = 0; i < 2; i++) {
        if (strstr(hosts[i], "://") != NULL || strchr(hosts[i], '/') != NULL ||
            hosts[i][0] == '\0' || strlen(hosts[i]) >= sizeof ra.host) {
            fprintf(stderr,
                    "aicos deploy dns: give a host name like api.example.com, not \"%s\".\n",
                    hosts[i]);
            return CLI_USAGE;
        }
    }
    deploy_dns_check(api, web, &ra, &rw, &f);
    if (!json) {
        deploy_dns_print("API", &ra);
        deploy_dns_print("Web", &rw);
    }
    int rc = deploy_report(&f, "dns", json);
    if (record)
        deploy_record_from_env("dns", &f);
    deploy_findings_free(&f);
    return rc;
}

static int deploy_suggest(int argc, char **argv)
{
    const char *ip = NULL;
    char dotted[64], dashed[64];
    struct errbuf eb = {0};
    if (cli_wants_help(argc, argv)) {
        fputs(suggest_usage, stdout);
        return CLI_OK;
    }
    static const struct option opts[] = {{"ip", required_argument, NULL, 'i'}, {0}};
    const struct cli_getopt g = {"deploy suggest-host", opts, true};
    int c;
    cli_getopt_begin();
    while ((c = cli_getopt_next(&g, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_BAD)
            return CLI_USAGE;
        ip = optarg;
    }
    if (cli_no_operands("deploy suggest-host", argc, argv) != CLI_OK)
        return CLI_USAGE;
    if (ip == NULL) {
        fprintf(stderr, "aicos deploy suggest-host: --ip is required.\n");
        return CLI_USAGE;
    }
    enum err e = deploy_suggest_host(ip, dotted, sizeof dotted, dashed, sizeof dashed, &eb);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos deploy suggest-host: %s\n", errbuf_message(&eb, e));
        return CLI_USAGE;
    }
    printf("%s\n", dotted);
    printf("alternative: %s\n", dashed);
    printf("origin: https://%s\n", dotted);
    printf("use it for both hosts, e.g. aicos deploy init-env --api-origin https://%s "
           "--web-origin https://%s ...\n",
           dotted, dotted);
    return CLI_OK;
}

int cmd_deploy(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } subs[] = {
        {"init-env", deploy_init_env},
        {"bootstrap-test", deploy_bootstrap_test},
        {"preflight", deploy_preflight},
        {"smoke", deploy_smoke},
        {"dns", deploy_dns},
        {"suggest-host", deploy_suggest},
    };
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(deploy_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "aicos deploy: unknown command %s; see `aicos deploy --help`.\n", argv[1]);
    return CLI_USAGE;
}
