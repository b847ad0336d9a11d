// What the subcommands share: the registry, the options of the computing
// tools, reading inputs into a Dataset, and reporting counts on stderr.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/dataset.h"
#include "core/diag.h"
#include "core/episodes.h"
#include "core/output.h"
#include "core/table.h"

namespace parcours {

// One entry per subcommand. `setup` declares the options on `app` and returns
// the function that runs the tool once they are parsed; it returns the exit
// status.
struct Tool {
  std::string_view name;
  std::string_view summary;
  std::function<std::function<int()>(CLI::App&)> setup;
};
const std::vector<Tool>& tools();

std::function<int()> setup_ingest(CLI::App& app);
std::function<int()> setup_validate(CLI::App& app);
std::function<int()> setup_stats(CLI::App& app);
std::function<int()> setup_journeys(CLI::App& app);
std::function<int()> setup_transitions(CLI::App& app);
std::function<int()> setup_link(CLI::App& app);
std::function<int()> setup_mix(CLI::App& app);
std::function<int()> setup_handle(CLI::App& app);
std::function<int()> setup_paths(CLI::App& app);
std::function<int()> setup_segments(CLI::App& app);

// `parcours TOOL: message` on stderr.
void say(std::string_view tool, std::string_view message);

// The identity options of link, stats, journeys and transitions.
struct LinkFlags {
  std::string region = "CA";
  std::string crosswalk, block, hash_key;
  int64_t max_fanout = 1;
};
void add_link_options(CLI::App& app, LinkFlags& o);
// Sets up the linker from the flags, reading the files they name; reports a
// problem and returns its exit status (2), or kExitOk.
int configure_linker(std::string_view tool, const LinkFlags& o, Linker* linker);
// The identity lines of the summary: customers, linked across channels,
// dropped identifiers (each listed, at most 20), refused unions.
// `records` and `unidentified_records` are left out when < 0.
void print_link_summary(std::string_view tool, const LinkFlags& o, const Dataset& ds, int64_t records = -1,
                        int64_t unidentified_records = -1);

// One input: the name diagnostics use, and the path it is read from.
struct InputFile {
  std::string label, path;
};
// Reads the records of every input, handing each accepted one to `add` and
// reporting the others. Returns kExitOk, kExitRejected, or kExitIo when an
// input could not be read; *stopped is set when --max-errors was reached.
int read_records(std::string_view tool, const std::vector<InputFile>& files, int64_t max_errors,
                 const std::function<void(const RawContact&)>& add, int64_t* read, int64_t* rejected,
                 bool* stopped);

// The options of stats, journeys and transitions.
struct ComputeOptions {
  std::vector<std::string> files;
  std::string window = "7d";
  std::string as_of;
  std::string mode = "repeat";
  std::string format;
  std::string output;
  bool any_service = false;
  bool quiet = false;
  int64_t max_errors = 0;
  LinkFlags link;
};
void add_compute_options(CLI::App& app, ComputeOptions& o, std::vector<std::string> formats);

// Reads every input into a Dataset, printing each rejected record, and
// returns the exit status so far. `complete` tells whether the data can be
// used: not after a usage or read error, nor when --max-errors stopped early.
struct Loaded {
  Dataset ds;
  Params params;
  int64_t read = 0;
  int64_t rejected = 0;
  bool complete = false;
};
int load(std::string_view tool, const ComputeOptions& o, Loaded* out);

// The closing lines on stderr: counts, then the parameters used.
void print_summary(std::string_view tool, const ComputeOptions& o, const Loaded& in);

// Runs `produce` on o.output (or stdout, written atomically when a file), and
// turns the outcome into the tool's exit status: `status` if all went well.
int emit(std::string_view tool, const ComputeOptions& o, const std::function<void(Output&)>& produce, int status);

}  // namespace parcours
