// genesys: Genesys Cloud analytics conversation details, as the query
// endpoint and the detail jobs return them ({"conversations":[...]} pages,
// one after the other or one per line), or a plain array of conversations.
//
// Transfers normally stay inside one conversationId (new participants and
// sessions appear), so a conversation is already the whole contact: no
// `conversation` is written. A conversation that carried several media (a
// call, then a callback) is one contact per media type, since each is a
// contact through its own channel.
#include <algorithm>

#include <fmt/format.h>

#include "core/formats/format.h"
#include "core/formats/json_input.h"

namespace parcours {

namespace {

using simdjson::ondemand::value;

struct Segment {
  Micros start = kNoTime, end = kNoTime;
  std::string_view type, disconnect_type, queue_id, wrapup;
};

struct Session {
  std::string_view media, direction, ani, dnis, address_from, message_type, callback_number;
  bool abandoned = false;  // a tAbandon metric
  std::vector<Segment> segments;
};

struct Participant {
  std::string_view purpose, name, user_id, external_contact_id;
  std::vector<Session> sessions;
};

struct Conversation {
  std::string_view id, start, end, direction;
  std::vector<Participant> participants;
};

bool parse_segment(value v, Session* s, std::string* reason) {
  Segment g;
  std::string_view start, end;
  if (!for_each_member(v, "segments[]", reason, [&](std::string_view k, value x) {
        if (k == "segmentStart") return get_text(x, "segmentStart", &start, reason);
        if (k == "segmentEnd") return get_text(x, "segmentEnd", &end, reason);
        if (k == "segmentType") return get_text(x, "segmentType", &g.type, reason);
        if (k == "disconnectType") return get_text(x, "disconnectType", &g.disconnect_type, reason);
        if (k == "queueId") return get_text(x, "queueId", &g.queue_id, reason);
        if (k == "wrapUpCode") return get_text(x, "wrapUpCode", &g.wrapup, reason);
        return true;
      }))
    return false;
  if (!json_time("segmentStart", start, &g.start, reason) || !json_time("segmentEnd", end, &g.end, reason))
    return false;
  s->segments.push_back(g);
  return true;
}

bool parse_session(value v, Participant* p, std::string* reason) {
  Session s;
  if (!for_each_member(v, "sessions[]", reason, [&](std::string_view k, value x) {
        if (k == "mediaType") return get_text(x, "mediaType", &s.media, reason);
        if (k == "direction") return get_text(x, "direction", &s.direction, reason);
        if (k == "ani") return get_text(x, "ani", &s.ani, reason);
        if (k == "dnis") return get_text(x, "dnis", &s.dnis, reason);
        if (k == "addressFrom") return get_text(x, "addressFrom", &s.address_from, reason);
        if (k == "messageType") return get_text(x, "messageType", &s.message_type, reason);
        if (k == "callbackNumbers")
          return for_each_element(x, "callbackNumbers", reason, [&](value n) {
            std::string_view number;
            if (!get_text(n, "callbackNumbers[]", &number, reason)) return false;
            if (s.callback_number.empty()) s.callback_number = number;
            return true;
          });
        if (k == "metrics")
          return for_each_element(x, "metrics", reason, [&](value m) {
            return for_each_member(m, "metrics[]", reason, [&](std::string_view mk, value mv) {
              std::string_view name;
              if (mk == "name" && scalar_text(mv, &name) == simdjson::SUCCESS && name == "tAbandon") s.abandoned = true;
              return true;
            });
          });
        if (k == "segments")
          return for_each_element(x, "segments", reason, [&](value g) { return parse_segment(g, &s, reason); });
        return true;
      }))
    return false;
  p->sessions.push_back(std::move(s));
  return true;
}

bool parse_conversation(simdjson::ondemand::object obj, Conversation* c, std::string* reason) {
  return for_each_member(obj, "", reason, [&](std::string_view key, value v) {
    if (key == "conversationId") return get_text(v, key, &c->id, reason);
    if (key == "conversationStart") return get_text(v, key, &c->start, reason);
    if (key == "conversationEnd") return get_text(v, key, &c->end, reason);
    if (key == "originatingDirection") return get_text(v, key, &c->direction, reason);
    if (key != "participants") return true;
    return for_each_element(v, "participants", reason, [&](value pv) {
      Participant p;
      if (!for_each_member(pv, "participants[]", reason, [&](std::string_view k, value x) {
            if (k == "purpose") return get_text(x, "purpose", &p.purpose, reason);
            if (k == "participantName") return get_text(x, "participantName", &p.name, reason);
            if (k == "userId") return get_text(x, "userId", &p.user_id, reason);
            if (k == "externalContactId") return get_text(x, "externalContactId", &p.external_contact_id, reason);
            if (k == "sessions")
              return for_each_element(x, "sessions", reason, [&](value s) { return parse_session(s, &p, reason); });
            return true;
          }))
        return false;
      c->participants.push_back(std::move(p));
      return true;
    });
  });
}

// The channel of a media type; false for media that are no customer contact
// (internal messages, screen monitoring, unknown).
bool media_channel(std::string_view media, std::string_view message_type, Channel* out) {
  if (media == "voice" || media == "callback" || media == "video") *out = Channel::phone;
  else if (media == "chat") *out = Channel::chat;
  else if (media == "message")
    *out = message_type == "facebook" || message_type == "twitter" || message_type == "instagram" ? Channel::social
                                                                                                 : Channel::chat;
  else if (media == "email") *out = Channel::email;
  else if (media == "cobrowse" || media == "screenshare") *out = Channel::cobrowse;
  else return false;
  return true;
}

bool is_transfer(std::string_view d) {
  return d == "transfer" || d == "forwardTransfer" || d == "consultTransfer" || d == "conferenceTransfer";
}

std::string_view strip_scheme(std::string_view s) {
  return s.substr(0, 4) == "tel:" ? s.substr(4) : s;
}

class GenesysReader : public FormatReader {
 public:
  bool read(const std::string& path, const std::string& name, IngestSink& sink, std::string* err) override {
    std::string text;
    if (!read_all(path, &text, err)) return false;
    Deduplicator dedup;
    split_json_records(text, {"conversations"}, sink, [&](const JsonRecord& rec) { record(rec, name, sink, dedup); });
    dedup.flush(sink);
    return true;
  }

