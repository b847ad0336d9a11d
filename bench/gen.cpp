// parcours-gen: synthetic canonical contact records (SPEC §2) for benchmarks
// and for samples/.
//
//   parcours-gen --contacts N --seed S [--start 2026-01-05] [--days 90]
//
// Writes exactly N NDJSON records to standard output.
//
// Reproducibility. Benchmarks and sample-based tests quote numbers computed
// from this output, so the same arguments must give the same bytes on any
// machine and with any standard library. Every draw therefore goes through
// the splitmix64 helpers below (std:: distributions are implementation-defined),
// and nothing calls libm (log, exp, pow round differently across platforms):
// only integer arithmetic and exact comparisons against k/2^53.
//
// The model. About N/4 customers each have 1 to 3 démarches (a need about one
// service). A démarche opens at a time drawn from an office-hours profile and
// is a chain of contacts: after each one, the citizen comes back with
// probability ~0.45 (so ~55% of démarches are a single contact), minutes to
// ten days later, often on another channel (web then phone, letter then
// phone). On top of that: unidentified inbound contacts, outbound callbacks
// and letters, call and chat transfers written as two legs sharing a
// `conversation`, and exact re-deliveries of a record later in the file.
//
// Streaming. Output must be roughly chronological, like a real export, yet
// memory must not grow with N. Time is walked one local hour at a time: the
// démarches opening in that hour are created, each as one pending event (its
// next contact) in a min-heap; every event before the end of the hour is then
// final, since anything created later starts later, so it is written, and it
// pushes the démarche's following contact, if any. The heap holds one small
// entry per démarche in progress, not per contact, and each entry carries its
// démarche's random state, so nothing else is remembered. Which customer owns
// a démarche comes from a keyed permutation of the démarche's rank, which
// scatters a customer's démarches over the whole period with no table.

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace {

__extension__ typedef unsigned __int128 u128;  // GCC and Clang; silences -Wpedantic

// ---------------------------------------------------------------------------
// Random numbers

constexpr uint64_t mix64(uint64_t z) {  // the splitmix64 finaliser: a bijection
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// splitmix64. Its whole state is one word, which is what lets every pending
// démarche carry its own stream in the heap for 8 bytes.
struct Rng {
  uint64_t state;

  uint64_t next() { return mix64(state += 0x9e3779b97f4a7c15ULL); }
  // Uniform in [0, n) by multiply-shift; the bias, below n/2^64, is invisible.
  uint64_t below(uint64_t n) { return static_cast<uint64_t>((static_cast<u128>(next()) * n) >> 64); }
  int64_t between(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1)); }
  // k/2^53 is exact in a double, so comparing it with a constant is exact too.
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
  // Roughly log-uniform in [lo, hi] (lo >= 1): a uniform octave, then uniform
  // within it. Durations of waits and delays look like this, and it needs no log().
  int64_t log_uniform(int64_t lo, int64_t hi) {
    int octaves = 0;
    while ((lo << (octaves + 1)) <= hi) ++octaves;
    for (;;) {
      const int64_t base = lo << below(static_cast<uint64_t>(octaves) + 1);
      const int64_t x = base + static_cast<int64_t>(below(static_cast<uint64_t>(base)));
      if (x <= hi) return x;
    }
  }
  // Index drawn with the given integer weights.
  template <size_t K>
  size_t pick(const std::array<uint32_t, K>& w) {
    uint64_t total = 0;
    for (uint32_t x : w) total += x;
    uint64_t r = below(total);
    for (size_t i = 0; i < K; ++i) {
      if (r < w[i]) return i;
      r -= w[i];
    }
    return K - 1;
  }
};

// A keyed bijection of [0, size): a balanced Feistel network on the next even
// number of bits, cycle-walking until the value falls in range (fewer than 4
// rounds of walking on average).
class Permutation {
 public:
  Permutation(uint64_t size, uint64_t key) : size_(size) {
    int bits = 2;
    while ((uint64_t{1} << bits) < size) bits += 2;
    half_ = bits / 2;
    mask_ = (uint64_t{1} << half_) - 1;
    for (size_t i = 0; i < keys_.size(); ++i) keys_[i] = mix64(key + i);
  }
  uint64_t operator()(uint64_t x) const {
    do x = encrypt(x);
    while (x >= size_);
    return x;
  }

 private:
  uint64_t encrypt(uint64_t x) const {
    uint64_t l = x >> half_, r = x & mask_;
    for (uint64_t k : keys_) {
      const uint64_t t = l ^ (mix64(r ^ k) & mask_);
      l = r;
      r = t;
    }
    return (l << half_) | r;
  }
  uint64_t size_;
  int half_;
  uint64_t mask_;
  std::array<uint64_t, 4> keys_;
};

// ---------------------------------------------------------------------------
// Calendar. Times are seconds since the epoch; UTC unless named `local`.

constexpr int64_t kMinute = 60, kHour = 3600, kDay = 86400;

// Howard Hinnant's civil-date algorithms (proleptic Gregorian).
constexpr int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t y;
  unsigned m, d;
};
constexpr Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

constexpr int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// 0 = Monday ... 6 = Sunday. Day 0 (1970-01-01) was a Thursday.
constexpr int weekday(int64_t days) { return static_cast<int>(((days % 7) + 10) % 7); }

