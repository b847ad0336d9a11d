#include "core/formats/json_input.h"

#include <algorithm>

#include <fmt/format.h>

namespace parcours {

namespace {

// Finds record boundaries without parsing values: brackets, strings and
// escapes only. simdjson then validates each record on its own, so that a
// bad record costs only itself.
class Splitter {
 public:
  Splitter(std::string_view text, std::initializer_list<std::string_view> wrappers, IngestSink& sink,
           const std::function<void(const JsonRecord&)>& fn)
      : t_(text), wrappers_(wrappers), sink_(sink), fn_(fn) {}

  void run() {
    if (t_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // a byte order mark some Windows tools write
    bool first = true;
    while (true) {
      limit_ = t_.size();
      skip_ws();
      if (pos_ >= t_.size()) return;
      const size_t begin = pos_;
      if (first) {
        // One record per line when the first value ends on its first line:
        // then a broken line is rejected alone and reading goes on.
        first = false;
        size_t b, e;
        const size_t save = pos_;
        line_mode_ = scan_value(&b, &e) ? t_.substr(b, e - b).find('\n') == std::string_view::npos
                                        : broken_first_line(save);
        pos_ = save;
        error_.clear();
      }
      if (line_mode_) {
        const size_t nl = t_.find('\n', pos_);
        limit_ = nl == std::string_view::npos ? t_.size() : nl;
      }
      bool ok;
      const char c = t_[pos_];
      if (c == '{') {
        ok = object(true);
      } else if (c == '[') {
        ok = array(true);
      } else {
        fail(pos_, fmt::format("'{}' cannot start a record", printable(c)));
        fail_from_ = pos_;
        ok = false;
      }
      if (ok) continue;
      const size_t from = std::max(begin, fail_from_);
      const int64_t line = line_at(error_pos_);
      if (line_mode_) {
        size_t nl = t_.find('\n', from);
        if (nl == std::string_view::npos) nl = t_.size();
        sink_.reject(line, t_.substr(from, nl - from),
                     fmt::format("not valid JSON at column {}: {}; each line must hold whole JSON records", column_at(error_pos_), error_));
        pos_ = nl;
        error_.clear();
        continue;
      }
      sink_.reject(line, t_.substr(from),
                   fmt::format("not valid JSON at column {}: {}; the rest of the file is not read: repair it (jq . "
                               "FILE shows the same place) and ingest it again",
                               column_at(error_pos_), error_));
      return;
    }
  }

 private:
  static std::string printable(char c) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
      return fmt::format("\\x{:02X}", static_cast<unsigned char>(c));
    return std::string(1, c);
  }

  // The first record does not end: is it a broken line of a file of one
  // record per line (the next line starts a record), or the opening of a
  // pretty-printed document (a line that ends with a bracket)?
  bool broken_first_line(size_t begin) const {
    size_t nl = t_.find('\n', begin);
    if (nl == std::string_view::npos) return true;
    std::string_view first = t_.substr(begin, nl - begin);
    while (!first.empty() && (first.back() == ' ' || first.back() == '\r' || first.back() == '\t'))
      first.remove_suffix(1);
    if (first.empty() || first.back() == '{' || first.back() == '[') return false;
    size_t next = nl;
    while (next < t_.size() && (t_[next] == ' ' || t_[next] == '\n' || t_[next] == '\r' || t_[next] == '\t')) ++next;
    return next < t_.size() && (t_[next] == '{' || t_[next] == '[');
  }

  bool fail(size_t at, std::string what) {
    if (error_.empty()) {
      error_pos_ = at;
      error_ = std::move(what);
    }
    return false;
  }

  void skip_ws() {
    while (pos_ < limit_ && (t_[pos_] == ' ' || t_[pos_] == '\n' || t_[pos_] == '\r' || t_[pos_] == '\t')) ++pos_;
  }

  bool scan_string() {  // at the opening quote
    const size_t open = pos_++;
    while (pos_ < limit_) {
      const char c = t_[pos_];
      if (c == '\\') {
        pos_ += 2;
      } else if (c == '"') {
        ++pos_;
        return true;
      } else if (c == '\n') {
        return fail(pos_, "a line break inside a string (the string opened at column " +
                              std::to_string(column_at(open)) + " is not closed)");
      } else {
        ++pos_;
      }
    }
    return fail(open, "the string that opens here is not closed");
  }

