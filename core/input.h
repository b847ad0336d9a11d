// Reading inputs: files or standard input, in large blocks, cut into lines.
//
// Inputs are streamed, never held whole: a block is read with read(2), its
// complete lines are handed out, and the tail is carried into the next block.
// Every line handed out is followed in memory by simdjson::SIMDJSON_PADDING
// readable bytes, so the JSON parser can read it in place.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace parcours {

struct Line {
  std::string_view text;  // without the line end (\n or \r\n)
  int64_t number;         // 1-based
};

class LineReader {
 public:
  // Opens `path`; "-" is standard input. On failure returns false with *err
  // set ("cannot open: No such file or directory").
  bool open(const std::string& path, std::string* err);
  // Reads the next line into *line. Returns false at the end of input or on
  // a read error (then error() is non-empty). A UTF-8 BOM at the start of the
  // input is skipped; a last line without a line end is still a line.
  bool next(Line* line);
  const std::string& error() const { return error_; }
  // Bytes consumed so far, for progress and manifests.
  int64_t bytes() const { return consumed_; }
  ~LineReader();

  static constexpr size_t kBlock = 16 << 20;

 private:
  bool fill();
  int fd_ = -1;
  bool own_fd_ = false;
  bool eof_ = false;
  bool bom_checked_ = false;
  std::vector<char> buf_;
  size_t begin_ = 0, end_ = 0;  // unread bytes are buf_[begin_, end_)
  int64_t line_ = 0;
  int64_t consumed_ = 0;
  std::string error_;
};

}  // namespace parcours
