// Reading delimited exports (phone-switch CDRs, mapped CSV registries) as
// they are written in the wild, not as RFC 4180 wishes they were.
//
// What it accepts: RFC 4180 quoting with "" for a quote; a quoted field that
// spans lines (the record keeps the line it starts on); any one-byte
// delimiter; LF or CRLF; a UTF-8 byte-order mark at the start; a last line
// without a line end. What it forgives: a quote inside an unquoted field is
// a literal quote; inside a quoted field, a quote that is neither doubled nor
// followed by the delimiter or the line end is a literal quote too (FreeSWITCH
// writes `"Bob "the" Builder"` unescaped). A quote that would swallow more
// than max_lines lines, or is still open at the end of the input, is taken
// as a stray: the record is cut at the end of its first line, so one bad
// byte costs one record and never the rest of the file. Blank lines are not
// records.
//
// Inputs are streamed in large blocks, like LineReader; a record's views
// stay valid until the next call to next().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parcours {

struct CsvOptions {
  char delimiter = ',';
  int64_t max_lines = 100;  // most lines one quoted record may span
  size_t block = 16 << 20;  // bytes read at a time (tests make it tiny, to split records)
};

struct CsvRecord {
  std::vector<std::string_view> fields;  // unquoted, "" undone, CRLF inside quotes read as LF
  std::string_view raw;                  // the record's text as read, without its last line end
  int64_t line = 0;                      // 1-based line it starts on
};

class CsvReader {
 public:
  explicit CsvReader(CsvOptions options = {}) : options_(options) {}
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Opens `path`; "-" is standard input. On failure returns false with *err
  // set ("cannot open: No such file or directory").
  bool open(const std::string& path, std::string* err);
  // Reads from memory instead (tests, small documents).
  void open_text(std::string_view text);
  // Reads the next record. Returns false at the end of the input or on a
  // read error (then error() is non-empty).
  bool next(CsvRecord* rec);
  const std::string& error() const { return error_; }
  int64_t bytes() const { return consumed_; }

 private:
  enum class Scan { kDone, kMore, kRestart };
  Scan scan(CsvRecord* rec, bool multiline, size_t* used, int64_t* lines);
  bool fill();

  CsvOptions options_;
  int fd_ = -1;
  bool own_fd_ = false;
  bool eof_ = false;
  bool bom_checked_ = false;
  std::vector<char> buf_;
  size_t begin_ = 0, end_ = 0;  // unread bytes are buf_[begin_, end_)
  int64_t line_ = 0;            // lines consumed
  int64_t consumed_ = 0;
  std::string scratch_;                             // field contents of the current record
  std::vector<std::pair<size_t, size_t>> spans_;  // each field's [begin, end) in scratch_
  std::string error_;
};

}  // namespace parcours