  // Any value; sets [*b, *e).
  bool scan_value(size_t* b, size_t* e) {
    *b = pos_;
    if (pos_ >= limit_) return fail(pos_, "a value is missing");
    const char c = t_[pos_];
    if (c == '"') {
      if (!scan_string()) return false;
    } else if (c == '{' || c == '[') {
      std::vector<size_t> open;  // where each bracket still open is
      while (pos_ < limit_) {
        const char d = t_[pos_];
        if (d == '"') {
          if (!scan_string()) return false;
          continue;
        }
        if (d == '{' || d == '[') {
          open.push_back(pos_);
        } else if (d == '}' || d == ']') {
          if (open.empty() || (d == '}') != (t_[open.back()] == '{'))
            return fail(pos_, fmt::format("'{}' closes nothing that is open", d));
          open.pop_back();
          if (open.empty()) {
            ++pos_;
            *e = pos_;
            return true;
          }
        }
        ++pos_;
      }
      const size_t o = open.back();
      return fail(pos_, fmt::format("the text ends before the '{}' of line {}, column {} is closed", t_[o], line_at(o),
                                    column_at(o)));
    } else {
      while (pos_ < limit_ && std::string_view(",]} \t\r\n:{[\"").find(t_[pos_]) == std::string_view::npos) ++pos_;
      if (pos_ == *b) return fail(pos_, fmt::format("'{}' where a value should be", printable(c)));
    }
    *e = pos_;
    return true;
  }

  void emit(size_t b, size_t e) {
    if (!dry_) fn_(JsonRecord{t_.substr(b, e - b), line_at(b)});
  }

  // An object at pos_: a page when `pages` and one of its members is a
  // wrapper, else one record.
  bool object(bool pages) {
    const size_t b = pos_;
    fail_from_ = b;
    size_t vb, ve;
    if (!pages || wrappers_.empty()) {
      if (!scan_value(&vb, &ve)) return false;
      emit(vb, ve);
      return true;
    }
    if (scan_value(&vb, &ve)) {
      // Balanced: look for a wrapper without handing anything out first, so
      // that an object with a flaw inside is one record for simdjson to judge.
      const size_t limit = limit_;
      limit_ = ve;
      pos_ = b;
      dry_ = true;
      bool page = false;
      const bool walked = members(b, &page);
      dry_ = false;
      error_.clear();
      pos_ = b;
      if (!walked || !page) {
        limit_ = limit;
        pos_ = ve;
        emit(vb, ve);
        return true;
      }
      const bool ok = members(b, &page);
      limit_ = limit;
      return ok;
    }
    // Cut short: hand out the wrapped records found before the cut.
    error_.clear();
    pos_ = b;
    bool page = false;
    return members(b, &page);
  }

  bool members(size_t b, bool* page) {
    ++pos_;
    skip_ws();
    if (pos_ < limit_ && t_[pos_] == '}') {
      ++pos_;
      emit(b, pos_);
      return true;
    }
    while (true) {
      skip_ws();
      if (pos_ >= limit_ || t_[pos_] != '"')
        return fail(pos_, pos_ >= limit_ ? "the text ends inside an object" : "a member name (a string) should be here");
      const size_t kb = pos_;
      if (!scan_string()) return false;
      const std::string_view key = t_.substr(kb + 1, pos_ - kb - 2);
      skip_ws();
      if (pos_ >= limit_ || t_[pos_] != ':') return fail(pos_, "':' should follow the member name");
      ++pos_;
      skip_ws();
      const bool wrapper = std::find(wrappers_.begin(), wrappers_.end(), key) != wrappers_.end();
      if (wrapper && pos_ < limit_ && t_[pos_] == '[') {
        *page = true;
        if (!array(false)) return false;
        fail_from_ = b;
      } else if (wrapper && pos_ < limit_ && t_[pos_] == '{') {
        *page = true;
        if (!object(false)) return false;
        fail_from_ = b;
      } else {
        size_t vb, ve;
        if (!scan_value(&vb, &ve)) return false;
      }
      skip_ws();
      if (pos_ < limit_ && t_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < limit_ && t_[pos_] == '}') {
        ++pos_;
        break;
      }
      return fail(pos_, pos_ >= limit_ ? "the text ends inside an object" : "',' or '}' should be here");
    }
    if (!*page) emit(b, pos_);
    return true;
  }

