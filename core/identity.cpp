#include "core/identity.h"

#include <openssl/evp.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <numeric>
#include <stdexcept>
#include <sstream>

#include <fmt/format.h>

#include "core/csv.h"
#include "core/diag.h"
#include "core/parallel.h"

namespace parcours {

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// Placeholder words that systems write where an identifier is withheld or
// unknown, in English and French; compared ASCII case-insensitively.
constexpr std::string_view kJunkWords[] = {
    "anonymous", "anonyme", "unknown",     "inconnu", "private", "prive", "priv\xc3\xa9",
    "restricted", "withheld", "unavailable", "none",  "null",    "n/a",   "-",
};

// `lower` is lower case; an upper-case É (C3 89) in `a` matches é (C3 A9).
bool iequals(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (static_cast<unsigned char>(x) == 0x89 && i > 0 && static_cast<unsigned char>(a[i - 1]) == 0xC3)
      x = static_cast<char>(0xA9);
    if (x != lower[i]) return false;
  }
  return true;
}

void lower_ascii(std::string* s) {
  for (char& c : *s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
}

// The kinds of the canonical record, in canonical order.
constexpr std::string_view kFixedKinds[] = {"client", "email", "phone", "chat"};
constexpr int kFixedKindCount = 4;
// A node name's first byte for another kind that itself begins with a byte
// up to this one (0 begins a known key's name, 1 to 4 a fixed kind's).
constexpr char kEscapedKind = 5;

int fixed_kind_rank(std::string_view kind) {
  for (int i = 0; i < kFixedKindCount; ++i)
    if (kind == kFixedKinds[i]) return i;
  return kFixedKindCount;
}

bool read_file(const std::string& path, std::string* text, std::string* err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *err = fmt::format("{}: {}", path, fmt_errno("cannot open", errno));
    return false;
  }
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) {
    *err = fmt::format("{}: read error", path);
    return false;
  }
  *text = std::move(s).str();
  return true;
}

}  // namespace

std::string_view drop_reason_name(DropReason r) {
  switch (r) {
    case DropReason::kNone: return "kept";
    case DropReason::kJunk: return "junk";
    case DropReason::kNotPhone: return "not a phone number";
    case DropReason::kBlocked: return "blocked";
    case DropReason::kFanout: return "shared";
  }
  return "";
}

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_junk(std::string_view v) {
  if (v.empty()) return true;
  constexpr size_t kLongestWord = [] {
    size_t n = 0;
    for (std::string_view w : kJunkWords) n = std::max(n, w.size());
    return n;
  }();
  if (v.size() <= kLongestWord)
    for (std::string_view w : kJunkWords)
      if (iequals(v, w)) return true;
  // Numbers of zeros: 0000000000, 000-0000, +1 000 000 0000 (the North
  // American country code before ten zeros). Any other digit ends it: most
  // values read are real numbers, and tell at their second or third digit.
  size_t n = 0;
  bool leading_one = false;
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (c >= '0' && c <= '9') {
      if (n == 32) return false;
      if (c != '0') {
        if (n != 0 || c != '1') return false;
        leading_one = true;
      }
      ++n;
    } else if (c == '+' && n == 0 && i == 0) {
      continue;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '/') {
      return false;
    }
  }
  return n != 0 && (!leading_one || n == 11);
}

