// Service rules (--rules): a TSV of `field`, RE2 pattern, `service`; the
// first rule whose pattern matches the record's field gives the service.
//
//   # field   pattern                   service
//   queue     (?i)^impots?              credit-impot
//   subject   (?i)passeport             passeport
//   dnis      ^\+1418555010[0-9]$       aide-sociale
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/canonical.h"

namespace re2 {
class RE2;
}

namespace parcours {

class Rules {
 public:
  Rules();
  ~Rules();
  Rules(Rules&&) noexcept;
  Rules& operator=(Rules&&) noexcept;
  // Parses the rules text; on failure returns false with *err set to
  // "LINE: what is wrong; what to do".
  bool parse(std::string_view text, std::string* err);
  bool empty() const { return rules_.empty(); }
  // The service of the first matching rule, or nullptr.
  const std::string* match(const OutRecord& r) const;

 private:
  struct Rule {
    std::string field;
    std::unique_ptr<re2::RE2> pattern;
    std::string service;
  };
  std::vector<Rule> rules_;
};

}  // namespace parcours
