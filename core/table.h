// Tables, the output of most tools, in the formats users pipe them through:
// tsv (the default), csv (RFC 4180), json (an array of objects) and table
// (aligned for people).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/metrics.h"

namespace parcours {

enum class Format { tsv, csv, json, table };
bool parse_format(std::string_view s, Format* out);

struct Cell {
  enum class Kind { text, integer, ratio, null } kind = Kind::null;
  std::string text;
  int64_t integer = 0;
  Ratio ratio;
  static Cell of(std::string_view s) { return Cell{Kind::text, std::string(s), 0, {}}; }
  static Cell of(int64_t n) { return Cell{Kind::integer, {}, n, {}}; }
  static Cell of(Ratio r) { return Cell{Kind::ratio, {}, 0, r}; }
  static Cell none() { return Cell{}; }
};

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
};

// num ÷ den rounded half up to 4 decimals, computed in integers so that every
// auditor's calculator agrees: "0.3333". Empty when den is 0.
std::string format_ratio4(Ratio r);
// A JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view s);
// Whether s goes into JSON as it is, between quotes: no control character,
// quote or backslash in it (8 bytes at a time).
bool json_plain(std::string_view s);

std::string render(const Table& t, Format f);

}  // namespace parcours
