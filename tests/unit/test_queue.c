/*
 * test_queue.c: compat/queue.h, the tail queue macros the Windows build
 * uses in place of <sys/queue.h>.  Built on every host against the compat
 * header itself (not tap.h, whose compat.h would pull in the system's
 * macros of the same names), so a POSIX run checks what Windows runs.
 */
#include <stddef.h>
#include <stdio.h>

#include "queue.h"

struct item {
	int			 v;
	TAILQ_ENTRY(item)	 entry;
};
TAILQ_HEAD(item_list, item);

static struct item_list	 global = TAILQ_HEAD_INITIALIZER(global);
static int		 n, failed;

static void
check(int cond, const char *what)
{
	n++;
	if (!cond)
		failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", n, what);
}

/* The values in order, as digits: "" when empty. */
static const char *
order(struct item_list *h)
{
	static char	 s[16];
	struct item	*it;
	size_t		 i = 0;

	TAILQ_FOREACH(it, h, entry)
		if (i + 1 < sizeof(s))
			s[i++] = (char)('0' + it->v);
	s[i] = '\0';
	return (s);
}

static int
same(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b)
		a++, b++;
	return (*a == *b);
}

int
main(void)
{
	struct item_list	 h;
	struct item		 it[5];
	int			 i;

	for (i = 0; i < 5; i++)
		it[i].v = i;
	check(TAILQ_EMPTY(&global), "a static initializer makes an empty list");
	TAILQ_INSERT_TAIL(&global, &it[1], entry);
	TAILQ_INSERT_HEAD(&global, &it[0], entry);
	check(same(order(&global), "01"), "the initializer's tail is usable");
	TAILQ_REMOVE(&global, &it[0], entry);
	TAILQ_REMOVE(&global, &it[1], entry);
	check(TAILQ_EMPTY(&global), "removing all empties it");

	TAILQ_INIT(&h);
	TAILQ_INSERT_HEAD(&h, &it[2], entry);
	check(same(order(&h), "2"), "insert head into an empty list");
	TAILQ_INSERT_TAIL(&h, &it[3], entry);
	check(same(order(&h), "23"),
	    "insert tail after insert head into an empty list");
	TAILQ_INSERT_HEAD(&h, &it[1], entry);
	TAILQ_INSERT_HEAD(&h, &it[0], entry);
	TAILQ_INSERT_TAIL(&h, &it[4], entry);
	check(same(order(&h), "01234"), "heads and tails in order");
	TAILQ_REMOVE(&h, &it[4], entry);
	TAILQ_INSERT_TAIL(&h, &it[4], entry);
	check(same(order(&h), "01234"), "removing the tail keeps the tail");
	TAILQ_REMOVE(&h, &it[0], entry);
	TAILQ_INSERT_HEAD(&h, &it[0], entry);
	check(same(order(&h), "01234"), "removing the head keeps the head");
	TAILQ_REMOVE(&h, &it[2], entry);
	check(same(order(&h), "0134") && TAILQ_NEXT(&it[1], entry) == &it[3],
	    "remove from the middle");
	while (TAILQ_FIRST(&h) != NULL)
		TAILQ_REMOVE(&h, TAILQ_FIRST(&h), entry);
	TAILQ_INSERT_TAIL(&h, &it[3], entry);
	check(same(order(&h), "3") && TAILQ_FIRST(&h) == &it[3],
	    "emptied, then insert tail");
	printf("1..%d\n", n);
	return (failed != 0);
}
