#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "core/input.h"
#include "tests/unit/temp_file.h"

using namespace parcours;
using parcours::test::TempFile;

namespace {

// The lines LineReader hands out, as "text|cut" each, and the bytes it read.
std::vector<std::string> by_lines(const std::string& path, int64_t* bytes) {
  LineReader r;
  std::string err;
  BOOST_REQUIRE(r.open(path, &err));
  std::vector<std::string> out;
  Line line;
  while (r.next(&line)) out.push_back(std::string(line.text) + (line.cut ? "|cut" : "|"));
  *bytes = r.bytes();
  return out;
}

// The same from BlockReader's blocks, cut as the reader of records cuts
// them: at each '\n', a '\r' before it dropped, a line of kBlock bytes cut.
// Every block must be whole lines, and but at the end never empty.
std::vector<std::string> by_blocks(const std::string& path, size_t want, int64_t* bytes) {
  BlockReader r;
  std::string err;
  BOOST_REQUIRE(r.open(path, &err));
  std::vector<std::string> out;
  ByteBuffer text;
  while (!r.ended()) {
    text.clear();
    r.read(&text, want);
    const std::string block(text.data(), text.size());
    if (!r.ended()) BOOST_TEST(!block.empty());
    if (!block.empty()) BOOST_TEST(block.back() == '\n');
    for (size_t at = 0; at < block.size();) {
      const size_t nl = block.find('\n', at);
      std::string line = block.substr(at, nl - at);
      const bool cut = line.size() >= LineReader::kBlock;
      BOOST_TEST(line.size() <= LineReader::kBlock);
      if (!cut && !line.empty() && line.back() == '\r') line.pop_back();
      out.push_back(line + (cut ? "|cut" : "|"));
      at = nl + 1;
    }
  }
  BOOST_TEST(r.error().empty());
  *bytes = r.bytes();
  return out;
}

}  // namespace

// BlockReader hands out the lines LineReader does, however they fall into
// blocks: a BOM skipped (only at the start), CRLF and LF, blank lines, a
// last line without a line end, lines just under, at and over the 16 MiB
// at which a line is cut (the rest skipped, the next line intact), and
// counts the same bytes.
BOOST_AUTO_TEST_CASE(block_reader_cuts_the_lines_line_reader_does) {
  const size_t k = LineReader::kBlock;
  const std::vector<std::string> inputs = {
      "",
      "\n",
      "a",
      "\xEF\xBB",
      "\xEF\xBB\xBF",
      "\xEF\xBB\xBF\n",
      "\xEF\xBB\xBF{\"a\":1}\r\n\r\n{\"b\":2}",
      "x\xEF\xBB\xBF\n\xEF\xBB\xBFy\n",
      "one\ntwo\r\n\n  \nthree",
      std::string(k - 1, 'a') + "\nb\n",
      std::string(k, 'a') + "\nb\n",
      std::string(k + 1, 'a') + "\r\nb",
      "a\n" + std::string(3 * k + 5, 'c') + "\nd\n" + std::string(k, 'e'),
  };
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TempFile f(inputs[i]);
    int64_t line_bytes = 0;
    const std::vector<std::string> want = by_lines(f.path, &line_bytes);
    BOOST_TEST(line_bytes == static_cast<int64_t>(inputs[i].size()));
    for (const size_t block : {size_t{1}, size_t{2}, size_t{5}, size_t{4096}, size_t{2} << 20}) {
      BOOST_TEST_CONTEXT("input " << i << ", blocks of " << block) {
        int64_t block_bytes = 0;
        BOOST_TEST(by_blocks(f.path, block, &block_bytes) == want);
        BOOST_TEST(block_bytes == line_bytes);
      }
    }
  }
}

// From a pipe, where reads return what was written so far: a byte at a
// time, the BOM too.
BOOST_AUTO_TEST_CASE(block_reader_reads_a_pipe_a_byte_at_a_time) {
  const std::string text = "\xEF\xBB\xBF{\"a\":1}\r\n\n{\"b\":22}\nlast";
  int fds[2];
  BOOST_REQUIRE(pipe(fds) == 0);
  std::thread writer([&] {
    for (const char c : text) {
      if (::write(fds[1], &c, 1) != 1) break;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    ::close(fds[1]);
  });
  char path[32];
  std::snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
  int64_t bytes = 0;
  const std::vector<std::string> lines = by_blocks(path, 4096, &bytes);
  writer.join();
  ::close(fds[0]);
  BOOST_TEST(lines == (std::vector<std::string>{"{\"a\":1}|", "|", "{\"b\":22}|", "last|"}), boost::test_tools::per_element());
  BOOST_TEST(bytes == static_cast<int64_t>(text.size()));
}