  // An array at pos_: its elements are records (or pages, when `pages`).
  bool array(bool pages) {
    ++pos_;
    while (true) {
      skip_ws();
      if (pos_ < limit_ && t_[pos_] == ']') {  // also accepts [a,] — simdjson is not asked about the brackets
        ++pos_;
        return true;
      }
      if (pos_ >= limit_) return fail(pos_, "the text ends inside an array");
      fail_from_ = pos_;
      const char c = t_[pos_];
      if (c == '{') {
        if (!object(pages)) return false;
      } else if (c == '[' && pages) {
        if (!array(true)) return false;
      } else {
        size_t vb, ve;
        if (!scan_value(&vb, &ve)) return false;
        if (!dry_)
          sink_.reject(line_at(vb), t_.substr(vb, ve - vb),
                       "a record must be a JSON object {...}; remove this value from the array");
      }
      skip_ws();
      if (pos_ < limit_ && t_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < limit_ && t_[pos_] == ']') {
        ++pos_;
        return true;
      }
      return fail(pos_, pos_ >= limit_ ? "the text ends inside an array" : "',' or ']' should be here");
    }
  }

  // Lines are asked for mostly in increasing order: count from the last answer.
  int64_t line_at(size_t p) {
    if (p < line_pos_) {
      line_ = 1;
      line_pos_ = 0;
    }
    line_ += std::count(t_.begin() + static_cast<ptrdiff_t>(line_pos_), t_.begin() + static_cast<ptrdiff_t>(p), '\n');
    line_pos_ = p;
    return line_;
  }

  int64_t column_at(size_t p) const {
    const size_t nl = p == 0 ? std::string_view::npos : t_.rfind('\n', p - 1);
    return static_cast<int64_t>(nl == std::string_view::npos ? p + 1 : p - nl);
  }

