#include "csupport.h"
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t g_sigint = 0;
static void on_sigint(int sig) { (void)sig; g_sigint = 1; }

int vcd_install_sigint(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: el_gets and poll must see EINTR */
    return sigaction(SIGINT, &sa, NULL);
}
int vcd_take_sigint(void) { int v = g_sigint; g_sigint = 0; return v; }
int vcd_sigint_pending(void) { return g_sigint; }
void vcd_raise_sigint_flag(void) { g_sigint = 1; }
int vcd_isatty(int fd) { return isatty(fd); }
