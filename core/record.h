// The canonical contact record (SPEC §2): its enums, and the parser that turns
// one NDJSON line into a RawContact. `validate` and every computing tool use
// this one parser, so a record is valid for one exactly when it is accepted by
// the others (bar unknown fields, which only `validate` rejects).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "core/time.h"

namespace parcours {

enum class Channel : uint8_t { phone, ivr, chat, email, mail, fax, counter, web, social, cobrowse };
inline constexpr int kChannelCount = 10;
std::string_view channel_name(Channel c);
// English names and the French aliases of SPEC §2, ASCII case-insensitive.
bool parse_channel(std::string_view s, Channel* out);

enum class Direction : uint8_t { in, out };
std::string_view direction_name(Direction d);

// `none` is an absent outcome; `unknown` is the value a source wrote.
enum class Outcome : uint8_t { none, resolved, unresolved, abandoned, transferred, unknown };
std::string_view outcome_name(Outcome o);
bool parse_outcome(std::string_view s, Outcome* out);

// An identifier as the linker interns it (Linker::name_id): its name, the
// name's hash, and whether it is a phone number still to normalise (the
// name is then the trimmed number as written).
struct IdName {
  std::string_view name;
  uint64_t hash = 0;
  bool raw_phone = false;
};

// One record as read. The string views point into the parser's buffers and
// die with the next parse: copy (intern) what you keep.
struct RawContact {
  std::string_view id, service, customer, conversation, agent, queue, reason;
  Channel channel = Channel::phone;
  Direction direction = Direction::in;
  Outcome outcome = Outcome::none;
  Micros start = kNoTime, answered = kNoTime, end = kNoTime;
  std::vector<std::pair<std::string_view, std::string_view>> ids;  // kind, value
  bool has_service = false, has_customer = false, has_conversation = false;
  // What the linker and the conversation table will intern for this
  // record, made by the parsing threads of read_canonical so that the thread
  // adding records need not: the hashes of the key's name and of the
  // conversation (0 when not made), and each identifier's name and hash
  // (Linker::name_id; empty when not made, else one per entry of `ids`).
  uint64_t customer_hash = 0, conversation_hash = 0;
  std::span<const IdName> id_names;

  // Back to a record of no fields, as RawContact{} is, keeping the capacity
  // of `ids`: field by field, where assigning RawContact{} zeroed a whole
  // one first (208 bytes, a `rep stos` slow to start), once a record.
  void clear() {
    id = service = customer = conversation = agent = queue = reason = {};
    channel = Channel::phone;
    direction = Direction::in;
    outcome = Outcome::none;
    start = answered = end = kNoTime;
    ids.clear();
    has_service = has_customer = has_conversation = false;
    customer_hash = conversation_hash = 0;
    id_names = {};
  }
};
// A field added to RawContact is to be cleared by clear() too.
static_assert(sizeof(RawContact) == 208);

struct FieldError {
  std::string field;  // "-" when the line is not a JSON object at all
  std::string message;
};

class RecordParser {
 public:
  enum class Mode {
    kFirstError,  // computing tools: stop at the first problem, ignore unknown fields
    kAllErrors,   // validate: every problem, unknown fields included
  };
  explicit RecordParser(Mode mode) : mode_(mode) {}

  // `line` must be followed in memory by simdjson::SIMDJSON_PADDING readable
  // bytes. Returns true when the record is acceptable; otherwise appends one
  // or more problems to *errors.
  bool parse(std::string_view line, RawContact* out, std::vector<FieldError>* errors);

 private:
  bool parse_object(simdjson::ondemand::object obj, RawContact* out, std::vector<FieldError>* errors);
  Mode mode_;
  simdjson::ondemand::parser parser_;
};

}  // namespace parcours
