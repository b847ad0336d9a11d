// connect-ctr: Amazon Connect contact records (CTR), as Kinesis or Firehose
// deliver them, and the chat transcripts Connect writes to S3 (also the
// Contact Lens output of a chat, which has the same Transcript items).
//
// Connect delivers records at least once and re-emits a record whenever its
// attributes change, so one ContactId may come many times: the one with the
// latest LastUpdateTimestamp is the truth. Every transfer, callback and
// disconnect flow gets a new ContactId; InitialContactId ties them together,
// and the legs are merged downstream (SPEC §3) through `conversation`.
#include <fmt/format.h>

#include "core/formats/format.h"
#include "core/formats/json_input.h"

namespace parcours {

namespace {

using simdjson::ondemand::value;

// The fields of one record, as views into the parser's buffers.
struct Ctr {
  std::string_view contact_id, initial_id, previous_id, next_id, channel, method;
  std::string_view initiation, disconnect, last_update, transfer_completed, agent_connected;
  std::string_view disconnect_reason, customer_address, customer_type, dnis, transferred_to;
  std::string_view queue_name, queue_arn, agent_username, agent_arn;
  std::string_view metadata_contact_id;  // Contact Lens: CustomerMetadata.ContactId
  bool has_channel = false, has_queue = false, has_agent = false;
  std::vector<std::pair<std::string_view, std::string_view>> attributes;
  // Transcript items (chat transcripts and Contact Lens output).
  bool has_transcript = false;
  Micros first = kNoTime, last = kNoTime, ended = kNoTime, agent_joined = kNoTime, agent_message = kNoTime;
  std::string_view agent_name;
};

bool text_members(value v, std::string_view name, std::string* reason,
                  std::initializer_list<std::pair<std::string_view, std::string_view*>> fields) {
  return for_each_member(v, name, reason, [&](std::string_view key, value x) {
    for (const auto& [k, dst] : fields)
      if (k == key) return get_text(x, fmt::format("{}.{}", name, key), dst, reason);
    return true;
  });
}

bool transcript_item(value item, Ctr* c, std::string* reason) {
  std::string_view when, type, role, name;
  if (!text_members(item, "Transcript[]", reason,
                    {{"AbsoluteTime", &when}, {"ContentType", &type}, {"ParticipantRole", &role},
                     {"DisplayName", &name}}))
    return false;
  Micros t;
  if (!json_time("Transcript[].AbsoluteTime", when, &t, reason)) return false;
  if (t == kNoTime) return true;  // voice analytics items have offsets only
  if (c->first == kNoTime || t < c->first) c->first = t;
  if (c->last == kNoTime || t > c->last) c->last = t;
  if (type == "application/vnd.amazonaws.connect.event.chat.ended" && c->ended == kNoTime) c->ended = t;
  if (role == "AGENT") {
    const bool joined = type == "application/vnd.amazonaws.connect.event.participant.joined";
    Micros& slot = joined ? c->agent_joined : c->agent_message;
    if (joined || type.substr(0, 5) == "text/") {
      if (slot == kNoTime || t < slot) {
        slot = t;
        if (c->agent_name.empty() || joined) c->agent_name = name;
      }
    }
  }
  return true;
}

bool parse_ctr(simdjson::ondemand::object obj, Ctr* c, std::string* reason) {
  return for_each_member(obj, "", reason, [&](std::string_view key, value v) {
    struct Top {
      std::string_view name;
      std::string_view Ctr::*field;
    };
    static constexpr Top kTop[] = {
        {"ContactId", &Ctr::contact_id},
        {"InitialContactId", &Ctr::initial_id},
        {"PreviousContactId", &Ctr::previous_id},
        {"NextContactId", &Ctr::next_id},
        {"Channel", &Ctr::channel},
        {"InitiationMethod", &Ctr::method},
        {"InitiationTimestamp", &Ctr::initiation},
        {"DisconnectTimestamp", &Ctr::disconnect},
        {"LastUpdateTimestamp", &Ctr::last_update},
        {"TransferCompletedTimestamp", &Ctr::transfer_completed},
        {"DisconnectReason", &Ctr::disconnect_reason},
    };
    for (const Top& t : kTop) {
      if (t.name != key) continue;
      if (key == "Channel") c->has_channel = true;
      return get_text(v, key, &(c->*t.field), reason);
    }
    if (key == "CustomerEndpoint")
      return text_members(v, key, reason, {{"Address", &c->customer_address}, {"Type", &c->customer_type}});
    if (key == "SystemEndpoint") return text_members(v, key, reason, {{"Address", &c->dnis}});
    if (key == "TransferredToEndpoint") return text_members(v, key, reason, {{"Address", &c->transferred_to}});
    if (key == "Queue") {
      if (!text_members(v, key, reason, {{"Name", &c->queue_name}, {"ARN", &c->queue_arn}})) return false;
      c->has_queue = !c->queue_name.empty() || !c->queue_arn.empty();
      return true;
    }
    if (key == "Agent") {
      if (!text_members(v, key, reason,
                        {{"Username", &c->agent_username},
                         {"ARN", &c->agent_arn},
                         {"ConnectedToAgentTimestamp", &c->agent_connected}}))
        return false;
      c->has_agent = !c->agent_username.empty() || !c->agent_arn.empty() || !c->agent_connected.empty();
      return true;
    }
    if (key == "Attributes") {
      return for_each_member(v, key, reason, [&](std::string_view k, value x) {
        std::string_view s;
        // Flows store only strings here; anything else is not worth a reject.
        if (scalar_text(x, &s) == simdjson::SUCCESS) c->attributes.emplace_back(k, s);
        return true;
      });
    }
    if (key == "CustomerMetadata") return text_members(v, key, reason, {{"ContactId", &c->metadata_contact_id}});
    if (key == "Transcript") {
      c->has_transcript = true;
      return for_each_element(v, key, reason, [&](value item) { return transcript_item(item, c, reason); });
    }
    return true;  // Connect adds fields over time
  });
}

// InitiationMethod values where the agency reached out. API is
// StartOutboundVoiceContact for voice, but starts customer chats and tasks.
bool outbound(std::string_view method, std::string_view channel) {
  return method == "OUTBOUND" || method == "CALLBACK" || method == "EXTERNAL_OUTBOUND" || method == "AGENT_REPLY" ||
         (method == "API" && channel == "VOICE");
}

class ConnectReader : public FormatReader {
 public:
  bool read(const std::string& path, const std::string& name, IngestSink& sink, std::string* err) override {
    std::string text;
    if (!read_all(path, &text, err)) return false;
    Deduplicator dedup;
    split_json_records(text, {}, sink, [&](const JsonRecord& rec) { record(rec, name, sink, dedup); });
    dedup.flush(sink);
    return true;
  }

