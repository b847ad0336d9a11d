// Interrupted runs leave nothing behind: a SIGINT, SIGTERM or SIGHUP removes
// every temporary output file still open, then ends the process by that
// signal, so the shell reports 128 + signal (130, 143, 129).
//
// Why a handler that cleans up and ends the process, rather than one that
// sets a flag for the read loops to poll: the work happens in many loops
// (every format reader, linking, sorting, the episode scan), and a flag would
// have to be checked in each of them, or a long sort would ignore Ctrl-C.
// Everything an interrupted run must undo is a set of temporary files, and
// unlink(2) is async-signal-safe, so the handler can do it all itself: it
// touches only a fixed table of paths, never the heap, stdio or locks.
//
// Why end by the signal rather than exit(128 + signal): a shell running a
// script waits for its child on Ctrl-C and stops the script only if the child
// died of SIGINT; a child that "exits 130" is taken to have handled it.
//
// core/ never exits on its own: only a program that calls
// install_cleanup_on_signal() gets the handler; the registry below costs
// nothing otherwise.
#pragma once

namespace parcours {

// Installs the handler for SIGINT, SIGTERM and SIGHUP (not when the signal is
// ignored, as for a command started with nohup or in the background by a
// shell without job control).
void install_cleanup_on_signal();

// Creates a temporary file from `tmpl` (mkostemp's template, modified in
// place) and registers its path for removal on a signal, with the signals
// blocked in between so that no signal can leave it unregistered. Returns
// the file descriptor, or -1 with errno set (also when the table is full).
int create_temp_file(char* tmpl);
// The file is renamed into place or removed: no longer the handler's.
void forget_temp_file(const char* path);

// Removes every registered temporary file now, as the handler would: for a
// process about to end abnormally (std::terminate) without unwinding.
void remove_temp_files();

}  // namespace parcours
