#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <boost/test/unit_test.hpp>

#include "core/output.h"

namespace fs = std::filesystem;
using parcours::Output;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path fresh_dir() {
  fs::path dir = fs::temp_directory_path() / ("parcours-output-test-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(output)

// Large pieces go out without the buffer: what was gathered before them must
// still come first, and what follows after.
BOOST_AUTO_TEST_CASE(pieces_keep_their_order_whatever_their_size) {
  const fs::path dir = fresh_dir();
  const fs::path path = dir / "out.txt";
  std::string expected;
  {
    Output out;
    std::string err;
    BOOST_REQUIRE(out.open(path.string(), &err));
    const std::string small = "small piece\n";
    const std::string large((size_t{3} << 20) + 7, 'L');
    const std::string medium((size_t{1} << 19), 'm');
    for (const std::string* piece : {&small, &large, &small, &medium, &medium, &medium, &large, &small}) {
      out.write(*piece);
      expected += *piece;
    }
    // Written atomically: nothing at the path before close.
    BOOST_TEST(!fs::exists(path));
    BOOST_REQUIRE(out.close(&err));
  }
  const std::string got = slurp(path);
  BOOST_TEST(got.size() == expected.size());
  BOOST_TEST((got == expected));
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