 private:
  void record(const JsonRecord& rec, const std::string& name, IngestSink& sink, Deduplicator& dedup) {
    simdjson::ondemand::object obj;
    if (!parser_.open(rec, sink, &obj)) return;
    Ctr c;
    std::string reason;
    OutRecord r;
    Micros rank = kNoTime;
    if (!parse_ctr(obj, &c, &reason) || !build(c, &r, &rank, &reason)) {
      sink.reject(rec.line, rec.text, reason);
      return;
    }
    r.src_file = name;
    r.src_line = rec.line;
    std::string key = r.id;
    dedup.add(std::move(key), rank, std::move(r), sink);
  }

  static bool build(const Ctr& c, OutRecord* r, Micros* rank, std::string* reason) {
    if (c.initiation.empty() && c.has_transcript) return build_transcript(c, r, reason);
    if (c.contact_id.empty()) {
      *reason = "ContactId is missing; is this an Amazon Connect contact record? (for Genesys or Zendesk files, "
                "use --format genesys or zendesk)";
      return false;
    }
    if (c.initiation.empty()) {
      *reason = "InitiationTimestamp is missing; a contact record without it cannot be placed in time";
      return false;
    }
    r->id = c.contact_id;
    if (!json_time("InitiationTimestamp", c.initiation, &r->start, reason) ||
        !json_time("Agent.ConnectedToAgentTimestamp", c.agent_connected, &r->answered, reason) ||
        !json_time("DisconnectTimestamp", c.disconnect, &r->end, reason) ||
        !json_time("LastUpdateTimestamp", c.last_update, rank, reason))
      return false;
    if (r->answered != kNoTime && r->answered < r->start) {
      *reason = "Agent.ConnectedToAgentTimestamp is before InitiationTimestamp; check the export";
      return false;
    }
    if (r->end != kNoTime && r->end < r->start) {
      *reason = "DisconnectTimestamp is before InitiationTimestamp; check the export";
      return false;
    }
    const bool leg = !c.initial_id.empty() || !c.previous_id.empty() || !c.next_id.empty();
    // Records from before chat existed (2019) have no Channel: they are calls.
    const std::string_view channel = c.has_channel && !c.channel.empty() ? c.channel : "VOICE";
    if (channel == "VOICE") {
      // A call that met neither queue nor agent stayed in the IVR; a leg of a
      // longer call stays phone so that it merges with the other legs.
      r->channel = !c.has_queue && !c.has_agent && !leg ? Channel::ivr : Channel::phone;
    } else if (channel == "CHAT") {
      r->channel = Channel::chat;
    } else if (channel == "EMAIL") {
      r->channel = Channel::email;
    } else if (channel == "TASK") {
      r->channel = Channel::web;  // tasks mostly carry web forms and integrations (see parcours-formats(5))
    } else {
      *reason = fmt::format("Channel '{}' is not VOICE, CHAT, EMAIL or TASK; remove the record or report the new "
                            "channel", channel);
      return false;
    }
    r->direction = outbound(c.method, channel) ? Direction::out : Direction::in;
    r->conversation = c.initial_id.empty() ? c.contact_id : c.initial_id;
    if (!c.customer_address.empty()) {
      if (c.customer_type == "TELEPHONE_NUMBER" || (c.customer_type.empty() && c.customer_address[0] == '+'))
        r->set_id("phone", c.customer_address);
      else if (c.customer_type == "EMAIL_ADDRESS")
        r->set_id("email", c.customer_address);
    }
    r->queue = !c.queue_name.empty() ? c.queue_name : arn_tail(c.queue_arn);
    r->agent = !c.agent_username.empty() ? c.agent_username : arn_tail(c.agent_arn);
    if (!c.transfer_completed.empty() || !c.next_id.empty()) {
      r->outcome = Outcome::transferred;
    } else if (c.has_queue && r->answered == kNoTime &&
               (c.disconnect_reason == "CUSTOMER_DISCONNECT" || c.disconnect_reason == "EXPIRED")) {
      r->outcome = Outcome::abandoned;
    }
    r->set_attr("initiation_method", c.method);
    r->set_attr("disconnect_reason", c.disconnect_reason);
    r->set_attr("dnis", c.dnis);
    r->set_attr("transferred_to", c.transferred_to);
    for (const auto& [k, v] : c.attributes) r->set_attr(fmt::format("attributes.{}", k), v);
    return true;
  }