 private:
  void record(const JsonRecord& rec, const std::string& name, IngestSink& sink, Deduplicator& dedup) {
    simdjson::ondemand::object obj;
    if (!parser_.open(rec, sink, &obj)) return;
    Conversation c;
    std::string reason;
    std::vector<OutRecord> out;
    Micros rank = kNoTime;
    if (!parse_conversation(obj, &c, &reason) || !build(c, &out, &rank, &reason)) {
      sink.reject(rec.line, rec.text, reason);
      return;
    }
    for (OutRecord& r : out) {
      r.src_file = name;
      r.src_line = rec.line;
      std::string key = r.id;
      dedup.add(std::move(key), rank, std::move(r), sink);
    }
  }

  static bool build(const Conversation& c, std::vector<OutRecord>* out, Micros* rank, std::string* reason) {
    if (c.id.empty()) {
      *reason = "conversationId is missing; is this a Genesys Cloud conversation detail? (the export of "
                "/api/v2/analytics/conversations/details/query or of a details job)";
      return false;
    }
    Micros conv_start, conv_end;
    if (!json_time("conversationStart", c.start, &conv_start, reason) ||
        !json_time("conversationEnd", c.end, &conv_end, reason))
      return false;
    *rank = conv_end;
    // The media of the conversation, in order of appearance.
    std::vector<std::string_view> media;
    for (const Participant& p : c.participants)
      for (const Session& s : p.sessions) {
        Channel ch;
        if (media_channel(s.media, s.message_type, &ch) && std::find(media.begin(), media.end(), s.media) == media.end())
          media.push_back(s.media);
      }
    if (media.empty()) {
      *reason = "no session of a customer medium (voice, callback, chat, message, email, cobrowse); nothing to count "
                "as a contact, leave it out of the export";
      return false;
    }
    for (std::string_view m : media) {
      OutRecord r;
      if (!build_media(c, m, media.size() > 1, conv_start, conv_end, &r, reason)) return false;
      out->push_back(std::move(r));
    }
    return true;
  }

