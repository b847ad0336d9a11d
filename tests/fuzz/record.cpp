// Fuzzes the canonical NDJSON parser, line by line as every tool reads it.
// Promises checked: a line `validate` accepts (all errors, unknown fields
// refused) is accepted by the computing tools too; a refusal always says
// why; an accepted record written back by ingest's writer reads back the same.
#include "tests/fuzz/fuzz.h"

using namespace parcours;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static RecordParser strict(RecordParser::Mode::kAllErrors);
  static RecordParser lenient(RecordParser::Mode::kFirstError);
  std::string buf, buf2, out;
  std::string_view text = fuzz::view(data, size);
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    RawContact a, b;
    std::vector<FieldError> ea, eb;
    const bool ok_all = fuzz::parse_line(strict, line, &buf, &a, &ea);
    fuzz::check(ok_all == ea.empty(), "validate reports errors exactly when it refuses a line");
    const bool ok_first = fuzz::parse_line(lenient, line, &buf2, &b, &eb);
    fuzz::check(ok_first || !eb.empty(), "a refusal says why");
    if (ok_all) fuzz::check(ok_first, "a line validate accepts is accepted by every tool");
    if (!ok_first) continue;
    // Round trip through the writer ingest uses.
    OutRecord r;
    r.id = b.id;
    r.channel = b.channel;
    r.start = b.start;
    r.answered = b.answered;
    r.end = b.end;
    if (b.has_service) r.service = b.service;
    if (b.has_customer) r.customer = b.customer;
    for (const auto& [kind, value] : b.ids) r.set_id(kind, value);
    r.direction = b.direction;
    r.outcome = b.outcome;
    if (b.has_conversation) r.conversation = b.conversation;
    r.agent = b.agent;
    r.queue = b.queue;
    r.reason = b.reason;
    out.clear();
    append_ndjson(out, r);
    fuzz::check(!out.empty() && out.back() == '\n', "a written record ends with its line end");
    out.pop_back();
    RawContact c;
    std::vector<FieldError> ec;
    std::string buf3;
    if (!fuzz::parse_line(lenient, out, &buf3, &c, &ec)) {
      std::fprintf(stderr, "read: %.*s\nwritten: %s\nerror: %s: %s\n", static_cast<int>(line.size()), line.data(),
                   out.c_str(), ec[0].field.c_str(), ec[0].message.c_str());
      fuzz::check(false, "a record read and written back is accepted again");
    }
    fuzz::check(c.id == b.id && c.channel == b.channel && c.start == b.start && c.answered == b.answered &&
                    c.end == b.end && c.direction == b.direction && c.outcome == b.outcome,
                "a record read and written back is the same record");
  }
  return 0;
}
