/* Typed wrappers for libedit's variadic calls (el_set, el_get, history), which Swift cannot call,
 * and for the C stdio globals that Swift 6 rejects as shared mutable state. */
#ifndef VCD_CEDITLINE_SHIM_H
#define VCD_CEDITLINE_SHIM_H
#include <stdio.h>
#include <histedit.h>

typedef char *(*vcd_prompt_fn)(EditLine *);
typedef unsigned char (*vcd_el_fn)(EditLine *, int);
static inline int vcd_el_set_prompt(EditLine *e, vcd_prompt_fn f) { return el_set(e, EL_PROMPT, f); }
static inline int vcd_el_set_editor(EditLine *e, const char *mode) { return el_set(e, EL_EDITOR, mode); }
static inline int vcd_el_set_signal(EditLine *e, int on) { return el_set(e, EL_SIGNAL, on); }
static inline int vcd_el_set_hist(EditLine *e, History *h) { return el_set(e, EL_HIST, history, h); }
static inline int vcd_el_set_clientdata(EditLine *e, void *d) { return el_set(e, EL_CLIENTDATA, d); }
static inline void *vcd_el_get_clientdata(EditLine *e) { void *d = NULL; el_get(e, EL_CLIENTDATA, &d); return d; }
static inline int vcd_el_addfn(EditLine *e, const char *name, const char *help, vcd_el_fn f) { return el_set(e, EL_ADDFN, name, help, f); }
static inline int vcd_el_bind(EditLine *e, const char *key, const char *fn) { return el_set(e, EL_BIND, key, fn, NULL); }
static inline int vcd_el_source(EditLine *e) { return el_source(e, NULL); }
static inline int vcd_history_setsize(History *h, int n) { HistEvent ev; return history(h, &ev, H_SETSIZE, n); }
static inline int vcd_history_enter(History *h, const char *line) { HistEvent ev; return history(h, &ev, H_ENTER, line); }
static inline int vcd_history_save(History *h, const char *path) { HistEvent ev; return history(h, &ev, H_SAVE, path); }
static inline int vcd_history_load(History *h, const char *path) { HistEvent ev; return history(h, &ev, H_LOAD, path); }
static inline int vcd_history_unique(History *h, int on) { HistEvent ev; return history(h, &ev, H_SETUNIQUE, on); }
static inline EditLine *vcd_el_init_std(const char *prog) { return el_init(prog, stdin, stdout, stderr); }
#endif
