// Email readers (mbox, eml): one contact per message, channel email.
//
// mbox framing is done here, line by line, rather than by GMime's mbox mode:
// GMime splits on every line starting with "From ", so an unescaped body line
// of an mboxo file ("From Russia with love") would start a phantom message,
// and it does not skip a UTF-8 byte-order mark before the first separator. A
// "From " line separates messages only when it looks like a postmark (sender
// "-", or a time in its tail) and the next line looks like a header. Each
// message's header block is then handed to GMime, which owns everything MIME:
// RFC 2047 words (loose mode, for encoded words inside quotes), charsets,
// address lists, references and dates. The file is read in chunks and only
// the current message is held, so mbox files of any size stream.
#include <fcntl.h>
#include <gmime/gmime.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <date/tz.h>

#include "core/diag.h"
#include "core/formats/format.h"

namespace parcours {

namespace {

void init_gmime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

struct GUnref {
  void operator()(void* p) const {
    if (p != nullptr) g_object_unref(p);
  }
};
template <class T>
using GPtr = std::unique_ptr<T, GUnref>;

struct OptionsFree {
  void operator()(GMimeParserOptions* p) const { g_mime_parser_options_free(p); }
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower_str(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// The line without its "\n" or "\r\n".
std::string_view chomp(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// A header field starts with a name of printable ASCII other than ':' and
// a colon (obsolete syntax allows blanks before the colon).
bool looks_like_header(std::string_view line) {
  line = chomp(line);
  size_t i = 0;
  while (i < line.size() && line[i] > ' ' && line[i] < 127 && line[i] != ':') ++i;
  if (i == 0) return false;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return i < line.size() && line[i] == ':';
}

// The sender and date after "From " on a separator line.
void split_postmark(std::string_view line, std::string_view* sender, std::string_view* tail) {
  line = trim(chomp(line).substr(5));
  size_t i = 0;
  while (i < line.size() && !is_space(line[i])) ++i;
  *sender = line.substr(0, i);
  *tail = trim(line.substr(i));
}

// Real separators carry "-" (Thunderbird) or a sender and a date with a
// time in it (classic, Gmail Takeout): prose after "From " does not.
bool looks_like_postmark(std::string_view line) {
  std::string_view sender, tail;
  split_postmark(line, &sender, &tail);
  if (sender.empty()) return false;
  if (sender == "-") return true;
  if (tail.empty()) return sender.find('@') != std::string_view::npos;
  for (size_t i = 0; i + 3 < tail.size(); ++i)
    if (is_digit(tail[i]) && tail[i + 1] == ':' && is_digit(tail[i + 2]) && is_digit(tail[i + 3])) return true;
  return false;
}

bool starts_with_from(std::string_view line) { return line.substr(0, 5) == "From "; }

constexpr std::string_view kBom = "\xEF\xBB\xBF";

enum class DateKind { zoned, military, local, local_dst };

const char* const kZoneNames[] = {"UT", "UTC", "GMT", "Z", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT"};

// Parses an RFC 5322 date in any of the forms mailers write. GMime does the
// parsing; this decides what its zone means, because GMime reads a missing
// or unknown zone name ("CET") as UTC, which would relabel a local time.
// Such dates are read in `tz` instead (SPEC §2). RFC 5322 §4.3 says military
// letters other than Z carry no information (RFC 822 got their signs
// wrong): they are read as -0000.
bool parse_mail_date(std::string_view value, const date::time_zone* tz, Micros* out, DateKind* kind) {
  std::string text;
  int depth = 0;
  for (char c : value) {  // comments "(CET)" go; GMime would skip them too
    if (c == '(') ++depth;
    else if (c == ')' && depth > 0) --depth;
    else if (depth == 0) text += is_space(c) ? ' ' : c;
  }
  *kind = DateKind::local;
  std::string rewritten;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != ',') ++j;
    std::string tok = text.substr(i, j - i);
    if (tok.size() == 5 && (tok[0] == '+' || tok[0] == '-') && is_digit(tok[1]) && is_digit(tok[2]) &&
        is_digit(tok[3]) && is_digit(tok[4])) {
      *kind = DateKind::zoned;
    } else if (tok.size() == 6 && (tok[0] == '+' || tok[0] == '-') && is_digit(tok[1]) && is_digit(tok[2]) &&
               tok[3] == ':' && is_digit(tok[4]) && is_digit(tok[5])) {
      tok.erase(3, 1);  // "+02:00": GMime would drop it and say UTC
      *kind = DateKind::zoned;
    } else if (tok.size() == 1 && is_alpha(tok[0]) && lower(tok[0]) != 'z' && !rewritten.empty()) {
      tok = "-0000";
      if (*kind != DateKind::zoned) *kind = DateKind::military;
    } else {
      for (const char* name : kZoneNames)
        if (iequal(tok, name)) *kind = DateKind::zoned;
    }
    rewritten += tok;
    if (j < text.size()) rewritten += text[j];
    i = j + 1;
  }
  // GMime reads a date without a time of day ("4 mars 2026 11 h 20") as
  // midnight: a start hours off is worse than falling back or rejecting.
  bool has_time = false;
  for (size_t k = 0; k + 3 < rewritten.size(); ++k)
    if (is_digit(rewritten[k]) && rewritten[k + 1] == ':' && is_digit(rewritten[k + 2]) && is_digit(rewritten[k + 3]))
      has_time = true;
  if (!has_time) return false;
  GDateTime* d = g_mime_utils_header_decode_date(rewritten.c_str());
  if (d == nullptr) return false;
  if (*kind != DateKind::local) {
    *out = static_cast<Micros>(g_date_time_to_unix(d)) * kMicrosPerSecond;
    g_date_time_unref(d);
    return true;
  }
  using namespace std::chrono;
  const date::local_seconds local =
      date::local_days{date::year{g_date_time_get_year(d)} / g_date_time_get_month(d) / g_date_time_get_day_of_month(d)} +
      hours{g_date_time_get_hour(d)} + minutes{g_date_time_get_minute(d)} + seconds{g_date_time_get_second(d)};
  g_date_time_unref(d);
  if (tz->get_info(local).result != date::local_info::unique) *kind = DateKind::local_dst;
  *out = duration_cast<seconds>(tz->to_sys(local, date::choose::earliest).time_since_epoch()).count() *
         kMicrosPerSecond;
  return true;
}

// The addr-specs of a list, groups flattened, in order.
void addresses(InternetAddressList* list, std::vector<std::string>* out) {
  if (list == nullptr) return;
  const int n = internet_address_list_length(list);
  for (int i = 0; i < n; ++i) {
    InternetAddress* a = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_GROUP(a)) {
      addresses(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)), out);
    } else if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
      const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
      std::string_view v = trim(addr != nullptr ? addr : "");
      if (!v.empty()) out->push_back(to_utf8(v));
    }
  }
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

class MailReader : public FormatReader {
 public:
  MailReader(bool mbox, const IngestOptions& options, const date::time_zone* tz, const date::time_zone* utc)
      : mbox_(mbox), tz_(tz), utc_(utc) {
    for (const std::string& o : options.ours) {
      std::string_view rest = o;
      while (!rest.empty()) {  // "--ours a.ca,b.ca" is read as two domains
        const size_t comma = rest.find(',');
        std::string_view d = trim(rest.substr(0, comma));
        while (!d.empty() && (d.front() == '@' || d.front() == '.')) d.remove_prefix(1);
        while (!d.empty() && d.back() == '.') d.remove_suffix(1);
        if (!d.empty()) ours_.push_back(lower_str(d));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      }
    }
    options_.reset(g_mime_parser_options_new());
    g_mime_parser_options_set_rfc2047_compliance_mode(options_.get(), GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_address_compliance_mode(options_.get(), GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_allow_addresses_without_domain(options_.get(), TRUE);
    // Undeclared 8-bit header bytes: UTF-8 when they are, else Windows-1252,
    // the same reading as to_utf8.
    static const char* kCharsets[] = {"UTF-8", "windows-1252", nullptr};
    g_mime_parser_options_set_fallback_charsets(options_.get(), kCharsets);
  }

  bool read(const std::string& path, const std::string& name, IngestSink& sink, std::string* err) override {
    name_ = name;
    return mbox_ ? read_mbox(path, sink, err) : read_eml(path, sink, err);
  }

 private:
  bool read_eml(const std::string& path, IngestSink& sink, std::string* err) {
    std::string text;
    if (!read_all(path, &text, err)) return false;
    std::string_view raw = text;
    if (raw.substr(0, kBom.size()) == kBom) raw.remove_prefix(kBom.size());
    if (trim(raw).empty()) {
      sink.reject(1, text, "empty file, not an email message; remove it from the operands");
      return true;
    }
    // A message saved from an mbox may keep its "From " line.
    size_t sep = 0;
    if (starts_with_from(raw)) {
      const size_t nl = raw.find('\n');
      if (nl != std::string_view::npos && looks_like_header(raw.substr(nl + 1))) sep = nl + 1;
    }
    message(raw, sep, 1, sink);
    return true;
  }

  bool read_mbox(const std::string& path, IngestSink& sink, std::string* err) {
    const int fd = path == "-" ? 0 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      *err = fmt_errno("cannot open", errno);
      return false;
    }
    std::string buf, msg, cand;
    size_t pos = 0, sep_len = 0;
    int64_t lineno = 0, msg_line = 0, cand_line = 0;
    bool eof = false, have_cand = false;
    auto flush = [&] {
      if (msg_line > 0) {
        message(msg, sep_len, msg_line, sink);
      } else if (!trim(msg).empty()) {
        sink.reject(1, msg,
                    "text before the first 'From ' line belongs to no message; if the file is one message, "
                    "read it with --format eml");
      }
      msg.clear();
    };
    for (;;) {
      size_t nl = buf.find('\n', pos);
      while (nl == std::string::npos && !eof) {
        buf.erase(0, pos);
        pos = 0;
        const size_t old = buf.size();
        buf.resize(old + (1 << 16));
        ssize_t n;
        do n = ::read(fd, buf.data() + old, 1 << 16);
        while (n < 0 && errno == EINTR);
        if (n < 0) {
          *err = errno == EISDIR ? "is a directory; name the files inside it" : fmt_errno("read error", errno);
          if (fd != 0) ::close(fd);
          return false;
        }
        buf.resize(old + static_cast<size_t>(n));
        if (n == 0) eof = true;
        nl = buf.find('\n', old);
      }
      if (pos >= buf.size()) break;
      const size_t end = nl == std::string::npos ? buf.size() : nl + 1;
      std::string_view line(buf.data() + pos, end - pos);
      pos = end;
      if (++lineno == 1 && line.substr(0, kBom.size()) == kBom) line.remove_prefix(kBom.size());
      if (have_cand) {
        have_cand = false;
        if (looks_like_header(line)) {
          flush();
          msg = cand;
          msg_line = cand_line;
          sep_len = cand.size();
          msg += line;
          continue;
        }
        msg += cand;
      }
      if (starts_with_from(line)) {
        if (lineno == 1) {
          msg_line = 1;
          sep_len = line.size();
          msg.assign(line);
          continue;
        }
        if (looks_like_postmark(line)) {
          cand.assign(line);
          cand_line = lineno;
          have_cand = true;
          continue;
        }
      }
      msg += line;
    }
    if (fd != 0) ::close(fd);
    if (have_cand) msg += cand;
    flush();
    return true;
  }

  // The id of a message without Message-ID: the first 16 hex digits of the
  // SHA-256 of the message as an .eml file would hold it (LF line ends,
  // mboxrd quoting undone, trailing empty lines dropped), so the same message
  // gets the same id from a CRLF .eml, an mboxo or an mboxrd file.
  std::string content_id(std::string_view text) const {
    std::string norm;
    norm.reserve(text.size());
    while (!text.empty()) {
      const size_t nl = text.find('\n');
      std::string_view line = chomp(text.substr(0, nl));
      text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
      if (mbox_ && !line.empty() && line[0] == '>') {
        size_t k = 0;
        while (k < line.size() && line[k] == '>') ++k;
        if (line.substr(k, 5) == "From ") line.remove_prefix(1);
      }
      norm += line;
      norm += '\n';
    }
    while (norm.size() >= 2 && norm[norm.size() - 1] == '\n' && norm[norm.size() - 2] == '\n') norm.pop_back();
    if (norm == "\n") norm.clear();
    gchar* hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, reinterpret_cast<const guchar*>(norm.data()),
                                              norm.size());
    std::string id = "sha256:" + std::string(hex, 16);
    g_free(hex);
    return id;
  }

