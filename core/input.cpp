#include "core/input.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <simdjson.h>

#include "core/diag.h"

namespace parcours {

bool LineReader::open(const std::string& path, std::string* err) {
  if (path == "-") {
    fd_ = 0;
    own_fd_ = false;
  } else {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      *err = fmt_errno("cannot open", errno);
      return false;
    }
    own_fd_ = true;
    struct stat st;
    if (fstat(fd_, &st) == 0 && S_ISDIR(st.st_mode)) {
      *err = "is a directory; name the files inside it";
      return false;
    }
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  }
  buf_.resize(kBlock + simdjson::SIMDJSON_PADDING);
  return true;
}

LineReader::~LineReader() {
  if (own_fd_ && fd_ >= 0) ::close(fd_);
}

// Moves the unread tail to the front and reads more after it. next() cuts a
// line before it fills the whole block, so there is always room.
bool LineReader::fill() {
  const size_t tail = end_ - begin_;
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, tail);
    begin_ = 0;
    end_ = tail;
  }
  const size_t room = buf_.size() - simdjson::SIMDJSON_PADDING - end_;
  for (;;) {
    const ssize_t n = ::read(fd_, buf_.data() + end_, room);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error_ = fmt_errno("read error", errno);
      return false;
    }
    if (n == 0) {
      eof_ = true;
      return end_ > 0;
    }
    end_ += static_cast<size_t>(n);
    return true;
  }
}

bool LineReader::next(Line* line) {
  if (!bom_checked_) {
    // A pipe may deliver fewer than three bytes at a time.
    while (end_ - begin_ < 3 && !eof_ && error_.empty() && fill()) {
    }
    if (end_ - begin_ >= 3 && std::memcmp(buf_.data() + begin_, "\xEF\xBB\xBF", 3) == 0) {
      begin_ += 3;
      consumed_ += 3;
    }
    bom_checked_ = true;
  }
  for (;;) {
    if (skipping_) {
      const char* start = buf_.data() + begin_;
      const char* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
      const size_t used = nl != nullptr ? static_cast<size_t>(nl - start) + 1 : end_ - begin_;
      begin_ += used;
      consumed_ += static_cast<int64_t>(used);
      if (nl != nullptr) {
        skipping_ = false;
        continue;
      }
      if (eof_ || !error_.empty() || !fill()) return false;
      continue;
    }
    const char* start = buf_.data() + begin_;
    const char* nl = begin_ < end_ ? static_cast<const char*>(std::memchr(start, '\n', end_ - begin_)) : nullptr;
    if (nl != nullptr || (eof_ && begin_ < end_)) {
      const char* stop = nl != nullptr ? nl : buf_.data() + end_;
      size_t len = static_cast<size_t>(stop - start);
      const size_t used = len + (nl != nullptr ? 1 : 0);
      if (len > 0 && start[len - 1] == '\r') --len;
      begin_ += used;
      consumed_ += static_cast<int64_t>(used);
      line->text = std::string_view(start, len);
      line->number = ++line_;
      line->cut = false;
      return true;
    }
    if (end_ - begin_ >= kBlock) {
      // No line end in a whole block: hand out its start, skip the rest.
      begin_ += kBlock;
      consumed_ += static_cast<int64_t>(kBlock);
      skipping_ = true;
      line->text = std::string_view(start, kBlock);
      line->number = ++line_;
      line->cut = true;
      return true;
    }
    if (eof_ || !error_.empty()) return false;
    if (!fill()) return false;
  }
}

}  // namespace parcours