bool is_e164(std::string_view v) {
  if (v.size() < 8 || v.size() > 16 || v[0] != '+' || v[1] < '1' || v[1] > '9') return false;
  return std::all_of(v.begin() + 2, v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool PhoneNormaliser::set_region(std::string_view region) {
  std::string r(region);
  for (char& c : r)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  // The region it has (CA, the default) is known: libphonenumber, whose
  // first use reads its metadata (31M instructions, two thirds of a run on
  // an empty input), is then first used for the first number not written
  // in E.164, which many inputs never have.
  if (r == region_) return true;
  if (PhoneNumberUtil::GetInstance()->GetCountryCodeForRegion(r) == 0) return false;
  region_ = std::move(r);
  return true;
}

bool PhoneNormaliser::normalise(std::string_view v, std::string* e164) const {
  v = trim_blanks(v);
  if (is_e164(v)) {
    e164->assign(v);
    return true;
  }
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber n;
  if (util.Parse(std::string(v), region_, &n) != PhoneNumberUtil::NO_PARSING_ERROR) return false;
  if (!util.IsPossibleNumber(n)) return false;
  n.clear_extension();
  e164->clear();
  util.Format(n, PhoneNumberUtil::E164, e164);
  return true;
}

struct HmacSha256::Contexts {
  EVP_MD* md = nullptr;
  EVP_MD_CTX* inner = nullptr;  // after the key XOR ipad
  EVP_MD_CTX* outer = nullptr;  // after the key XOR opad
  ~Contexts() {
    EVP_MD_CTX_free(outer);
    EVP_MD_CTX_free(inner);
    EVP_MD_free(md);
  }
};

namespace {

constexpr size_t kShaBlock = 64;

[[noreturn]] void openssl_failed(const char* what) {
  throw std::runtime_error(fmt::format("OpenSSL: {} failed; check that its default provider loads (OPENSSL_CONF)", what));
}

// This thread's working context, kept from one MAC to the next.
EVP_MD_CTX* work_context() {
  struct Work {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Work() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Work w;
  if (w.ctx == nullptr) openssl_failed("EVP_MD_CTX_new");
  return w.ctx;
}

}  // namespace

HmacSha256::HmacSha256(std::string_view key) : ctx_(std::make_unique<Contexts>()) {
  Contexts& c = *ctx_;
  c.md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  c.inner = EVP_MD_CTX_new();
  c.outer = EVP_MD_CTX_new();
  if (c.md == nullptr || c.inner == nullptr || c.outer == nullptr) openssl_failed("SHA-256 setup");
  // A key longer than a block is replaced by its digest; the rest is zeros.
  unsigned char block[kShaBlock] = {};
  if (key.size() > kShaBlock) {
    unsigned int len = 0;
    if (EVP_Digest(key.data(), key.size(), block, &len, c.md, nullptr) != 1) openssl_failed("EVP_Digest");
  } else {
    std::memcpy(block, key.data(), key.size());
  }
  unsigned char ipad[kShaBlock], opad[kShaBlock];
  for (size_t i = 0; i < kShaBlock; ++i) {
    ipad[i] = block[i] ^ 0x36;
    opad[i] = block[i] ^ 0x5c;
  }
  if (EVP_DigestInit_ex2(c.inner, c.md, nullptr) != 1 || EVP_DigestUpdate(c.inner, ipad, kShaBlock) != 1 ||
      EVP_DigestInit_ex2(c.outer, c.md, nullptr) != 1 || EVP_DigestUpdate(c.outer, opad, kShaBlock) != 1)
    openssl_failed("SHA-256 of the key");
}

HmacSha256::~HmacSha256() = default;

void HmacSha256::mac(std::span<const std::string_view> pieces, unsigned char (&out)[kMacBytes]) const {
  EVP_MD_CTX* w = work_context();
  unsigned char inner[kMacBytes];
  unsigned int len = 0;
  if (EVP_MD_CTX_copy_ex(w, ctx_->inner) != 1) openssl_failed("EVP_MD_CTX_copy_ex");
  for (const std::string_view p : pieces)
    if (!p.empty() && EVP_DigestUpdate(w, p.data(), p.size()) != 1) openssl_failed("EVP_DigestUpdate");
  if (EVP_DigestFinal_ex(w, inner, &len) != 1 || EVP_MD_CTX_copy_ex(w, ctx_->outer) != 1 ||
      EVP_DigestUpdate(w, inner, kMacBytes) != 1 || EVP_DigestFinal_ex(w, out, &len) != 1)
    openssl_failed("HMAC-SHA256");
}

void HmacSha256::hex(std::span<const std::string_view> pieces, std::string* out) const {
  unsigned char m[kMacBytes];
  mac(pieces, m);
  out->clear();
  append_hex({reinterpret_cast<const char*>(m), kMacBytes}, out);
}

void append_hex(std::string_view bytes, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  const size_t at = out->size();
  out->resize(at + 2 * bytes.size());  // one growth, not one a character
  char* to = out->data() + at;
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    *to++ = kHex[b >> 4];
    *to++ = kHex[b & 15];
  }
}

std::string hmac_sha256_hex(std::string_view key, std::string_view msg) { return HmacSha256(key).hex(msg); }

// ---- Linker: configuration ---------------------------------------------------

Linker::Linker() { kinds_.intern(""); }
Linker::~Linker() = default;

void Linker::set_hash_key(std::string_view key) {
  if (key.empty())
    hmac_.reset();
  else
    hmac_ = std::make_unique<HmacSha256>(key);
}

bool Linker::set_region(std::string_view region, std::string* err) {
  if (!phones_.set_region(region)) {
    *err = fmt::format("'{}' is not a region libphonenumber knows; give an ISO 3166 code like CA, US or FR",
                       region);
    return false;
  }
  return true;
}

std::string Linker::normalise_as(std::string_view kind, std::string_view value) const {
  value = trim_blanks(value);
  std::string out;
  if (kind == "phone" && !is_junk(value) && phones_.normalise(value, &out)) return out;
  out.assign(value);
  if (kind == "email") lower_ascii(&out);
  return out;
}

void Linker::check_open(const char* what) const {
  if (sealed_) throw std::logic_error(fmt::format("Linker::{} after seal", what));
}

bool Linker::add_block_text(std::string_view text, std::string_view name, std::string* err) {
  check_open("add_block_text");
  int64_t number = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = trim_blanks(line);
    if (line.empty() || line.front() == '#') continue;
    const size_t comma = line.find(',');
    if (comma == std::string_view::npos) {
      *err = fmt::format("{}:{}: expected KIND,VALUE (or *,VALUE for any kind), got '{}'", name, number, line);
      return false;
    }
    const std::string_view kind = trim_blanks(line.substr(0, comma));
    const std::string_view value = trim_blanks(line.substr(comma + 1));
    if (kind.empty() || value.empty()) {
      *err = fmt::format("{}:{}: {} is empty; write KIND,VALUE (or *,VALUE for any kind)", name, number,
                         kind.empty() ? "the kind" : "the value");
      return false;
    }
    if (kind == "*") {
      block_any_.emplace_back(value);
      block_any_by_kind_.clear();
    } else {
      block_.insert(std::string(kind) + '\0' + normalise_as(kind, value));
    }
  }
  return true;
}

bool Linker::load_block(const std::string& path, std::string* err) {
  std::string text;
  return read_file(path, &text, err) && add_block_text(text, path, err);
}

namespace {

bool read_crosswalk(CsvReader& csv, std::string_view name,
                    const std::function<void(std::string_view, std::string_view, std::string_view)>& row,
                    std::string* err) {
  CsvRecord rec;
  bool first = true;
  while (csv.next(&rec)) {
    std::vector<std::string_view>& f = rec.fields;
    for (std::string_view& x : f) x = trim_blanks(x);
    if (first && f.size() == 3 && f[0] == "customer" && f[1] == "kind" && f[2] == "value") {
      first = false;
      continue;  // the header
    }
    first = false;
    if (f.size() != 3) {
      *err = fmt::format("{}:{}: {} fields; a crosswalk line is customer,kind,value", name, rec.line, f.size());
      return false;
    }
    const char* empty = f[0].empty() ? "the customer" : f[1].empty() ? "the kind" : f[2].empty() ? "the value" : nullptr;
    if (empty != nullptr) {
      *err = fmt::format("{}:{}: {} is empty; a crosswalk line is customer,kind,value", name, rec.line, empty);
      return false;
    }
    row(f[0], f[1], f[2]);
  }
  if (!csv.error().empty()) {
    *err = fmt::format("{}: {}", name, csv.error());
    return false;
  }
  return true;
}

}  // namespace

bool Linker::add_crosswalk_text(std::string_view text, std::string_view name, std::string* err) {
  flush();  // names are numbered as they come: the records' before these
  check_open("add_crosswalk_text");
  CsvReader csv;
  csv.open_text(text);
  return read_crosswalk(csv, name, [&](std::string_view key, std::string_view kind, std::string_view value) {
    crosswalk_.emplace_back(key_node(key), identifier_node(kind, value));
  }, err);
}

bool Linker::load_crosswalk(const std::string& path, std::string* err) {
  check_open("load_crosswalk");
  CsvReader csv;
  if (!csv.open(path, err)) {
    *err = fmt::format("{}: {}", path, *err);
    return false;
  }
  return read_crosswalk(csv, path, [&](std::string_view key, std::string_view kind, std::string_view value) {
    crosswalk_.emplace_back(key_node(key), identifier_node(kind, value));
  }, err);
}

// ---- Linker: nodes -------------------------------------------------------------

void Linker::append_identifier_name(std::string_view kind, std::string_view value, std::string* name) {
  if (const int rank = fixed_kind_rank(kind); rank < kFixedKindCount) {
    name->push_back(static_cast<char>(rank + 1));
  } else {
    if (kind.empty() || static_cast<unsigned char>(kind[0]) <= kEscapedKind) name->push_back(kEscapedKind);
    name->append(kind);
    name->push_back('\0');
  }
  name->append(value);
}

Linker::NameParts Linker::name_parts(std::string_view name) {
  const auto first = static_cast<unsigned char>(name[0]);
  if (first == 0) return {{}, name.substr(1)};
  if (first <= kFixedKindCount) return {kFixedKinds[first - 1], name.substr(1)};
  if (first == kEscapedKind) name.remove_prefix(1);
  const size_t nul = name.find('\0');
  return {name.substr(0, nul), name.substr(nul + 1)};
}

uint32_t Linker::make_node(std::string_view kind, std::string_view value, DropReason reason) {
  scratch_.clear();
  append_identifier_name(kind, value, &scratch_);
  return named_node(scratch_, reason, 0);
}

uint32_t Linker::named_node(std::string_view name, DropReason reason, uint64_t hash) {
  bool added = false;
  const uint32_t n = hash != 0 ? names_.intern(name, hash, &added) : names_.intern(name, &added);
  if (added && reason == DropReason::kNotPhone) not_phone_.push_back(n);
  return n;
}

// Each name's kind and drop reason, as named_node would have found them
// when it was added: from the name itself, but for the phone numbers that
// did not normalise (not_phone_), which only their way in tells.
void Linker::classify() {
  const uint32_t n = names_.size();
  kind_.assign(n, 0);
  drop_.assign(n, DropReason::kNone);
  uint16_t fixed[kFixedKindCount];
  for (int k = 0; k < kFixedKindCount; ++k) fixed[k] = static_cast<uint16_t>(kinds_.intern(kFixedKinds[k]));
  size_t next_not_phone = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const std::string_view name = names_.view(i);
    const auto [kind, value] = name_parts(name);
    if (kind.empty()) continue;  // a known key
    const auto first = static_cast<unsigned char>(name[0]);
    kind_[i] = first <= kFixedKindCount ? fixed[first - 1] : static_cast<uint16_t>(kinds_.intern(kind));
    if (next_not_phone < not_phone_.size() && not_phone_[next_not_phone] == i) {
      drop_[i] = DropReason::kNotPhone;
      ++next_not_phone;
    } else if (is_junk(value)) {
      drop_[i] = DropReason::kJunk;
    } else if (blocked(kind, value)) {
      drop_[i] = DropReason::kBlocked;
    }
  }
  release(not_phone_);
}

