/*
 * Time zones from the system tz database (/usr/share/zoneinfo, Debian's tzdata), read without
 * touching the process's TZ or calling tzset(), so any thread can convert for any viewer. A
 * zone file (TZif, version 2 or later: the 64-bit part) is read once and kept for the life of
 * the process; "UTC" needs no file. Past the file's last transition the last offset holds
 * (Debian's files list transitions until 2037).
 */
#ifndef AICOS_BASE_TZ_H
#define AICOS_BASE_TZ_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"

#define TZ_NAME_MAX 63 /* "America/Argentina/ComodRivadavia" is the longest name in use */

struct tz_zone; /* opaque; lives until the process ends */

/* True when name has the shape of a zone name: "UTC" or Area/Place of letters, digits, '_',
 * '-', '+' and '/', no "..", no leading '/', at most TZ_NAME_MAX bytes. */
bool tz_name_ok(const char *name);

/*
 * The zone called name: ERR_INVAL for a name of the wrong shape, ERR_NOTFOUND when the
 * database has no such zone or its file is not TZif. Thread-safe; the zone is shared.
 */
ERR_MUST_USE enum err tz_load(const char *name, const struct tz_zone **out, struct errbuf *eb);

/* The zone's name ("UTC" for NULL). */
const char *tz_name(const struct tz_zone *z);

/* The offset from UTC in seconds at time t (0 for NULL, the UTC zone). */
int32_t tz_offset(const struct tz_zone *z, int64_t t);

/* t as wall-clock time in z (UTC when z is NULL); false when t cannot be represented. */
bool tz_local(const struct tz_zone *z, int64_t t, struct tm *out);

#endif
