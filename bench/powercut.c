/* powercut.so: an LD_PRELOAD shim that keeps, beside the files it watches, the image a power
 * cut would leave: only the bytes that were fsync'ed (bench/power_loss.py, docs/faults.md).
 *
 * POWERCUT_WATCH=PATH  files whose absolute path starts with PATH are watched: the journal's
 *                      or the central's SQLite file, and with it its -wal and -shm
 * POWERCUT_SHADOW=DIR  where the durable image is kept, one file per watched file (same name)
 * POWERCUT_AT_FSYNC=N  optional: the process SIGKILLs itself at the Nth fsync of a watched
 *                      file, before anything of it is made durable: the power cut lands in the
 *                      window between a write and its fsync, which a timer almost never hits
 *
 * Every write(), pwrite(), pwrite64(), writev() and ftruncate() on a watched file goes through
 * to the file as usual (the process, and any other process, sees it at once, as the page cache
 * would show it) and is also remembered, in this process's memory, as not yet durable. fsync()
 * or fdatasync() on the file first applies every remembered write of that file, in order, to
 * its shadow, then calls the real fsync and returns: what fsync promised is in the shadow
 * before the caller hears "done". When the process dies (SIGKILL, or any exit) the remembered
 * writes die with it: they are exactly the writes a power cut would lose. A cut during an
 * fsync leaves a prefix of that file's writes in the shadow: a subset of what was not yet
 * promised, which a real disk may also leave. unlink() of a watched file removes its shadow
 * (a metadata change; SQLite fsyncs the directory of a new WAL itself). Writes through mmap
 * are not seen: SQLite's wal-index (-shm) is written that way, and it is rebuilt from the WAL
 * after a crash, so the harness deletes it at the cut.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAXFD 4096

struct op {
    struct op *next;
    off_t offset; /* -1: a truncate to `length` */
    size_t length;
    char data[];
};

struct file {
    char path[PATH_MAX];
    struct op *head, *tail;
    struct file *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct file *files;
static struct file *by_fd[MAXFD];
static char watch[PATH_MAX];
static size_t watch_len;
static char shadow[PATH_MAX];
static int ready = -1;
static long cut_at, fsyncs;

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static int (*real_ftruncate)(int, off_t);
static int (*real_ftruncate64)(int, off_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_close)(int);
static int (*real_unlink)(const char *);
static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);

static void init(void) {
    if (ready != -1) return;
    real_write = dlsym(RTLD_NEXT, "write");
    real_pwrite = dlsym(RTLD_NEXT, "pwrite");
    real_pwrite64 = dlsym(RTLD_NEXT, "pwrite64");
    real_writev = dlsym(RTLD_NEXT, "writev");
    real_ftruncate = dlsym(RTLD_NEXT, "ftruncate");
    real_ftruncate64 = dlsym(RTLD_NEXT, "ftruncate64");
    real_fsync = dlsym(RTLD_NEXT, "fsync");
    real_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
    real_close = dlsym(RTLD_NEXT, "close");
    real_unlink = dlsym(RTLD_NEXT, "unlink");
    real_open = dlsym(RTLD_NEXT, "open");
    real_open64 = dlsym(RTLD_NEXT, "open64");
    real_openat = dlsym(RTLD_NEXT, "openat");
    real_openat64 = dlsym(RTLD_NEXT, "openat64");
    const char *w = getenv("POWERCUT_WATCH"), *s = getenv("POWERCUT_SHADOW");
    if (!w || !s || !*w || !*s) { ready = 0; return; }
    snprintf(watch, sizeof watch, "%s", w);
    watch_len = strlen(watch);
    snprintf(shadow, sizeof shadow, "%s", s);
    const char *at = getenv("POWERCUT_AT_FSYNC");
    cut_at = at ? atol(at) : 0;
    ready = 1;
}

static struct file *file_for(const char *path) {
    for (struct file *f = files; f; f = f->next)
        if (strcmp(f->path, path) == 0) return f;
    struct file *f = calloc(1, sizeof *f);
    snprintf(f->path, sizeof f->path, "%s", path);
    f->next = files;
    files = f;
    return f;
}

static void track(int fd, const char *path) {
    init();
    if (ready != 1 || fd < 0 || fd >= MAXFD || !path) return;
    char full[PATH_MAX];
    if (path[0] != '/') {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd)) return;
        snprintf(full, sizeof full, "%s/%s", cwd, path);
    } else {
        snprintf(full, sizeof full, "%s", path);
    }
    pthread_mutex_lock(&lock);
    by_fd[fd] = strncmp(full, watch, watch_len) == 0 ? file_for(full) : NULL;
    pthread_mutex_unlock(&lock);
}

static void remember(struct file *f, off_t offset, const void *data, size_t length) {
    struct op *o = malloc(sizeof *o + (offset < 0 ? 0 : length));
    o->next = NULL;
    o->offset = offset;
    o->length = length;
    if (offset >= 0) memcpy(o->data, data, length);
    if (f->tail) f->tail->next = o; else f->head = o;
    f->tail = o;
}

static struct file *watched(int fd) {
    init();
    if (ready != 1 || fd < 0 || fd >= MAXFD) return NULL;
    return by_fd[fd];
}

static char *shadow_of(const struct file *f, char *out) {
    const char *base = strrchr(f->path, '/');
    snprintf(out, PATH_MAX, "%s/%s", shadow, base ? base + 1 : f->path);
    return out;
}

