#include "core/reader.h"

#include <sched.h>

#include <condition_variable>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include <simdjson.h>

#include "core/identity.h"
#include "core/input.h"
#include "core/parallel.h"
#include "core/prefetch.h"

namespace parcours {

namespace {

// Strings that outlive the parser's buffers: copied into blocks that never
// move, so the views into them stay valid until the batch is reused.
class StringStore {
 public:
  std::string_view keep(std::string_view s) {
    if (s.empty()) return {};
    if (used_ + s.size() > size_) [[unlikely]] next_block(s.size());
    char* at = blocks_.back().first.get() + used_;
    std::memcpy(at, s.data(), s.size());
    used_ += s.size();
    return {at, s.size()};
  }
  void clear() {
    for (auto& b : blocks_) spare_.push_back(std::move(b));
    blocks_.clear();
    used_ = size_ = 0;
  }

 private:
  // A block for at least `need` bytes, a spare one if it is large enough.
  // Apart, so that keep() is small enough to be inlined (11 times a
  // record).
  [[gnu::noinline]] void next_block(size_t need) {
    size_ = std::max<size_t>(kBlock, need);
    if (!spare_.empty() && spare_.back().second >= need) {
      blocks_.push_back(std::move(spare_.back()));
      spare_.pop_back();
      size_ = blocks_.back().second;
    } else {
      blocks_.emplace_back(std::make_unique<char[]>(size_), size_);
    }
    used_ = 0;
  }
  static constexpr size_t kBlock = 1 << 20;
  std::vector<std::pair<std::unique_ptr<char[]>, size_t>> blocks_, spare_;
  size_t used_ = 0, size_ = 0;
};

struct Batch {
  int64_t seq = 0;
  size_t file = 0;
  bool open_failed = false;  // `error` says why; no lines
  bool file_done = false;    // the last batch of `file` (`error`: a read error, if any)
  bool last = false;         // no input after this batch
  std::string error;
  int64_t bytes = 0;         // input consumed once this batch is handed out

  struct LineRef {
    uint32_t offset, size;  // in text, without the line end
    bool cut;
  };
  ByteBuffer text;  // whole lines back to back, each ended by '\n' (BlockReader)
  std::vector<LineRef> lines;  // made by parse_batch; line i is the file's line first_line + i

  enum Kind : uint8_t { kBlank, kRecord, kRejected };
  struct Outcome {
    Kind kind;
    uint32_t index;  // in records or errors
  };
  std::vector<Outcome> outcomes;  // one per line
  // The first `count` are this batch's records, their strings in `strings`.
  // Those after are kept from batches before, for the capacity of their
  // `ids`: records are parsed where they are handed out from, and neither
  // zeroed nor copied on the way.
  std::vector<RawContact> records;
  size_t count = 0;
  std::vector<IdName> id_names;     // every record's (Linker::name_id), in order, in `strings`
  std::vector<FieldError> errors;
  StringStore strings;

  void reset() {
    open_failed = file_done = last = false;
    error.clear();
    text.clear();
    lines.clear();
    outcomes.clear();
    count = 0;
    id_names.clear();
    errors.clear();
    strings.clear();
  }
};

// The inputs, read by one thread at a time.
class Source {
 public:
  Source(const std::vector<std::string>& paths, size_t batch_bytes) : paths_(paths), batch_bytes_(batch_bytes) {}

  // Fills `b` with the next lines. Returns false once the last batch has
  // been handed out.
  bool fill(Batch* b) {
    if (ended_) return false;
    b->reset();
    b->seq = seq_++;
    for (;;) {
      if (!reader_) {
        if (file_ == paths_.size()) {
          b->last = ended_ = true;
          b->file = file_;
          b->bytes = bytes_;
          return true;
        }
        reader_ = std::make_unique<BlockReader>();
        std::string err;
        if (!reader_->open(paths_[file_], &err)) {
          reader_.reset();
          b->file = file_++;
          b->open_failed = true;
          b->error = std::move(err);
          b->bytes = bytes_;
          return true;
        }
      }
      b->file = file_;
      reader_->read(&b->text, batch_bytes_);
      b->bytes = bytes_ + reader_->bytes();
      if (!reader_->ended()) return true;
      // The input ended (or failed): this batch closes it.
      b->file_done = true;
      b->error = reader_->error();
      bytes_ += reader_->bytes();
      reader_.reset();
      ++file_;
      return true;
    }
  }

