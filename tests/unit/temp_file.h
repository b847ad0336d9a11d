// A temporary file for the tests that read files.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <boost/test/unit_test.hpp>

namespace parcours::test {

// A file holding `text`, removed at the end of the test.
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& text) {
    char name[] = "/tmp/parcours-test-XXXXXX";
    const int fd = mkstemp(name);
    BOOST_REQUIRE(fd >= 0);
    ::close(fd);
    path = name;
    std::ofstream(path, std::ios::binary) << text;
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() { std::remove(path.c_str()); }
};

}  // namespace parcours::test
