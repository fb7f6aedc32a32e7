#include "served.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* How often the watcher looks at the file: a rebuilt index is served within this time. */
#define WATCH_MS 500

struct slot {
	kb_searcher *s;
	unsigned gen;
};

static char *path;
static atomic_uint generation = 1;
static atomic_size_t ndocs;
static _Atomic double replaced_at; /* CLOCK_REALTIME seconds */
static pthread_key_t key;
/* The newest index's vocabulary is read once and shared: each thread opens its searcher "like"
 * this one, which served.c keeps open only for that. Guarded by model_lock. */
static kb_searcher *model;
static pthread_mutex_t model_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t watcher;
static atomic_bool stopping;

static void slot_free(void *p)
{
	struct slot *sl = p;
	kb_searcher_close(sl->s);
	free(sl);
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec && a->st_size == b->st_size;
}

static void *watch(void *arg)
{
	(void)arg;
	struct stat last = { 0 }, now;
	stat(path, &last);
	while (!atomic_load(&stopping)) {
		struct timespec ts = { 0, WATCH_MS * 1000000L };
		nanosleep(&ts, NULL);
		if (stat(path, &now) == 0 && !same_file(&now, &last)) {
			last = now;
			atomic_store(&replaced_at, (double)now.st_mtim.tv_sec);
			atomic_fetch_add(&generation, 1);
		}
	}
	return NULL;
}

bool kb_served_start(const char *db_path, char **errmsg)
{
	kb_searcher *s = NULL;
	if (kb_searcher_open(db_path, &s, errmsg) != KB_OK)
		return false;
	atomic_store(&ndocs, kb_searcher_ndocs(s));
	model = s;
	struct stat st;
	if (stat(db_path, &st) == 0)
		atomic_store(&replaced_at, (double)st.st_mtim.tv_sec);
	path = kb_xstrdup(db_path);
	pthread_key_create(&key, slot_free);
	atomic_store(&stopping, false);
	if (pthread_create(&watcher, NULL, watch, NULL) != 0) {
		kb_fail(KB_ERR_INTERNAL, errmsg, "cannot start the index watcher");
		return false;
	}
	return true;
}

void kb_served_stop(void)
{
	atomic_store(&stopping, true);
	pthread_join(watcher, NULL);
	struct slot *sl = pthread_getspecific(key);
	if (sl) {
		slot_free(sl);
		pthread_setspecific(key, NULL);
	}
	pthread_mutex_lock(&model_lock);
	kb_searcher_close(model);
	model = NULL;
	pthread_mutex_unlock(&model_lock);
	free(path);
	path = NULL;
}

void kb_served_reload(void)
{
	atomic_fetch_add(&generation, 1);
}

/* Opens a searcher sharing the model's vocabulary; when the index is newer than the model, the
 * model moves on to it, so the other threads share the new vocabulary too. */
static kb_status open_shared(kb_searcher **out, char **err)
{
	pthread_mutex_lock(&model_lock);
	kb_status rc = kb_searcher_open_like(path, model, out, err);
	kb_searcher *next = NULL;
	if (rc == KB_OK && (!model || strcmp(kb_searcher_version(model), kb_searcher_version(*out)) != 0) &&
	    kb_searcher_open_like(path, *out, &next, NULL) == KB_OK &&
	    strcmp(kb_searcher_version(next), kb_searcher_version(*out)) == 0) {
		kb_searcher_close(model);
		model = next;
		next = NULL;
	}
	kb_searcher_close(next);
	pthread_mutex_unlock(&model_lock);
	return rc;
}

kb_searcher *kb_served_get(void)
{
	struct slot *sl = pthread_getspecific(key);
	if (!sl) {
		sl = kb_xcalloc(1, sizeof *sl);
		pthread_setspecific(key, sl);
	}
	unsigned gen = atomic_load(&generation);
	if (sl->s && sl->gen == gen)
		return sl->s;
	kb_searcher *s = NULL;
	char *err = NULL;
	if (open_shared(&s, &err) == KB_OK) {
		kb_searcher_close(sl->s);
		sl->s = s;
		atomic_store(&ndocs, kb_searcher_ndocs(s));
	} else {
		fprintf(stderr, "atmp-searchd: cannot open the new index, still serving the previous one: %s\n",
		        err ? err : "unknown error");
		free(err);
	}
	/* remember the generation either way, so a bad file is reported once, not on every request */
	sl->gen = gen;
	return sl->s;
}

unsigned kb_served_generation(void)
{
	return atomic_load(&generation);
}

double kb_served_age(void)
{
	return (double)time(NULL) - atomic_load(&replaced_at);
}

size_t kb_served_ndocs(void)
{
	return atomic_load(&ndocs);
}
