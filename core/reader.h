// Reading canonical records from many inputs, parsed in parallel, handed out
// in input order.
//
// Worker threads take turns at the inputs: each reads the next run of whole
// lines (about kBatchBytes) straight into a batch it owns (BlockReader),
// then, the input free for the next, cuts it into lines and parses them
// there with its own RecordParser, keeping what the records' strings point
// at in the batch. The calling thread takes the batches back in
// the order they were cut and hands out every line's outcome (and, when the
// next batch is not ready, cuts and parses one itself rather than wait), so
// whatever the number of threads the caller sees the same records, errors
// and line numbers in the same order: results never depend on --threads.
//
// Memory stays bounded: at most `threads` + 2 batches exist (one for each
// parsing thread, one for the calling thread, two parsed and waiting; one
// when parsing on the calling thread alone), each about kBatchBytes of text
// and what was parsed from it, its records kept from batch to batch.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"

namespace parcours {

struct RecordSink {
  // An input could not be opened ("cannot open: ..."); reading goes on with
  // the next one.
  std::function<void(size_t file, const std::string& error)> open_failed;
  // An accepted record. Return false to stop reading.
  std::function<bool(size_t file, int64_t line, const RawContact&)> record;
  // A record that `record` will be given soon, to warm the caches for it:
  // step 0 some records before, step 1 about half as many (may be left
  // empty; it must change nothing).
  std::function<void(const RawContact&, int step)> ahead;
  // A rejected record: its first problem. Return false to stop reading.
  std::function<bool(size_t file, int64_t line, const FieldError&)> rejected;
  // The end of an input that was opened: `error` is empty, or the read error
  // that ended it early.
  std::function<void(size_t file, const std::string& error)> file_done;
  // Bytes of input consumed so far, after each batch (may be left empty).
  std::function<void(int64_t bytes)> progress;
};

// Lines cut per batch: large enough that handing batches over costs nothing
// (some 9000 batches for 10M records), small enough that a batch's text and
// parsed records stay in the caches until added, and the few in flight
// within a few MiB. Measured with stats: at 1M records 86 MiB at the peak
// against 89 at 512 KiB, 96 at 1 MiB and 113 at 2 MiB, in the same time
// (0.47 to 0.56 s); at 10M 590 thousand KiB against 593 and 600, in 5.42
// to 5.64 s against 5.54 to 6.48 s.
inline constexpr size_t kBatchBytes = 256 << 10;

// Reads `paths` ("-" is standard input) in order. `threads` <= 1 parses on
// the calling thread; more starts threads - 1 parsing threads besides it.
// Returns false when a callback stopped it. (`batch_bytes` is for tests.)
bool read_canonical(const std::vector<std::string>& paths, int threads, const RecordSink& sink,
                    size_t batch_bytes = kBatchBytes);

// The thread count when none is given: every core the process may use.
int default_threads();

}  // namespace parcours
