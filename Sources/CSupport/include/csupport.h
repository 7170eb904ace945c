/* Signal handling that must be async-signal-safe, so it lives in C. */
#ifndef VCD_CSUPPORT_H
#define VCD_CSUPPORT_H
/** Installs a SIGINT handler without SA_RESTART, so blocking reads return EINTR. Returns 0 on success. */
int vcd_install_sigint(void);
/** Returns 1 if SIGINT arrived since the last call, and clears the flag. */
int vcd_take_sigint(void);
/** Returns 1 if SIGINT is pending, without clearing it. */
int vcd_sigint_pending(void);
/** Raises the flag as if SIGINT had arrived (tests, and cancellation from another thread). */
void vcd_raise_sigint_flag(void);
/** 1 if the file descriptor is a terminal. */
int vcd_isatty(int fd);
#endif
