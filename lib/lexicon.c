#include "lexicon.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct kb_lexicon {
	size_t *slots;   /* offset + 1 of the word in arena; 0 = empty */
	size_t nslots;   /* a power of two */
	size_t n;
	kb_buf arena;    /* words, each NUL-terminated */
};

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

kb_lexicon *kb_lexicon_new(void)
{
	kb_lexicon *lx = kb_xcalloc(1, sizeof *lx);
	lx->nslots = 1024;
	lx->slots = kb_xcalloc(lx->nslots, sizeof *lx->slots);
	return lx;
}

void kb_lexicon_free(kb_lexicon *lx)
{
	if (!lx)
		return;
	free(lx->slots);
	kb_buf_free(&lx->arena);
	free(lx);
}

/* The slot holding word, or the empty slot where it would go. */
static size_t find(const kb_lexicon *lx, const char *w, size_t n)
{
	size_t mask = lx->nslots - 1, i = (size_t)hash(w, n) & mask;
	while (lx->slots[i]) {
		const char *s = lx->arena.s + lx->slots[i] - 1;
		if (strncmp(s, w, n) == 0 && s[n] == '\0')
			return i;
		i = (i + 1) & mask;
	}
	return i;
}

static void grow(kb_lexicon *lx)
{
	size_t *old = lx->slots, oldn = lx->nslots;
	lx->nslots *= 2;
	lx->slots = kb_xcalloc(lx->nslots, sizeof *lx->slots);
	for (size_t i = 0; i < oldn; i++) {
		if (!old[i])
			continue;
		const char *s = lx->arena.s + old[i] - 1;
		lx->slots[find(lx, s, strlen(s))] = old[i];
	}
	free(old);
}

void kb_lexicon_add(kb_lexicon *lx, const char *word, size_t n)
{
	if (n == 0)
		return;
	if ((lx->n + 1) * 2 > lx->nslots)
		grow(lx);
	size_t i = find(lx, word, n);
	if (lx->slots[i])
		return;
	lx->slots[i] = lx->arena.len + 1;
	kb_buf_add(&lx->arena, word, n);
	kb_buf_addc(&lx->arena, '\0');
	lx->n++;
}

bool kb_lexicon_has(const kb_lexicon *lx, const char *word, size_t n)
{
	return lx && n && lx->slots[find(lx, word, n)] != 0;
}

size_t kb_lexicon_size(const kb_lexicon *lx)
{
	return lx ? lx->n : 0;
}

kb_status kb_lexicon_load(kb_lexicon *lx, const char *path, char **errmsg)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return kb_fail(KB_ERR_IO, errmsg, "%s: %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) > 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		/* word lists capitalise names; the analyzer's words are case-folded */
		for (ssize_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)line[i];
			if (c >= 'A' && c <= 'Z')
				line[i] = (char)(c + 32);
			else if (c == 0xC3 && i + 1 < n && ((unsigned char)line[i + 1] == 0x86 ||
			         (unsigned char)line[i + 1] == 0x98 || (unsigned char)line[i + 1] == 0x85))
				line[++i] += 0x20; /* Æ Ø Å → æ ø å */
		}
		kb_lexicon_add(lx, line, (size_t)n);
	}
	free(line);
	fclose(f);
	return KB_OK;
}
