#include "core/spill.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>

#include <fmt/format.h>

#include "core/diag.h"

namespace parcours::spill {
namespace {

constexpr size_t kHuge = size_t{2} << 20;
constexpr size_t kPage = 4096;

// Everything about spilling, for the whole process.
struct State {
  std::atomic<uint64_t> budget{0};
  std::atomic<uint64_t> charged{0};  // bytes of arrays in memory
  std::atomic<bool> any_file{false};
  std::mutex lock;  // guards what follows
  std::string dir;
  std::map<const void*, size_t> files;  // mapped, a whole number of pages each
  uint64_t now = 0, peak = 0, total = 0;
};

State& state() {
  static State s;
  return s;
}

// A new file in `dir`, without a name: gone when closed.
int make_file(const std::string& dir, int* err) {
  int fd = open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
    *err = errno;
    return -1;
  }
  // A file system without O_TMPFILE: a name, removed at once.
  std::string path = dir + "/parcours-spill-XXXXXX";
  fd = mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) {
    *err = errno;
    return -1;
  }
  unlink(path.c_str());
  return fd;
}

void* allocate_in_file(size_t bytes) {
  State& s = state();
  const size_t size = std::max<size_t>((bytes + kPage - 1) / kPage * kPage, kPage);
  const std::lock_guard<std::mutex> hold(s.lock);
  int err = 0;
  const int fd = make_file(s.dir, &err);
  if (fd < 0) throw Failed(fmt::format("cannot make a spill file in {}: {}", s.dir, std::strerror(err)));
  if (const int e = posix_fallocate(fd, 0, static_cast<off_t>(size)); e != 0) {
    close(fd);
    throw Failed(fmt::format("cannot spill {} MiB more to {}: {}", (size + (1 << 20) - 1) >> 20, s.dir,
                             std::strerror(e)));
  }
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);  // the mapping keeps the file
  if (p == MAP_FAILED) throw std::bad_alloc();
  s.files.emplace(p, size);
  s.any_file.store(true, std::memory_order_relaxed);
  s.now += size;
  s.total += size;
  if (s.now > s.peak) s.peak = s.now;
  return p;
}

// Blocks of 2 MiB or more are mapped on their own, aligned to 2 MiB and
// marked for transparent huge pages (core/huge.h), and unmapped when freed:
// what the process holds is what its arrays hold, whatever the order in
// which they come and go (glibc would keep some freed blocks for later,
// by rules that move with the sizes freed before).
size_t huge_size(size_t bytes) { return (bytes + kHuge - 1) / kHuge * kHuge; }

void* allocate_in_memory(size_t bytes) {
  if (bytes < kHuge) {
    if (void* p = std::malloc(bytes)) return p;
    throw std::bad_alloc();
  }
  const size_t size = huge_size(bytes);
  void* const m = mmap(nullptr, size + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) throw std::bad_alloc();
  const auto at = reinterpret_cast<uintptr_t>(m);
  const uintptr_t aligned = (at + kHuge - 1) / kHuge * kHuge;
  if (aligned > at) munmap(m, aligned - at);
  if (const size_t tail = at + size + kHuge - (aligned + size); tail > 0)
    munmap(reinterpret_cast<void*>(aligned + size), tail);
  void* const p = reinterpret_cast<void*>(aligned);
#ifdef MADV_HUGEPAGE
  madvise(p, size, MADV_HUGEPAGE);
#endif
  return p;
}

}  // namespace

void* allocate(size_t bytes, bool spillable) {
  State& s = state();
  const uint64_t budget = s.budget.load(std::memory_order_relaxed);
  // One array alone may take a quarter of the budget: the tables that
  // cannot spill, which grow later, need the rest.
  if (spillable && budget > 0 && (bytes > budget / 4 || s.charged.load(std::memory_order_relaxed) + bytes > budget))
    return allocate_in_file(bytes);
  void* p = allocate_in_memory(bytes);
  s.charged.fetch_add(bytes, std::memory_order_relaxed);
  return p;
}

