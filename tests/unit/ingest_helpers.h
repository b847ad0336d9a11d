// Test helpers for format readers: run a reader on text, collect what it
// reports, and check the reconciliation read = accepted + merged + rejected.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "core/formats/format.h"

namespace parcours::test {

struct CollectSink : IngestSink {
  std::vector<OutRecord> records;
  int64_t merged = 0;
  std::vector<std::pair<int64_t, std::string>> rejects;  // line, reason
  std::map<std::string, int64_t> notes;
  void accept(OutRecord&& r) override { records.push_back(std::move(r)); }
  void merge(int64_t n) override { merged += n; }
  void reject(int64_t line, std::string_view, std::string_view reason) override {
    rejects.emplace_back(line, std::string(reason));
  }
  void note(std::string_view what) override { ++notes[std::string(what)]; }
  int64_t read() const { return static_cast<int64_t>(records.size()) + merged + static_cast<int64_t>(rejects.size()); }
  // Canonical NDJSON of the accepted records, for exact comparisons.
  std::string ndjson() const {
    std::string out;
    for (const OutRecord& r : records) append_ndjson(out, r);
    return out;
  }
};

// Writes `text` to a temporary file and runs the reader of `format` on it.
inline CollectSink run_reader(const std::string& format, const std::string& text, IngestOptions options = {},
                              const std::string& name = "test") {
  char path[] = "/tmp/parcours-test-XXXXXX";
  const int fd = mkstemp(path);
  BOOST_REQUIRE(fd >= 0);
  BOOST_REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  ::close(fd);
  CollectSink sink;
  std::string err;
  const FormatInfo* info = nullptr;
  for (const FormatInfo& f : formats())
    if (f.name == format) info = &f;
  BOOST_REQUIRE_MESSAGE(info != nullptr, "no format " << format);
  auto reader = info->make(options, &err);
  BOOST_REQUIRE_MESSAGE(reader != nullptr, err);
  BOOST_CHECK_MESSAGE(reader->read(path, name, sink, &err), err);
  ::unlink(path);
  return sink;
}

}  // namespace parcours::test
