/* Preflight: the compose file (image, volumes, ports, dependencies). */
#include "deploy/preflight.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

#include "base/config.h"
#include "base/limits.h"
#include "base/parse.h"
#include "deploy/dns.h"
#include "deploy/inputs.h"
#include "deploy/preflight_parts.h"
#include "deploy/templates.h"
#include "version.h"

/* ---- compose file --------------------------------------------------------------------- */

static yaml_node_t *yml_get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
    if (map == NULL || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key);
        if (k != NULL && k->type == YAML_SCALAR_NODE &&
            strcmp((const char *)k->data.scalar.value, key) == 0)
            return yaml_document_get_node(d, p->value);
    }
    return NULL;
}

static const char *yml_str(yaml_node_t *n)
{
    return n != NULL && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* Flattens a scalar or a sequence of scalars into "a b c" (for commands and tests). */
static void yml_words(yaml_document_t *d, yaml_node_t *n, char *dst, size_t len)
{
    dst[0] = '\0';
    if (n == NULL)
        return;
    if (n->type == YAML_SCALAR_NODE) {
        snprintf(dst, len, "%s", yml_str(n));
        return;
    }
    if (n->type != YAML_SEQUENCE_NODE)
        return;
    size_t o = 0;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        const char *s = yml_str(yaml_document_get_node(d, *it));
        if (s == NULL || o >= len)
            continue;
        int w = snprintf(dst + o, len - o, "%s%s", o ? " " : "", s);
        if (w > 0)
            o += (size_t)w;
    }
}

/* True when the scalar or one item of the sequence n satisfies pred(item, arg). */
static bool yml_any(yaml_document_t *d, yaml_node_t *n, bool (*pred)(const char *, const char *),
                    const char *arg)
{
    if (n == NULL)
        return false;
    if (n->type == YAML_SCALAR_NODE)
        return pred(yml_str(n), arg);
    if (n->type != YAML_SEQUENCE_NODE)
        return false;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *item = yaml_document_get_node(d, *it);
        const char *s = yml_str(item);
        if (s == NULL && item != NULL)
            s = yml_str(yml_get(d, item, "path")); /* env_file: [{path: ...}] */
        if (s != NULL && pred(s, arg))
            return true;
    }
    return false;
}

static bool pred_basename_is(const char *s, const char *name)
{
    const char *slash = strrchr(s, '/');
    return strcmp(slash != NULL ? slash + 1 : s, name) == 0;
}

/* A volume entry "source:target[:mode]" whose target is arg. */
static bool pred_volume_target(const char *s, const char *target)
{
    const char *c = strchr(s, ':');
    if (c == NULL)
        return false;
    size_t tl = strlen(target);
    return strncmp(c + 1, target, tl) == 0 && (c[1 + tl] == '\0' || c[1 + tl] == ':');
}

static bool pred_port_443(const char *s, const char *unused)
{
    (void)unused;
    const char *c = strrchr(s, ':');
    return c != NULL && strncmp(c + 1, "443", 3) == 0 && (c[4] == '\0' || c[4] == '/') &&
           strstr(s, "/udp") == NULL;
}

/* The named volume used for target by service svc; checks it is declared at top level. */
static void deploy_check_volume(yaml_document_t *d, yaml_node_t *root, yaml_node_t *svc,
                                const char *name, const char *target, struct deploy_findings *f)
{
    yaml_node_t *vols = yml_get(d, svc, "volumes");
    if (!yml_any(d, vols, pred_volume_target, target)) {
        deploy_findings_add(f, "compose.volumes", DEPLOY_BLOCKER,
                            "Mount a named volume there (init-env writes one).",
                            "Service %s has no volume mounted at %s; its data would be lost "
                            "with the container.",
                            name, target);
        return;
    }
    for (yaml_node_item_t *it = vols->data.sequence.items.start;
         vols->type == YAML_SEQUENCE_NODE && it < vols->data.sequence.items.top; it++) {
        const char *s = yml_str(yaml_document_get_node(d, *it));
        if (s == NULL || !pred_volume_target(s, target))
            continue;
        char src[128];
        snprintf(src, sizeof src, "%.*s", (int)(strchr(s, ':') - s), s);
        if (src[0] == '.' || src[0] == '/')
            return; /* a bind mount */
        yaml_node_t *top = yml_get(d, root, "volumes");
        bool declared = false;
        if (top != NULL && top->type == YAML_MAPPING_NODE) {
            for (yaml_node_pair_t *p = top->data.mapping.pairs.start;
                 p < top->data.mapping.pairs.top; p++) {
                const char *k = yml_str(yaml_document_get_node(d, p->key));
                declared = declared || (k != NULL && strcmp(k, src) == 0);
            }
        }
        if (!declared)
            deploy_findings_add(f, "compose.volumes", DEPLOY_BLOCKER,
                                "Declare it under the top-level volumes: key.",
                                "Service %s uses the volume %s, which the top-level volumes: "
                                "section does not declare.",
                                name, src);
        return;
    }
}