 private:
  const std::vector<std::string>& paths_;
  const size_t batch_bytes_;
  std::unique_ptr<BlockReader> reader_;
  size_t file_ = 0;
  int64_t seq_ = 0;
  int64_t bytes_ = 0;  // of the inputs already closed
  bool ended_ = false;
};

// Cuts b's text into lines (as LineReader would: a '\r' before the line
// end is not part of the line), and parses them.
void cut_lines(Batch* b) {
  const char* const first = b->text.data();
  const char* const last = first + b->text.size();
  for (const char* at = first; at < last;) {
    const auto* nl = static_cast<const char*>(std::memchr(at, '\n', static_cast<size_t>(last - at)));
    auto size = static_cast<size_t>(nl - at);
    const bool cut = size >= LineReader::kBlock;
    if (!cut && size > 0 && at[size - 1] == '\r') --size;
    b->lines.push_back({static_cast<uint32_t>(at - first), static_cast<uint32_t>(size), cut});
    at = nl + 1;
  }
}

void parse_batch(Batch* b, RecordParser* parser) {
  std::memset(b->text.room(0), 0, simdjson::SIMDJSON_PADDING);
  cut_lines(b);
  std::vector<FieldError> errors;
  std::string name_buf;
  for (const Batch::LineRef& l : b->lines) {
    const std::string_view text(b->text.data() + l.offset, l.size);
    if (!l.cut && text.find_first_not_of(" \t") == std::string_view::npos) {
      b->outcomes.push_back({Batch::kBlank, 0});  // blank: no record
      continue;
    }
    errors.clear();
    if (l.cut) {
      errors.push_back({"-", std::string(kCutLineMessage)});
    } else {
      if (b->count == b->records.size()) b->records.emplace_back();
      RawContact& out = b->records[b->count];
      if (parser->parse(text, &out, &errors)) {
        // The strings, out of the parser's buffer (which the next line
        // reuses); and what the adding thread would make of the names and
        // hashes, made here, on a parsing thread.
        StringStore& s = b->strings;
        for (std::string_view* v : {&out.id, &out.service, &out.customer, &out.conversation, &out.agent, &out.queue,
                                    &out.reason})
          *v = s.keep(*v);
        out.customer_hash = Linker::key_hash(out, &name_buf);
        for (auto& [kind, value] : out.ids) {
          kind = s.keep(kind);
          value = s.keep(value);
          IdName n = Linker::name_id(kind, value, &name_buf);
          n.name = s.keep(n.name);
          b->id_names.push_back(n);
        }
        if (out.has_conversation && !out.conversation.empty()) out.conversation_hash = hash_bytes(out.conversation);
        b->outcomes.push_back({Batch::kRecord, static_cast<uint32_t>(b->count++)});
        continue;
      }
    }
    b->outcomes.push_back({Batch::kRejected, static_cast<uint32_t>(b->errors.size())});
    b->errors.push_back(std::move(errors.front()));
  }
  // id_names no longer moves: each record's part of it.
  size_t first = 0;
  for (size_t k = 0; k < b->count; ++k) {
    RawContact& r = b->records[k];
    r.id_names = std::span<const IdName>(b->id_names).subspan(first, r.ids.size());
    first += r.ids.size();
  }
}

// How many records ahead of the one handed out RecordSink::ahead looks
// (step 0; step 1 at half): the time of about two cache misses each.
constexpr uint32_t kAhead = 32;

// Hands out one parsed batch; false when the sink asked to stop. *lines:
// the lines of its file handed out before it.
bool deliver(const Batch& b, const RecordSink& sink, int64_t* lines) {
  const int64_t first_line = *lines + 1;
  *lines = b.file_done || b.open_failed ? 0 : *lines + static_cast<int64_t>(b.lines.size());
  if (b.open_failed) {
    sink.open_failed(b.file, b.error);
  } else {
    for (size_t i = 0; i < b.lines.size(); ++i) {
      const Batch::Outcome o = b.outcomes[i];
      if (o.kind == Batch::kBlank) continue;
      if (o.kind == Batch::kRejected) {
        if (!sink.rejected(b.file, first_line + static_cast<int64_t>(i), b.errors[o.index])) return false;
        continue;
      }
      if (sink.ahead) {
        if (o.index + kAhead + 16 < b.count) {
          const auto* p = reinterpret_cast<const char*>(&b.records[o.index + kAhead + 16]);
          for (size_t at = 0; at < sizeof(RawContact); at += 64) prefetch(p + at);
        }
        if (o.index + kAhead < b.count) sink.ahead(b.records[o.index + kAhead], 0);
        if (o.index + kAhead / 2 < b.count) sink.ahead(b.records[o.index + kAhead / 2], 1);
      }
      if (!sink.record(b.file, first_line + static_cast<int64_t>(i), b.records[o.index])) return false;
    }
    if (b.file_done) sink.file_done(b.file, b.error);
  }
  if (sink.progress) sink.progress(b.bytes);
  return true;
}

bool read_serial(Source& source, const RecordSink& sink) {
  Batch b;
  RecordParser parser(RecordParser::Mode::kFirstError);
  int64_t lines = 0;
  while (source.fill(&b)) {
    parse_batch(&b, &parser);
    if (!deliver(b, sink, &lines)) return false;
    if (b.last) break;
  }
  return true;
}

// Workers cut and parse batches; the calling thread hands them out in order
// and, whenever the next one is not parsed yet, parses one itself rather
// than wait.
bool read_parallel(Source& source, int workers, const RecordSink& sink) {
  std::mutex source_mu, mu;
  std::condition_variable freed, parsed;
  std::vector<std::unique_ptr<Batch>> pool;
  std::vector<Batch*> free;
  std::map<int64_t, Batch*> done;
  bool stop = false;
  bool exhausted = false;  // the source has handed out its last batch
  bool failed = false;     // a worker threw (std::bad_alloc)
  // One batch for each worker, one for the calling thread to parse, and
  // two parsed and waiting to be handed out. With only one waiting, a
  // worker that finished its batch while the calling thread parsed one
  // often found none free and waited: at 10M records the worker was busy
  // 80% of reading, the calling thread all of it. stats at 10M took 6.07
  // to 6.45 s with two waiting, against 6.14 to 7.49 s with one. Three
  // waiting were no faster than two, and each batch more costs some 6 MB.
  for (int i = 0; i < workers + 3; ++i) free.push_back(pool.emplace_back(std::make_unique<Batch>()).get());

  // Cuts and parses the next batch into b (taken from `free`); false when
  // the source had nothing more.
  auto cut_and_parse = [&](Batch* b, RecordParser* parser) {
    bool got;
    {
      std::lock_guard lock(source_mu);
      got = source.fill(b);
    }
    if (got) parse_batch(b, parser);
    {
      std::lock_guard lock(mu);
      if (got) {
        done.emplace(b->seq, b);
      } else {
        free.push_back(b);
        exhausted = true;
      }
    }
    return got;
  };

  auto work = [&] {
    try {
      RecordParser parser(RecordParser::Mode::kFirstError);
      for (;;) {
        Batch* b;
        {
          std::unique_lock lock(mu);
          freed.wait(lock, [&] { return stop || exhausted || !free.empty(); });
          if (stop || exhausted) return;
          b = free.back();
          free.pop_back();
        }
        if (!cut_and_parse(b, &parser)) return;
        parsed.notify_all();
      }
    } catch (...) {
      // Memory ran out: the calling thread, perhaps waiting for the batch
      // this one held, stops; the group hands it the exception.
      {
        std::lock_guard lock(mu);
        stop = failed = true;
      }
      parsed.notify_all();
      freed.notify_all();
      throw;
    }
  };
  ThreadGroup threads;
  for (int i = 0; i < workers; ++i) threads.spawn(work);
  // However the calling thread leaves (an exception included), the workers
  // are told to stop before the group waits for them.
  struct StopWorkers {
    std::mutex& mu;
    std::condition_variable& freed;
    bool& stop;
    void operator()() const {
      {
        std::lock_guard lock(mu);
        stop = true;
      }
      freed.notify_all();
    }
    ~StopWorkers() { (*this)(); }
  } stop_workers{mu, freed, stop};

  bool complete = true;
  RecordParser parser(RecordParser::Mode::kFirstError);
  int64_t lines = 0;
  for (int64_t next = 0;; ++next) {
    Batch* b = nullptr;
    while (b == nullptr) {
      Batch* mine = nullptr;
      {
        std::unique_lock lock(mu);
        parsed.wait(lock, [&] { return failed || done.count(next) > 0 || (!exhausted && !free.empty()); });
        if (failed) break;
        if (const auto it = done.find(next); it != done.end()) {
          b = it->second;
          done.erase(it);
        } else {
          mine = free.back();
          free.pop_back();
        }
      }
      if (mine != nullptr) cut_and_parse(mine, &parser);
    }
    if (b == nullptr) break;  // a worker failed: its exception follows
    const bool more = deliver(*b, sink, &lines);
    const bool last = b->last;
    {
      std::lock_guard lock(mu);
      free.push_back(b);
      if (!more) stop = true;
    }
    freed.notify_all();
    if (!more) {
      complete = false;
      break;
    }
    if (last) break;
  }
  stop_workers();
  threads.join();
  return complete;
}

}  // namespace

int default_threads() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

bool read_canonical(const std::vector<std::string>& paths, int threads, const RecordSink& sink,
                    size_t batch_bytes) {
  Source source(paths, std::max<size_t>(batch_bytes, 1));
  if (threads <= 1) return read_serial(source, sink);
  return read_parallel(source, threads - 1, sink);
}

}  // namespace parcours
