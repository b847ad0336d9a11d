#include "core/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/diag.h"
#include "core/signals.h"

namespace parcours {

bool Output::open(const std::string& path, std::string* err) {
  if (path.empty() || path == "-") {
    fd_ = 1;
    return true;
  }
  path_ = path;
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    // A device or a pipe (/dev/null, /dev/stdout, a FIFO) is written in
    // place: renaming a file over it would replace it, even /dev/null when
    // run as root. A directory fails here, with "Is a directory".
    fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) {
      *err = fmt_errno("cannot open", errno);
      return false;
    }
    return true;
  }
  std::vector<char> tmpl(path.begin(), path.end());
  const std::string suffix = ".tmp.XXXXXX";
  tmpl.insert(tmpl.end(), suffix.begin(), suffix.end());
  tmpl.push_back('\0');
  fd_ = create_temp_file(tmpl.data());
  if (fd_ < 0) {
    *err = fmt_errno("cannot create a temporary file in its folder", errno);
    return false;
  }
  temp_ = tmpl.data();
  fchmod(fd_, 0644);
  return true;
}

// Writes of at least this much go out at once; smaller ones are gathered.
constexpr size_t kFlushAt = size_t{1} << 20;

void Output::write(std::string_view s) {
  if (reader_gone_ || errno_ != 0) return;
  if (s.size() >= kFlushAt) {
    // A large piece (a block of journeys) is not copied into the buffer first.
    flush();
    write_out(s);
    return;
  }
  buf_.append(s);
  if (buf_.size() >= kFlushAt) flush();
}

void Output::flush() {
  write_out(buf_);
  buf_.clear();
}

void Output::write_out(std::string_view s) {
  size_t done = 0;
  while (done < s.size() && errno_ == 0 && !reader_gone_) {
    const ssize_t n = ::write(fd_, s.data() + done, s.size() - done);
    if (n >= 0) {
      done += static_cast<size_t>(n);
    } else if (errno == EPIPE) {
      reader_gone_ = true;
    } else if (errno != EINTR) {
      errno_ = errno;
    }
  }
}

bool Output::close(std::string* err) {
  closed_ = true;
  flush();
  if (temp_.empty()) {
    // Closing a duplicate reports what the file system kept for the last
    // close (NFS, quotas) without closing standard output itself.
    const int fd = path_.empty() ? ::dup(fd_) : fd_;
    if (fd >= 0 && ::close(fd) != 0 && errno_ == 0 && !reader_gone_ && errno != EINTR) errno_ = errno;
    fd_ = -1;
    if (errno_ != 0) {
      *err = fmt_errno(path_.empty() ? "cannot write standard output" : "cannot write", errno_);
      return false;
    }
    return true;
  }
  if (errno_ == 0 && fsync(fd_) != 0 && errno != EINVAL) errno_ = errno;
  if (::close(fd_) != 0 && errno_ == 0) errno_ = errno;
  fd_ = -1;
  if (errno_ == 0 && std::rename(temp_.c_str(), path_.c_str()) != 0) errno_ = errno;
  if (errno_ != 0) {
    ::unlink(temp_.c_str());
    forget_temp_file(temp_.c_str());
    *err = fmt_errno("cannot write", errno_);
    return false;
  }
  forget_temp_file(temp_.c_str());
  temp_.clear();
  return true;
}

Output::~Output() {
  // Never leave a half-written file behind: an unclosed output is abandoned.
  if (!temp_.empty()) {
    if (fd_ >= 0) ::close(fd_);
    ::unlink(temp_.c_str());
    forget_temp_file(temp_.c_str());
  } else if (!path_.empty() && fd_ >= 0) {
    ::close(fd_);
  }
}

}  // namespace parcours
