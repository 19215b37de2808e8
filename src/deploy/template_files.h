/*
 * The production files' templates, embedded into the binary at build time from
 * the .tmpl files of src/deploy/templates (named {{slots}}, filled by base/tmpl) and the
 * repository's own infra/Dockerfile and infra/Dockerfile.dockerignore (copied as they are). Each
 * array is NUL-terminated; *_len excludes the NUL. Private to src/deploy: templates.h renders them.
 */
#ifndef AICOS_DEPLOY_TEMPLATE_FILES_H
#define AICOS_DEPLOY_TEMPLATE_FILES_H

#include <stddef.h>

extern const unsigned char deploy_tmpl_env[];
extern const size_t deploy_tmpl_env_len;
extern const unsigned char deploy_tmpl_compose[];
extern const size_t deploy_tmpl_compose_len;
extern const unsigned char deploy_tmpl_caddyfile[];
extern const size_t deploy_tmpl_caddyfile_len;
extern const unsigned char deploy_tmpl_caddy_site[];
extern const size_t deploy_tmpl_caddy_site_len;
extern const unsigned char deploy_file_dockerfile[];
extern const size_t deploy_file_dockerfile_len;
extern const unsigned char deploy_file_dockerignore[];
extern const size_t deploy_file_dockerignore_len;

#endif