static void deploy_check_depends(yaml_document_t *d, yaml_node_t *svc, const char *name,
                                 const char *on, const char *condition, struct deploy_findings *f)
{
    yaml_node_t *dep = yml_get(d, svc, "depends_on");
    const char *cond = yml_str(yml_get(d, yml_get(d, dep, on), "condition"));
    if (cond == NULL || strcmp(cond, condition) != 0)
        deploy_findings_add(f, "compose.depends_on", DEPLOY_BLOCKER,
                            "Add depends_on with the condition (init-env writes it).",
                            "Service %s must start after %s is %s (depends_on: %s: condition: "
                            "%s).",
                            name, on,
                            strcmp(condition, "service_healthy") == 0 ? "healthy"
                                                                      : "finished successfully",
                            on, condition);
}

/* One service (i: its place in the four the stack has: db, migrate, app, caddy). */
static void deploy_check_service(yaml_document_t *d, yaml_node_t *svc, size_t i, const char *name,
                                 const char *image_tag, struct deploy_findings *f)
{
    char words[512];
    const char *image = yml_str(yml_get(d, svc, "image"));
    if (image == NULL || *image == '\0')
        deploy_findings_add(f, "compose.image", DEPLOY_BLOCKER,
                            "Give the service an image: (aicos:<version> for the app).",
                            "Service %s has no image.", name);
    else if (i == 1 || i == 2) {
        if (image_tag != NULL && strcmp(image, image_tag) != 0)
            deploy_findings_add(f, "compose.image", DEPLOY_WARNING,
                                "Use the image built from this version, or rerun preflight "
                                "with the matching aicos binary.",
                                "Service %s runs %.100s, but this aicos is %s.", name, image,
                                image_tag);
    }
    if (i != 1) {
        yaml_node_t *hc = yml_get(d, svc, "healthcheck");
        yml_words(d, yml_get(d, hc, "test"), words, sizeof words);
        if (words[0] == '\0' || strcmp(words, "NONE") == 0)
            deploy_findings_add(f, "compose.healthcheck", DEPLOY_BLOCKER,
                                "Add a healthcheck: test: (init-env writes one).",
                                "Service %s has no health check; start order by health "
                                "needs one.",
                                name);
        const char *restart = yml_str(yml_get(d, svc, "restart"));
        if (restart == NULL || strcmp(restart, "no") == 0)
            deploy_findings_add(f, "compose.restart", DEPLOY_WARNING,
                                "Set restart: unless-stopped.",
                                "Service %s has no restart policy; it stays down after a "
                                "crash or a reboot.",
                                name);
    }
    if (i == 1 || i == 2) {
        if (!yml_any(d, yml_get(d, svc, "env_file"), pred_basename_is, DEPLOY_ENV_FILE))
            deploy_findings_add(f, "compose.env_file", DEPLOY_BLOCKER,
                                "Add env_file: [" DEPLOY_ENV_FILE "].",
                                "Service %s does not read %s; it would start without the "
                                "production settings.",
                                name, DEPLOY_ENV_FILE);
        yml_words(d, yml_get(d, svc, "command"), words, sizeof words);
        const char *want = i == 1 ? "aicos migrate" : "aicos serve";
        if (strncmp(words, want, strlen(want)) != 0)
            deploy_findings_add(f, "compose.command", DEPLOY_BLOCKER,
                                i == 1 ? "Set command: [\"aicos\", \"migrate\"]."
                                       : "Set command: [\"aicos\", \"serve\", "
                                         "\"--no-migrate\"].",
                                "Service %s runs \"%.100s\" instead of %s.", name, words, want);
    }
}

