// A memory budget for the large arrays, and the files they spill to.
//
// Every array allocated through HugePageAllocator (core/huge.h) is charged
// to the budget while it lives. The arrays that are filled and read in
// record order (the contacts, their ids, the identifiers of each record)
// are spillable: when one would take the charged total past the budget, or
// alone more than a quarter of it (the tables that cannot spill grow later
// and need the rest), it is allocated instead in a file of its own in the
// spill directory, created unlinked (nothing is left behind, whatever ends
// the run), its disk blocks reserved at once (a full disk is an error
// there and then, not a fault later), and mapped shared. The kernel then
// writes its pages out and takes them back as memory is needed elsewhere,
// and reads them in again when they are read. (Asking for the writing to
// start as the pages come costs more than the kernel's own writing: each
// page written out while mapped is faulted in again at the next write.)
// The tables read at random (hash slots, the union-find) are never
// spilled: they would be read from disk a page a lookup.
//
// Without a budget (the default) arrays are still charged, and nothing
// spills.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace parcours::spill {

// Thrown when a spill file cannot be made (the directory is missing or
// full): the tools end with kExitIo and the message.
struct Failed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Sets the budget in bytes (0: none) and the directory spill files go to.
// Checks that a file can be made there: false, with *err, when not.
bool configure(uint64_t budget, const std::string& dir, std::string* err);
// Back to no budget (the tests); spill files in use stay valid.
void reset();

uint64_t budget();
// Bytes of arrays in memory now, charged to the budget.
uint64_t charged();
const std::string& dir();
// Bytes of spillable arrays that went to files: at most at once, and in all.
uint64_t spilled_peak();
uint64_t spilled_total();

// Whether p is the start of an array that went to a file.
bool in_file(const void* p);

// The allocator's two halves: `spillable` arrays may go to a file.
void* allocate(size_t bytes, bool spillable);
void deallocate(void* p, size_t bytes);
// Grows an array allocated not spillable from `bytes` to `new_bytes`,
// keeping its first `bytes`; the bytes after them are unwritten. In a
// mapping of its own (2 MiB or more) its pages are moved to a larger one by
// the kernel (mremap), not copied: only the added pages are new. Returns
// where the array now is.
void* reallocate(void* p, size_t bytes, size_t new_bytes);

// "4G", "512M", "1.5G", "100K", "2T" or a number of bytes; units are powers
// of 1024. False when `text` is none of these, or 0.
bool parse_size(std::string_view text, uint64_t* bytes);
// The default directory: $TMPDIR when set and not empty, else /tmp.
std::string default_dir();

}  // namespace parcours::spill