const std::string& Linker::key_name(std::string_view key, std::string* name) {
  name->assign(1, '\0');
  name->append(key);
  return *name;
}

const std::string& Linker::known_key_name(std::string_view key) {
  if (!key_with_colon_ && key.find(':') != std::string_view::npos) key_with_colon_ = true;
  return key_name(key, &scratch_);
}

uint32_t Linker::key_node(std::string_view key) { return named_node(known_key_name(key), DropReason::kNone, 0); }

bool Linker::blocked(std::string_view kind, std::string_view value) {
  if (block_.empty() && block_any_.empty()) return false;
  scratch2_.assign(kind);
  scratch2_.push_back('\0');
  scratch2_.append(value);
  if (block_.count(scratch2_) > 0) return true;
  if (block_any_.empty()) return false;
  auto it = block_any_by_kind_.find(std::string(kind));
  if (it == block_any_by_kind_.end()) {
    std::vector<std::string> forms;
    for (const std::string& v : block_any_) forms.push_back(normalise_as(kind, v));
    it = block_any_by_kind_.emplace(std::string(kind), std::move(forms)).first;
  }
  return std::find(it->second.begin(), it->second.end(), value) != it->second.end();
}

// 64 lower-case hex digits: an HMAC-SHA256 pseudonym written by `parcours
// anonymize`, which stands for an already normalised number.
static bool is_pseudonym(std::string_view v) {
  return v.size() == 64 &&
         std::all_of(v.begin(), v.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool Linker::identifier_name(std::string_view kind, std::string_view raw, std::string* name) {
  const std::string_view v = trim_blanks(raw);
  if (kind == "phone" && !is_e164(v) && !is_pseudonym(v) && !is_junk(v)) {
    name->assign(v);
    return true;
  }
  name->clear();
  append_identifier_name(kind, v, name);
  if (kind == "email") lower_ascii(name);  // its kind is a byte under 'A'
  return false;
}

uint32_t Linker::raw_phone_node(std::string_view kind, std::string_view raw, uint64_t hash) {
  bool added = false;
  const uint32_t slot = hash != 0 ? raw_phones_.intern(raw, hash, &added) : raw_phones_.intern(raw, &added);
  if (!added) return raw_phone_node_[slot];
  std::string e164;  // make_node builds in scratch_, which raw is not
  const uint32_t n = phones_.normalise(raw, &e164) ? make_node(kind, e164, DropReason::kNone)
                                                   : make_node(kind, raw, DropReason::kNotPhone);
  raw_phone_node_.push_back(n);
  return n;
}

uint32_t Linker::identifier_node(std::string_view kind, std::string_view raw) {
  if (identifier_name(kind, raw, &name_)) return raw_phone_node(kind, name_, 0);
  return named_node(name_, DropReason::kNone, 0);
}

uint64_t Linker::key_hash(const RawContact& r, std::string* buf) {
  if (!r.has_customer) return 0;
  const std::string_view key = trim_blanks(r.customer);
  return key.empty() ? 0 : hash_bytes(key_name(key, buf));
}

IdName Linker::name_id(std::string_view kind, std::string_view raw, std::string* buf) {
  const bool raw_phone = identifier_name(kind, raw, buf);
  return {*buf, hash_bytes(*buf), raw_phone};
}

void Linker::reserve(size_t n) {
  if (n <= records()) return;
  const size_t per_record = records() == 0 ? 2 : nodes_.size() / records() + 1;
  nodes_.reserve(nodes_.size() + (n - records()) * per_record);
  starts_.reserve(nodes_.capacity() / 64 + 1);
  block_begin_.reserve(n / kRecordBlock + 1);
  keyed_.reserve(n / 64 + 1);
}

uint32_t Linker::add(const RawContact& r) {
  check_open("add");
  const uint32_t rec = records();
  if (rec == kNone) throw TooLarge("more than 2^32 - 1 records");
  // An entry: a name to intern (node kNone until then), or a node known.
  const auto queue = [&](std::string_view name, uint64_t hash, uint32_t node) {
    pending_text_ += name;
    pending_ends_.push_back(static_cast<uint32_t>(pending_text_.size()));
    pending_hashes_.push_back(hash != 0 || name.empty() ? hash : hash_bytes(name));
    pending_nodes_.push_back(node);
  };
  PendingRecord p{0, false};
  if (r.has_customer) {
    const std::string_view key = trim_blanks(r.customer);
    if (!key.empty()) {
      queue(known_key_name(key), r.customer_hash, kNone);
      p.keyed = true;
      ++p.entries;
    }
  }
  // Each identifier's name as the parsing threads made it, or made here.
  const bool named = r.id_names.size() == r.ids.size();
  for (size_t i = 0; i < r.ids.size(); ++i) {
    const IdName n = named ? r.id_names[i] : name_id(r.ids[i].first, r.ids[i].second, &name_);
    if (n.raw_phone) {
      // A phone number to normalise: its node is made now, after the names
      // before it, so that nodes are numbered as they come.
      intern_pending();
      queue({}, 0, raw_phone_node(r.ids[i].first, n.name, n.hash));
      ++pending_interned_;
    } else {
      queue(n.name, n.hash, kNone);
    }
    ++p.entries;
  }
  pending_records_.push_back(p);
  if (pending_records_.size() == kBatch) flush();
  return rec;
}

void Linker::intern_pending() {
  const size_t n = pending_nodes_.size();
  const std::string_view text = pending_text_;
  for (size_t k = pending_interned_; k < n; ++k) {
    if (k + 32 < n) names_.warm(pending_hashes_[k + 32], 0);
    if (k + 16 < n) names_.warm(pending_hashes_[k + 16], 1);
    const uint32_t begin = k == 0 ? 0 : pending_ends_[k - 1];
    pending_nodes_[k] = named_node(text.substr(begin, pending_ends_[k] - begin), DropReason::kNone, pending_hashes_[k]);
  }
  pending_interned_ = n;
}

void Linker::flush() {
  intern_pending();
  size_t k = 0;
  for (const PendingRecord& p : pending_records_) {
    const uint32_t rec = records_;
    const size_t first = nodes_.size();
    if (first + p.entries >= kNone) throw TooLarge("more than 2^32 - 1 identifiers and known keys in all records");
    if (rec % kRecordBlock == 0) block_begin_.push_back(static_cast<uint32_t>(first));
    if (rec % 64 == 0) keyed_.push_back(0);
    if (p.keyed) keyed_.back() |= uint64_t{1} << (rec % 64);
    for (uint32_t e = 0; e < p.entries; ++e) nodes_.push_back(pending_nodes_[k++]);
    if (nodes_.size() == first) nodes_.push_back(kNone);
    while (starts_.size() * 64 < nodes_.size()) starts_.push_back(0);
    starts_[first / 64] |= uint64_t{1} << (first % 64);
    ++records_;
  }
  pending_records_.clear();
  pending_text_.clear();
  pending_ends_.clear();
  pending_hashes_.clear();
  pending_nodes_.clear();
  pending_interned_ = 0;
}

size_t Linker::next_start(size_t i) const {
  size_t w = i / 64;
  if (w >= starts_.size()) return nodes_.size();
  uint64_t bits = starts_[w] & (~uint64_t{0} << (i % 64));
  while (bits == 0) {
    if (++w == starts_.size()) return nodes_.size();
    bits = starts_[w];
  }
  return w * 64 + static_cast<size_t>(std::countr_zero(bits));
}

std::span<const uint32_t> Linker::nodes_of(uint32_t rec, NodeCursor* at) const {
  size_t begin;
  if (at != nullptr && at->rec == rec) {
    begin = at->begin;
  } else {
    begin = block_begin_[rec / kRecordBlock];
    for (uint32_t skip = rec % kRecordBlock; skip > 0; --skip) begin = next_start(begin + 1);
  }
  const size_t end = next_start(begin + 1);
  if (at != nullptr) *at = NodeCursor{rec + 1, end};
  if (nodes_[begin] == kNone) return {};
  return {nodes_.data() + begin, end - begin};
}

// ---- Linker: union-find ----------------------------------------------------------

uint32_t Linker::find(uint32_t n) const {
  for (uint32_t up = parent_at(n); up != n; up = parent_at(n)) {
    const uint32_t above = parent_at(up);  // path halving
    std::atomic_ref<uint32_t>(parent_[n]).store(above, std::memory_order_relaxed);
    n = above;
  }
  return n;
}

void Linker::unite_shared(uint32_t a, uint32_t b) {
  for (;;) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    if (a < b) std::swap(a, b);
    // a is a root still unless another thread has just linked it: then
    // its new root is looked for again.
    uint32_t expected = a;
    if (std::atomic_ref<uint32_t>(parent_[a]).compare_exchange_weak(expected, b, std::memory_order_relaxed)) return;
  }
}

uint32_t Linker::unite(uint32_t a, uint32_t b) {
  a = find(a);
  b = find(b);
  if (a == b) return a;
  if (rank_[a] < rank_[b]) std::swap(a, b);
  parent_[b] = a;
  if (rank_[a] == rank_[b]) ++rank_[a];
  return a;
}

void Linker::rank_kinds() {
  std::vector<uint32_t> ids(kinds_.size());
  std::iota(ids.begin(), ids.end(), 0u);
  std::sort(ids.begin() + 1, ids.end(), [&](uint32_t a, uint32_t b) {
    const int ra = fixed_kind_rank(kinds_.view(a)), rb = fixed_kind_rank(kinds_.view(b));
    return ra != rb ? ra < rb : kinds_.view(a) < kinds_.view(b);
  });
  kind_order_.assign(kinds_.size(), 0);
  for (uint32_t i = 0; i < ids.size(); ++i) kind_order_[ids[i]] = i;
}

// Known keys first (by key), then identifiers by kind (client, email,
// phone, chat, then the others by name), then value, all in byte order.
bool Linker::less(uint32_t a, uint32_t b) const {
  const uint16_t ka = kind_[a], kb = kind_[b];
  if (ka != kb) return kind_order_[ka] < kind_order_[kb];
  return names_.view(a) < names_.view(b);
}

void Linker::seal() {
  if (sealed_) return;
  flush();
  sealed_ = true;
  // key_twin still looks names up when a known key has a ':'.
  if (!key_with_colon_) names_.seal();
  else names_.index();
  raw_phones_ = Interner();
  release(raw_phone_node_);
  classify();
}

// How many nodes ahead the passes that gather them (gather_nodes) fetch
// their slots.
constexpr size_t kNodesAhead = 24;

namespace {

// The nodes of each entry, nodes_of(entry), back to back into *flat, and
// where each entry's end into *ends: the passes that read a node's slots
// at random gather the nodes first, to fetch the slots of those a little
// further on while they work.
template <typename NodesOf>
void gather_nodes(std::span<const uint32_t> entries, const NodesOf& nodes_of, std::vector<uint32_t>* flat,
                  std::vector<uint32_t>* ends) {
  flat->clear();
  ends->clear();
  for (const uint32_t e : entries) {
    const std::span<const uint32_t> ns = nodes_of(e);
    flat->insert(flat->end(), ns.begin(), ns.end());
    ends->push_back(static_cast<uint32_t>(flat->size()));
  }
}

}  // namespace

void Linker::resolve(const std::function<void(const Part&)>& contacts, int threads) {
  seal();
  rank_kinds();
  const uint32_t n_nodes = names_.size();
  auto usable = [&](uint32_t n) { return drop_[n] == DropReason::kNone; };
  NodeCursor cursor;  // the passes take the records mostly in order
  auto nodes_of = [&](uint32_t entry) { return this->nodes_of(entry & ~kSameContact, &cursor); };

  // Fanout: distinct known keys per identifier. Most identifiers meet one
  // key or none, so only the others are sorted.
  {
    BigVector<uint32_t> first(n_nodes, kNone);
    std::vector<std::pair<uint32_t, uint32_t>> more;
    auto see = [&](uint32_t id, uint32_t key) {
      if (!usable(id) || kind_[id] == 0) return;
      if (first[id] == kNone) first[id] = key;
      else if (first[id] != key) more.emplace_back(id, key);
    };
    // The nodes of a part's keyed records are gathered first, as for the
    // unions below, and the slots of those a little further on fetched.
    std::vector<uint32_t> with_key, flat, ends;
    contacts([&](std::span<const uint32_t> part) {
      with_key.clear();
      for (const uint32_t e : part)
        if (keyed(e & ~kSameContact)) with_key.push_back(e);
      gather_nodes(with_key, nodes_of, &flat, &ends);
      size_t i = 0;
      for (const uint32_t end : ends) {
        const uint32_t key = flat[i];
        for (++i; i < end; ++i) {
          if (i + kNodesAhead < flat.size()) {
            const uint32_t ahead = flat[i + kNodesAhead];
            prefetch(&drop_[ahead]);
            prefetch(&kind_[ahead]);
            prefetch(&first[ahead]);
          }
          see(flat[i], key);
        }
      }
    });
    for (const auto& [key, id] : crosswalk_) see(id, key);
    const size_t n_more = more.size();
    for (size_t i = 0; i < n_more; ++i) more.emplace_back(more[i].first, first[more[i].first]);
    std::sort(more.begin(), more.end());
    more.erase(std::unique(more.begin(), more.end()), more.end());
    for (size_t i = 0; i < more.size();) {
      size_t j = i;
      while (j < more.size() && more[j].first == more[i].first) ++j;
      if (static_cast<int64_t>(j - i) > max_fanout_) {
        drop_[more[i].first] = DropReason::kFanout;
        fanout_keys_[more[i].first] = static_cast<int64_t>(j - i);
      }
      i = j;
    }
  }

  // Phase 1: every union; and what was dropped, and how often, for the report.
  // Each part's contacts are cut into a range a thread (between contacts),
  // united at once (unite_shared). The components, and all that follows from
  // them, are the same whatever the order of the unions.
  drop_records_.clear();
  parent_.resize(n_nodes);
  std::iota(parent_.begin(), parent_.end(), 0u);
  {
    struct Walk {
      NodeCursor cursor;
      std::vector<uint32_t> flat, ends;  // ends[j]: where entry j's nodes end in flat
      std::unordered_map<uint32_t, int64_t> drops;
      uint32_t anchor = kNone;  // the first usable node of the contact under way
    };
    std::vector<Walk> walks(static_cast<size_t>(std::max(1, threads)));
    uint32_t carry = kNone;  // the anchor of a contact that goes on into the next part
    contacts([&](std::span<const uint32_t> part) {
      const size_t pieces = std::min(parallel_parts(part.size(), threads), walks.size());
      const std::vector<size_t> cut =
          cut_between_runs(part.size(), pieces, [&](size_t, size_t i) { return (part[i] & kSameContact) != 0; });
      for_parts(pieces, pieces, [&](size_t k, size_t, size_t) {
        Walk& w = walks[k];
        const std::span<const uint32_t> mine = part.subspan(cut[k], cut[k + 1] - cut[k]);
        // A part's nodes are gathered first, entry after entry, so that the
        // slots of those a little further on (anywhere in memory) are
        // fetched while uniting: 0.43 to 0.35 s at 10M records.
        gather_nodes(mine, [&](uint32_t e) { return this->nodes_of(e & ~kSameContact, &w.cursor); }, &w.flat,
                     &w.ends);
        w.anchor = k == 0 ? carry : kNone;
        size_t i = 0;
        for (size_t j = 0; j < mine.size(); ++j) {
          if (!(mine[j] & kSameContact)) w.anchor = kNone;
          for (; i < w.ends[j]; ++i) {
            if (i + kNodesAhead < w.flat.size()) {
              prefetch(&drop_[w.flat[i + kNodesAhead]]);
              prefetch(&parent_[w.flat[i + kNodesAhead]]);
            }
            const uint32_t n = w.flat[i];
            if (!usable(n)) {
              ++w.drops[n];
              continue;
            }
            if (w.anchor == kNone) w.anchor = n;
            else unite_shared(w.anchor, n);
          }
        }
      });
      for (size_t k = pieces; k-- > 0;)
        if (cut[k + 1] > cut[k]) {
          carry = walks[k].anchor;
          break;
        }
    });
    for (Walk& w : walks)
      for (const auto& [n, count] : w.drops) drop_records_[n] += count;
    for (const auto& [key, id] : crosswalk_) {
      if (usable(id)) unite_shared(key, id);
      else drop_records_.try_emplace(id, 0);
    }
  }

  // Components holding two or more known keys.
  BigVector<uint32_t> key_at(n_nodes, kNone);
  BigVector<uint8_t> conflicted(n_nodes, 0);
  bool any_conflict = false;
  for (uint32_t n = 0; n < n_nodes; ++n) {
    if (kind_[n] != 0) continue;
    const uint32_t r = find(n);
    if (key_at[r] == kNone) key_at[r] = n;
    else if (key_at[r] != n) conflicted[r] = 1, any_conflict = true;
  }

  // Phase 2: rebuild those components from their edges, in canonical order,
  // refusing every union that would join two known keys.
  refused_ = 0;
  if (any_conflict) {
    std::vector<uint32_t> members;
    for (uint32_t n = 0; n < n_nodes; ++n)
      if (usable(n) && conflicted[find(n)]) members.push_back(n);
    std::sort(members.begin(), members.end(), [&](uint32_t a, uint32_t b) { return less(a, b); });
    BigVector<uint32_t> pos(n_nodes, kNone);
    for (uint32_t i = 0; i < members.size(); ++i) pos[members[i]] = i;

    // Each contact is a star from its smallest node.
    std::vector<uint64_t> edges;
    std::vector<uint32_t> group;
    auto flush = [&] {
      if (group.size() > 1) {
        const uint32_t center = *std::min_element(group.begin(), group.end());
        for (const uint32_t p : group)
          if (p != center) edges.push_back(uint64_t{center} << 32 | p);
      }
      group.clear();
    };
    contacts([&](std::span<const uint32_t> part) {
      for (const uint32_t e : part) {
        if (!(e & kSameContact)) flush();
        for (const uint32_t n : nodes_of(e))
          if (usable(n) && pos[n] != kNone) group.push_back(pos[n]);
      }
    });
    flush();
    for (const auto& [key, id] : crosswalk_)
      if (usable(id) && pos[key] != kNone) edges.push_back(uint64_t{pos[key]} << 32 | pos[id]);
    std::sort(edges.begin(), edges.end());
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());

    rank_.assign(n_nodes, 0);
    for (const uint32_t m : members) {
      parent_[m] = m;
      key_at[m] = kind_[m] == 0 ? m : kNone;
    }
    for (const uint64_t edge : edges) {
      const uint32_t a = find(members[edge >> 32]), b = find(members[edge & 0xffffffffu]);
      if (a == b) continue;
      if (key_at[a] != kNone && key_at[b] != kNone) {
        ++refused_;
        continue;
      }
      const uint32_t key = key_at[a] != kNone ? key_at[a] : key_at[b];
      key_at[unite(a, b)] = key;
    }
  }

  release(conflicted);

  // Labels: a component's known key, else its smallest identifier. Each
  // node is pointed at its root on the way, so that the next pass finds it
  // in one step. On threads, each a range of nodes: no union is made any
  // more, so whatever parent another thread writes for a node (its root,
  // or a grandparent on the way) leads to the same root; a label is
  // lowered by compare-and-swap, and the least wins whatever the order.
  label_ = std::move(key_at);
  parallel_for(n_nodes, threads, [&](size_t begin, size_t end) {
    for (auto n = static_cast<uint32_t>(begin); n < end; ++n) {
      // Roots are anywhere: those of the nodes a little further on are
      // fetched meanwhile, then their labels.
      if (n + 16 < end) prefetch(&parent_[parent_at(n + 16)]);
      if (n + 8 < end) prefetch(&label_[parent_at(parent_at(n + 8))]);
      const uint32_t r = find(n);
      std::atomic_ref<uint32_t>(parent_[n]).store(r, std::memory_order_relaxed);
      if (kind_[n] == 0 || !usable(n)) continue;
      std::atomic_ref<uint32_t> label(label_[r]);
      uint32_t l = label.load(std::memory_order_relaxed);
      while ((l == kNone || (kind_[l] != 0 && less(n, l))) &&
             !label.compare_exchange_weak(l, n, std::memory_order_relaxed)) {
      }
    }
  });
  // From roots to every node: customer_node then reads one slot a node and
  // writes nothing, so that several threads may call it. Written over the
  // parents (each now its root), which become the labels: no third array
  // of a slot a node at the peak of linking.
  release(rank_);
  parallel_for(n_nodes, threads, [&](size_t begin, size_t end) {
    for (size_t n = begin; n < end; ++n) parent_[n] = label_[parent_[n]];
  });
  label_ = std::move(parent_);
}

