// parcours-floor: reads canonical NDJSON with simdjson On-Demand and touches
// the fields every tool needs (id, channel, start), nothing more. Its time is
// the floor for `parcours stats` on the same files: what parsing alone costs
// on this machine, so BENCHMARKS.md can say how far above it parcours is.
//
//   parcours-floor FILE...
//
// Prints the number of records and the total bytes of their fields, so that
// the compiler cannot drop the work.

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <simdjson.h>

int main(int argc, char** argv) {
  CLI::App app{"Reads canonical NDJSON with simdjson On-Demand, touching id, channel and start: the parsing floor."};
  app.name("parcours-floor");
  std::vector<std::string> files;
  app.add_option("FILE", files, "NDJSON files")->required()->check(CLI::ExistingFile);
  CLI11_PARSE(app, argc, argv);

  simdjson::ondemand::parser parser;
  int64_t records = 0;
  uint64_t bytes = 0;
  for (const std::string& file : files) {
    simdjson::padded_string text;
    if (auto error = simdjson::padded_string::load(file).get(text)) {
      fmt::print(stderr, "parcours-floor: {}: {}\n", file, simdjson::error_message(error));
      return 3;
    }
    simdjson::ondemand::document_stream stream;
    if (auto error = parser.iterate_many(text, 16 << 20).get(stream)) {
      fmt::print(stderr, "parcours-floor: {}: {}\n", file, simdjson::error_message(error));
      return 1;
    }
    for (auto doc : stream) {
      simdjson::ondemand::object obj;
      if (doc.get_object().get(obj)) continue;
      for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key)) break;
        if (key == "id" || key == "channel" || key == "start") {
          std::string_view value;
          if (!field.value().get_string().get(value)) bytes += value.size();
        }
      }
      ++records;
    }
  }
  fmt::print("{} records, {} bytes of id, channel and start\n", records, bytes);
  return 0;
}