  static bool build_media(const Conversation& c, std::string_view m, bool several, Micros conv_start, Micros conv_end,
                          OutRecord* r, std::string* reason) {
    r->id = several ? fmt::format("{}:{}", c.id, m) : std::string(c.id);
    Micros first = kNoTime, last = kNoTime, answered = kNoTime;
    const Segment* last_agent = nullptr;
    const Participant* agent = nullptr;
    const Participant* customer = nullptr;
    const Session* customer_session = nullptr;
    const Session* system_session = nullptr;  // ivr or acd: the direction the platform saw
    bool agents = false, ivr = false, acd = false, abandon_metric = false;
    std::string_view message_type, queue_id, wrapup, ivr_name;
    for (const Participant& p : c.participants) {
      for (const Session& s : p.sessions) {
        if (s.media != m) continue;
        message_type = s.message_type;
        const bool is_agent = p.purpose == "agent";
        agents |= is_agent;
        if (p.purpose == "ivr") {
          ivr = true;
          if (ivr_name.empty()) ivr_name = p.name;
        }
        if (p.purpose == "acd") {
          acd = true;
          if (r->queue.empty()) r->queue = p.name;
        }
        if ((p.purpose == "ivr" || p.purpose == "acd") && system_session == nullptr) system_session = &s;
        if ((p.purpose == "customer" || p.purpose == "external") && customer == nullptr) {
          customer = &p;
          customer_session = &s;
        }
        abandon_metric |= s.abandoned;
        for (const Segment& g : s.segments) {
          if (g.start != kNoTime && (first == kNoTime || g.start < first)) first = g.start;
          if (g.end != kNoTime && (last == kNoTime || g.end > last)) last = g.end;
          if (queue_id.empty()) queue_id = g.queue_id;
          if (!g.wrapup.empty()) wrapup = g.wrapup;
          if (!is_agent || g.type != "interact") continue;
          if (g.start != kNoTime && (answered == kNoTime || g.start < answered)) {
            answered = g.start;
            agent = &p;
          }
          if (last_agent == nullptr || g.end > last_agent->end) last_agent = &g;
        }
      }
    }
    // One medium: the conversation's own times; several: each its segments'.
    r->start = !several && conv_start != kNoTime ? conv_start : first != kNoTime ? first : conv_start;
    r->end = !several && conv_end != kNoTime ? conv_end : last != kNoTime ? last : conv_end;
    if (r->start == kNoTime) {
      *reason = "conversationStart is missing and no segment has a segmentStart; the contact cannot be placed in time";
      return false;
    }
    if (r->end != kNoTime && r->end < r->start) {
      *reason = "the conversation ends before it starts; check the export";
      return false;
    }
    if (answered != kNoTime && answered < r->start) {
      *reason = "an agent answered before the conversation started; check the export";
      return false;
    }
    r->answered = answered;
    media_channel(m, message_type, &r->channel);
    if (m == "voice" && !agents && !acd && ivr) r->channel = Channel::ivr;
    if (m == "callback") {
      r->direction = Direction::out;  // the agency calls back, whoever started the conversation
    } else if (!c.direction.empty()) {
      r->direction = c.direction == "outbound" ? Direction::out : Direction::in;
    } else {
      const Session* s = customer_session != nullptr ? customer_session : system_session;
      r->direction = s != nullptr && s->direction == "outbound" ? Direction::out : Direction::in;
    }
    if (customer != nullptr) {
      const Session& s = *customer_session;
      if (m == "email") {
        r->set_id("email", s.address_from);
      } else if (m == "message" && message_type == "sms") {
        r->set_id("phone", s.address_from);
      } else if (m == "chat" || m == "message") {
        r->set_id("chat", s.address_from);
      }
      if (s.ani.substr(0, 4) == "tel:") r->set_id("phone", strip_scheme(s.ani));
      if (!s.callback_number.empty() && (s.ani.empty() || s.ani.substr(0, 4) != "tel:"))
        r->set_id("phone", s.callback_number);
      r->set_id("genesys", customer->external_contact_id);
      r->set_attr("dnis", strip_scheme(s.dnis));
    }
    if (agent != nullptr) r->agent = !agent->name.empty() ? agent->name : agent->user_id;
    if (r->queue.empty()) r->queue = queue_id;
    if (abandon_metric || (acd && answered == kNoTime)) {
      r->outcome = Outcome::abandoned;
    } else if (last_agent != nullptr && is_transfer(last_agent->disconnect_type)) {
      r->outcome = Outcome::transferred;
    }
    r->set_attr("media_type", m);
    r->set_attr("queue_id", queue_id);
    r->set_attr("ivr", ivr_name);
    r->set_attr("wrapup_code", wrapup);
    return true;
  }

  JsonRecordParser parser_;
};

}  // namespace

std::unique_ptr<FormatReader> make_genesys(const IngestOptions&, std::string*) {
  return std::make_unique<GenesysReader>();
}

}  // namespace parcours
