/*
 * sdnotify.c: systemd readiness and watchdog (Type=notify).  Built only
 * with libsystemd (HAVE_SYSTEMD); without it cimheadd.h turns these calls
 * into nothing.
 */
#include "config.h"

#include <stdlib.h>

#include <systemd/sd-daemon.h>

#include "cimheadd.h"

void
sdnotify_ready(void)
{
	sd_notify(0, "READY=1\nSTATUS=serving");
}

void
sdnotify_reloading(void)
{
	sd_notify(0, "RELOADING=1");
}

void
sdnotify_stopping(void)
{
	sd_notify(0, "STOPPING=1\nSTATUS=draining");
}

unsigned
sdnotify_watchdog_ms(void)
{
	uint64_t	usec;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return (0);
	return ((unsigned)(usec / 1000));
}

void
sdnotify_watchdog(void)
{
	sd_notify(0, "WATCHDOG=1");
}
