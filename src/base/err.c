#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *code;
    const char *message;
} err_table[ERR__COUNT] = {
    [ERR_OK] = {"ok", "Success."},
    [ERR_NOMEM] = {"out_of_memory", "The server ran out of memory."},
    [ERR_INVAL] = {"validation_failed", "The request is well-formed but its values are invalid."},
    [ERR_PARSE] = {"malformed_input", "The input could not be parsed."},
    [ERR_BADREQ] = {"bad_request", "The request is not valid HTTP for this server."},
    [ERR_TOOBIG] = {"too_large", "The input is larger than the allowed maximum."},
    [ERR_MEDIA] = {"unsupported_media_type", "The content type is not supported here."},
    [ERR_NOTFOUND] = {"not_found", "The requested resource does not exist."},
    [ERR_METHOD] = {"method_not_allowed", "The method is not allowed for this resource."},
    [ERR_CONFLICT] = {"conflict", "The request conflicts with the current state."},
    [ERR_AUTH] = {"unauthenticated", "Sign-in is required."},
    [ERR_FORBIDDEN] = {"forbidden", "Your role does not allow this action."},
    [ERR_LIMIT] = {"rate_limited", "Too many requests; try again later."},
    [ERR_DB] = {"database_error", "The database failed."},
    [ERR_SCHEMA] = {"schema_mismatch", "The database schema does not match this program."},
    [ERR_IO] = {"io_error", "A file or network operation failed."},
    [ERR_UPSTREAM] = {"upstream_error", "An external system failed."},
    [ERR_UNAVAILABLE] = {"unavailable", "The service is temporarily unavailable."},
    [ERR_CONFIG] = {"bad_configuration", "The configuration is invalid."},
    [ERR_INTERNAL] = {"internal_error", "An internal error occurred."},
};

const char *err_code(enum err e)
{
    if ((unsigned)e >= ERR__COUNT)
        return "internal_error";
    return err_table[e].code;
}

const char *err_message(enum err e)
{
    if ((unsigned)e >= ERR__COUNT)
        return "An internal error occurred.";
    return err_table[e].message;
}

enum err err_set(struct errbuf *eb, enum err e, const char *code, const char *fmt, ...)
{
    if (eb == NULL)
        return e;
    if (code != NULL)
        snprintf(eb->code, sizeof eb->code, "%s", code);
    else
        eb->code[0] = '\0';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(eb->msg, sizeof eb->msg, fmt, ap);
    va_end(ap);
    return e;
}

const char *errbuf_code(const struct errbuf *eb, enum err e)
{
    if (eb != NULL && eb->code[0] != '\0')
        return eb->code;
    return err_code(e);
}

const char *errbuf_message(const struct errbuf *eb, enum err e)
{
    if (eb != NULL && eb->msg[0] != '\0')
        return eb->msg;
    return err_message(e);
}
