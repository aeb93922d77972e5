/* ctl.h: cimhead's control commands (status, drain ...) against cimheadd. */
#ifndef CTL_H
#define CTL_H

int	ctl_is_command(const char *);
/* argv[0] is the command; returns the exit status (0, 1, 2, 3). */
int	ctl_main(int argc, char *argv[]);

#endif /* CTL_H */
