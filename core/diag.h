// Diagnostics: where a problem is, what it is, and what to do about it.
//
// core/ never prints: it collects Diags and counts, and the commands decide
// how to show them (`parcours TOOL: FILE:LINE: FIELD: message`).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace parcours {

// "cannot open: No such file or directory"
std::string fmt_errno(std::string_view what, int err);

// Exit statuses shared by every tool (DESIGN.md).
enum Exit : int {
  kExitOk = 0,
  kExitRejected = 1,  // some input rejected; the output is complete for the rest
  kExitUsage = 2,
  kExitIo = 3,        // an input could not be read or the output not written
  kExitMemory = 4,    // memory ran out, or the input passed a size limit
};

// Thrown where an input passes a limit of the engine's compact tables (more
// than 2^32 - 1 distinct strings in one table, say): the tools end with
// kExitMemory and the message.
struct TooLarge : std::length_error {
  using std::length_error::length_error;
};

}  // namespace parcours
