/*
 * queue.h: the tail queue macros of <sys/queue.h>, for systems without
 * that header (Windows).  Same names and meaning as the BSD ones, so code
 * reads the same everywhere; only what the programs use is here.
 *
 * A head holds the first element and the address of the last element's
 * next pointer (the head's own first pointer when empty), so an append is
 * O(1).  Each entry holds its next pointer and the address of whatever
 * points at it, so a removal is O(1) without walking.
 */
#ifndef COMPAT_QUEUE_H
#define COMPAT_QUEUE_H

#define TAILQ_HEAD(name, type)						\
struct name {								\
	struct type	 *tqh_first;					\
	struct type	**tqh_last;					\
}

#define TAILQ_HEAD_INITIALIZER(head)	{ NULL, &(head).tqh_first }

#define TAILQ_ENTRY(type)						\
struct {								\
	struct type	 *tqe_next;					\
	struct type	**tqe_prev;					\
}

#define TAILQ_FIRST(head)	((head)->tqh_first)
#define TAILQ_NEXT(elm, field)	((elm)->field.tqe_next)
#define TAILQ_EMPTY(head)	((head)->tqh_first == NULL)

#define TAILQ_INIT(head) do {						\
	(head)->tqh_first = NULL;					\
	(head)->tqh_last = &(head)->tqh_first;				\
} while (0)

#define TAILQ_INSERT_HEAD(head, elm, field) do {			\
	if (((elm)->field.tqe_next = (head)->tqh_first) != NULL)	\
		(head)->tqh_first->field.tqe_prev =			\
		    &(elm)->field.tqe_next;				\
	else								\
		(head)->tqh_last = &(elm)->field.tqe_next;		\
	(head)->tqh_first = (elm);					\
	(elm)->field.tqe_prev = &(head)->tqh_first;			\
} while (0)

#define TAILQ_INSERT_TAIL(head, elm, field) do {			\
	(elm)->field.tqe_next = NULL;					\
	(elm)->field.tqe_prev = (head)->tqh_last;			\
	*(head)->tqh_last = (elm);					\
	(head)->tqh_last = &(elm)->field.tqe_next;			\
} while (0)

#define TAILQ_REMOVE(head, elm, field) do {				\
	if ((elm)->field.tqe_next != NULL)				\
		(elm)->field.tqe_next->field.tqe_prev =			\
		    (elm)->field.tqe_prev;				\
	else								\
		(head)->tqh_last = (elm)->field.tqe_prev;		\
	*(elm)->field.tqe_prev = (elm)->field.tqe_next;			\
} while (0)

#define TAILQ_FOREACH(var, head, field)					\
	for ((var) = TAILQ_FIRST(head); (var) != NULL;			\
	    (var) = TAILQ_NEXT(var, field))

#endif /* COMPAT_QUEUE_H */
