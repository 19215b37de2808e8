/* Preflight: the Dockerfile and the build (image tag, version). */
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

/* ---- Dockerfile and build ------------------------------------------------------------- */

void deploy_check_dockerfile(const char *dir, struct deploy_findings *f)
{
    char path[1100];
    char *data = NULL;
    snprintf(path, sizeof path, "%s/%s", dir, DEPLOY_DOCKERFILE);
    enum err e = deploy_read_file(path, &data, NULL);
    if (e != ERR_OK) {
        deploy_findings_add(f, "dockerfile.missing", DEPLOY_BLOCKER,
                            "Keep the repository's infra/Dockerfile beside the compose file "
                            "(init-env writes a copy when it is missing).",
                            "%s does not exist or cannot be read; the app image cannot be "
                            "built.",
                            path);
        return;
    }
    unsigned froms = 0;
    bool debian = false, make = false, copy_from = false;
    for (char *line = data; line != NULL && *line;) {
        char *nl = strchr(line, '\n');
        if (nl != NULL)
            *nl = '\0';
        while (*line == ' ' || *line == '\t')
            line++;
        if (strncasecmp(line, "FROM ", 5) == 0) {
            froms++;
            if (froms == 1 && strstr(line, "debian:12") != NULL)
                debian = true;
        } else if (strncasecmp(line, "RUN ", 4) == 0) {
            /* make run as a command: right after RUN, && or ; (not "apt-get install make"). */
            for (const char *m = strstr(line, "make"); m != NULL; m = strstr(m + 4, "make")) {
                const char *b = m;
                while (b > line && b[-1] == ' ')
                    b--;
                bool cmd = (size_t)(b - line) == 3 ||
                           (b - line >= 2 && b[-1] == '&' && b[-2] == '&') ||
                           (b > line && b[-1] == ';');
                if (cmd && (m[4] == '\0' || isspace((unsigned char)m[4])) && b != m)
                    make = true;
            }
        } else if (strncasecmp(line, "COPY ", 5) == 0 && strstr(line, "--from=") != NULL) {
            copy_from = true;
        }
        line = nl != NULL ? nl + 1 : NULL;
    }
    if (froms < 2 || !debian || !make || !copy_from)
        deploy_findings_add(f, "dockerfile.structure", DEPLOY_BLOCKER,
                            "Restore the repository's infra/Dockerfile.",
                            "%s is not the expected multi-stage build (a debian:12 build stage "
                            "running make, a runtime stage copying the binary with "
                            "COPY --from): %s.",
                            path,
                            froms < 2 ? "fewer than two FROM stages"
                            : !debian ? "the build stage is not debian:12"
                            : !make   ? "no RUN make"
                                      : "no COPY --from");
    free(data);
}

void deploy_preflight_check_build(const char *version, const char *commit, const char *image,
                                  struct deploy_findings *f)
{
    if (commit == NULL || *commit == '\0' || strcmp(commit, "unknown") == 0)
        deploy_findings_add(f, "build.commit", DEPLOY_WARNING,
                            "Build from a git checkout (make release) so the version names its "
                            "commit.",
                            "This aicos %s was built without a commit id; a deployment could "
                            "not be traced to its source.",
                            version);
    if (image != NULL) {
        char want[64];
        snprintf(want, sizeof want, "aicos:%s", version);
        if (strcmp(image, want) != 0)
            deploy_findings_add(f, "build.image_tag", DEPLOY_WARNING,
                                "Rerun init-env with this aicos, or use the matching binary.",
                                "AICOS_IMAGE is %.100s but this aicos is version %s; the "
                                "checks may not match what gets deployed.",
                                image, version);
    }
}