// The agencies are in Québec: office hours and the daily rhythm are local
// (America/Toronto rules: UTC-5, UTC-4 from the second Sunday of March 02:00
// to the first Sunday of November 02:00), while records are written in UTC.
// So the hour at which contacts peak shifts by one UTC hour in March, as in
// real exports.
class QuebecTime {
 public:
  int64_t offset(int64_t utc) {
    if (utc < year_begin_ || utc >= year_end_) load_year(civil_from_days(floor_div(utc, kDay)).y);
    return utc >= dst_begin_ && utc < dst_end_ ? -4 * kHour : -5 * kHour;
  }
  int64_t to_local(int64_t utc) { return utc + offset(utc); }
  // A local time in the hour skipped in spring comes out one hour later; the
  // generator only asks about it at night, when nothing is open.
  int64_t to_utc(int64_t local) {
    const int64_t daylight = local + 4 * kHour;
    return offset(daylight) == -4 * kHour ? daylight : local + 5 * kHour;
  }

 private:
  static int64_t nth_sunday(int64_t y, unsigned m, int n) {
    const int64_t first = days_from_civil(y, m, 1);
    return first + (6 - weekday(first)) + 7 * (n - 1);
  }
  void load_year(int64_t y) {
    year_begin_ = days_from_civil(y, 1, 1) * kDay;
    year_end_ = days_from_civil(y + 1, 1, 1) * kDay;
    dst_begin_ = nth_sunday(y, 3, 2) * kDay + 7 * kHour;  // 02:00 EST
    dst_end_ = nth_sunday(y, 11, 1) * kDay + 6 * kHour;   // 02:00 EDT
  }
  int64_t year_begin_ = 0, year_end_ = 0, dst_begin_ = 0, dst_end_ = 0;
};

// Offices, call centres and the mailroom work Monday to Friday, 08:00-17:00.
constexpr int64_t kOpen = 8 * kHour, kClose = 17 * kHour;

bool is_open(int64_t local) {
  const int64_t day = floor_div(local, kDay), sec = local - day * kDay;
  return weekday(day) < 5 && sec >= kOpen && sec < kClose;
}

// Someone who wanted to call on Saturday calls on Monday morning: the next
// opening plus a spread, which makes the morning peak real exports show.
int64_t next_opening(int64_t local, Rng& rng) {
  if (is_open(local)) return local;
  int64_t day = floor_div(local, kDay);
  if (local - day * kDay >= kOpen) ++day;
  while (weekday(day) >= 5) ++day;
  return day * kDay + kOpen + rng.between(0, 3 * kHour);
}

// Relative number of démarches opening in each local hour. Weekday evenings
// and weekends still see web, email and IVR traffic.
constexpr std::array<uint32_t, 24> kWeekdayHours = {1, 1, 1, 1, 1, 2, 4, 12, 40, 60, 62, 56,
                                                    42, 52, 55, 50, 40, 22, 15, 13, 12, 9, 5, 2};
constexpr std::array<uint32_t, 24> kWeekendHours = {1, 1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8,
                                                    7, 7, 7, 7, 6, 6, 6, 6, 5, 4, 3, 2};
constexpr std::array<uint32_t, 7> kWeekdayPercent = {115, 105, 100, 100, 85, 100, 100};

uint64_t hour_weight(int64_t local_hour) {
  const int64_t day = floor_div(local_hour, 24);
  const int wd = weekday(day);
  const auto& hours = wd < 5 ? kWeekdayHours : kWeekendHours;
  return uint64_t{hours[static_cast<size_t>(local_hour - day * 24)]} * kWeekdayPercent[static_cast<size_t>(wd)];
}

// ---------------------------------------------------------------------------
// Domain tables. Every string here is plain ASCII without quotes or
// backslashes, so records are written without JSON escaping.

enum Channel : uint8_t { phone, ivr, chat, email, mail, fax, counter, web, social, cobrowse, kChannels };

constexpr std::array<std::string_view, kChannels> kChannelName = {
    "phone", "ivr", "chat", "email", "mail", "fax", "counter", "web", "social", "cobrowse"};
// Contact ids look like each source system's: a letter and a zero-padded
// sequence (G for guichet, N for navigation assistée).
constexpr std::array<char, kChannels> kIdPrefix = {'P', 'R', 'C', 'E', 'M', 'F', 'G', 'W', 'S', 'N'};

// Channel of the contact that opens a démarche. Phone is under-weighted here
// because follow-ups lean to it; the resulting mix of all contacts is close to
// phone 40%, web 15%, email 12%, IVR 10%, chat 8%, counter 6%, mail 5%,
// social 2%, fax 1%, cobrowse 1%.
constexpr std::array<uint32_t, kChannels> kOpenerMix = {300, 130, 110, 130, 48, 12, 85, 170, 25, 14};
// Opener when the office is closed and the citizen does not wait for it.
constexpr std::array<uint32_t, kChannels> kAfterHoursMix = {0, 25, 0, 30, 0, 2, 0, 55, 8, 0};

// Channels whose contacts only start while offices are open. Mail counts:
// `start` is when the mailroom received it.
constexpr bool office_only(Channel c) {
  return c == phone || c == chat || c == counter || c == cobrowse || c == mail;
}

constexpr std::array<std::string_view, 8> kServices = {
    "credit-impot", "allocations-familiales", "permis-conduire", "assurance-maladie",
    "passeport",    "aide-sociale",           "etat-civil",      "stationnement"};
constexpr std::array<uint32_t, 8> kServiceMix = {20, 15, 14, 16, 10, 10, 8, 7};