uint32_t Linker::customer_node(uint32_t rec, NodeCursor* at) const { return customer_of(rec, nodes_of(rec, at)); }

void Linker::customer_nodes(std::span<const uint32_t> recs, uint32_t* out, NodeCursor* at) const {
  // The labels are anywhere in memory: those of the nodes a little
  // further on are fetched meanwhile.
  std::vector<uint32_t> flat, ends;  // ends[k]: where recs[k]'s nodes end in flat
  gather_nodes(recs, [&](uint32_t rec) { return nodes_of(rec, at); }, &flat, &ends);
  size_t warmed = 0;
  for (size_t k = 0; k < recs.size(); ++k) {
    for (const size_t until = std::min(flat.size(), size_t{ends[k]} + kNodesAhead); warmed < until; ++warmed) {
      prefetch(&drop_[flat[warmed]]);
      prefetch(&label_[flat[warmed]]);
    }
    const uint32_t begin = k == 0 ? 0 : ends[k - 1];
    out[k] = customer_of(recs[k], std::span<const uint32_t>(flat).subspan(begin, ends[k] - begin));
  }
}

uint32_t Linker::customer_of(uint32_t rec, std::span<const uint32_t> ns) const {
  if (ns.empty()) return kNone;
  if (keyed(rec)) return label_[ns[0]];
  // Usually every usable identifier is in one component: no need to find
  // the first in canonical order, which compares names.
  uint32_t label = kNone;
  bool one = true;
  for (const uint32_t n : ns) {
    if (drop_[n] != DropReason::kNone) continue;
    if (label == kNone) label = label_[n];
    else one = one && label_[n] == label;
  }
  if (one) return label;
  uint32_t best = kNone;
  for (const uint32_t n : ns)
    if (drop_[n] == DropReason::kNone && (best == kNone || less(n, best))) best = n;
  return label_[best];
}