void* reallocate(void* p, size_t bytes, size_t new_bytes) {
  State& s = state();
  void* q = nullptr;
  if (new_bytes < kHuge) {
    q = std::realloc(p, new_bytes);
    if (q == nullptr) throw std::bad_alloc();
  } else if (bytes < kHuge) {
    q = allocate_in_memory(new_bytes);
    std::memcpy(q, p, bytes);
    std::free(p);
  } else if (huge_size(new_bytes) == huge_size(bytes)) {
    q = p;
  } else {
    // The new mapping is made first, aligned and marked as allocate()
    // makes it, and the old pages moved over its beginning.
    q = allocate_in_memory(new_bytes);
    if (mremap(p, huge_size(bytes), huge_size(new_bytes), MREMAP_MAYMOVE | MREMAP_FIXED, q) == MAP_FAILED) {
      std::memcpy(q, p, bytes);
      munmap(p, huge_size(bytes));
    }
  }
  s.charged.fetch_add(new_bytes - bytes, std::memory_order_relaxed);
  return q;
}

void deallocate(void* p, size_t bytes) {
  State& s = state();
  if (s.any_file.load(std::memory_order_relaxed)) {
    const std::lock_guard<std::mutex> hold(s.lock);
    if (const auto f = s.files.find(p); f != s.files.end()) {
      munmap(p, f->second);
      s.now -= f->second;
      s.files.erase(f);
      return;
    }
  }
  if (bytes < kHuge) std::free(p);
  else munmap(p, huge_size(bytes));
  s.charged.fetch_sub(bytes, std::memory_order_relaxed);
}

bool in_file(const void* p) {
  State& s = state();
  if (!s.any_file.load(std::memory_order_relaxed)) return false;
  const std::lock_guard<std::mutex> hold(s.lock);
  return s.files.contains(p);
}

bool configure(uint64_t budget, const std::string& dir, std::string* err) {
  State& s = state();
  if (budget > 0) {
    int e = 0;
    const int fd = make_file(dir, &e);
    if (fd < 0) {
      *err = fmt::format("{}: cannot make a file there: {}", dir, std::strerror(e));
      return false;
    }
    close(fd);
  }
  const std::lock_guard<std::mutex> hold(s.lock);
  s.dir = dir;
  s.budget.store(budget, std::memory_order_relaxed);
  return true;
}

void reset() {
  State& s = state();
  const std::lock_guard<std::mutex> hold(s.lock);
  s.budget.store(0, std::memory_order_relaxed);
  s.peak = s.now;
  s.total = s.now;
}

uint64_t budget() { return state().budget.load(std::memory_order_relaxed); }
uint64_t charged() { return state().charged.load(std::memory_order_relaxed); }
const std::string& dir() { return state().dir; }
uint64_t spilled_peak() {
  const std::lock_guard<std::mutex> hold(state().lock);
  return state().peak;
}
uint64_t spilled_total() {
  const std::lock_guard<std::mutex> hold(state().lock);
  return state().total;
}

bool parse_size(std::string_view text, uint64_t* bytes) {
  size_t digits = 0;
  while (digits < text.size() && ((text[digits] >= '0' && text[digits] <= '9') || text[digits] == '.')) ++digits;
  double number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + digits, number, std::chars_format::fixed);
  if (ec != std::errc() || end != text.data() + digits || digits == 0) return false;
  // "", "B", or K, M, G, T alone or followed by "B" or "iB".
  const std::string_view unit = text.substr(digits);
  int shift = 0;
  if (!unit.empty() && unit != "B") {
    const std::string_view rest = unit.substr(1);
    if (rest != "" && rest != "B" && rest != "iB") return false;
    switch (unit[0] | 0x20) {
      case 'k': shift = 10; break;
      case 'm': shift = 20; break;
      case 'g': shift = 30; break;
      case 't': shift = 40; break;
      default: return false;
    }
  }
  const double value = number * static_cast<double>(uint64_t{1} << shift);
  if (!(value >= 1) || value >= 0x1p63) return false;
  *bytes = static_cast<uint64_t>(value);
  return true;
}

std::string default_dir() {
  const char* t = std::getenv("TMPDIR");
  return t != nullptr && *t != '\0' ? std::string(t) : std::string("/tmp");
}

}  // namespace parcours::spill