constexpr std::array<std::string_view, 9> kReasons = {
    "information", "statut-dossier", "documents", "paiement", "changement-adresse",
    "plainte",     "rendez-vous",    "formulaire", "admissibilite"};
constexpr std::array<uint32_t, 9> kReasonMix = {25, 22, 14, 10, 8, 4, 7, 6, 4};

// Québec area codes; the counter office serving each.
constexpr std::array<int, 11> kAreaCodes = {418, 514, 450, 819, 438, 581, 579, 367, 873, 354, 263};
constexpr std::array<std::string_view, 11> kOffices = {
    "bureau-quebec", "bureau-montreal", "bureau-laval",    "bureau-gatineau", "bureau-montreal", "bureau-quebec",
    "bureau-laval",  "bureau-quebec",   "bureau-gatineau", "bureau-laval",    "bureau-montreal"};

constexpr std::array<std::string_view, 32> kFirstNames = {
    "marie",   "jean",     "louis",    "sophie",   "nathalie", "pierre",  "francois", "isabelle",
    "michel",  "julie",    "luc",      "catherine", "andre",   "genevieve", "martin", "chantal",
    "olivier", "emilie",   "mathieu",  "melanie",  "alexandre", "camille", "gabriel", "lea",
    "samuel",  "chloe",    "william",  "rosalie",  "amina",    "mohamed", "nguyen",  "sarah"};
constexpr std::array<std::string_view, 32> kLastNames = {
    "tremblay", "gagnon",   "roy",      "cote",     "bouchard", "gauthier", "morin",   "lavoie",
    "fortin",   "gagne",    "ouellet",  "pelletier", "belanger", "levesque", "bergeron", "leblanc",
    "paquette", "girard",   "simard",   "boucher",  "caron",    "beaulieu", "cloutier", "dube",
    "poirier",  "fournier", "lapointe", "leclerc",  "lefebvre", "poulin",   "thibault", "st-pierre"};
// Reserved for documentation and testing (RFC 2606, RFC 6761): no real mailbox.
constexpr std::array<std::string_view, 4> kMailDomains = {"example.com", "example.org", "example.net",
                                                          "courriel.test"};

enum Outcome : uint8_t { kNoOutcome, resolved, unresolved, abandoned, transferred };
constexpr std::array<std::string_view, 5> kOutcomeName = {"", "resolved", "unresolved", "abandoned",
                                                          "transferred"};

// ---------------------------------------------------------------------------
// Customers. Everything about customer c is a function of (seed, c), so a
// customer keeps the same identifiers in every contact without a table.

class Customers {
 public:
  explicit Customers(uint64_t seed)
      : key_(mix64(seed ^ 0x637573746f6d6572ULL)),
        numbers_(kPlainNumbers, key_ + 1),
        files_(10'000'000, key_ + 2),
        keys_(100'000'000, key_ + 3) {
    // Exchanges a phone number may use beyond 555: 200-999 without N11 codes.
    for (int e = 200; e < 1000; ++e)
      if (e != 555 && e % 100 != 11) exchanges_.push_back(e);
  }

  // Known to the sources' CRM: some records carry the customer key.
  bool has_key(uint64_t c) const { return (traits(c) & 0xff) < 102; }  // 40%
  bool english(uint64_t c) const { return ((traits(c) >> 8) & 0xff) < 38; }  // 15%
  // Where the customer lives, hence which office they visit.
  size_t area(uint64_t c) const { return (c < kPlainNumbers ? numbers_(c) : c) % kAreaCodes.size(); }

  // E.164. The first 110,000 customers get 555 numbers, which are never
  // assigned to anyone, so small files such as samples/ hold no real number;
  // beyond that the exchange varies too, to keep numbers unique (up to 86
  // million customers; past that some would share a line).
  void phone(fmt::memory_buffer& out, uint64_t c) const {
    const uint64_t q = c < kPlainNumbers ? numbers_(c) : c;
    const uint64_t rest = q / kAreaCodes.size();
    const uint64_t block = rest / 10000;
    const int exchange = block == 0 ? 555 : exchanges_[(block - 1) % exchanges_.size()];
    fmt::format_to(std::back_inserter(out), "+1{}{}{:04}", kAreaCodes[q % kAreaCodes.size()], exchange,
                   rest % 10000);
  }
  void email(fmt::memory_buffer& out, uint64_t c) const {
    const uint64_t t = traits(c);
    const auto first = kFirstNames[(t >> 16) % kFirstNames.size()];
    const auto last = kLastNames[(t >> 24) % kLastNames.size()];
    const auto domain = kMailDomains[(t >> 32) % kMailDomains.size()];
    auto it = std::back_inserter(out);
    // The customer index makes the address unique whatever the names.
    switch ((t >> 40) % 3) {
      case 0: fmt::format_to(it, "{}.{}{}@{}", first, last, c, domain); break;
      case 1: fmt::format_to(it, "{}{}{}@{}", first[0], last, c, domain); break;
      default: fmt::format_to(it, "{}.{}{}@{}", last, first, c, domain); break;
    }
  }
  // File numbers are 7 digits, zero-padded, scattered by a permutation so
  // that two customers never share one; past 10^7 customers they grow to 8
  // digits, which cannot collide with the 7-digit ones.
  void client(fmt::memory_buffer& out, uint64_t c) const {
    if (c < 10'000'000)
      fmt::format_to(std::back_inserter(out), "{:07}", files_(c));
    else
      fmt::format_to(std::back_inserter(out), "{}", c);
  }
  // A chat account: 40 bits through an xorshift-multiply bijection.
  void chat(fmt::memory_buffer& out, uint64_t c) const {
    constexpr uint64_t m = (uint64_t{1} << 40) - 1;
    uint64_t x = (c ^ key_) & m;
    x ^= x >> 21;
    x = (x * 0x9e3779b97fULL) & m;
    x ^= x >> 19;
    fmt::format_to(std::back_inserter(out), "v{:010x}", x);
  }
  void key(fmt::memory_buffer& out, uint64_t c) const {
    if (c < 100'000'000)
      fmt::format_to(std::back_inserter(out), "C{:08}", keys_(c));
    else
      fmt::format_to(std::back_inserter(out), "C{}", c);
  }

