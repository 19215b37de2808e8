/*
 * Temu connections and their authorization (product.md §4, temu-open-platform.md §3).
 *
 * A connection is one Temu shop (mallId) in one region: seller type, scopes, authorized-at,
 * expires-at, status (active or failed, with a reason), and a history of authorizations. Its
 * access token lives in the vault as temu/<region>/mall/<mallId>/access_token; the database
 * only names it.
 *
 * An authorization session is a random single-use state (only its BLAKE2b hash is stored),
 * valid CONNECT_SESSION_TTL_S, recorded with the operator who created it, and the Seller
 * Center authorization URL built from it. The callback checks the state (exists, unexpired,
 * not cancelled, unused), consumes it atomically, exchanges the code with
 * bg.open.accesstoken.create, verifies the token with bg.open.accesstoken.info.get, stores it
 * in the vault, then creates or updates the connection and appends to its history in one
 * transaction. Every failure stores nothing (only the session's outcome is noted once its
 * state was consumed).
 *
 * Production sessions pass the launch gates (App Key/Secret stored, public HTTPS callback,
 * AICOS_ENV=production, a recorded preflight with zero blockers, the security gate: vault
 * key configured and HTTPS origins); development sessions skip them and are refused when
 * AICOS_ENV=production.
 *
 * This folder never includes an HTTP header; handlers audit what it does.
 *
 * The folder's modules, each with its header: common.h (environment, limits, ids), client.h
 * (credentials and the Temu client), gates.h (callback URL and launch gates), session.h
 * (authorization sessions), authorize.h (callback and manual mode), grant.h (storing an
 * authorization; private to the folder), connections.h (connections and their lifecycle),
 * inspect.h (the signed request inspector). This header includes the public ones.
 */
#ifndef AICOS_CONNECT_CONNECT_H
#define AICOS_CONNECT_CONNECT_H

#include "connect/authorize.h"
#include "connect/client.h"
#include "connect/common.h"
#include "connect/connections.h"
#include "connect/gates.h"
#include "connect/inspect.h"
#include "connect/session.h"

#endif
