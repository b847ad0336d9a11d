// Fuzzes the time parsers: RFC 3339 times, windows and as-of values. Each
// value accepted must print back to a spelling that reads as the same value.
#include "tests/fuzz/fuzz.h"

using namespace parcours;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view s = fuzz::view(data, size);
  std::string err;
  Micros t = 0, back = 0;
  if (parse_time(s, &t, &err)) {
    const std::string text = format_time(t);
    fuzz::check(parse_time(text, &back, &err) && back == t, "format_time reads back as the same time");
    fuzz::check(parse_as_of(text, &back, &err) && back == t, "a time is an as-of value");
  } else {
    fuzz::check(!err.empty(), "a bad time says why");
  }
  err.clear();
  if (parse_window(s, &t, &err)) {
    fuzz::check(t > 0, "a window is positive");
    const std::string text = format_window(t);
    fuzz::check(parse_window(text, &back, &err) && back == t, "format_window reads back as the same window");
  } else {
    fuzz::check(!err.empty(), "a bad window says why");
  }
  err.clear();
  if (parse_as_of(s, &t, &err)) {
    const std::string text = format_time(t);
    fuzz::check(parse_as_of(text, &back, &err) && back == t, "an as-of value reads back as the same time");
  } else {
    fuzz::check(!err.empty(), "a bad as-of value says why");
  }
  return 0;
}