 private:
  static constexpr uint64_t kPlainNumbers = 10000 * kAreaCodes.size();
  uint64_t traits(uint64_t c) const { return mix64(c ^ key_); }
  uint64_t key_;
  Permutation numbers_, files_, keys_;
  std::vector<int> exchanges_;
};

// Démarche ranks to owners. Customers come in groups of 8 owning 17 démarches
// between them (1, 1, 2, 2, 2, 3, 3, 3): every customer has 1 to 3, 2.125 on
// average. Rank k (the order of opening) goes to slot perm(k), and slot s to
// the customer below, so a customer's démarches land anywhere in the period.
class Owners {
 public:
  Owners(uint64_t demarches, uint64_t seed)
      : groups_((demarches + 16) / 17), demarches_(demarches),
        perm_(std::max<uint64_t>(groups_ * 17, 1), mix64(seed ^ 0x6f776e657273ULL)), seed_(seed) {}
  uint64_t customers() const { return groups_ * 8; }
  uint64_t operator()(uint64_t k) const {
    static constexpr std::array<uint8_t, 17> kSlotOwner = {0, 1, 2, 2, 3, 3, 4, 4, 5, 5, 5, 6, 6, 6, 7, 7, 7};
    // Past the planned number (a run that needs more démarches than expected
    // to reach N records), any existing customer comes back.
    if (k >= demarches_) return Rng{mix64(seed_ ^ k)}.below(std::max<uint64_t>(customers(), 1));
    const uint64_t s = perm_(k);
    return s / 17 * 8 + kSlotOwner[s % 17];
  }

 private:
  uint64_t groups_, demarches_;
  Permutation perm_;
  uint64_t seed_;
};

// ---------------------------------------------------------------------------
// Output. Records are built in one large buffer and written in blocks.

class Output {
 public:
  Output() { buf.reserve(kFlushAt + (64 << 10)); }
  ~Output() { flush(); }
  void maybe_flush() {
    if (buf.size() >= kFlushAt) flush();
  }
  void flush() {
    if (buf.size() == 0) return;
    if (std::fwrite(buf.data(), 1, buf.size(), stdout) != buf.size() || std::fflush(stdout) != 0) fail();
    buf.clear();
  }
  // The reader went away (`parcours-gen ... | head`): that is how a pipeline
  // says it has enough, not an error.
  [[noreturn]] static void fail() {
    if (errno == EPIPE) std::_Exit(0);
    std::fprintf(stderr, "parcours-gen: cannot write output: %s\n", std::strerror(errno));
    std::_Exit(1);
  }

  fmt::memory_buffer buf;

 private:
  static constexpr size_t kFlushAt = 4 << 20;
};

void put(fmt::memory_buffer& out, std::string_view s) { out.append(s.data(), s.data() + s.size()); }

// `YYYY-MM-DDTHH:MM:SSZ`, by hand: it is a third of every record.
void put_time(fmt::memory_buffer& out, int64_t t) {
  const int64_t days = floor_div(t, kDay);
  int64_t sec = t - days * kDay;
  const Civil c = civil_from_days(days);
  char s[20];
  auto two = [&](char* p, int64_t v) {
    p[0] = static_cast<char>('0' + v / 10);
    p[1] = static_cast<char>('0' + v % 10);
  };
  const int64_t y = c.y;
  s[0] = static_cast<char>('0' + y / 1000 % 10);
  s[1] = static_cast<char>('0' + y / 100 % 10);
  two(s + 2, y % 100);
  s[4] = '-';
  two(s + 5, c.m);
  s[7] = '-';
  two(s + 8, c.d);
  s[10] = 'T';
  two(s + 11, sec / kHour);
  s[13] = ':';
  sec %= kHour;
  two(s + 14, sec / kMinute);
  s[16] = ':';
  two(s + 17, sec % kMinute);
  s[19] = 'Z';
  out.append(s, s + 20);
}

// A channel's n-th id: its letter and a number ("E00000001"), or a
// version-4 UUID made from both, as phone switches and contact-centre
// platforms name calls and conversations.
void put_id(fmt::memory_buffer& out, Channel ch, uint64_t n, bool uuid) {
  if (!uuid) {
    fmt::format_to(std::back_inserter(out), "{}{:08}", kIdPrefix[ch], n);
    return;
  }
  const uint64_t a = mix64(uint64_t{ch} << 56 ^ n ^ 0x75756964ULL), b = mix64(a ^ 0x9e3779b97f4a7c15ULL);
  fmt::format_to(std::back_inserter(out), "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}", a >> 32, (a >> 16) & 0xffff,
                 a & 0xfff, 8 | (b >> 62), (b >> 48) & 0xfff, b & 0xffffffffffffULL);
}

