// Fuzzes the identity inputs: a crosswalk (customer,kind,value), a
// blocklist (KIND,VALUE), then records (one a line: the customer or `-`,
// then kind=value pairs, separated by spaces; a leading `+` makes the record
// another leg of the one before), cut by lines `%%`. Whatever they
// hold, linking must never put two known customers in one component.
#include "tests/fuzz/fuzz.h"
#include "core/identity.h"

#include <map>

using namespace parcours;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<std::string_view> p = fuzz::parts(fuzz::view(data, size), 3);
  Linker linker;
  std::string err;
  if (!linker.add_crosswalk_text(p[0], "crosswalk.csv", &err)) fuzz::check(!err.empty(), "a bad crosswalk says why");
  err.clear();
  if (!linker.add_block_text(p[1], "block.txt", &err)) fuzz::check(!err.empty(), "a bad blocklist says why");
  linker.set_max_fanout(1 + static_cast<int64_t>(size % 3));
  std::vector<uint32_t> contacts;
  std::vector<std::string> keys;  // each record's known key, "" if none
  std::string_view text = p[2];
  while (!text.empty() && contacts.size() < 64) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    RawContact r;
    bool first = true, leg = false;  // "+KEY" or "+": another leg of the record before
    while (!line.empty()) {
      const size_t sp = line.find(' ');
      std::string_view word = line.substr(0, sp);
      line.remove_prefix(sp == std::string_view::npos ? line.size() : sp + 1);
      if (first) {
        first = false;
        leg = !word.empty() && word[0] == '+';
        if (leg) word.remove_prefix(1);
        r.has_customer = !word.empty() && word != "-";
        if (r.has_customer) r.customer = word;
        continue;
      }
      // The record parser refuses an empty kind: "" is the known keys' kind.
      const size_t eq = word.find('=');
      if (eq != std::string_view::npos && eq > 0) r.ids.emplace_back(word.substr(0, eq), word.substr(eq + 1));
    }
    // Keys are compared trimmed, as the linker reads them.
    keys.emplace_back(r.has_customer ? trim_blanks(r.customer) : std::string_view{});
    const uint32_t n = linker.add(r);
    contacts.push_back(leg && !contacts.empty() ? n | Linker::kSameContact : n);
  }
  // One contact entry a part: legs straddle every part boundary.
  linker.resolve([&](const Linker::Part& f) {
    for (const uint32_t& e : contacts) f(std::span<const uint32_t>(&e, 1));
  });
  // Records of two different known keys never share a customer.
  std::map<uint32_t, std::string_view> key_of;  // customer node -> the known key of a record in it
  for (uint32_t i = 0; i < linker.records(); ++i) {
    const uint32_t node = linker.customer_node(i);
    if (node == UINT32_MAX) continue;
    fuzz::check(node < linker.node_count(), "a customer node exists");
    fuzz::check(!linker.key_text(node).empty(), "a customer has a key");
    if (keys[i].empty()) continue;
    const auto [it, fresh] = key_of.emplace(node, keys[i]);
    fuzz::check(fresh || it->second == keys[i], "two known customers are never linked");
  }
  for (const DroppedId& d : linker.dropped()) fuzz::check(d.records >= 0 && d.keys >= 0, "drop counts are sane");
  return 0;
}
