// parcours: the registry of subcommands, dispatch, help and "did you mean".
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <new>
#include <system_error>

#include <fmt/format.h>

#include "cmd/common.h"
#include "core/signals.h"
#include "core/spill.h"

namespace parcours {

const std::vector<Tool>& tools() {
  static const std::vector<Tool> kTools = {
      {"ingest", "turn the exports of each channel's system into canonical contacts", setup_ingest},
      {"validate", "check canonical contact records against the contract", setup_validate},
      {"stats", "repeat contacts and first-contact resolution per service", setup_stats},
      {"journeys", "each customer's episodes and paths across channels", setup_journeys},
      {"transitions", "channel-to-channel counts over every repeat contact", setup_transitions},
      {"link", "fill in each record's customer by linking shared identifiers", setup_link},
      {"anonymize", "replace identifiers and customer keys with keyed pseudonyms", setup_anonymize},
      {"mix", "contacts per period, service and channel, with each channel's share", setup_mix},
      {"handle", "handle and wait times per service and channel", setup_handle},
      {"paths", "the most frequent episode paths per service", setup_paths},
      {"segments", "customers by channel profile, with contacts and FCR", setup_segments},
      {"report", "one self-contained HTML report with charts, in English or French", setup_report},
  };
  return kTools;
}

namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
      diag = up;
    }
  }
  return row[b.size()];
}

const Tool* find_tool(std::string_view name) {
  for (const Tool& t : tools())
    if (t.name == name) return &t;
  return nullptr;
}

void usage(FILE* to) {
  fmt::print(to, "usage: parcours COMMAND [OPTION...] [FILE...]\n\ncommands:\n");
  for (const Tool& t : tools()) fmt::print(to, "  {:<12} {}\n", t.name, t.summary);
  fmt::print(to, "\n'parcours help COMMAND' or 'man parcours-COMMAND' tells more.\n");
}

int unknown_command(std::string_view name) {
  std::string hint;
  size_t best = 3;
  for (const Tool& t : tools()) {
    const size_t d = edit_distance(name, t.name);
    if (d < best || (t.name.substr(0, name.size()) == name && !name.empty())) {
      best = d;
      hint = fmt::format("; did you mean '{}'?", t.name);
    }
  }
  fmt::print(stderr, "parcours: '{}' is not a command{} ('parcours help' lists them)\n", name, hint);
  return kExitUsage;
}

// The tool running, for messages about the run as a whole.
std::string_view g_tool = "parcours";

void say_out_of_memory() {
  fmt::print(stderr,
             "parcours {}: out of memory: the input needs more than this process may use (free memory, "
             "'ulimit -v', a container's limit); run it where more memory is available, or on a part of the "
             "input (a shorter period)\n",
             g_tool);
}

// A thread that cannot be started for want of memory (its stack).
bool no_room_for_thread(const std::system_error& e) {
  return e.code() == std::errc::resource_unavailable_try_again || e.code() == std::errc::not_enough_memory;
}

// Memory running out, or an input past a limit of the engine, ends the run
// with a message and kExitMemory; a spill file that cannot be made, with
// kExitIo. The -o outputs are abandoned as the stack unwinds (Output's
// destructor removes each temporary file).
int run_guarded(const std::function<int()>& run) {
  try {
    return run();
  } catch (const std::bad_alloc&) {
    say_out_of_memory();
  } catch (const std::system_error& e) {
    if (!no_room_for_thread(e)) throw;
    say_out_of_memory();
  } catch (const TooLarge& e) {
    fmt::print(stderr, "parcours {}: input too large: {}; run it on a part of the input (a shorter period)\n",
               g_tool, e.what());
  } catch (const spill::Failed& e) {
    fmt::print(stderr, "parcours {}: {}; make room there or give --tmpdir another directory\n", g_tool, e.what());
    return kExitIo;
  }
  return kExitMemory;
}

// An exception nothing caught: memory running out where no one waits for
// it, or a bug. The temporary outputs are removed first; then the process
// ends with kExitMemory for the first, and aborts (a core to report) for
// the second.
[[noreturn]] void on_terminate() {
  remove_temp_files();
  std::string what = "an unknown exception";
  if (const std::exception_ptr e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::bad_alloc&) {
      say_out_of_memory();
      std::_Exit(kExitMemory);
    } catch (const std::system_error& x) {
      if (no_room_for_thread(x)) {
        say_out_of_memory();
        std::_Exit(kExitMemory);
      }
      what = x.what();
    } catch (const std::exception& x) {
      what = x.what();
    } catch (...) {
    }
  }
  fmt::print(stderr, "parcours {}: internal error: {}; please report it, with the command line\n", g_tool, what);
  std::abort();
}

int run_tool(const Tool& t, int argc, char** argv) {
  g_tool = t.name;
  CLI::App app{std::string(t.summary), fmt::format("parcours {}", t.name)};
  app.set_help_flag("-h,--help", "print this help and exit");
  app.option_defaults()->always_capture_default(false);
  std::function<int()> run = t.setup(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    fmt::print("{}", app.help());
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "parcours {}: {}; see 'parcours help {}'\n", t.name, e.what(), t.name);
    return kExitUsage;
  }
  audit().app = &app;
  if (audit().replay.empty()) return run_guarded(run);

  // --replay: the same tool again, on the command line the manifest holds.
  std::vector<std::string> args;
  if (const int status = replay_arguments(t.name, app, &args); status != kExitOk) return status;
  std::reverse(args.begin(), args.end());  // CLI11 takes them last first
  CLI::App again{std::string(t.summary), fmt::format("parcours {}", t.name)};
  again.set_help_flag("-h,--help", "print this help and exit");
  again.option_defaults()->always_capture_default(false);
  run = t.setup(again);
  try {
    again.parse(args);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "parcours {}: --replay: the manifest's options are not accepted: {}\n", t.name, e.what());
    return kExitUsage;
  }
  audit().app = &again;
  return run_guarded(run);
}

}  // namespace

}  // namespace parcours

int main(int argc, char** argv) {
  using namespace parcours;
  // A reader that stops early (`| head`) is not an error: writes then fail
  // with EPIPE, which Output reports as "reader gone", and the tool ends quietly.
  std::signal(SIGPIPE, SIG_IGN);
  // Ctrl-C, kill, a closed terminal: temporary -o files are removed first.
  install_cleanup_on_signal();
  std::set_terminate(on_terminate);
  if (argc < 2) {
    usage(stderr);
    return kExitUsage;
  }
  const std::string_view cmd = argv[1];
  if (cmd == "--version" || cmd == "version") {
    fmt::print("parcours {}\n", PARCOURS_VERSION);
    return kExitOk;
  }
  if (cmd == "-h" || cmd == "--help") {
    usage(stdout);
    return kExitOk;
  }
  if (cmd == "help") {
    if (argc < 3) {
      usage(stdout);
      return kExitOk;
    }
    const Tool* t = find_tool(argv[2]);
    if (t == nullptr) return unknown_command(argv[2]);
    char help[] = "--help";
    char* args[] = {argv[0], help};
    return run_tool(*t, 2, args);
  }
  const Tool* t = find_tool(cmd);
  if (t == nullptr) return unknown_command(cmd);
  return run_tool(*t, argc - 1, argv + 1);
}