// ---------------------------------------------------------------------------
// The generator.

// A démarche waiting for its next contact. It is kept small (40 bytes) since
// the heap holds one per démarche in progress.
struct Pending {
  int64_t at;             // start of the contact (UTC): the heap order
  uint64_t demarche;      // rank: identifies the démarche, breaks ties
  uint64_t rng;           // the démarche's random stream from here on
  uint32_t customer;
  uint32_t conversation;  // second leg of a transfer: the first leg's sequence number
  uint8_t step;           // contacts of the démarche written before this one
  Channel channel;
  uint8_t flags;
};
constexpr uint8_t kOutbound = 1, kSecondLeg = 2, kLegAnonymous = 4, kLegMoreAfter = 8;

// A total order, so the output does not depend on how a heap breaks ties.
bool later(const Pending& a, const Pending& b) {
  if (a.at != b.at) return a.at > b.at;
  if (a.demarche != b.demarche) return a.demarche > b.demarche;
  if (a.step != b.step) return a.step > b.step;
  return a.flags > b.flags;
}

// A record to be delivered a second time (an export batch sent twice).
struct Redelivery {
  int64_t due;
  uint64_t seq;
  std::string line;
};
bool later(const Redelivery& a, const Redelivery& b) { return a.due != b.due ? a.due > b.due : a.seq > b.seq; }

// Measured on large runs of this model (records written per démarche, all
// kinds included), to plan how many démarches N records need.
constexpr double kRecordsPerDemarche = 1.89;
// Contacts of démarches opened near the end fall after it; on average this
// many days' worth of records is pushed past the period end.
constexpr double kTailDays = 1.7;
constexpr uint32_t kMaxSteps = 12;

struct Options {
  uint64_t contacts = 0;
  uint64_t seed = 1;
  int64_t start_day = 0;  // days since the epoch of the first local day
  int64_t days = 90;
  bool uuid_ids = false;
};

class Generator {
 public:
  explicit Generator(const Options& o)
      : opt_(o),
        seed_(mix64(o.seed ^ 0x70617263ULL)),
        demarches_(plan_demarches(o)),
        owners_(demarches_, seed_),
        customers_(seed_),
        agents_(std::clamp<uint64_t>(o.contacts / 1500, 8, 9000)) {}

  void run() {
    const int64_t first_hour = opt_.start_day * 24, last_hour = first_hour + opt_.days * 24;
    uint64_t period_weight = 0;
    for (int64_t h = first_hour; h < last_hour; ++h) period_weight += hour_weight(h);

    // Démarches open at the planned rate for as long as records are needed,
    // past the period end if the draws ran short of N.
    uint64_t opened = 0;
    u128 cumulative = 0;
    for (int64_t h = first_hour; written_ < opt_.contacts; ++h) {
      cumulative += hour_weight(h);
      const uint64_t due = static_cast<uint64_t>(cumulative * demarches_ / period_weight);
      for (; opened < due; ++opened) open_demarche(opened, h * kHour);
      drain_until(zone_.to_utc((h + 1) * kHour));
    }
    out_.flush();
  }

 private:
  static uint64_t plan_demarches(const Options& o) {
    const double days = static_cast<double>(o.days);
    const double k = static_cast<double>(o.contacts) / kRecordsPerDemarche * (days + kTailDays) / days;
    return static_cast<uint64_t>(k) + 1;
  }

  void push(const Pending& p) {
    heap_.push_back(p);
    std::push_heap(heap_.begin(), heap_.end(), [](const Pending& a, const Pending& b) { return later(a, b); });
  }

  void open_demarche(uint64_t k, int64_t local_hour) {
    Rng rng{mix64(seed_ ^ mix64(k + 1))};
    Pending p{};
    p.demarche = k;
    p.customer = static_cast<uint32_t>(owners_(k));
    int64_t local = local_hour + rng.between(0, kHour - 1);
    // Some démarches start with the agency: a letter or an email the citizen
    // then reacts to.
    if (rng.chance(0.02)) {
      p.flags = kOutbound;
      p.channel = rng.chance(0.7) ? mail : email;
      local = next_opening(local, rng);
    } else {
      p.channel = static_cast<Channel>(rng.pick(kOpenerMix));
      if (office_only(p.channel) && !is_open(local)) {
        if (rng.chance(0.5))
          p.channel = static_cast<Channel>(rng.pick(kAfterHoursMix));
        else
          local = next_opening(local, rng);
      }
    }
    p.at = zone_.to_utc(local);
    p.rng = rng.next();
    push(p);
  }

  // Writes every pending contact (and re-delivery) that starts before `until`.
  void drain_until(int64_t until) {
    auto order = [](const Pending& a, const Pending& b) { return later(a, b); };
    while (!heap_.empty() && heap_.front().at < until && written_ < opt_.contacts) {
      std::pop_heap(heap_.begin(), heap_.end(), order);
      const Pending p = heap_.back();
      heap_.pop_back();
      redeliver_until(p.at);
      if (written_ < opt_.contacts) write_contact(p);
    }
    redeliver_until(until - 1);
  }

