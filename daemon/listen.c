/*
 * listen.c: the daemon's HTTP listeners.  The viewer side (frontend.c)
 * and the operator side (admin.c) each get an evhttp bound here, port 0
 * picking a free port; the address really bound is read back, for the
 * log and for the port file that tests and supervisors read.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <event2/http.h>

#include "cimheadd.h"

/* The bound address as text: "a.b.c.d:port" or "[v6]:port". */
static int
listen_addr(evutil_socket_t fd, char *addr, size_t addrlen)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	char			 ip[INET6_ADDRSTRLEN];
	int			 port, r;

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == -1)
		return (-1);
	if (ss.ss_family == AF_INET6) {
		if (inet_ntop(AF_INET6,
		    &((struct sockaddr_in6 *)&ss)->sin6_addr, ip,
		    sizeof(ip)) == NULL)
			return (-1);
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		r = snprintf(addr, addrlen, "[%s]:%d", ip, port);
	} else {
		if (inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
		    ip, sizeof(ip)) == NULL)
			return (-1);
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		r = snprintf(addr, addrlen, "%s:%d", ip, port);
	}
	return (r < 0 || (size_t)r >= addrlen ? -1 : 0);
}

struct evhttp *
listen_bind(struct daemon *d, const char *hostport, char *addr,
    size_t addrlen, struct evhttp_bound_socket **sockp)
{
	struct evhttp			*http;
	struct evhttp_bound_socket	*bs;
	char				 host[128];
	unsigned			 port;

	if (hostport_split(hostport, host, sizeof(host), 0, &port) == -1) {
		log_err("cannot listen on %s: not host:port", hostport);
		return (NULL);
	}
	if ((http = evhttp_new(d->base)) == NULL)
		fatal("evhttp_new");
	if ((bs = evhttp_bind_socket_with_handle(http, host,
	    (uint16_t)port)) == NULL) {
		log_err("cannot listen on %s: %s", hostport, strerror(errno));
		evhttp_free(http);
		return (NULL);
	}
	if (listen_addr(evhttp_bound_socket_get_fd(bs), addr, addrlen) == -1) {
		log_err("cannot listen on %s: no address: %s", hostport,
		    strerror(errno));
		evhttp_free(http);
		return (NULL);
	}
	if (sockp != NULL)
		*sockp = bs;
	return (http);
}

int
listen_port_file(const struct daemon *d, const char *path)
{
	FILE	*f;
	char	 tmp[1024];
	int	 r;

	r = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (r < 0 || (size_t)r >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if ((f = fopen(tmp, "w")) == NULL)
		return (-1);
	fprintf(f, "viewer %s\nadmin %s\n", d->front_addr, d->admin_addr);
	/* Renamed into place: a reader never sees half a file. */
	if (fclose(f) != 0 || rename(tmp, path) == -1)
		return (-1);
	return (0);
}
