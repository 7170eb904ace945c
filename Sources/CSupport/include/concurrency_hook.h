/* Swift concurrency's global-executor hook, reached by address rather than by dlsym. */
#ifndef VCD_CONCURRENCY_HOOK_H
#define VCD_CONCURRENCY_HOOK_H
/**
 * The address of the Swift runtime's `swift_task_enqueueGlobal_hook` (nil until someone sets it).
 * SwiftNIO finds it with dlsym, which fails in a binary with the Swift runtime linked in
 * (--static-swift-stdlib links it with --exclude-libs ALL, so the symbol is not exported);
 * a reference resolved by the linker works in both kinds of binary.
 */
void *_Nullable *_Nonnull vcd_swift_enqueue_global_hook_slot(void);
#endif
