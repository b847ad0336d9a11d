// Manifests (`--manifest FILE`, `--replay FILE`): what an auditor needs to
// rerun a report and get the same bytes — the tool, its version, every
// option, the effective parameters, each input's size, SHA-256 and record
// counts, and each output's size and SHA-256.
//
// A manifest holds nothing that changes from one run to the next (no time of
// the run, no host, no temporary names), and its keys come in a fixed order,
// so rerunning the same command writes a byte-identical manifest.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parcours {

// A small JSON tree whose objects keep their keys in the order they were
// set: the writer prints them in that order, never hashed or sorted.
struct Json {
  enum class Type : uint8_t { kNull, kBool, kInt, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  int64_t integer = 0;
  std::string string;
  std::vector<Json> array;
  std::vector<std::pair<std::string, Json>> object;

  // Out of line: inline, clang with libstdc++ would need the recursive
  // member types complete here.
  Json();
  static Json null() { return {}; }
  static Json of_bool(bool b);
  static Json of_int(int64_t n);
  static Json of_string(std::string_view s);
  static Json new_array();
  static Json new_object();

  // Object members: the value under `key`, or nullptr.
  const Json* get(std::string_view key) const;
  // Sets `key` (replacing its value, or appending it at the end).
  Json& set(std::string_view key, Json value);
};

// Two-space indented JSON, ending with a newline.
std::string to_json(const Json& v);
// Reads one JSON document. Numbers must be whole (int64).
bool parse_json(std::string_view text, Json* out, std::string* err);

// One input or output of a run.
struct ManifestFile {
  std::string path;   // as given on the command line; "-" is standard input/output
  int64_t size = 0;   // bytes
  std::string sha256; // lowercase hex, as sha256sum prints it
  // Inputs: records read, accepted, merged, rejected (those the tool counts).
  std::vector<std::pair<std::string, int64_t>> counts;
};

struct Manifest {
  static constexpr int64_t kFormat = 1;  // bumped when the layout changes
  std::string tool, version;
  // The command-line options, by long name (without "--"), sorted: the
  // value given or the default; true/false for flags; null when unset
  // without a default. --replay passes them back as they are.
  Json options = Json::new_object();
  // The values the run actually used (the effective as-of time, the files
  // the options name with their SHA-256, ...), for the reader.
  Json parameters = Json::new_object();
  std::vector<ManifestFile> inputs;
  std::vector<std::pair<std::string, int64_t>> counts;  // over all inputs
  std::vector<ManifestFile> outputs;
  int64_t status = 0;  // the exit status of the run
};

std::string manifest_json(const Manifest& m);
// Errors name the key at fault: "inputs[2].sha256: expected a string".
bool parse_manifest(std::string_view text, Manifest* out, std::string* err);

}  // namespace parcours