static void deploy_check_compose_doc(yaml_document_t *d, const char *image_tag,
                                     struct deploy_findings *f)
{
    static const char *const names[] = {DEPLOY_DB_SERVICE, "migrate", DEPLOY_APP_SERVICE, "caddy"};
    yaml_node_t *root = yaml_document_get_root_node(d);
    yaml_node_t *services = yml_get(d, root, "services");
    yaml_node_t *svc[4] = {NULL};
    if (services == NULL || services->type != YAML_MAPPING_NODE) {
        deploy_findings_add(f, "compose.services", DEPLOY_BLOCKER,
                            "Regenerate it with `aicos deploy init-env --force`.",
                            "The compose file has no services: mapping.");
        return;
    }
    for (size_t i = 0; i < 4; i++) {
        svc[i] = yml_get(d, services, names[i]);
        if (svc[i] == NULL || svc[i]->type != YAML_MAPPING_NODE) {
            deploy_findings_add(f, "compose.services", DEPLOY_BLOCKER,
                                "Regenerate it with `aicos deploy init-env --force`.",
                                "The compose file has no %s service.", names[i]);
            svc[i] = NULL;
            continue;
        }
        deploy_check_service(d, svc[i], i, names[i], image_tag, f);
    }
    if (svc[0] != NULL)
        deploy_check_volume(d, root, svc[0], names[0], "/var/lib/postgresql/data", f);
    if (svc[3] != NULL) {
        deploy_check_volume(d, root, svc[3], names[3], "/data", f);
        if (!yml_any(d, yml_get(d, svc[3], "ports"), pred_port_443, NULL))
            deploy_findings_add(f, "compose.ports", DEPLOY_BLOCKER,
                                "Publish \"443:443\" (and \"80:80\" for ACME HTTP challenges).",
                                "Service caddy does not publish port 443; HTTPS would be "
                                "unreachable.");
    }
    if (svc[1] != NULL)
        deploy_check_depends(d, svc[1], "migrate", DEPLOY_DB_SERVICE, "service_healthy", f);
    if (svc[2] != NULL)
        deploy_check_depends(d, svc[2], DEPLOY_APP_SERVICE, "migrate",
                             "service_completed_successfully", f);
    if (svc[3] != NULL)
        deploy_check_depends(d, svc[3], "caddy", DEPLOY_APP_SERVICE, "service_healthy", f);
}

void deploy_check_compose(const char *dir, const struct deploy_env *env, struct deploy_findings *f)
{
    char path[1100];
    char *data = NULL;
    size_t len = 0;
    yaml_parser_t parser;
    yaml_document_t doc;
    bool have_parser = false, have_doc = false;
    snprintf(path, sizeof path, "%s/%s", dir, DEPLOY_COMPOSE_FILE);
    enum err e = deploy_read_file(path, &data, &len);
    if (e == ERR_NOTFOUND) {
        deploy_findings_add(f, "compose.missing", DEPLOY_BLOCKER,
                            "Run `aicos deploy init-env` to write it.", "%s does not exist.", path);
        goto out;
    }
    if (e != ERR_OK) {
        deploy_findings_add(f, "compose.yaml", DEPLOY_BLOCKER, "Make it a readable YAML file.",
                            "%s cannot be read (%s).", path, err_code(e));
        goto out;
    }
    const char *pw = deploy_env_get(env, "AICOS_POSTGRES_PASSWORD");
    if (pw != NULL && strlen(pw) >= 8 && memmem(data, len, pw, strlen(pw)) != NULL)
        deploy_findings_add(f, "compose.secret_inline", DEPLOY_BLOCKER,
                            "Refer to it as ${AICOS_POSTGRES_PASSWORD} and keep the value in "
                            "production.env.",
                            "%s contains the PostgreSQL password itself; it would leak into "
                            "version control and logs.",
                            path);
    if (!yaml_parser_initialize(&parser)) {
        deploy_findings_add(f, "compose.yaml", DEPLOY_BLOCKER, "", "libyaml could not start.");
        goto out;
    }
    have_parser = true;
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    if (!yaml_parser_load(&parser, &doc)) {
        deploy_findings_add(f, "compose.yaml", DEPLOY_BLOCKER, "Correct the YAML syntax.",
                            "%s is not valid YAML: %s at line %lu, column %lu.", path,
                            parser.problem != NULL ? parser.problem : "syntax error",
                            (unsigned long)parser.problem_mark.line + 1,
                            (unsigned long)parser.problem_mark.column + 1);
        goto out;
    }
    have_doc = true;
    if (yaml_document_get_root_node(&doc) == NULL) {
        deploy_findings_add(f, "compose.yaml", DEPLOY_BLOCKER,
                            "Regenerate it with `aicos deploy init-env --force`.", "%s is empty.",
                            path);
        goto out;
    }
    deploy_check_compose_doc(&doc, deploy_image_tag(), f);
out:
    if (have_doc)
        yaml_document_delete(&doc);
    if (have_parser)
        yaml_parser_delete(&parser);
    free(data);
}
