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
#include "core/manifest.h"
#include "core/output.h"
#include "core/reader.h"
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
std::function<int()> setup_anonymize(CLI::App& app);
std::function<int()> setup_mix(CLI::App& app);
std::function<int()> setup_handle(CLI::App& app);
std::function<int()> setup_paths(CLI::App& app);
std::function<int()> setup_segments(CLI::App& app);
std::function<int()> setup_report(CLI::App& app);

// `parcours TOOL: message` on stderr.
void say(std::string_view tool, std::string_view message);

// The identity options of link, stats, journeys and transitions.
struct LinkFlags {
  std::string region = "CA";
  std::string crosswalk, block, hash_key;
  int64_t max_fanout = 1;
  std::string memory;  // --memory: a budget past which record arrays spill (core/spill.h)
  std::string tmpdir;  // --tmpdir: where they spill (default $TMPDIR, else /tmp)
};
void add_link_options(CLI::App& app, LinkFlags& o);
// Sets up the linker from the flags, reading the files they name, and the
// memory budget; reports a problem and returns its exit status (2), or
// kExitOk.
int configure_linker(std::string_view tool, const LinkFlags& o, Linker* linker);
// The identity lines of the summary: customers, linked across channels,
// dropped identifiers (each listed, at most 20), refused unions; and what
// spilled beyond --memory, if anything did.
// `records` and `unidentified_records` are left out when < 0.
void print_link_summary(std::string_view tool, const LinkFlags& o, const Dataset& ds, int64_t records = -1,
                        int64_t unidentified_records = -1);
// "spilled N MiB to DIR ...", when something spilled beyond --memory.
void print_spill_summary(std::string_view tool, const LinkFlags& o);

// One input: the name diagnostics use, and the path it is read from.
struct InputFile {
  std::string label, path;
};
struct ReadOptions {
  int64_t max_errors = 0;  // stop after this many rejected records (0: never)
  int threads = 0;         // parsing threads (0: every core)
  int thread_count() const { return threads > 0 ? threads : default_threads(); }
  bool quiet = false;      // no progress line (nor summary lines)
};
// --max-errors, -j/--threads and -q/--quiet.
void add_read_options(CLI::App& app, ReadOptions& o);
// Reads the records of every input, handing each accepted one to `add` in
// input order and reporting the others; a progress line shows on a terminal
// (see core/reader.h for the threads). When `add` fills a Dataset, name it
// as `dataset`: once the first batch tells the average length of a line,
// room is made for as many records as the inputs' sizes suggest, and its
// tables are warmed for each record a little before it is added
// (Dataset::warm). Returns kExitOk, kExitRejected, or kExitIo when an
// input could not be read; *stopped is set when --max-errors was reached.
int read_records(std::string_view tool, const std::vector<InputFile>& files, const ReadOptions& opts,
                 const std::function<void(const RawContact&)>& add, int64_t* read, int64_t* rejected,
                 bool* stopped, Dataset* dataset = nullptr);

// The options of stats, journeys and transitions.
struct ComputeOptions {
  std::vector<std::string> files;
  std::string window = "7d";
  std::string as_of;
  std::string mode = "repeat";
  std::string format;
  std::string output;
  bool any_service = false;
  ReadOptions read;
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

// ---- Audit: --manifest and --replay (parcours(1), MANIFEST) ----------------
//
// One tool runs per process, so the audit of the run is one object, reached
// from the few places every tool goes through: the options (add_link_options
// or add_audit_options), read_records, configure_linker, load and emit.
struct Audit {
  std::string manifest;  // --manifest FILE
  std::string replay;    // --replay FILE
  const CLI::App* app = nullptr;  // the parsed command line, for its options
  Manifest record;       // what this run read, used and wrote
  Manifest expected;     // --replay: the manifest replayed
  bool broken = false;   // an input could not be hashed: no manifest
  std::vector<std::string> temps;  // files to remove at exit
  std::vector<int> spools;         // unlinked copies of pipes, kept open
  bool active() const { return !manifest.empty() || !replay.empty(); }
  ~Audit();
};
Audit& audit();
// --manifest FILE and --replay FILE.
void add_audit_options(CLI::App& app);

// --replay, once the command line is parsed into `given`: reads the manifest,
// checks that it is this tool's and that every input is unchanged (same
// SHA-256), and fills *args with the command line to run again: the
// manifest's options and inputs, plus -o and -q when given. Returns kExitOk,
// or the exit status after saying what is wrong (1: an input changed).
int replay_arguments(std::string_view tool, const CLI::App& given, std::vector<std::string>* args);

// Before an input is read: with an audit, hashes and records it. A pipe or
// standard input is first copied to an unlinked temporary file (it can be
// read only once); *path then names that copy, or standard input becomes it.
// An input that cannot be hashed is left for the reader to report.
void audit_input(const std::string& label, std::string* path);
// After it is read: its record counts, in the order the manifest lists them.
void audit_input_counts(std::vector<std::pair<std::string, int64_t>> counts);
// The same for the input registered `index`-th.
void audit_input_counts(size_t index, std::vector<std::pair<std::string, int64_t>> counts);
// Sets a parameter of the run (kept in key order in the manifest).
void audit_parameter(std::string_view key, Json value);
// {path, size, sha256} of a file an option names, or null when `path` is "".
Json audit_file(const std::string& path);
// Where to open the output that belongs at `path` ("" or "-": standard
// output): `path` itself, or with an audit a temporary file, when the bytes
// must be hashed before they go to standard output or when a replay only
// checks them (every output but the main one when -o is given again).
// Returns false after saying why.
bool audit_output_path(std::string_view tool, const std::string& path, bool main, std::string* opened);
// Once the output opened at `opened` is closed: hashes and records it, and
// copies a temporary one to standard output when that is where it belongs.
// Returns kExitOk or kExitIo.
int audit_output(std::string_view tool, const std::string& path, const std::string& opened);
// At the end of a run whose outputs are written: writes the manifest, and
// for --replay compares each output with the manifest's. Returns the exit
// status: `status`, or for a replay 0 when every output matches, else 1;
// kExitIo when the manifest cannot be written.
int audit_finish(std::string_view tool, int status);

}  // namespace parcours
