// zendesk: Zendesk Support tickets, as the REST API pages them
// ({"tickets":[...]}, also the incremental export), as one ticket per line
// (the JSON account export), or as a plain array.
//
// A ticket is one contact: it is opened once, through one channel, and its
// later replies are the same request. The incremental export repeats a
// ticket each time it changes, so the latest updated_at wins.
#include <fmt/format.h>

#include "core/formats/format.h"
#include "core/formats/json_input.h"

namespace parcours {

namespace {

using simdjson::ondemand::value;

struct Ticket {
  std::string_view id, created_at, updated_at, status, requester_id, assignee_id, group_id;
  std::string_view channel, rel, from_address, from_phone;
  std::vector<std::pair<std::string, std::string>> attrs;
};

struct ChannelName {
  std::string_view via;
  Channel channel;
};
// via.channel values that name how the customer reached the agency.
constexpr ChannelName kChannels[] = {
    {"email", Channel::email},
    {"web", Channel::web},
    {"web_form", Channel::web},
    {"web_widget", Channel::web},
    {"help_center", Channel::web},
    {"mobile", Channel::web},
    {"mobile_sdk", Channel::web},
    {"api", Channel::web},
    {"web_service", Channel::web},
    {"chat", Channel::chat},
    {"chat_transcript", Channel::chat},
    {"native_messaging", Channel::chat},
    {"messaging", Channel::chat},
    {"sunshine_conversations", Channel::chat},
    {"sms", Channel::chat},
    {"whatsapp", Channel::chat},
    {"line", Channel::chat},
    {"wechat", Channel::chat},
    {"voice", Channel::phone},
    {"phone", Channel::phone},
    {"phone_call_inbound", Channel::phone},
    {"phone_call_outbound", Channel::phone},
    {"voicemail", Channel::phone},
    {"facebook", Channel::social},
    {"facebook_post", Channel::social},
    {"facebook_message", Channel::social},
    {"twitter", Channel::social},
    {"twitter_dm", Channel::social},
    {"twitter_favorite", Channel::social},
    {"instagram", Channel::social},
    {"instagram_dm", Channel::social},
    {"any_channel", Channel::social},
};

bool parse_via(value v, Ticket* t, std::string* reason) {
  return for_each_member(v, "via", reason, [&](std::string_view key, value x) {
    if (key == "channel") return get_text(x, "via.channel", &t->channel, reason);
    if (key != "source") return true;
    return for_each_member(x, "via.source", reason, [&](std::string_view k, value y) {
      if (k == "rel") return get_text(y, "via.source.rel", &t->rel, reason);
      if (k != "from") return true;
      return for_each_member(y, "via.source.from", reason, [&](std::string_view f, value z) {
        if (f == "address") return get_text(z, "via.source.from.address", &t->from_address, reason);
        if (f == "phone") return get_text(z, "via.source.from.phone", &t->from_phone, reason);
        return true;
      });
    });
  });
}

bool parse_ticket(simdjson::ondemand::object obj, Ticket* t, std::string* reason) {
  return for_each_member(obj, "", reason, [&](std::string_view key, value v) {
    struct Field {
      std::string_view name;
      std::string_view Ticket::*field;
    };
    static constexpr Field kFields[] = {
        {"id", &Ticket::id},
        {"created_at", &Ticket::created_at},
        {"updated_at", &Ticket::updated_at},
        {"status", &Ticket::status},
        {"requester_id", &Ticket::requester_id},
        {"assignee_id", &Ticket::assignee_id},
        {"group_id", &Ticket::group_id},
    };
    for (const Field& f : kFields) {
      if (f.name != key) continue;
      if (!get_text(v, key, &(t->*f.field), reason)) return false;
      if (key == "group_id") t->attrs.emplace_back(key, t->*f.field);
      return true;
    }
    static constexpr std::string_view kAttrs[] = {"subject", "type", "priority", "brand_id", "ticket_form_id",
                                                  "organization_id", "recipient", "external_id"};
    for (std::string_view a : kAttrs) {
      if (a != key) continue;
      std::string_view s;
      if (!get_text(v, key, &s, reason)) return false;
      t->attrs.emplace_back(key, s);
      return true;
    }
    if (key == "via") return parse_via(v, t, reason);
    if (key == "tags") {
      std::string tags;
      if (!for_each_element(v, "tags", reason, [&](value x) {
            std::string_view s;
            if (!get_text(x, "tags[]", &s, reason)) return false;
            if (!tags.empty()) tags += ' ';
            tags += s;
            return true;
          }))
        return false;
      t->attrs.emplace_back("tags", std::move(tags));
      return true;
    }
    if (key == "custom_fields") {
      return for_each_element(v, "custom_fields", reason, [&](value x) {
        std::string_view id, val;
        bool has_value = false;
        if (!for_each_member(x, "custom_fields[]", reason, [&](std::string_view k, value y) {
              if (k == "id") return get_text(y, "custom_fields[].id", &id, reason);
              // Multi-select fields hold arrays: not offered to rules.
              if (k == "value") has_value = scalar_text(y, &val) == simdjson::SUCCESS;
              return true;
            }))
          return false;
        if (!id.empty() && has_value) t->attrs.emplace_back(fmt::format("custom_fields.{}", id), val);
        return true;
      });
    }
    return true;
  });
}

class ZendeskReader : public FormatReader {
 public:
  bool read(const std::string& path, const std::string& name, IngestSink& sink, std::string* err) override {
    std::string text;
    if (!read_all(path, &text, err)) return false;
    Deduplicator dedup;
    split_json_records(text, {"tickets", "ticket", "results"}, sink,
                       [&](const JsonRecord& rec) { record(rec, name, sink, dedup); });
    dedup.flush(sink);
    return true;
  }