uint32_t Linker::key_twin(uint32_t node) const {
  if (!key_with_colon_) return kNone;
  const auto [kind, value] = name_parts(names_.view(node));
  std::string other;
  if (kind.empty()) {
    // "K:V" against the identifier (K, V), for every ':' (kinds may hold one too).
    for (size_t colon = value.find(':'); colon != std::string_view::npos; colon = value.find(':', colon + 1)) {
      if (colon == 0) continue;  // no kind is empty
      other.clear();
      append_identifier_name(value.substr(0, colon), value.substr(colon + 1), &other);
      if (const uint32_t n = names_.find(other); n != kNone) return n;
    }
    return kNone;
  }
  other.assign(1, '\0');
  other.append(kind);
  other.push_back(':');
  other.append(value);
  return names_.find(other);
}

std::string Linker::key_text(uint32_t node) const {
  std::string key;
  append_key_text(node, &key);
  return key;
}

void Linker::append_key_text(uint32_t node, std::string* out) const {
  if (!hmac_) {
    for (const std::string_view piece : key_pieces(node).piece) out->append(piece);
    return;
  }
  unsigned char mac[kMacBytes];
  key_mac(node, mac);
  append_hex({reinterpret_cast<const char*>(mac), kMacBytes}, out);
}

void Linker::key_mac(uint32_t node, unsigned char (&mac)[kMacBytes]) const {
  hmac_->mac(key_pieces(node).piece, mac);
}

TextPieces Linker::key_pieces(uint32_t node) const { return pieces_of(names_.view(node)); }

TextPieces Linker::pieces_of(std::string_view name) {
  const auto [kind, value] = name_parts(name);
  if (kind.empty()) return {{value}};
  return {{kind, ":", value}};
}

std::vector<DroppedId> Linker::dropped() const {
  std::vector<DroppedId> out;
  for (const auto& [n, records] : drop_records_) {
    const auto [kind, value] = name_parts(names_.view(n));
    const auto k = fanout_keys_.find(n);
    out.push_back({std::string(kind), std::string(value), drop_[n], records,
                   k == fanout_keys_.end() ? 0 : k->second});
  }
  std::sort(out.begin(), out.end(), [](const DroppedId& a, const DroppedId& b) {
    if (a.records != b.records) return a.records > b.records;
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.value < b.value;
  });
  return out;
}

void Linker::release_records() {
  release(nodes_);
  release(starts_);
  release(block_begin_);
  release(keyed_);
  release(label_);
  release(kind_);
}

}  // namespace parcours
