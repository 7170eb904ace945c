#include "concurrency_hook.h"

/* Defined by libswift_Concurrency (static archive or shared library). Declared as a plain data
   pointer: only its address is taken here, Swift stores the hook function into it. Reached through
   the GOT (position-independent code), so no copy relocation of a protected symbol is needed. */
extern void *swift_task_enqueueGlobal_hook;

void **vcd_swift_enqueue_global_hook_slot(void) { return &swift_task_enqueueGlobal_hook; }
