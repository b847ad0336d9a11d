// parcours-floor: the physical floor for reading canonical NDJSON. It streams
// a file in 16 MiB reads through simdjson On-Demand and touches the fields
// every tool needs (id, channel, start, customer), nothing more. Its time is
// what parsing alone costs on this machine, so BENCHMARKS.md can say how far
// above it parcours is.
//
//   parcours-floor [--threads N] FILE
//
// With N threads the file is cut into N byte ranges at line ends, each read
// by its own thread with its own parser. Prints the number of records and
// the bytes of the fields touched, so the compiler cannot drop the work.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <simdjson.h>

namespace {

constexpr size_t kBlock = 16 << 20;

struct Tally {
  int64_t records = 0;
  uint64_t bytes = 0;
  bool ok = true;
};

// The offset of the first line that starts at or after `at`.
int64_t line_start(int fd, int64_t at, int64_t size) {
  if (at == 0) return 0;
  char buf[4096];
  for (int64_t pos = at - 1; pos < size;) {
    const ssize_t n = pread(fd, buf, sizeof buf, pos);
    if (n <= 0) return size;
    if (const void* nl = std::memchr(buf, '\n', static_cast<size_t>(n)))
      return pos + (static_cast<const char*>(nl) - buf) + 1;
    pos += n;
  }
  return size;
}

void parse_range(int fd, int64_t begin, int64_t end, Tally* t) {
  simdjson::ondemand::parser parser;
  std::vector<char> buf(kBlock + simdjson::SIMDJSON_PADDING);
  size_t carry = 0;  // bytes of an unfinished line kept at the front of buf
  for (int64_t pos = begin; pos < end || carry > 0;) {
    const size_t room = buf.size() - simdjson::SIMDJSON_PADDING - carry;
    const size_t want = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(room), end - pos));
    ssize_t n = want > 0 ? pread(fd, buf.data() + carry, want, pos) : 0;
    if (n < 0) {
      t->ok = false;
      return;
    }
    pos += n;
    size_t len = carry + static_cast<size_t>(n);
    size_t cut = len;
    if (pos < end) {  // keep the last, partial line for the next read
      while (cut > 0 && buf[cut - 1] != '\n') --cut;
    }
    if (cut == 0) {  // a line longer than a block: grow
      buf.resize((buf.size() - simdjson::SIMDJSON_PADDING) * 2 + simdjson::SIMDJSON_PADDING);
      carry = len;
      continue;
    }
    simdjson::ondemand::document_stream stream;
    if (parser.iterate_many(buf.data(), cut, std::max(cut, kBlock)).get(stream)) {
      t->ok = false;
      return;
    }
    for (auto doc : stream) {
      simdjson::ondemand::object obj;
      if (doc.get_object().get(obj)) continue;
      for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key)) break;
        if (key == "id" || key == "channel" || key == "start" || key == "customer") {
          std::string_view value;
          if (!field.value().get_string().get(value)) t->bytes += value.size();
        }
      }
      ++t->records;
    }
    carry = len - cut;
    std::memmove(buf.data(), buf.data() + cut, carry);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Streams canonical NDJSON through simdjson On-Demand, touching id, channel, start and customer: "
               "the parsing floor."};
  app.name("parcours-floor");
  std::string file;
  unsigned threads = 1;
  app.add_option("FILE", file, "NDJSON file")->required()->check(CLI::ExistingFile);
  app.add_option("--threads", threads, "threads, each reading its own part of the file")
      ->capture_default_str()
      ->check(CLI::Range(1u, 256u));
  CLI11_PARSE(app, argc, argv);

  const int fd = open(file.c_str(), O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    fmt::print(stderr, "parcours-floor: {}: {}\n", file, std::strerror(errno));
    return 3;
  }
  const int64_t size = st.st_size;
  std::vector<int64_t> cuts;
  for (unsigned i = 0; i <= threads; ++i) cuts.push_back(line_start(fd, size * i / threads, size));
  std::vector<Tally> tallies(threads);
  std::vector<std::thread> workers;
  for (unsigned i = 0; i < threads; ++i)
    workers.emplace_back(parse_range, fd, cuts[i], cuts[i + 1], &tallies[i]);
  Tally total;
  for (unsigned i = 0; i < threads; ++i) {
    workers[i].join();
    total.records += tallies[i].records;
    total.bytes += tallies[i].bytes;
    total.ok = total.ok && tallies[i].ok;
  }
  if (!total.ok) {
    fmt::print(stderr, "parcours-floor: {}: cannot read or parse\n", file);
    return 1;
  }
  fmt::print("{} records, {} bytes of id, channel, start and customer\n", total.records, total.bytes);
  return 0;
}
