// Where results go: standard output, or a file written atomically (a temp
// file in the same directory, renamed into place only once complete, so a
// reader never sees half a report and a failed run leaves nothing behind).
//
// A reader that goes away (`parcours stats | head -1`) is not an error: the
// output notes it and the tool ends quietly.
#pragma once

#include <string>
#include <string_view>

namespace parcours {

class Output {
 public:
  Output() = default;
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  ~Output();

  // "" or "-" is standard output. Returns false with *err set on failure.
  bool open(const std::string& path, std::string* err);
  // Buffered; failures are remembered and reported by close().
  void write(std::string_view s);
  // Flushes, and for a file syncs and renames it into place. Returns false
  // with *err set when anything failed (the temp file is then removed).
  bool close(std::string* err);
  // The reader closed the pipe: stop producing, exit quietly.
  bool reader_gone() const { return reader_gone_; }
  const std::string& path() const { return path_; }

 private:
  void flush();
  void write_out(std::string_view s);
  int fd_ = 1;
  std::string path_, temp_;
  std::string buf_;
  int errno_ = 0;
  bool reader_gone_ = false;
  bool closed_ = false;
};

}  // namespace parcours
