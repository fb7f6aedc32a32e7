/* floor — the least any HTTP daemon on libmicrohttpd can do on this machine: answer every GET with
 * one fixed JSON body, computed never. make bench measures atmp-searchd against it.
 *
 *   floor [--listen 127.0.0.1:0] [--threads N] [--body FILE]
 *
 * It runs libmicrohttpd exactly as atmp-searchd does (internal polling thread with epoll, a thread
 * pool of one thread per core, the same limits), queues its answer on the handler's second call as
 * STYLE.md asks, and sends FILE's bytes (by default a small search answer) as
 * application/json. Prints "floor: listening on http://HOST:PORT" on stderr; SIGINT/SIGTERM stop
 * it. Not product code: bench/ only. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *body;
static size_t body_len;

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **ctx)
{
	static int first_call;
	(void)cls; (void)url; (void)method; (void)version; (void)upload; (void)upload_size;
	if (*ctx != &first_call) { /* first call: headers only; answer on the second */
		*ctx = &first_call;
		return MHD_YES;
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(body_len, body, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static void load_body(const char *path)
{
	static char dflt[] = "{\"query\":\"genterapi\",\"total\":0,\"took_ms\":0.1,\"hits\":[],"
	                     "\"suggestion\":null,\"facets\":{}}";
	if (!path) {
		body = dflt;
		body_len = strlen(dflt);
		return;
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	body = malloc((size_t)n + 1);
	if (!body || fread(body, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "floor: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	body_len = (size_t)n;
}

int main(int argc, char **argv)
{
	const char *listen = "127.0.0.1:0", *body_file = NULL;
	long threads = sysconf(_SC_NPROCESSORS_ONLN);
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--listen"))
			listen = argv[i + 1];
		else if (!strcmp(argv[i], "--threads"))
			threads = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--body"))
			body_file = argv[i + 1];
	}
	if (threads < 1)
		threads = 1;
	load_body(body_file);

	char host[64];
	const char *colon = strrchr(listen, ':');
	if (!colon || (size_t)(colon - listen) >= sizeof host) {
		fprintf(stderr, "floor: --listen wants HOST:PORT\n");
		return 2;
	}
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = 0;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1)) };
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		fprintf(stderr, "floor: bad address '%s'\n", host);
		return 2;
	}

	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, NULL, NULL,
		handle, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1000,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)0,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
		MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)512,
		MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "floor: cannot listen on %s\n", listen);
		return 1;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	fprintf(stderr, "floor: listening on http://%s:%u\n", host, info ? (unsigned)info->port : 0u);
	int sig;
	sigwait(&sigs, &sig);
	MHD_stop_daemon(d);
	return 0;
}
