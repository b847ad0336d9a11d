#include "core/diag.h"

#include <cstring>

#include <fmt/format.h>

namespace parcours {

std::string fmt_errno(std::string_view what, int err) {
  return fmt::format("{}: {}", what, std::strerror(err));
}

}  // namespace parcours