  void redeliver_until(int64_t t) {
    auto order = [](const Redelivery& a, const Redelivery& b) { return later(a, b); };
    while (!redeliveries_.empty() && redeliveries_.front().due <= t && written_ < opt_.contacts) {
      std::pop_heap(redeliveries_.begin(), redeliveries_.end(), order);
      put(out_.buf, redeliveries_.back().line);
      redeliveries_.pop_back();
      ++written_;
      out_.maybe_flush();
    }
  }

  struct Times {
    int64_t answered = -1, end = -1;
    bool abandoned = false;
  };

  // When an agent picked up or replied, and when the contact ended.
  Times timing(Channel ch, bool outbound, bool second_leg, int64_t start, Rng& rng) {
    Times t;
    // Written channels are answered by agents at their desks.
    auto reply = [&](int64_t lo, int64_t hi) { return zone_.to_utc(next_opening(zone_.to_local(start + rng.log_uniform(lo, hi)), rng)); };
    auto live = [&](double abandon, int64_t wait_lo, int64_t wait_hi, int64_t talk_lo, int64_t talk_hi) {
      const int64_t wait = rng.log_uniform(wait_lo, wait_hi);
      if (rng.chance(abandon)) {
        t.abandoned = true;
        t.end = start + wait;
      } else {
        t.answered = start + wait;
        t.end = t.answered + rng.log_uniform(talk_lo, talk_hi);
      }
    };
    if (outbound) {
      if (ch == phone) {
        if (rng.chance(0.75)) {
          t.answered = start + rng.between(5, 30);
          t.end = t.answered + rng.log_uniform(60, 900);
        } else {
          t.end = start + rng.between(25, 45);  // nobody answered
        }
      }
      return t;  // letters and emails sent: nothing more to record
    }
    switch (ch) {
      case phone:
        if (second_leg) live(0.02, 10, 180, 90, 1800);
        else live(0.07, 5, 2400, 90, 1800);
        break;
      case chat: live(0.04, 5, 600, 180, 1800); break;
      case cobrowse: live(0.0, 3, 60, 300, 1500); break;
      case counter: live(0.02, 60, 2700, 180, 1200); break;
      case ivr:
        t.end = start + rng.log_uniform(30, 600);
        t.abandoned = rng.chance(0.12);
        break;
      case web: break;  // a form submitted, a file consulted: one instant
      case email:
        if (rng.chance(0.6)) t.answered = reply(kHour, 3 * kDay);
        break;
      case social:
        if (rng.chance(0.5)) t.end = t.answered = reply(10 * kMinute, kDay);
        break;
      case mail:
        if (rng.chance(0.3)) t.answered = reply(2 * kDay, 15 * kDay);
        break;
      case fax:
        if (rng.chance(0.3)) t.answered = reply(kDay, 5 * kDay);
        break;
      default: break;
    }
    return t;
  }

  // Sources that record no disposition for many contacts.
  static double outcome_missing(Channel ch) {
    switch (ch) {
      case web: return 0.7;
      case mail: case fax: return 0.5;
      case email: case social: case ivr: return 0.3;
      default: return 0.1;
    }
  }

  // Share of inbound contacts nobody could identify (withheld number,
  // anonymous web visit, walk-in who gave no file number): ~5% overall.
  static double anonymous_share(Channel ch) {
    switch (ch) {
      case web: return 0.12;
      case ivr: return 0.10;
      case counter: return 0.06;
      case mail: return 0.04;
      case phone: return 0.03;
      default: return 0.02;
    }
  }

