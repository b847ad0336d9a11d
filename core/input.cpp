#include "core/input.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <simdjson.h>

#include "core/diag.h"

namespace parcours {

namespace {

// Opens `path` ("-": standard input) for reading in order.
bool open_input(const std::string& path, int* fd, bool* own, std::string* err) {
  if (path == "-") {
    *fd = 0;
    *own = false;
    return true;
  }
  *fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (*fd < 0) {
    *err = fmt_errno("cannot open", errno);
    return false;
  }
  *own = true;
  struct stat st;
  if (fstat(*fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    *err = "is a directory; name the files inside it";
    return false;
  }
#ifdef POSIX_FADV_SEQUENTIAL
  posix_fadvise(*fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  return true;
}

constexpr char kBom[] = "\xEF\xBB\xBF";

}  // namespace

bool LineReader::open(const std::string& path, std::string* err) {
  if (!open_input(path, &fd_, &own_fd_, err)) return false;
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
    if (end_ - begin_ >= 3 && std::memcmp(buf_.data() + begin_, kBom, 3) == 0) {
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

char* ByteBuffer::room(size_t n) {
  if (n > capacity_ - size_ || data_ == nullptr) {
    const size_t capacity = std::max(size_ + n, capacity_ * 2);
    auto data = std::make_unique_for_overwrite<char[]>(capacity + simdjson::SIMDJSON_PADDING);
    if (size_ > 0) std::memcpy(data.get(), data_.get(), size_);
    data_ = std::move(data);
    capacity_ = capacity;
  }
  return data_.get() + size_;
}

void ByteBuffer::append(const char* p, size_t n) {
  std::memcpy(room(n), p, n);
  size_ += n;
}

bool BlockReader::open(const std::string& path, std::string* err) { return open_input(path, &fd_, &own_fd_, err); }

BlockReader::~BlockReader() {
  if (own_fd_ && fd_ >= 0) ::close(fd_);
}

// Drops a BOM from the input's first bytes, at `base` in *text; before
// anything was handed out, they are all there is (and no line end was
// looked for among them yet: read() looks again from `base`).
void BlockReader::check_bom(ByteBuffer* text, size_t base) {
  bom_checked_ = true;
  if (text->size() - base >= 3 && std::memcmp(text->data() + base, kBom, 3) == 0) {
    std::memmove(text->data() + base, text->data() + base + 3, text->size() - base - 3);
    text->shrink(text->size() - 3);
  }
}

void BlockReader::read(ByteBuffer* text, size_t want) {
  if (ended_) return;
  constexpr size_t kCut = LineReader::kBlock;
  want = std::max<size_t>(want, 1);
  const size_t base = text->size();
  text->append(carry_.data(), carry_.size());
  carry_.clear();
  // Whole lines end before `line`; the unfinished one begins there, and is
  // never let grow past kCut bytes.
  size_t line = base;
  auto find_line_end = [&](size_t from) {
    const char* const first = text->data();
    if (const void* nl = memrchr(first + from, '\n', text->size() - from))
      line = static_cast<size_t>(static_cast<const char*>(nl) - first) + 1;
  };
  for (;;) {
    if (line > base && text->size() >= base + want) break;
    if (text->size() - line >= kCut) {
      // A line of kCut bytes or more: keep its first kCut, skip the rest.
      text->shrink(line + kCut);
      text->push_back('\n');
      line = text->size();
      skipping_ = true;
      continue;
    }
    size_t n = text->size() < base + want ? base + want - text->size() : std::max(want, text->size() - line);
    n = std::min(n, line + kCut - text->size());
    if (skipping_) n = std::max<size_t>(n, 64 << 10);  // what is read is dropped up to the line end
    char* at = text->room(n);
    const ssize_t got = ::read(fd_, at, n);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      error_ = fmt_errno("read error", errno);
      text->shrink(line);  // as LineReader: the unfinished line is lost
      ended_ = true;
      break;
    }
    if (got == 0) {
      if (!bom_checked_) {  // an input of fewer than 3 bytes
        check_bom(text, base);
        find_line_end(base);
      }
      if (text->size() > line) text->push_back('\n');
      line = text->size();
      ended_ = true;
      break;
    }
    read_ += got;
    auto size = static_cast<size_t>(got);
    if (skipping_) {
      const void* nl = std::memchr(at, '\n', size);
      if (nl == nullptr) continue;
      skipping_ = false;
      const auto skip = static_cast<size_t>(static_cast<const char*>(nl) - at) + 1;
      std::memmove(at, at + skip, size - skip);
      size -= skip;
    }
    const size_t from = text->size();
    text->commit(size);
    if (!bom_checked_) {
      // A pipe may deliver fewer than three bytes at a time.
      if (text->size() - base < 3) continue;
      check_bom(text, base);
      find_line_end(base);
    } else {
      find_line_end(from);
    }
  }
  carry_.assign(text->data() + line, text->size() - line);
  text->shrink(line);
}

}  // namespace parcours