/* Apply the file's remembered writes to its shadow, in order; called before the real fsync. */
static void make_durable(struct file *f) {
    char path[PATH_MAX];
    int fd = real_open(shadow_of(f, path), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return;
    struct op *o = f->head;
    while (o) {
        if (o->offset < 0) {
            real_ftruncate(fd, (off_t)o->length);
        } else {
            size_t done = 0;
            while (done < o->length) {
                ssize_t n = real_pwrite(fd, o->data + done, o->length - done, o->offset + done);
                if (n <= 0) break;
                done += (size_t)n;
            }
        }
        struct op *next = o->next;
        free(o);
        o = next;
        f->head = o; /* a cut here leaves the rest un-applied: a prefix was made durable */
    }
    f->tail = NULL;
    real_close(fd);
}

#define OPEN_BODY(real, ...)                                         \
    init();                                                          \
    mode_t mode = 0;                                                 \
    if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {     \
        va_list ap;                                                  \
        va_start(ap, flags);                                         \
        mode = va_arg(ap, mode_t);                                   \
        va_end(ap);                                                  \
    }                                                                \
    int fd = real(__VA_ARGS__, flags, mode);                         \
    track(fd, path);                                                 \
    return fd;

int open(const char *path, int flags, ...) { OPEN_BODY(real_open, path) }
int open64(const char *path, int flags, ...) { OPEN_BODY(real_open64, path) }
int openat(int dirfd, const char *path, int flags, ...) {
    if (path[0] != '/' && dirfd != AT_FDCWD) { /* not how SQLite opens: not watched */
        init();
        mode_t mode = 0;
        if (flags & O_CREAT) { va_list ap; va_start(ap, flags); mode = va_arg(ap, mode_t); va_end(ap); }
        int fd = real_openat(dirfd, path, flags, mode);
        if (fd >= 0 && fd < MAXFD) by_fd[fd] = NULL;
        return fd;
    }
    OPEN_BODY(real_openat, dirfd, path)
}
int openat64(int dirfd, const char *path, int flags, ...) {
    if (path[0] != '/' && dirfd != AT_FDCWD) {
        init();
        mode_t mode = 0;
        if (flags & O_CREAT) { va_list ap; va_start(ap, flags); mode = va_arg(ap, mode_t); va_end(ap); }
        int fd = real_openat64(dirfd, path, flags, mode);
        if (fd >= 0 && fd < MAXFD) by_fd[fd] = NULL;
        return fd;
    }
    OPEN_BODY(real_openat64, dirfd, path)
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t offset) {
    struct file *f = watched(fd);
    ssize_t r = real_pwrite(fd, buf, n, offset);
    if (f && r > 0) { pthread_mutex_lock(&lock); remember(f, offset, buf, (size_t)r); pthread_mutex_unlock(&lock); }
    return r;
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t offset) {
    struct file *f = watched(fd);
    ssize_t r = real_pwrite64(fd, buf, n, offset);
    if (f && r > 0) { pthread_mutex_lock(&lock); remember(f, offset, buf, (size_t)r); pthread_mutex_unlock(&lock); }
    return r;
}

ssize_t write(int fd, const void *buf, size_t n) {
    struct file *f = watched(fd);
    if (!f) return real_write(fd, buf, n);
    off_t at = lseek(fd, 0, SEEK_CUR);
    ssize_t r = real_write(fd, buf, n);
    if (r > 0 && at >= 0) { pthread_mutex_lock(&lock); remember(f, at, buf, (size_t)r); pthread_mutex_unlock(&lock); }
    return r;
}

ssize_t writev(int fd, const struct iovec *iov, int count) {
    struct file *f = watched(fd);
    if (!f) return real_writev(fd, iov, count);
    off_t at = lseek(fd, 0, SEEK_CUR);
    ssize_t r = real_writev(fd, iov, count);
    if (r > 0 && at >= 0) {
        pthread_mutex_lock(&lock);
        size_t left = (size_t)r;
        for (int i = 0; i < count && left; i++) {
            size_t n = iov[i].iov_len < left ? iov[i].iov_len : left;
            remember(f, at, iov[i].iov_base, n);
            at += (off_t)n;
            left -= n;
        }
        pthread_mutex_unlock(&lock);
    }
    return r;
}

static int truncate_with(int (*real)(int, off_t), int fd, off_t length) {
    struct file *f = watched(fd);
    int r = real(fd, length);
    if (f && r == 0) { pthread_mutex_lock(&lock); remember(f, -1, NULL, (size_t)length); pthread_mutex_unlock(&lock); }
    return r;
}

int ftruncate(int fd, off_t length) { init(); return truncate_with(real_ftruncate, fd, length); }
int ftruncate64(int fd, off_t length) { init(); return truncate_with(real_ftruncate64, fd, length); }

static int sync_with(int (*real)(int), int fd) {
    struct file *f = watched(fd);
    if (f) {
        pthread_mutex_lock(&lock);
        if (cut_at > 0 && ++fsyncs == cut_at) kill(getpid(), SIGKILL);
        make_durable(f);
        pthread_mutex_unlock(&lock);
    }
    return real(fd);
}

int fsync(int fd) { init(); return sync_with(real_fsync, fd); }
int fdatasync(int fd) { init(); return sync_with(real_fdatasync, fd); }

int close(int fd) {
    init();
    if (fd >= 0 && fd < MAXFD) by_fd[fd] = NULL; /* its writes stay remembered, by path */
    return real_close(fd);
}

int unlink(const char *path) {
    init();
    int r = real_unlink(path);
    if (r == 0 && ready == 1 && strncmp(path, watch, watch_len) == 0) {
        pthread_mutex_lock(&lock);
        struct file *f = file_for(path);
        char s[PATH_MAX];
        real_unlink(shadow_of(f, s));
        struct op *o = f->head;
        while (o) { struct op *next = o->next; free(o); o = next; }
        f->head = f->tail = NULL;
        pthread_mutex_unlock(&lock);
    }
    return r;
}
