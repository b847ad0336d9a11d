// Fuzzes phone normalisation (libphonenumber behind PhoneNormaliser): the
// first two bytes name the default region, the rest is the number. A
// number accepted becomes E.164, and E.164 normalises to itself.
#include "tests/fuzz/fuzz.h"
#include "core/identity.h"

using namespace parcours;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view s = fuzz::view(data, size);
  PhoneNormaliser phones;
  if (s.size() >= 2) phones.set_region(s.substr(0, 2));
  const std::string_view number = s.size() >= 2 ? s.substr(2) : s;
  std::string e164, again;
  is_junk(trim_blanks(number));
  if (!phones.normalise(number, &e164)) return 0;
  fuzz::check(!e164.empty() && e164[0] == '+', "a normalised number starts with +");
  if (is_e164(e164)) {
    fuzz::check(phones.normalise(e164, &again) && again == e164, "E.164 normalises to itself");
  }
  return 0;
}
