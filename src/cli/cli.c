#include "cli/cli.h"

#include <stdio.h>
#include <pwd.h>
#include <string.h>
#include <termios.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/audit.h"
#include "auth/password.h"
#include "base/parse.h"
#include "base/secure.h"
#include "store/db.h"
#include "store/migrate.h"
#include "temu/regions.h"
#include "vault/vault.h"

bool cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    }
    return false;
}

bool cli_load_config(struct config *cfg)
{
    struct errbuf eb = {0};
    if (config_from_env_checked(cfg, temu_config_checks, &eb) != ERR_OK) {
        fprintf(stderr, "aicos: %s\n", eb.msg);
        return false;
    }
    log_set_level(cfg->log_level);
    return true;
}

int cli_bad_option(const char *cmd, const char *opt)
{
    fprintf(stderr, "aicos %s: unknown option %s; see `aicos %s --help`.\n", cmd, opt, cmd);
    return CLI_USAGE;
}

void cli_getopt_begin(void)
{
    optind = 0; /* GNU: also resets the scanner's internal state */
    opterr = 0; /* the messages are ours */
}

int cli_getopt_next(const struct cli_getopt *g, int argc, char **argv)
{
    int c = getopt_long(argc, argv, ":", g->opts, NULL);
    const char *opt = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
    if (c == ':' && g->needs_value_message) {
        fprintf(stderr, "aicos %s: %s needs a value; see `aicos %s --help`.\n", g->cmd, opt,
                g->cmd);
        return CLI_OPT_BAD;
    }
    if (c == ':' || c == '?') {
        cli_bad_option(g->cmd, opt);
        return CLI_OPT_BAD;
    }
    return c < 0 ? CLI_OPT_END : c;
}

/* The slot of val, NULL when none. */
static const struct cli_slot *cli_slot_of(const struct cli_slot *slots, int val)
{
    for (; slots->val != 0; slots++) {
        if (slots->val == val)
            return slots;
    }
    return NULL;
}

/* "--NAME" of the option whose val is val. */
static void cli_opt_name(const struct option *opts, int val, char *out, size_t len)
{
    for (; opts->name != NULL; opts++) {
        if (opts->val == val) {
            snprintf(out, len, "--%s", opts->name);
            return;
        }
    }
    snprintf(out, len, "?");
}

int cli_getopt_store(const struct cli_getopt *g, const struct cli_slot *slots, int argc,
                     char **argv)
{
    int c;
    cli_getopt_begin();
    while ((c = cli_getopt_next(g, argc, argv)) != CLI_OPT_END) {
        const struct cli_slot *s = c == CLI_OPT_BAD ? NULL : cli_slot_of(slots, c);
        if (s == NULL)
            return CLI_USAGE;
        if (s->text != NULL)
            *s->text = optarg;
        else if (s->on != NULL)
            *s->on = true;
        else if (parse_int64(optarg, s->min, s->max, s->num) != ERR_OK) {
            char name[64];
            cli_opt_name(g->opts, c, name, sizeof name);
            return cli_bad_option(g->cmd, name);
        }
    }
    return CLI_OK;
}

int cli_no_options(const char *cmd, int argc, char **argv)
{
    static const struct option none[] = {{0}};
    const struct cli_getopt g = {cmd, none, false};
    cli_getopt_begin();
    if (cli_getopt_next(&g, argc, argv) == CLI_OPT_BAD)
        return CLI_USAGE;
    return cli_no_operands(cmd, argc, argv);
}

int cli_no_operands(const char *cmd, int argc, char **argv)
{
    return optind < argc ? cli_bad_option(cmd, argv[optind]) : CLI_OK;
}

bool cli_open_db(const char *cmd, const struct config *cfg, struct db **db)
{
    struct errbuf eb = {0};
    enum err e = db_open(cfg->database_url, 1, db, &eb);
    if (e == ERR_OK)
        e = migrate_apply(*db, NULL, &eb);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos %s: %s\n", cmd, errbuf_message(&eb, e));
        db_close(*db);
        *db = NULL;
        return false;
    }
    return true;
}

int cli_open_env(const char *cmd, struct config *cfg, struct db **db, struct vault **vault)
{
    *db = NULL;
    if (!cli_load_config(cfg))
        return CLI_USAGE;
    if (!cli_open_db(cmd, cfg, db))
        return CLI_FAIL;
    if (vault != NULL && !cli_open_vault(cmd, cfg, *db, vault)) {
        db_close(*db);
        *db = NULL;
        return CLI_FAIL;
    }
    return CLI_OK;
}