  static bool build_transcript(const Ctr& c, OutRecord* r, std::string* reason) {
    r->id = !c.contact_id.empty() ? c.contact_id : c.metadata_contact_id;
    if (r->id.empty()) {
      *reason = "a chat transcript without ContactId (nor CustomerMetadata.ContactId); add the contact's id";
      return false;
    }
    if (c.first == kNoTime) {
      *reason = "no Transcript item has an AbsoluteTime, so the contact cannot be placed in time; ingest its "
                "contact record instead";
      return false;
    }
    if (c.has_channel && !c.channel.empty() && c.channel != "CHAT") {
      *reason = fmt::format("a transcript of Channel '{}': only chat transcripts carry times; ingest the contact "
                            "record instead", c.channel);
      return false;
    }
    r->channel = Channel::chat;
    r->start = c.first;
    r->answered = c.agent_joined != kNoTime ? c.agent_joined : c.agent_message;
    r->end = c.ended != kNoTime ? c.ended : c.last;
    r->conversation = c.initial_id.empty() ? r->id : c.initial_id;
    r->agent = c.agent_name;
    return true;
  }

  JsonRecordParser parser_;
};

}  // namespace

std::unique_ptr<FormatReader> make_connect_ctr(const IngestOptions&, std::string*) {
  return std::make_unique<ConnectReader>();
}

}  // namespace parcours
