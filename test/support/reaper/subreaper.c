/*
 * subreaper: runs a command as a Linux child subreaper that reaps orphaned processes after a delay, the way init
 * does on a real host (where an exited SRS daemon is a zombie for a moment, ~1.7 s measured, before init reaps it).
 *
 * The test machine's PID 1 never reaps, so without this every exited SRS daemon would stay a zombie forever and
 * real SRS's init.d `start` (whose `ps -p` counts a zombie as running) would refuse for good. The test suite, the
 * demo and the benches run under it; every daemon they start (directly or through sshd) is reparented here.
 *
 *   subreaper [--delay-ms N] -- COMMAND [ARG...]
 *
 * Exports SRS_CHATOPS_SUBREAPER=<own pid> and SRS_CHATOPS_REAP_DELAY_MS=<N> to COMMAND, forwards SIGINT, SIGTERM,
 * SIGHUP and SIGQUIT to it, and exits with its status once it ends (reaping what is left at once).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_TRACKED 4096

static pid_t tracked_pid[MAX_TRACKED];
static long long tracked_since[MAX_TRACKED];
static int tracked_count;

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* State and parent of a process from /proc/PID/stat; 0 when it cannot be read. */
static int read_stat(pid_t pid, char *state, pid_t *ppid) {
  char path[64], buf[512];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  char *close_paren = strrchr(buf, ')');
  if (!close_paren) return 0;
  int parent = 0;
  if (sscanf(close_paren + 2, "%c %d", state, &parent) != 2) return 0;
  *ppid = parent;
  return 1;
}

static int is_tracked(pid_t pid) {
  for (int i = 0; i < tracked_count; i++)
    if (tracked_pid[i] == pid) return 1;
  return 0;
}

/* Notes every zombie child of ours not yet seen (the main child excluded: it is waited for by itself). */
static void scan_zombies(pid_t self, pid_t main_child) {
  DIR *proc = opendir("/proc");
  if (!proc) return;
  struct dirent *entry;
  while ((entry = readdir(proc)) != NULL) {
    char *end;
    long pid = strtol(entry->d_name, &end, 10);
    if (*end != '\0' || pid <= 0 || pid == main_child) continue;
    char state;
    pid_t ppid;
    if (!read_stat((pid_t)pid, &state, &ppid) || ppid != self || state != 'Z') continue;
    if (!is_tracked((pid_t)pid) && tracked_count < MAX_TRACKED) {
      tracked_pid[tracked_count] = (pid_t)pid;
      tracked_since[tracked_count] = now_ms();
      tracked_count++;
    }
  }
  closedir(proc);
}

/* Reaps the tracked zombies that have waited `delay` ms (all of them when delay < 0). */
static void reap_due(long long delay) {
  long long now = now_ms();
  int kept = 0;
  for (int i = 0; i < tracked_count; i++) {
    if (delay < 0 || now - tracked_since[i] >= delay) {
      waitpid(tracked_pid[i], NULL, WNOHANG);
    } else {
      tracked_pid[kept] = tracked_pid[i];
      tracked_since[kept] = tracked_since[i];
      kept++;
    }
  }
  tracked_count = kept;
}

int main(int argc, char **argv) {
  long long delay = 1000;
  int i = 1;
  for (; i < argc; i++) {
    if (strcmp(argv[i], "--delay-ms") == 0 && i + 1 < argc) {
      delay = atoll(argv[++i]);
    } else if (strcmp(argv[i], "--") == 0) {
      i++;
      break;
    } else {
      break;
    }
  }
  if (i >= argc || delay < 0) {
    fprintf(stderr, "usage: subreaper [--delay-ms N] -- COMMAND [ARG...]\n");
    return 2;
  }
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    perror("subreaper: prctl(PR_SET_CHILD_SUBREAPER)");
    return 2;
  }
  char value[32];
  snprintf(value, sizeof value, "%d", (int)getpid());
  setenv("SRS_CHATOPS_SUBREAPER", value, 1);
  snprintf(value, sizeof value, "%lld", delay);
  setenv("SRS_CHATOPS_REAP_DELAY_MS", value, 1);

  sigset_t handled;
  sigemptyset(&handled);
  int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
  for (size_t s = 0; s < sizeof forwarded / sizeof forwarded[0]; s++) sigaddset(&handled, forwarded[s]);
  sigaddset(&handled, SIGCHLD);
  sigprocmask(SIG_BLOCK, &handled, NULL);

  pid_t child = fork();
  if (child < 0) {
    perror("subreaper: fork");
    return 2;
  }
  if (child == 0) {
    sigprocmask(SIG_UNBLOCK, &handled, NULL);
    execvp(argv[i], &argv[i]);
    fprintf(stderr, "subreaper: cannot run %s: %s\n", argv[i], strerror(errno));
    _exit(127);
  }

  pid_t self = getpid();
  int status = 0;
  for (;;) {
    struct timespec tick = {0, 100 * 1000000L};
    int sig = sigtimedwait(&handled, NULL, tracked_count > 0 ? &tick : &(struct timespec){1, 0});
    if (sig > 0 && sig != SIGCHLD) kill(child, sig);
    pid_t done = waitpid(child, &status, WNOHANG);
    if (done == child) break;
    scan_zombies(self, child);
    reap_due(delay);
  }
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}