  void write_contact(const Pending& p) {
    Rng rng{p.rng};
    const bool outbound = p.flags & kOutbound, second_leg = p.flags & kSecondLeg;
    const Channel ch = p.channel;
    const uint64_t seq = ++sequence_[ch];
    const Times t = timing(ch, outbound, second_leg, p.at, rng);
    const Rng demarche{mix64(seed_ ^ 0x64656d61ULL ^ mix64(p.demarche))};

    bool more = false, transfer = false;
    Outcome outcome = kNoOutcome;
    if (second_leg) {
      more = p.flags & kLegMoreAfter;  // decided by the first leg
      outcome = t.abandoned ? abandoned : more ? unresolved : resolved;
      if (rng.chance(0.15)) outcome = kNoOutcome;
    } else {
      transfer = !outbound && (ch == phone || ch == chat) && t.answered >= 0 && rng.chance(0.03);
      double p_more = 0.42;
      if (outbound) p_more = p.step == 0 ? 0.85 : 0.5;  // a letter makes people call
      else if (t.abandoned) p_more = 0.75;
      else if (ch == ivr) p_more = 0.55;
      more = p.step + 1u < kMaxSteps && rng.chance(p_more);
      if (transfer) outcome = transferred;
      else if (t.abandoned) outcome = abandoned;
      else if (outbound) outcome = kNoOutcome;
      else if (rng.chance(outcome_missing(ch))) outcome = kNoOutcome;
      else if (more) outcome = rng.chance(0.8) ? unresolved : resolved;
      else outcome = rng.chance(0.88) ? resolved : unresolved;
    }
    const bool anonymous =
        second_leg ? (p.flags & kLegAnonymous) != 0 : !outbound && rng.chance(anonymous_share(ch));

    auto& out = out_.buf;
    const size_t line_begin = out.size();
    put(out, "{\"id\":\"");
    put_id(out, ch, seq, opt_.uuid_ids);
    put(out, "\",\"channel\":\"");
    put(out, kChannelName[ch]);
    put(out, "\",\"start\":\"");
    put_time(out, p.at);
    if (t.answered >= 0) {
      put(out, "\",\"answered\":\"");
      put_time(out, t.answered);
    }
    if (t.end >= 0) {
      put(out, "\",\"end\":\"");
      put_time(out, t.end);
    }
    put(out, "\"");
    // Self-service channels often cannot tell what the contact was about.
    const double no_service = ch == web ? 0.10 : ch == ivr ? 0.08 : 0.01;
    const size_t service = Rng{demarche}.pick(kServiceMix);
    if (!rng.chance(no_service)) {
      put(out, ",\"service\":\"");
      put(out, kServices[service]);
      put(out, "\"");
    }
    if (!anonymous) write_identity(p.customer, ch, outbound, rng);
    // Only sources that also make outbound contacts record a direction; the
    // others leave the default, `in`.
    if (outbound) put(out, ",\"direction\":\"out\"");
    else if (ch == phone || ch == chat || ch == email || ch == mail) put(out, ",\"direction\":\"in\"");
    if (outcome != kNoOutcome) {
      put(out, ",\"outcome\":\"");
      put(out, kOutcomeName[outcome]);
      put(out, "\"");
    }
    if (second_leg || transfer) {
      put(out, ",\"conversation\":\"conv-");
      put_id(out, ch, second_leg ? p.conversation : seq, opt_.uuid_ids);
      put(out, "\"");
    }
    const bool agent = outbound || (t.answered >= 0 && ch != mail && ch != fax);
    if (agent) fmt::format_to(std::back_inserter(out), ",\"agent\":\"ag{:04}\"", rng.below(agents_) + 1);
    if (ch == phone || ch == chat || ch == cobrowse) {
      put(out, ",\"queue\":\"");
      put(out, kServices[service]);
      put(out, customers_.english(p.customer) ? "-en" : "-fr");
      if (second_leg) put(out, "-n2");
      put(out, "\"");
    } else if (ch == counter) {
      put(out, ",\"queue\":\"");
      put(out, kOffices[customers_.area(p.customer)]);
      put(out, "\"");
    }
    if (agent && rng.chance(0.35)) {
      // Mostly the motive of the whole démarche; agents code it loosely.
      Rng motive = demarche;
      motive.next();
      const size_t reason = rng.chance(0.75) ? motive.pick(kReasonMix) : rng.pick(kReasonMix);
      put(out, ",\"reason\":\"");
      put(out, kReasons[reason]);
      put(out, "\"");
    }
    put(out, "}\n");
    ++written_;

    if (rng.chance(0.01)) {
      redeliveries_.push_back({p.at + rng.log_uniform(30 * kMinute, 3 * kDay), written_,
                               std::string(out.data() + line_begin, out.size() - line_begin)});
      std::push_heap(redeliveries_.begin(), redeliveries_.end(),
                     [](const Redelivery& a, const Redelivery& b) { return later(a, b); });
    }
    out_.maybe_flush();

    const int64_t ended = std::max(p.at, std::max(t.end, t.answered));
    if (transfer) {
      Pending leg = p;
      leg.at = ended + rng.between(5, 90);
      leg.rng = rng.next();
      leg.conversation = static_cast<uint32_t>(seq);
      leg.flags = kSecondLeg | (anonymous ? kLegAnonymous : 0) | (more ? kLegMoreAfter : 0);
      push(leg);
    }
    if (more) follow_up(p, t, transfer ? ended + 30 * kMinute : ended, rng);
  }

  // Which identifiers a contact carries depends on what its channel captures:
  // caller id on the phone, the address on email, the file number when the
  // citizen is logged in or gives it. Contacts that carry two of them are
  // what lets parcours link a customer's channels.
  void write_identity(uint64_t c, Channel ch, bool outbound, Rng& rng) {
    bool with_phone = false, with_email = false, with_client = false, with_chat = false;
    double p_key = 0.1;
    switch (ch) {
      case phone:
        with_phone = outbound || rng.chance(0.93);
        with_client = outbound ? rng.chance(0.6) : rng.chance(0.55);
        break;
      case ivr:
        with_phone = true;
        with_client = rng.chance(0.3);
        break;
      case chat:
        with_chat = rng.chance(0.9);
        with_email = rng.chance(0.4);
        with_client = rng.chance(0.3);
        break;
      case email:
        with_email = true;
        with_client = outbound ? rng.chance(0.5) : rng.chance(0.45);
        break;
      case mail:
        with_client = outbound || rng.chance(0.75);
        p_key = 0.5;
        break;
      case fax:
        with_phone = rng.chance(0.8);
        with_client = rng.chance(0.5);
        break;
      case counter:
        with_client = rng.chance(0.8);
        with_phone = rng.chance(0.3);
        p_key = 0.5;
        break;
      case web:
        with_client = rng.chance(0.7);
        with_email = rng.chance(0.4);
        p_key = 0.3;
        break;
      case social:
        with_email = rng.chance(0.6);
        with_client = rng.chance(0.3);
        break;
      case cobrowse:
        with_client = rng.chance(0.7);
        with_phone = rng.chance(0.5);
        p_key = 0.3;
        break;
      default: break;
    }
    const bool with_key = customers_.has_key(c) && rng.chance(p_key);
    // An identified contact carries at least one identifier.
    if (!with_phone && !with_email && !with_client && !with_chat && !with_key) {
      if (ch == chat) with_chat = true;
      else if (ch == email || ch == social) with_email = true;
      else if (ch == phone || ch == ivr || ch == fax) with_phone = true;
      else with_client = true;
    }
    auto& out = out_.buf;
    if (with_key) {
      put(out, ",\"customer\":\"");
      customers_.key(out, c);
      put(out, "\"");
    }
    if (!with_phone && !with_email && !with_client && !with_chat) return;
    put(out, ",\"ids\":{");
    const char* sep = "";
    auto field = [&](std::string_view name) {
      put(out, sep);
      put(out, "\"");
      put(out, name);
      put(out, "\":\"");
      sep = ",";
    };
    if (with_phone) field("phone"), customers_.phone(out, c), put(out, "\"");
    if (with_email) field("email"), customers_.email(out, c), put(out, "\"");
    if (with_client) field("client"), customers_.client(out, c), put(out, "\"");
    if (with_chat) field("chat"), customers_.chat(out, c), put(out, "\"");
    put(out, "}");
  }

