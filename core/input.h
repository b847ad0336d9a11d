// Reading inputs: files or standard input, in large blocks, cut into lines.
//
// Inputs are streamed, never held whole: a block is read with read(2), its
// complete lines are handed out, and the tail is carried into the next block.
// Every line handed out is followed in memory by simdjson::SIMDJSON_PADDING
// readable bytes, so the JSON parser can read it in place.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
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

// A growable byte buffer whose new bytes are not zeroed (read(2) writes
// them), with simdjson::SIMDJSON_PADDING bytes of room always past its end.
class ByteBuffer {
 public:
  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  void clear() { size_ = 0; }
  // Room for `n` more bytes past size() (and the padding past them): where
  // they begin. size() stays until commit(n).
  char* room(size_t n);
  void commit(size_t n) { size_ += n; }
  void shrink(size_t n) { size_ = n; }  // n <= size()
  void append(const char* p, size_t n);
  void push_back(char c) { append(&c, 1); }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0, capacity_ = 0;  // capacity_ leaves out the padding
};

// Reads an input in blocks of whole lines, straight into the caller's
// buffer: no line is found one at a time or copied once read, where
// LineReader does both. The lines are the same as LineReader's: a UTF-8 BOM
// at the start is skipped, a last line without a line end is a line, and a
// line of LineReader::kBlock bytes or more is cut to its first kBlock bytes,
// the rest skipped.
class BlockReader {
 public:
  bool open(const std::string& path, std::string* err);  // as LineReader::open
  ~BlockReader();
  // Appends the next whole lines to *text, each ended by '\n' (one is added
  // after a last line without it, and after a cut line; a '\r' before it is
  // left), until about `want` bytes are in or the input ends: at least one
  // line unless ended(). A line of exactly kBlock bytes is a cut one.
  void read(ByteBuffer* text, size_t want);
  // Nothing more will come: the input ended, or failed (error() says how).
  bool ended() const { return ended_; }
  const std::string& error() const { return error_; }
  // Bytes of input handed out (or skipped) so far.
  int64_t bytes() const { return read_ - static_cast<int64_t>(carry_.size()); }

 private:
  int fd_ = -1;
  bool own_fd_ = false;
  bool ended_ = false;
  bool bom_checked_ = false;
  bool skipping_ = false;  // inside the rest of a cut line
  void check_bom(ByteBuffer* text, size_t base);
  std::string carry_;      // the unfinished line after the last block
  int64_t read_ = 0;       // bytes read from the input
  std::string error_;
};

}  // namespace parcours
