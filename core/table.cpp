#include "core/table.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>

namespace parcours {

bool parse_format(std::string_view s, Format* out) {
  if (s == "tsv") *out = Format::tsv;
  else if (s == "csv") *out = Format::csv;
  else if (s == "json") *out = Format::json;
  else if (s == "table") *out = Format::table;
  else return false;
  return true;
}

std::string format_ratio4(Ratio r) {
  if (!r.defined()) return {};
  // round(num / den * 10^4) half up, for non-negative num and positive den.
  __extension__ using int128 = __int128;
  const int128 q = (static_cast<int128>(r.num) * 20000 + r.den) / (2 * static_cast<int128>(r.den));
  const auto whole = static_cast<int64_t>(q / 10000), frac = static_cast<int64_t>(q % 10000);
  return fmt::format("{}.{:04}", whole, frac);
}

bool json_plain(std::string_view s) {
  // Whether any byte of x is under 0x20, or equal to a quote or a backslash:
  // the classic tests for a byte under n and for a zero byte, exact as to
  // whether there is one.
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  const auto zero_byte = [](uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  const auto plain8 = [&](const char* at) {
    uint64_t x;
    std::memcpy(&x, at, 8);
    return (((x - kOnes * 0x20) & ~x & kHighs) | zero_byte(x ^ (kOnes * '"')) | zero_byte(x ^ (kOnes * '\\'))) == 0;
  };
  const char* p = s.data();
  size_t n = s.size();
  if (n >= 8) {  // whole words, the last one overlapping the one before
    for (; n > 8; p += 8, n -= 8)
      if (!plain8(p)) return false;
    return plain8(s.data() + s.size() - 8);
  }
  for (; n > 0; ++p, --n) {
    const auto c = static_cast<unsigned char>(*p);
    if (c < 0x20 || c == '"' || c == '\\') return false;
  }
  return true;
}

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  if (json_plain(s)) {  // most values (ids, services, times): copied whole
    out.append(s);
    out.push_back('"');
    return;
  }
  size_t plain = 0;
  while (plain < s.size()) {
    const auto c = static_cast<unsigned char>(s[plain]);
    if (c < 0x20 || c == '"' || c == '\\') break;
    ++plain;
  }
  out.append(s.data(), plain);
  s.remove_prefix(plain);
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
        else out.push_back(ch);
    }
  }
  out.push_back('"');
}

namespace {

std::string plain(const Cell& c) {
  switch (c.kind) {
    case Cell::Kind::text: return c.text;
    case Cell::Kind::integer: return fmt::format("{}", c.integer);
    case Cell::Kind::ratio: return format_ratio4(c.ratio);
    case Cell::Kind::null: return {};
  }
  return {};
}

// TSV has no quoting: escape the three characters that would break a row,
// as PostgreSQL's text format and Miller do.
void append_tsv(std::string& out, std::string_view s) {
  for (const char ch : s) {
    if (ch == '\t') out += "\\t";
    else if (ch == '\n') out += "\\n";
    else if (ch == '\\') out += "\\\\";
    else if (ch == '\r') out += "\\r";
    else out.push_back(ch);
  }
}

void append_csv(std::string& out, std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += s;
    return;
  }
  out.push_back('"');
  for (const char ch : s) {
    if (ch == '"') out.push_back('"');
    out.push_back(ch);
  }
  out.push_back('"');
}

// Display width: code points, not bytes, so accented names line up.
size_t width(std::string_view s) {
  size_t n = 0;
  for (const char ch : s) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  return n;
}

}  // namespace

std::string render(const Table& t, Format f) {
  std::string out;
  switch (f) {
    case Format::tsv:
    case Format::csv: {
      const char sep = f == Format::tsv ? '\t' : ',';
      auto emit = [&](std::string_view s) { f == Format::tsv ? append_tsv(out, s) : append_csv(out, s); };
      for (size_t i = 0; i < t.columns.size(); ++i) {
        if (i > 0) out.push_back(sep);
        emit(t.columns[i]);
      }
      out.push_back('\n');
      for (const auto& row : t.rows) {
        for (size_t i = 0; i < row.size(); ++i) {
          if (i > 0) out.push_back(sep);
          emit(plain(row[i]));
        }
        out.push_back('\n');
      }
      break;
    }
    case Format::json: {
      out += "[";
      for (size_t r = 0; r < t.rows.size(); ++r) {
        out += r == 0 ? "\n  {" : ",\n  {";
        for (size_t i = 0; i < t.columns.size(); ++i) {
          if (i > 0) out += ", ";
          append_json_string(out, t.columns[i]);
          out += ": ";
          const Cell& c = t.rows[r][i];
          switch (c.kind) {
            case Cell::Kind::text: append_json_string(out, c.text); break;
            case Cell::Kind::integer: fmt::format_to(std::back_inserter(out), "{}", c.integer); break;
            case Cell::Kind::ratio:
              if (c.ratio.defined())
                fmt::format_to(std::back_inserter(out), "{}",
                               static_cast<double>(c.ratio.num) / static_cast<double>(c.ratio.den));
              else
                out += "null";
              break;
            case Cell::Kind::null: out += "null"; break;
          }
        }
        out += "}";
      }
      out += t.rows.empty() ? "]\n" : "\n]\n";
      break;
    }
    case Format::table: {
      std::vector<std::vector<std::string>> cells;
      std::vector<size_t> w(t.columns.size());
      for (size_t i = 0; i < t.columns.size(); ++i) w[i] = width(t.columns[i]);
      for (const auto& row : t.rows) {
        auto& line = cells.emplace_back();
        for (size_t i = 0; i < row.size(); ++i) {
          line.emplace_back();
          append_tsv(line.back(), plain(row[i]));  // a tab or newline would break the layout
          w[i] = std::max(w[i], width(line.back()));
        }
      }
      // Text columns align left, numbers right; a column is text when its
      // first row's cell is.
      auto left = [&](size_t i) { return !t.rows.empty() && t.rows[0][i].kind == Cell::Kind::text; };
      auto emit = [&](const std::vector<std::string>& line) {
        std::string row;
        for (size_t i = 0; i < line.size(); ++i) {
          const size_t pad = w[i] - width(line[i]);
          if (i > 0) row += "  ";
          if (!left(i)) row.append(pad, ' ');
          row += line[i];
          if (left(i) && i + 1 < line.size()) row.append(pad, ' ');
        }
        while (!row.empty() && row.back() == ' ') row.pop_back();
        out += row;
        out.push_back('\n');
      };
      emit(t.columns);
      for (const auto& line : cells) emit(line);
      break;
    }
  }
  return out;
}

}  // namespace parcours