  std::string_view t_;
  std::vector<std::string_view> wrappers_;
  IngestSink& sink_;
  const std::function<void(const JsonRecord&)>& fn_;
  size_t pos_ = 0, limit_ = 0;
  bool line_mode_ = false, dry_ = false;
  size_t error_pos_ = 0, fail_from_ = 0;
  std::string error_;
  size_t line_pos_ = 0;
  int64_t line_ = 1;
};

}  // namespace

void split_json_records(std::string_view text, std::initializer_list<std::string_view> wrappers, IngestSink& sink,
                        const std::function<void(const JsonRecord&)>& fn) {
  Splitter(text, wrappers, sink, fn).run();
}

bool JsonRecordParser::open(const JsonRecord& rec, IngestSink& sink, simdjson::ondemand::object* obj) {
  buf_.assign(rec.text);
  if (!simdjson::validate_utf8(buf_.data(), buf_.size())) {
    // Exports are UTF-8 by contract; a Latin-1 byte from a hand-edited file
    // is repaired rather than losing the record.
    buf_ = to_utf8(rec.text);
    sink.note("records with bytes that are not UTF-8 (read as Windows-1252)");
  }
  const size_t n = buf_.size();
  buf_.resize(n + simdjson::SIMDJSON_PADDING, '\0');
  auto e = parser_.iterate(simdjson::padded_string_view(buf_.data(), n, buf_.size())).get(doc_);
  if (!e) e = doc_.get_object().get(*obj);
  if (e) {
    sink.reject(rec.line, rec.text,
                e == simdjson::INCORRECT_TYPE ? "a record must be a JSON object {...}"
                                              : fmt::format("not valid JSON ({}); repair or remove this record",
                                                            simdjson::error_message(e)));
    return false;
  }
  return true;
}

simdjson::error_code scalar_text(simdjson::ondemand::value v, std::string_view* out) {
  using simdjson::ondemand::json_type;
  json_type t;
  if (auto e = v.type().get(t); e) return e;
  switch (t) {
    case json_type::string: return v.get_string().get(*out);
    case json_type::number:
    case json_type::boolean: {
      std::string_view raw = v.raw_json_token();
      while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' || raw.back() == '\t'))
        raw.remove_suffix(1);
      *out = raw;
      return simdjson::SUCCESS;
    }
    case json_type::null:
      *out = {};
      return simdjson::SUCCESS;
    default:
      return simdjson::INCORRECT_TYPE;
  }
}

std::string json_error_reason(std::string_view field, simdjson::error_code e) {
  if (e == simdjson::INCORRECT_TYPE) return fmt::format("{} must be a string or a number; fix or remove it", field);
  return fmt::format("not valid JSON near {} ({}); repair or remove this record", field, simdjson::error_message(e));
}

bool for_each_member(simdjson::ondemand::object obj, std::string_view name, std::string* reason, const MemberFn& fn) {
  for (auto member : obj) {
    std::string_view key;
    if (auto e = member.unescaped_key().get(key); e) {
      *reason = json_error_reason(name.empty() ? "a member name" : name, e);
      return false;
    }
    simdjson::ondemand::value v;
    if (auto e = member.value().get(v); e) {
      *reason = json_error_reason(key, e);
      return false;
    }
    if (!fn(key, v)) return false;
  }
  return true;
}

bool for_each_member(simdjson::ondemand::value v, std::string_view name, std::string* reason, const MemberFn& fn) {
  using simdjson::ondemand::json_type;
  json_type t;
  if (auto e = v.type().get(t); e) {
    *reason = json_error_reason(name, e);
    return false;
  }
  if (t == json_type::null) return true;
  simdjson::ondemand::object obj;
  if (t != json_type::object || v.get_object().get(obj)) {
    *reason = fmt::format("{} must be an object {{...}}; fix or remove it", name);
    return false;
  }
  return for_each_member(obj, name, reason, fn);
}

bool for_each_element(simdjson::ondemand::value v, std::string_view name, std::string* reason,
                      const std::function<bool(simdjson::ondemand::value)>& fn) {
  using simdjson::ondemand::json_type;
  json_type t;
  if (auto e = v.type().get(t); e) {
    *reason = json_error_reason(name, e);
    return false;
  }
  if (t == json_type::null) return true;
  simdjson::ondemand::array arr;
  if (t != json_type::array || v.get_array().get(arr)) {
    *reason = fmt::format("{} must be an array [...]; fix or remove it", name);
    return false;
  }
  for (auto element : arr) {
    simdjson::ondemand::value x;
    if (auto e = element.get(x); e) {
      *reason = json_error_reason(name, e);
      return false;
    }
    if (!fn(x)) return false;
  }
  return true;
}

bool get_text(simdjson::ondemand::value v, std::string_view name, std::string_view* out, std::string* reason) {
  if (auto e = scalar_text(v, out); e) {
    *reason = json_error_reason(name, e);
    return false;
  }
  return true;
}

bool json_time(std::string_view field, std::string_view s, Micros* out, std::string* reason) {
  *out = kNoTime;
  if (s.empty()) return true;
  std::string err;
  if (!parse_time(s, out, &err)) {
    *out = kNoTime;
    // These systems always write UTC with its offset (Z): --tz is no cure.
    for (std::string_view tail : {" (for local times", "; expected RFC 3339"})
      if (const size_t cut = err.find(tail); cut != std::string::npos) err.resize(cut);
    *reason = fmt::format("{} '{}': {}; the export writes UTC times like 2026-03-05T14:30:00Z: fix or remove "
                          "this record", field, s, err);
    return false;
  }
  return true;
}

std::string_view arn_tail(std::string_view s) {
  const size_t slash = s.rfind('/');
  return slash == std::string_view::npos ? s : s.substr(slash + 1);
}

void Deduplicator::add(std::string key, Micros rank, OutRecord&& r, IngestSink& sink) {
  auto [it, fresh] = index_.try_emplace(std::move(key), entries_.size());
  if (fresh) {
    entries_.push_back({rank, std::move(r)});
    return;
  }
  sink.merge(1);
  Entry& kept = entries_[it->second];
  if (rank >= kept.rank) kept = {rank, std::move(r)};
}

void Deduplicator::flush(IngestSink& sink) {
  std::stable_sort(entries_.begin(), entries_.end(),
                   [](const Entry& a, const Entry& b) { return a.record.src_line < b.record.src_line; });
  for (Entry& x : entries_) sink.accept(std::move(x.record));
  entries_.clear();
  index_.clear();
}

}  // namespace parcours
