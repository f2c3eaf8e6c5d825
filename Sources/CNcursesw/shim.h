#ifndef INTAKE_CNCURSESW_SHIM_H
#define INTAKE_CNCURSESW_SHIM_H
// SwiftPM drops the -D flags that `pkg-config ncursesw` prints, so set them here,
// before the header, or the wide-character API (get_wch, cchar_t) is missing.
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <langinfo.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <ncursesw/curses.h>

// Glibc's Swift module is built without _XOPEN_SOURCE, which hides wcwidth;
// a repeated prototype is harmless and makes it reachable.
extern int wcwidth(wchar_t c);

static inline int intake_wcwidth(unsigned int scalar) { return wcwidth((wchar_t)scalar); }
static inline const char *intake_codeset(void) { return nl_langinfo(CODESET); }

// Swift 6 rejects ncurses' mutable globals, so read them through functions.
static inline WINDOW *intake_stdscr(void) { return stdscr; }
static inline int intake_lines(void) { return LINES; }
static inline int intake_cols(void) { return COLS; }
static inline int intake_colors(void) { return COLORS; }
static inline int intake_maxy(void) { return getmaxy(stdscr); }
static inline int intake_maxx(void) { return getmaxx(stdscr); }

// Attribute and key macros are not imported by Swift.
static inline attr_t intake_a_normal(void) { return A_NORMAL; }
static inline attr_t intake_a_bold(void) { return A_BOLD; }
static inline attr_t intake_a_underline(void) { return A_UNDERLINE; }
static inline attr_t intake_a_reverse(void) { return A_REVERSE; }
static inline attr_t intake_a_dim(void) { return A_DIM; }
static inline int intake_key_code_yes(void) { return KEY_CODE_YES; }
static inline int intake_key_f0(void) { return KEY_F0; }

/// Draws one grapheme cluster (up to CCHARW_MAX code points) at the cursor.
static inline int intake_add_cluster(int y, int x, const wchar_t *wcs, attr_t attrs, short pair) {
    cchar_t cc;
    if (setcchar(&cc, wcs, attrs, pair, NULL) != OK) return ERR;
    return mvwadd_wch(stdscr, y, x, &cc);
}

// ---- Restoring the terminal when the process is told to stop or crashes ----

// Set from a signal handler, read by the key loop: only sig_atomic_t is safe here.
static volatile sig_atomic_t intake_termination_signal_value = 0;
// Swift's importer does not emit struct-typed statics from a header, so the
// saved settings live in memory that Swift allocates and hands over.
static struct termios *volatile intake_saved_termios = 0;
static volatile sig_atomic_t intake_have_saved_termios = 0;

// Precomputed so the crash handler only calls async-signal-safe write(2):
// bracketed paste off, leave the alternate screen, show the cursor, reset attributes.
static const char intake_reset_bytes[] = "\x1b[?2004l\x1b[?1049l\x1b[?25h\x1b[0m\r\n";

// Bracketed paste (CSI ? 2004 h): on while the program has the terminal, off on every way out,
// or the shell would get pasted text wrapped in ESC [ 200 ~ … ESC [ 201 ~.
static const char intake_paste_on_bytes[] = "\x1b[?2004h";
static const char intake_paste_off_bytes[] = "\x1b[?2004l";

/// Turns bracketed paste on (1) or off (0); only write(2), so it is safe in a signal handler.
static inline void intake_bracketed_paste(int on) {
    ssize_t ignored = on ? write(STDOUT_FILENO, intake_paste_on_bytes, sizeof intake_paste_on_bytes - 1)
                         : write(STDOUT_FILENO, intake_paste_off_bytes, sizeof intake_paste_off_bytes - 1);
    (void)ignored;
}

static inline void intake_on_termination(int sig) { intake_termination_signal_value = sig; }

static inline void intake_on_crash(int sig) {
    if (intake_have_saved_termios) tcsetattr(STDIN_FILENO, TCSANOW, intake_saved_termios);
    ssize_t ignored = write(STDOUT_FILENO, intake_reset_bytes, sizeof intake_reset_bytes - 1);
    (void)ignored;
    // SA_RESETHAND has restored the default action; raise again so the process
    // still dies with the original signal (core dump, exit status).
    raise(sig);
}

