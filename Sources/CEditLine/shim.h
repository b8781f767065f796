#ifndef MRS_CEDITLINE_SHIM_H
#define MRS_CEDITLINE_SHIM_H
// libedit's native API: histedit.h needs <stdio.h> first for FILE.
#include <stdio.h>
#include <signal.h>
#include <histedit.h>

// el_set/el_get/history are variadic, which Swift cannot call: one fixed-signature wrapper per use.
typedef char *(*mrs_prompt_fn)(EditLine *);
typedef unsigned char (*mrs_el_fn)(EditLine *, int);

static inline int mrs_el_set_prompt(EditLine *el, mrs_prompt_fn f) { return el_set(el, EL_PROMPT, f); }
static inline int mrs_el_set_prompt_esc(EditLine *el, mrs_prompt_fn f, char esc) { return el_set(el, EL_PROMPT_ESC, f, esc); }
static inline int mrs_el_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }
static inline int mrs_el_set_signal(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }
static inline int mrs_el_set_hist(EditLine *el, History *h) { return el_set(el, EL_HIST, history, h); }
static inline int mrs_el_set_clientdata(EditLine *el, void *data) { return el_set(el, EL_CLIENTDATA, data); }
static inline void *mrs_el_get_clientdata(EditLine *el) { void *d = NULL; el_get(el, EL_CLIENTDATA, &d); return d; }
static inline int mrs_el_addfn(EditLine *el, const char *name, const char *help, mrs_el_fn f) { return el_set(el, EL_ADDFN, name, help, f); }
static inline int mrs_el_bind(EditLine *el, const char *key, const char *fn) { return el_set(el, EL_BIND, key, fn, NULL); }
static inline int mrs_el_set_unbuffered(EditLine *el, int on) { return el_set(el, EL_UNBUFFERED, on); }
static inline int mrs_el_refresh(EditLine *el) { return el_set(el, EL_REFRESH); }
// Binds a terminal key by its termcap name ("up", "down", …) whatever sequence the terminal sends.
static inline int mrs_el_bind_arrow(EditLine *el, const char *name, const char *fn) { return el_set(el, EL_BIND, "-k", name, fn, NULL); }
// The terminal width libedit uses (its "co" capability), or 80 when unknown.
static inline int mrs_el_columns(EditLine *el) { int c = 0; return (el_get(el, EL_GETTC, "co", &c, NULL) == 0 && c > 0) ? c : 80; }
// Installs a signal handler with the given sa_flags (no SA_RESTART: reads return EINTR), saving the old one; hides the sigaction union's platform-specific field names.
static inline int mrs_signal_install(int sig, void (*handler)(int), int flags, struct sigaction *old) { struct sigaction a; a.sa_handler = handler; sigemptyset(&a.sa_mask); a.sa_flags = flags; return sigaction(sig, &a, old); }
// Puts back a handler saved by mrs_signal_install.
static inline int mrs_signal_restore(int sig, const struct sigaction *old) { return sigaction(sig, old, NULL); }

static inline int mrs_history_setsize(History *h, HistEvent *ev, int n) { return history(h, ev, H_SETSIZE, n); }
static inline int mrs_history_setunique(History *h, HistEvent *ev, int on) { return history(h, ev, H_SETUNIQUE, on); }
static inline int mrs_history_enter(History *h, HistEvent *ev, const char *line) { return history(h, ev, H_ENTER, line); }
static inline int mrs_history_load(History *h, HistEvent *ev, const char *path) { return history(h, ev, H_LOAD, path); }
static inline int mrs_history_save(History *h, HistEvent *ev, const char *path) { return history(h, ev, H_SAVE, path); }
static inline int mrs_history_first(History *h, HistEvent *ev) { return history(h, ev, H_FIRST); }
static inline int mrs_history_next(History *h, HistEvent *ev) { return history(h, ev, H_NEXT); }
static inline int mrs_history_last(History *h, HistEvent *ev) { return history(h, ev, H_LAST); }
static inline int mrs_history_prev(History *h, HistEvent *ev) { return history(h, ev, H_PREV); }
static inline int mrs_history_getsize(History *h, HistEvent *ev) { return history(h, ev, H_GETSIZE); }
static inline int mrs_history_clear(History *h, HistEvent *ev) { return history(h, ev, H_CLEAR); }
#endif