  bool is_ours(std::string_view addr) const {
    const size_t at = addr.rfind('@');
    if (at == std::string_view::npos) return false;
    std::string domain = lower_str(addr.substr(at + 1));
    while (!domain.empty() && domain.back() == '.') domain.pop_back();
    for (const std::string& o : ours_) {
      if (domain == o) return true;
      if (domain.size() > o.size() && domain.compare(domain.size() - o.size(), o.size(), o) == 0 &&
          domain[domain.size() - o.size() - 1] == '.')
        return true;
    }
    return false;
  }

  std::string decoded_header(GMimeObject* obj, const char* name) const {
    const char* v = g_mime_object_get_header(obj, name);
    if (v == nullptr) return {};
    char* d = g_mime_utils_header_decode_text(options_.get(), v);
    std::string out = to_utf8(trim(d != nullptr ? d : v));
    g_free(d);
    return out;
  }

  // One message: `raw` from its separator line (sep bytes long, 0 for none)
  // to the end, starting on line `line`.
  void message(std::string_view raw, size_t sep, int64_t line, IngestSink& sink) {
    const std::string_view separator = raw.substr(0, sep);
    const std::string_view text = raw.substr(sep);
    // Only the header block goes to GMime: the body carries nothing a
    // contact needs, and parsing attachments would cost most of the time.
    std::string head;
    for (std::string_view rest = text; !rest.empty();) {
      const size_t nl = rest.find('\n');
      const std::string_view l = chomp(rest.substr(0, nl));
      if (l.empty()) break;
      head += l;
      head += '\n';
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
    head += '\n';
    bool repaired = false;
    to_utf8(head, &repaired);
    GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(head.data(), head.size()));
    GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
    GPtr<GMimeMessage> msg(g_mime_parser_construct_message(parser.get(), options_.get()));
    GMimeObject* obj = GMIME_OBJECT(msg.get());
    if (msg == nullptr || g_mime_header_list_get_count(g_mime_object_get_header_list(obj)) == 0) {
      sink.reject(line, raw, "not an email message: it does not start with header lines; remove it or fix its headers");
      return;
    }

    OutRecord r;
    r.channel = Channel::email;
    r.src_file = name_;
    r.src_line = line;

    Micros start = kNoTime;
    DateKind kind = DateKind::zoned;
    const char* date_value = g_mime_object_get_header(obj, "Date");
    const std::string date_text(trim(date_value != nullptr ? date_value : ""));
    if (date_text.empty() || !parse_mail_date(date_text, tz_, &start, &kind)) {
      std::string_view sender, tail;
      if (!separator.empty()) split_postmark(separator, &sender, &tail);
      // RFC 4155: the postmark's date is UTC when it names no zone.
      if (tail.empty() || !parse_mail_date(tail, utc_, &start, &kind)) {
        sink.reject(line, raw,
                    date_text.empty()
                        ? "no Date header and no date on a 'From ' line; add a Date header or drop the message"
                        : "unreadable Date '" + to_utf8(date_text) +
                              "' and no date on a 'From ' line; write it as in RFC 5322 "
                              "('Tue, 3 Mar 2026 09:15:00 -0500')");
        return;
      }
      sink.note(date_text.empty() ? "messages without Date (start from their 'From ' line)"
                                  : "messages with an unreadable Date (start from their 'From ' line)");
      kind = DateKind::zoned;
    }
    if (kind == DateKind::local) sink.note("dates without a time zone (read in --tz)");
    if (kind == DateKind::local_dst) sink.note("dates without a time zone in a daylight-saving change of --tz (earlier reading)");
    if (kind == DateKind::military) sink.note("dates with a military zone letter (read as UTC, RFC 5322)");
    r.start = start;

    const char* mid = g_mime_message_get_message_id(msg.get());
    const std::string_view mid_v = trim(mid != nullptr ? mid : "");
    if (!mid_v.empty()) {
      r.id = to_utf8(mid_v);
    } else {
      r.id = content_id(text);
      sink.note("messages without Message-ID (id derived from their content)");
    }
    if (repaired) sink.note("messages with header bytes that were not UTF-8 (read as Windows-1252)");

    std::vector<std::string> from, to, cc;
    addresses(g_mime_message_get_from(msg.get()), &from);
    addresses(g_mime_message_get_addresses(msg.get(), GMIME_ADDRESS_TYPE_TO), &to);
    addresses(g_mime_message_get_addresses(msg.get(), GMIME_ADDRESS_TYPE_CC), &cc);
    if (from.empty()) sink.note("messages without a From address (no identifier)");
    if (!from.empty() && is_ours(from[0])) {
      r.direction = Direction::out;
      r.agent = from[0];
      std::string customer;
      for (const auto* list : {&to, &cc})
        for (const std::string& a : *list)
          if (customer.empty() && !is_ours(a)) customer = a;
      if (customer.empty()) sink.note("outbound messages without a recipient outside --ours (no identifier)");
      r.set_id("email", customer);
    } else if (!from.empty()) {
      r.set_id("email", from[0]);
    }

    const char* subject = g_mime_message_get_subject(msg.get());
    r.set_attr("subject", to_utf8(trim(subject != nullptr ? subject : "")));
    r.set_attr("from", join(from));
    r.set_attr("to", join(to));
    r.set_attr("cc", join(cc));
    r.set_attr("list", decoded_header(obj, "List-Id"));
    std::string thread;
    for (const char* h : {"References", "In-Reply-To"}) {
      const char* v = g_mime_object_get_header(obj, h);
      if (!thread.empty() || v == nullptr) continue;
      GMimeReferences* refs = g_mime_references_parse(options_.get(), v);
      if (refs != nullptr) {
        if (g_mime_references_length(refs) > 0) thread = to_utf8(trim(g_mime_references_get_message_id(refs, 0)));
        g_mime_references_free(refs);
      }
    }
    r.set_attr("thread", thread.empty() ? r.id : thread);
    sink.accept(std::move(r));
  }

  bool mbox_;
  const date::time_zone* tz_;
  const date::time_zone* utc_;
  std::vector<std::string> ours_;
  std::unique_ptr<GMimeParserOptions, OptionsFree> options_;
  std::string name_;
};

std::unique_ptr<FormatReader> make_mail(bool mbox, const IngestOptions& options, std::string* err) {
  init_gmime();
  const date::time_zone* tz = nullptr;
  const date::time_zone* utc = nullptr;
  try {
    utc = date::locate_zone("UTC");
    tz = date::locate_zone(options.tz);
  } catch (const std::exception&) {
    *err = "--tz: unknown time zone '" + options.tz + "'; use an Area/City name such as America/Montreal";
    return nullptr;
  }
  return std::make_unique<MailReader>(mbox, options, tz, utc);
}

}  // namespace

std::unique_ptr<FormatReader> make_mbox(const IngestOptions& options, std::string* err) {
  return make_mail(true, options, err);
}
std::unique_ptr<FormatReader> make_eml(const IngestOptions& options, std::string* err) {
  return make_mail(false, options, err);
}

}  // namespace parcours
