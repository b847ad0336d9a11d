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
  // The line ran on for LineReader::kBlock bytes or more: `text` holds only
  // its first kBlock bytes and the rest was skipped. A record is never that
  // long; the input is not NDJSON, or lost its line ends.
  bool cut = false;
};

// What to say of a cut line, wherever a record was expected.
inline constexpr std::string_view kCutLineMessage =
    "line of 16 MiB or more, far longer than any contact; is this NDJSON, one contact per line?";

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
  // Memory stays bounded whatever the input: a line of kBlock bytes or more
  // is handed out cut (see Line::cut), never buffered whole.
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
  bool skipping_ = false;  // inside the rest of a cut line
  std::vector<char> buf_;
  size_t begin_ = 0, end_ = 0;  // unread bytes are buf_[begin_, end_)
  int64_t line_ = 0;
  int64_t consumed_ = 0;
  std::string error_;
};

}  // namespace parcours
