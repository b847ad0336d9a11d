#include "core/rules.h"

#include <fmt/format.h>
#include <re2/re2.h>

namespace parcours {

Rules::Rules() = default;
Rules::~Rules() = default;
Rules::Rules(Rules&&) noexcept = default;
Rules& Rules::operator=(Rules&&) noexcept = default;

bool Rules::parse(std::string_view text, std::string* err) {
  rules_.clear();
  int64_t number = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos || line.front() == '#') continue;
    const size_t t1 = line.find('\t');
    const size_t t2 = t1 == std::string_view::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string_view::npos || line.find('\t', t2 + 1) != std::string_view::npos) {
      *err = fmt::format("{}: expected three tab-separated columns: field, pattern, service", number);
      return false;
    }
    Rule rule;
    rule.field = std::string(line.substr(0, t1));
    const std::string_view pattern = line.substr(t1 + 1, t2 - t1 - 1);
    rule.service = std::string(line.substr(t2 + 1));
    if (rule.field.empty() || pattern.empty() || rule.service.empty()) {
      *err = fmt::format("{}: field, pattern and service must not be empty", number);
      return false;
    }
    RE2::Options options;
    options.set_log_errors(false);
    rule.pattern = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
    if (!rule.pattern->ok()) {
      *err = fmt::format("{}: pattern '{}': {}", number, pattern, rule.pattern->error());
      return false;
    }
    rules_.push_back(std::move(rule));
  }
  return true;
}

const std::string* Rules::match(const OutRecord& r) const {
  for (const Rule& rule : rules_) {
    const std::string_view v = r.field(rule.field);
    if (RE2::PartialMatch(re2::StringPiece(v.data(), v.size()), *rule.pattern)) return &rule.service;
  }
  return nullptr;
}

}  // namespace parcours