  // Schedules the démarche's next contact: when, on which channel, and who
  // initiates it.
  void follow_up(const Pending& p, const Times& t, int64_t after, Rng& rng) {
    const Channel prev = p.channel;
    const bool prev_out = p.flags & kOutbound;
    Pending next = p;
    next.step = static_cast<uint8_t>(p.step + 1);
    next.flags = 0;
    next.conversation = 0;

    int64_t delay;
    if (!prev_out && rng.chance(0.09)) {
      // The agency calls back or writes.
      next.flags = kOutbound;
      next.channel = rng.chance(0.6) ? phone : rng.chance(0.6) ? mail : email;
      delay = rng.log_uniform(30 * kMinute, 5 * kDay);
    } else if (prev_out) {
      // A letter takes days to arrive; an email is read sooner. Then people phone.
      next.channel = rng.chance(0.6) ? phone : rng.chance(0.4) ? prev : static_cast<Channel>(rng.pick(kOpenerMix));
      delay = prev == mail ? rng.log_uniform(2 * kDay, 12 * kDay) : rng.log_uniform(kHour, 4 * kDay);
    } else if (t.abandoned && rng.chance(0.65)) {
      next.channel = prev == ivr ? phone : prev;  // tries again soon
      delay = rng.log_uniform(2 * kMinute, 2 * kHour);
    } else if (prev == ivr && rng.chance(0.7)) {
      next.channel = phone;  // the menu did not answer: asks for an agent
      delay = rng.log_uniform(10, 15 * kMinute);
    } else {
      const double same = prev == phone ? 0.40 : prev == counter ? 0.25 : 0.20;
      if (rng.chance(same)) next.channel = prev;
      else if (prev != phone && rng.chance(0.35)) next.channel = phone;
      else next.channel = static_cast<Channel>(rng.pick(kOpenerMix));
      delay = rng.chance(0.25) ? rng.log_uniform(2 * kMinute, 3 * kHour) : rng.log_uniform(3 * kHour, 10 * kDay);
    }
    int64_t local = zone_.to_local(after + delay);
    if (office_only(next.channel) || next.flags & kOutbound) local = next_opening(local, rng);
    next.at = zone_.to_utc(local);
    next.rng = rng.next();
    push(next);
  }

  Options opt_;
  uint64_t seed_;
  uint64_t demarches_;
  Owners owners_;
  Customers customers_;
  uint64_t agents_;
  QuebecTime zone_;
  Output out_;
  std::vector<Pending> heap_;
  std::vector<Redelivery> redeliveries_;
  std::array<uint64_t, kChannels> sequence_{};
  uint64_t written_ = 0;
};

bool parse_date(const std::string& s, int64_t* days) {
  unsigned y, m, d;
  char tail;
  if (s.size() != 10 || std::sscanf(s.c_str(), "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3) return false;
  if (m < 1 || m > 12 || d < 1 || y < 1971 || y > 9998) return false;
  const int64_t z = days_from_civil(y, m, d);
  const Civil back = civil_from_days(z);
  if (back.m != m || back.d != d) return false;  // 2026-02-30
  *days = z;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Writes N synthetic canonical contact records (NDJSON) to standard output: about N/4 customers, "
      "multi-channel démarches, transfers, duplicates, unidentified and outbound contacts. The same "
      "arguments give the same bytes on every machine."};
  app.name("parcours-gen");
  Options opt;
  std::string start = "2026-01-05";
  app.add_option("--contacts", opt.contacts, "number of records to write")
      ->required()
      ->check(CLI::Range(uint64_t{0}, uint64_t{4'000'000'000}));
  app.add_option("--seed", opt.seed, "seed of the pseudo-random generator")->capture_default_str();
  app.add_option("--start", start, "first day (YYYY-MM-DD, Québec time)")->capture_default_str();
  app.add_option("--days", opt.days, "length of the period in days")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{36'500}));
  app.add_flag("--uuid-ids", opt.uuid_ids, "name contacts by UUIDs rather than by a letter and a number");
  CLI11_PARSE(app, argc, argv);
  if (!parse_date(start, &opt.start_day)) {
    std::fprintf(stderr, "parcours-gen: --start: '%s' is not a date YYYY-MM-DD\n", start.c_str());
    return 2;
  }

  // Write errors are handled where they happen (EPIPE ends the run quietly);
  // the default SIGPIPE would kill the process before that.
  std::signal(SIGPIPE, SIG_IGN);
  Generator(opt).run();
  if (std::fclose(stdout) != 0) Output::fail();
  return 0;
}