bool cli_open_vault(const char *cmd, const struct config *cfg, struct db *db, struct vault **vault)
{
    unsigned char key[32];
    struct errbuf eb = {0};
    enum err e = vault_master_key_load(cfg, key, &eb);
    if (e == ERR_OK)
        e = vault_open(db, key, vault, &eb);
    secure_wipe(key, sizeof key);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos %s: %s\n", cmd, errbuf_message(&eb, e));
        return false;
    }
    return true;
}

void cli_audit(struct db *db, const char *action, const char *target, const char *outcome,
               const char *detail)
{
    char actor[80];
    const struct passwd *pw = getpwuid(geteuid());
    snprintf(actor, sizeof actor, "cli:%s", pw != NULL ? pw->pw_name : "unknown");
    struct audit_entry a = {actor, "system", action, target, outcome, "local", "", detail};
    struct errbuf eb = {0};
    if (audit_write(db, &a, &eb) != ERR_OK)
        fprintf(stderr, "aicos: warning: the audit entry was not written: %s\n", eb.msg);
}

/* Reads one line from fd 0 into out without the newline; false on EOF or overflow. */
static bool cli_read_line(char *out, size_t len)
{
    if (fgets(out, (int)len, stdin) == NULL)
        return false;
    size_t n = strlen(out);
    if (n > 0 && out[n - 1] == '\n')
        out[--n] = '\0';
    else if (!feof(stdin))
        return false;
    if (n > 0 && out[n - 1] == '\r')
        out[--n] = '\0';
    return true;
}

static bool cli_prompt(const char *prompt, char *out, size_t len)
{
    struct termios old, quiet;
    fputs(prompt, stderr);
    fflush(stderr);
    bool tty = tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    bool ok = cli_read_line(out, len);
    if (tty)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    fputc('\n', stderr);
    return ok;
}

bool cli_new_password(const char *cmd, int mode, char *out, size_t len)
{
    struct errbuf eb = {0};
    if (mode == CLI_PW_GENERATE) {
        char pw[AUTH_GENERATED_LEN + 1];
        auth_password_generate(pw);
        snprintf(out, len, "%s", pw);
        secure_wipe(pw, sizeof pw);
        return true;
    }
    if (mode == CLI_PW_STDIN) {
        if (!cli_read_line(out, len)) {
            fprintf(stderr, "aicos %s: no password line on standard input.\n", cmd);
            return false;
        }
    } else {
        if (!isatty(STDIN_FILENO)) {
            fprintf(stderr,
                    "aicos %s: standard input is not a terminal; use --generate or "
                    "--password-stdin.\n",
                    cmd);
            return false;
        }
        char again[AUTH_PASSWORD_MAX + 2];
        if (!cli_prompt("New password: ", out, len) ||
            !cli_prompt("Repeat password: ", again, sizeof again)) {
            fprintf(stderr, "aicos %s: no password entered.\n", cmd);
            return false;
        }
        bool same = secure_equal(out, again);
        secure_wipe(again, sizeof again);
        if (!same) {
            fprintf(stderr, "aicos %s: the two passwords differ.\n", cmd);
            return false;
        }
    }
    if (auth_password_check(out, &eb) != ERR_OK) {
        fprintf(stderr, "aicos %s: %s\n", cmd, eb.msg);
        secure_wipe(out, len);
        return false;
    }
    return true;
}

bool cli_read_secret_file(const char *cmd, const char *path, char *out, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0) {
        fprintf(stderr, "aicos %s: cannot open %s: %s\n", cmd, path, strerror(errno));
        return false;
    }
    if (fstat(fd, &st) != 0 || (st.st_mode & 077) != 0) {
        fprintf(stderr, "aicos %s: %s is readable by group or others; run chmod 600 on it.\n", cmd,
                path);
        close(fd);
        return false;
    }
    ssize_t n = read(fd, out, len - 1);
    close(fd);
    if (n <= 0) {
        fprintf(stderr, "aicos %s: %s is empty.\n", cmd, path);
        return false;
    }
    out[n] = '\0';
    out[strcspn(out, "\r\n")] = '\0';
    return true;
}
