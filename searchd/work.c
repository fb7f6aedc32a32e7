#include "work.h"

#include <pthread.h>
#include <stdlib.h>

#include "util.h"

#define MAX_THREADS 256

struct job {
	void (*fn)(void *);
	void *arg;
	struct job *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;   /* a job is queued, or stop */
static pthread_cond_t started = PTHREAD_COND_INITIALIZER; /* a thread is past thread_init */
static struct job *head, *tail; /* guarded by lock */
static bool running;            /* guarded by lock */
static pthread_t threads[MAX_THREADS];
static unsigned nthreads;
static void (*thread_init)(void);
static unsigned inited;         /* guarded by lock: threads past thread_init */

static void *worker(void *unused)
{
	(void)unused;
	if (thread_init)
		thread_init();
	pthread_mutex_lock(&lock);
	inited++;
	pthread_cond_signal(&started);
	for (;;) {
		while (!head && running)
			pthread_cond_wait(&ready, &lock);
		if (!head) /* stopped, and nothing left to do */
			break;
		struct job *j = head;
		head = j->next;
		if (!head)
			tail = NULL;
		pthread_mutex_unlock(&lock);
		j->fn(j->arg);
		free(j);
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

bool kb_work_start(unsigned n, void (*init)(void))
{
	if (n > MAX_THREADS)
		n = MAX_THREADS;
	thread_init = init;
	pthread_mutex_lock(&lock);
	running = true;
	pthread_mutex_unlock(&lock);
	for (nthreads = 0; nthreads < n; nthreads++)
		if (pthread_create(&threads[nthreads], NULL, worker, NULL) != 0)
			break;
	pthread_mutex_lock(&lock);
	if (nthreads == 0)
		running = false;
	while (inited < nthreads) /* every thread ready before the first request */
		pthread_cond_wait(&started, &lock);
	pthread_mutex_unlock(&lock);
	return nthreads > 0;
}

bool kb_work_submit(void (*fn)(void *arg), void *arg)
{
	struct job *j = kb_xmalloc(sizeof *j);
	*j = (struct job){ fn, arg, NULL };
	pthread_mutex_lock(&lock);
	bool ok = running;
	if (ok) {
		if (tail)
			tail->next = j;
		else
			head = j;
		tail = j;
		pthread_cond_signal(&ready);
	}
	pthread_mutex_unlock(&lock);
	if (!ok)
		free(j);
	return ok;
}

void kb_work_stop(void)
{
	pthread_mutex_lock(&lock);
	running = false;
	pthread_cond_broadcast(&ready);
	pthread_mutex_unlock(&lock);
	for (unsigned i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	nthreads = 0;
	inited = 0;
}