 private:
  void record(const JsonRecord& rec, const std::string& name, IngestSink& sink, Deduplicator& dedup) {
    simdjson::ondemand::object obj;
    if (!parser_.open(rec, sink, &obj)) return;
    Ticket t;
    std::string reason;
    OutRecord r;
    Micros rank = kNoTime;
    if (!parse_ticket(obj, &t, &reason) || !build(t, &r, &rank, &reason, sink)) {
      sink.reject(rec.line, rec.text, reason);
      return;
    }
    r.src_file = name;
    r.src_line = rec.line;
    std::string key = r.id;
    dedup.add(std::move(key), rank, std::move(r), sink);
  }

  static bool build(const Ticket& t, OutRecord* r, Micros* rank, std::string* reason, IngestSink& sink) {
    if (t.id.empty()) {
      *reason = "id is missing; is this a Zendesk ticket? (zendesk reads tickets: {\"tickets\":[...]} pages, "
                "arrays, or one ticket per line; not audits, users or Talk calls)";
      return false;
    }
    if (t.created_at.empty()) {
      *reason = "created_at is missing; a ticket without it cannot be placed in time";
      return false;
    }
    if (t.status == "deleted") {
      *reason = "status deleted: the ticket was deleted in Zendesk (spam, mistakes), so it is no contact; leave it "
                "out of the export";
      return false;
    }
    r->id = t.id;
    Micros updated;
    if (!json_time("created_at", t.created_at, &r->start, reason) ||
        !json_time("updated_at", t.updated_at, &updated, reason))
      return false;
    *rank = updated;
    const ChannelName* c = nullptr;
    for (const ChannelName& x : kChannels)
      if (x.via == t.channel) c = &x;
    if (c != nullptr) {
      r->channel = c->channel;
    } else {
      r->channel = Channel::web;
      sink.note("tickets whose via.channel names no customer channel (sample_ticket, rule, closed_ticket...), read as web");
    }
    if (t.channel == "phone_call_outbound" || t.rel == "outbound") r->direction = Direction::out;
    if (t.status == "solved" || t.status == "closed") {
      r->outcome = Outcome::resolved;
      if (updated != kNoTime && updated >= r->start) r->end = updated;
    }
    r->set_id("zendesk", t.requester_id);
    r->set_id("email", t.from_address);
    r->set_id("phone", t.from_phone);
    r->agent = t.assignee_id;
    r->queue = t.group_id;
    r->set_attr("via_channel", t.channel);
    r->set_attr("status", t.status);
    for (const auto& [k, v] : t.attrs) r->set_attr(k, v);
    return true;
  }

  JsonRecordParser parser_;
};

}  // namespace

std::unique_ptr<FormatReader> make_zendesk(const IngestOptions&, std::string*) {
  return std::make_unique<ZendeskReader>();
}

}  // namespace parcours
