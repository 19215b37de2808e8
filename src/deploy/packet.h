/*
 * The Seller Center deployment packet: what registering the app and its callback needs.
 */
#ifndef AICOS_DEPLOY_PACKET_H
#define AICOS_DEPLOY_PACKET_H

#include <jansson.h>

#include "base/config.h"
#include "base/err.h"
#include "store/db.h"

struct vault;

/*
 * What Seller Center registration needs, as a new object: callback mode and URL, the API
 * and Web origins, the redirect URIs, the Seller Center address, whether the origins are
 * fit for production (with the reasons when not), and the regions whose App Key and App
 * Secret are stored in vault (may be NULL) or configured; never a secret or a masked one.
 */
ERR_MUST_USE enum err deploy_packet_build(const struct config *cfg, struct vault *vault,
                                          json_t **out, struct errbuf *eb);

#endif
