/*
 * The listen address of the server (server.h): the host resolved, the port set.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdint.h>
#include <string.h>

#include "http/server.h"

enum err http_server_resolve(const char *host, unsigned port, struct sockaddr_storage *ss,
                             struct errbuf *eb)
{
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc != 0 || res == NULL)
        return err_set(eb, ERR_CONFIG, "bad_listen_address", "Cannot resolve listen host %s: %s.",
                       host, gai_strerror(rc));
    memset(ss, 0, sizeof *ss);
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    if (ss->ss_family == AF_INET)
        ((struct sockaddr_in *)(void *)ss)->sin_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in6 *)(void *)ss)->sin6_port = htons((uint16_t)port);
    freeaddrinfo(res);
    return ERR_OK;
}
