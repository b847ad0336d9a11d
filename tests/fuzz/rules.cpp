// Fuzzes rules files (`--rules`): field, RE2 pattern, service. When the
// rules parse, they are matched against a record whose fields come from the
// input's last line.
#include "tests/fuzz/fuzz.h"
#include "core/rules.h"

using namespace parcours;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::view(data, size);
  Rules rules;
  std::string err;
  if (!rules.parse(text, &err)) {
    fuzz::check(!err.empty(), "bad rules say why");
    return 0;
  }
  const size_t nl = text.rfind('\n');
  const std::string_view last = nl == std::string_view::npos ? text : text.substr(nl + 1);
  OutRecord r;
  r.id = std::string(last);
  r.queue = r.agent = r.reason = r.id;
  r.set_attr("subject", last);
  r.set_attr("dnis", last);
  r.set_id("phone", last);
  if (const std::string* service = rules.match(r)) fuzz::check(!service->empty(), "a rule gives a service");
  return 0;
}
