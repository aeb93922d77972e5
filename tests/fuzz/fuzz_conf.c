/*
 * fuzz_conf.c: the cimheadd config parser through conf_parse, the entry
 * point conf_load (and so cimheadd -n) hands a file's text to.  Like
 * conf_load, inputs with a NUL byte are refused before parsing.  A file
 * that parses must have every node findable by its name.
 */
#include "config.h"

#include <stdio.h>

#include "cimheadd.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("fuzz", LOG_LVL_ERR, 0);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 errs, warns;
	struct conf	*c;
	char		*text;
	size_t		 i;

	/* conf_load allows 1 MiB; 64 KiB keeps each run fast. */
	if (size > 65536 || memchr(data, '\0', size) != NULL)
		return (0);
	text = malloc(size + 1);
	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	buf_init(&errs, 0);
	buf_init(&warns, 0);
	c = conf_parse(text, "fuzz.conf", &errs, &warns);
	if (c != NULL) {
		for (i = 0; i < c->nnodes; i++)
			if (conf_node_find(c, c->nodes[i].name) == NULL)
				abort();
		conf_free(c);
	} else if (errs.len == 0)
		abort();	/* refused without a word */
	buf_release(&errs);
	buf_release(&warns);
	free(text);
	return (0);
}
