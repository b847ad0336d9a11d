#include "core/signals.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace parcours {

namespace {

// A run has at most a few outputs open at once (ingest: the records and the
// rejects); the table is fixed so that the handler never meets the heap.
constexpr int kSlots = 8;
constexpr size_t kPathMax = 4096;
struct Slot {
  volatile sig_atomic_t used;
  char path[kPathMax];
};
Slot g_slots[kSlots];

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

void unlink_all() {
  for (Slot& s : g_slots)
    if (s.used) ::unlink(s.path);
}

extern "C" void on_signal(int sig) {
  const int saved = errno;
  unlink_all();
  // SA_RESETHAND has restored the default action and SA_NODEFER leaves the
  // signal unblocked, so this ends the process by the signal itself.
  ::raise(sig);
  errno = saved;
  ::_exit(128 + sig);
}

}  // namespace

void remove_temp_files() { unlink_all(); }

void install_cleanup_on_signal() {
  for (const int sig : kSignals) {
    struct sigaction old;
    if (sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND | SA_NODEFER;
    sigaction(sig, &sa, nullptr);
  }
}

int create_temp_file(char* tmpl) {
  const size_t len = std::strlen(tmpl);
  if (len >= kPathMax) {
    errno = ENAMETOOLONG;
    return -1;
  }
  sigset_t block, old;
  sigemptyset(&block);
  for (const int sig : kSignals) sigaddset(&block, sig);
  sigprocmask(SIG_BLOCK, &block, &old);
  Slot* slot = nullptr;
  for (Slot& s : g_slots) {
    if (!s.used) {
      slot = &s;
      break;
    }
  }
  int fd = -1;
  int saved = EMFILE;
  if (slot != nullptr) {
    fd = mkostemp(tmpl, O_CLOEXEC);
    saved = errno;
    if (fd >= 0) {
      std::memcpy(slot->path, tmpl, len + 1);
      slot->used = 1;
    }
  }
  sigprocmask(SIG_SETMASK, &old, nullptr);
  if (fd < 0) errno = saved;
  return fd;
}

void forget_temp_file(const char* path) {
  for (Slot& s : g_slots) {
    if (s.used && std::strcmp(s.path, path) == 0) {
      s.used = 0;
      return;
    }
  }
}

}  // namespace parcours
