#include "core/csv.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/diag.h"

namespace parcours {

CsvReader::~CsvReader() {
  if (own_fd_ && fd_ >= 0) ::close(fd_);
}

bool CsvReader::open(const std::string& path, std::string* err) {
  if (options_.block == 0) options_.block = 1;
  size_t size = options_.block;
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
    const bool stat_ok = fstat(fd_, &st) == 0;
    if (stat_ok && S_ISDIR(st.st_mode)) {
      *err = "is a directory; name the files inside it";
      return false;
    }
    // A small file needs no whole block: zeroing 16 MB costs more than
    // reading it (fill() still grows the buffer if the file grows).
    if (stat_ok && S_ISREG(st.st_mode) && st.st_size >= 0 && static_cast<uint64_t>(st.st_size) < size)
      size = std::max<size_t>(static_cast<size_t>(st.st_size) + 1, std::min<size_t>(size, 4096));
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  }
  buf_.resize(size);
  return true;
}

void CsvReader::open_text(std::string_view text) {
  buf_.assign(text.begin(), text.end());
  begin_ = 0;
  end_ = buf_.size();
  eof_ = true;
}

// Moves the unread tail to the front and reads more after it. Grows the
// buffer when one record is longer than a whole block.
bool CsvReader::fill() {
  if (eof_ || fd_ < 0) {
    eof_ = true;
    return false;
  }
  const size_t tail = end_ - begin_;
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, tail);
    begin_ = 0;
    end_ = tail;
  }
  if (end_ == buf_.size()) buf_.resize(2 * buf_.size());
  for (;;) {
    const ssize_t n = ::read(fd_, buf_.data() + end_, std::min(buf_.size() - end_, options_.block));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error_ = fmt_errno("read error", errno);
      return false;
    }
    if (n == 0) {
      eof_ = true;
      return true;
    }
    end_ += static_cast<size_t>(n);
    return true;
  }
}

// Scans one record at begin_. kMore: the buffer ends inside it and more input
// may follow. kRestart: a quote stays open too long; scan again with
// multiline off. On kDone, *used is the bytes of the record and its line end.
CsvReader::Scan CsvReader::scan(CsvRecord* rec, bool multiline, size_t* used, int64_t* lines) {
  const char* b = buf_.data();
  const char delim = options_.delimiter;
  size_t p = begin_;
  *lines = 1;
  scratch_.clear();
  spans_.clear();
  for (;;) {
    const size_t field_begin = scratch_.size();
    bool record_end = false;
    if (p < end_ && b[p] == '"') {
      ++p;
      for (;;) {
        size_t q = p;
        while (q < end_ && b[q] != '"' && b[q] != '\n') ++q;
        scratch_.append(b + p, q - p);
        p = q;
        if (p == end_) {
          if (!eof_) return Scan::kMore;
          if (multiline && *lines > 1) return Scan::kRestart;  // never closed: a stray quote
          record_end = true;
          break;
        }
        if (b[p] == '\n') {
          if (!scratch_.empty() && scratch_.back() == '\r') scratch_.pop_back();
          if (!multiline) {
            record_end = true;
            break;
          }
          if (++*lines > options_.max_lines) return Scan::kRestart;
          scratch_ += '\n';
          ++p;
          continue;
        }
        // A quote: doubled, closing, or stray.
        if (p + 1 == end_ && !eof_) return Scan::kMore;
        const char next = p + 1 < end_ ? b[p + 1] : '\n';
        if (p + 1 < end_ && next == '"') {
          scratch_ += '"';
          p += 2;
          continue;
        }
        if (next == '\r' && p + 2 == end_ && !eof_) return Scan::kMore;
        if (next == delim || next == '\n' || (next == '\r' && (p + 2 == end_ || b[p + 2] == '\n'))) {
          ++p;
          if (next == '\r') ++p;
          break;
        }
        scratch_ += '"';
        ++p;
      }
    } else {
      size_t q = p;
      while (q < end_ && b[q] != delim && b[q] != '\n') ++q;
      if (q == end_ && !eof_) return Scan::kMore;
      size_t stop = q;
      if ((q == end_ || b[q] == '\n') && stop > p && b[stop - 1] == '\r') --stop;
      scratch_.append(b + p, stop - p);
      p = q;
    }
    spans_.emplace_back(field_begin, scratch_.size());
    if (!record_end && p < end_ && b[p] == delim) {
      ++p;
      continue;
    }
    // At the line end (or the input's end).
    size_t stop = p;
    if (p < end_ && b[p] == '\n') ++p;
    if (stop > begin_ && b[stop - 1] == '\r' && (stop == end_ || b[stop] == '\n')) --stop;
    rec->raw = std::string_view(b + begin_, stop - begin_);
    *used = p - begin_;
    return Scan::kDone;
  }
}

bool CsvReader::next(CsvRecord* rec) {
  if (!bom_checked_) {
    while (end_ - begin_ < 3 && !eof_ && error_.empty() && fill()) {
    }
    if (end_ - begin_ >= 3 && std::memcmp(buf_.data() + begin_, "\xEF\xBB\xBF", 3) == 0) {
      begin_ += 3;
      consumed_ += 3;
    }
    bom_checked_ = true;
  }
  for (;;) {
    if (!error_.empty()) return false;
    // Blank lines are not records.
    while (begin_ < end_) {
      const char c = buf_[begin_];
      size_t n = 0;
      if (c == '\n') n = 1;
      else if (c == '\r' && begin_ + 1 < end_ && buf_[begin_ + 1] == '\n') n = 2;
      else if (c == '\r' && begin_ + 1 == end_ && eof_) n = 1;
      if (n == 0) break;
      begin_ += n;
      consumed_ += static_cast<int64_t>(n);
      ++line_;
    }
    if (begin_ == end_ || (buf_[begin_] == '\r' && begin_ + 1 == end_)) {
      if (eof_) return false;
      if (!fill()) return false;
      continue;
    }
    size_t used = 0;
    int64_t lines = 1;
    Scan s = scan(rec, true, &used, &lines);
    if (s == Scan::kRestart) s = scan(rec, false, &used, &lines);
    if (s == Scan::kMore) {
      if (!fill()) return false;
      continue;
    }
    rec->fields.clear();
    for (const auto& [from, to] : spans_) rec->fields.emplace_back(scratch_.data() + from, to - from);
    rec->line = line_ + 1;
    line_ += lines;
    begin_ += used;
    consumed_ += static_cast<int64_t>(used);
    return true;
  }
}

}  // namespace parcours