/// Saves the terminal's cooked-mode settings into `storage` (kept for ever); call before initscr.
static inline void intake_save_termios(struct termios *storage) {
    if (tcgetattr(STDIN_FILENO, storage) == 0) {
        intake_saved_termios = storage;
        intake_have_saved_termios = 1;
    }
}

/// Installs `action` for `sig` only while the signal still has its default action.
static inline void intake_restore_on_signal(int sig, const struct sigaction *action) {
    struct sigaction current;
    if (sigaction(sig, NULL, &current) != 0) return;
    if ((current.sa_flags & SA_SIGINFO) || current.sa_handler != SIG_DFL) return;
    sigaction(sig, action, NULL);
}

/// Installs SIGTERM/SIGHUP (set a flag), crash-signal handlers (restore, re-raise), and the same
/// restore-and-re-raise for every other signal that would end the process.
static inline void intake_install_signal_handlers(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = intake_on_termination;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    struct sigaction crash;
    memset(&crash, 0, sizeof crash);
    sigemptyset(&crash.sa_mask);
    crash.sa_handler = intake_on_crash;
    crash.sa_flags = SA_RESETHAND | SA_NODEFER;
    // SIGQUIT too: it only comes from outside (raw mode makes Ctrl-\ a key) and would leave the terminal raw.
    int signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGQUIT };
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) sigaction(signals[i], &crash, NULL);

    // Every other signal whose default action ends the process (SIGUSR1, SIGALRM, SIGPIPE, the
    // real-time ones …) restores the terminal before it does, unless the program already handles
    // or ignores it (a SIGPIPE set to SIG_IGN stays ignored).
    int terminating[] = {
        SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ, SIGSYS,
#ifdef SIGSTKFLT
        SIGSTKFLT,
#endif
#ifdef SIGPOLL
        SIGPOLL,
#endif
#ifdef SIGPWR
        SIGPWR,
#endif
#ifdef SIGEMT
        SIGEMT,
#endif
#ifdef SIGLOST
        SIGLOST,
#endif
    };
    for (unsigned i = 0; i < sizeof terminating / sizeof terminating[0]; i++) intake_restore_on_signal(terminating[i], &crash);
#ifdef SIGRTMIN
    for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++) intake_restore_on_signal(sig, &crash);
#endif
}

// ncurses' own handlers for SIGINT (restore the terminal, exit) and SIGTSTP (restore, stop, and on
// SIGCONT redraw), installed by initscr; ours turns bracketed paste off around them.
static void (*volatile intake_ncurses_sigint)(int) = 0;
static void (*volatile intake_ncurses_sigtstp)(int) = 0;

static inline void intake_around_ncurses(int sig) {
    void (*handler)(int) = sig == SIGTSTP ? intake_ncurses_sigtstp : intake_ncurses_sigint;
    intake_bracketed_paste(0);
    if (handler) handler(sig);
    // Back from a suspend (ncurses has redrawn the screen): paste mode on again.
    if (sig == SIGTSTP) intake_bracketed_paste(1);
}

/// Call after initscr: wraps the SIGINT and SIGTSTP handlers ncurses installed, if it did.
static inline void intake_wrap_ncurses_signal_handlers(void) {
    int signals[] = { SIGINT, SIGTSTP };
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction current;
        if (sigaction(signals[i], NULL, &current) != 0) continue;
        if ((current.sa_flags & SA_SIGINFO) || current.sa_handler == SIG_DFL || current.sa_handler == SIG_IGN
            || current.sa_handler == intake_around_ncurses) continue;
        if (signals[i] == SIGTSTP) intake_ncurses_sigtstp = current.sa_handler; else intake_ncurses_sigint = current.sa_handler;
        struct sigaction wrapped = current;
        wrapped.sa_handler = intake_around_ncurses;
        sigaction(signals[i], &wrapped, NULL);
    }
}

static inline int intake_termination_signal(void) { return (int)intake_termination_signal_value; }
static inline void intake_clear_termination_signal(void) { intake_termination_signal_value = 0; }

#endif
