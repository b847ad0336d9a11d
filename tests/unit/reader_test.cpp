#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <new>
#include <thread>

#include <boost/test/unit_test.hpp>
#include <fmt/format.h>

#include "core/identity.h"
#include "core/reader.h"
#include "tests/unit/temp_file.h"

using namespace parcours;
using parcours::test::TempFile;

namespace {

// Everything the sink sees, one line per event, in order.
std::string transcript(const std::vector<std::string>& paths, int threads, size_t batch, int64_t stop_after = 0) {
  std::string log;
  int64_t rejected = 0;
  RecordSink sink;
  sink.open_failed = [&](size_t f, const std::string& e) { log += fmt::format("open {} {}\n", f, e); };
  sink.record = [&](size_t f, int64_t line, const RawContact& r) {
    log += fmt::format("rec {}:{} {} {} {} {}", f, line, r.id, channel_name(r.channel), r.start, r.service);
    for (const auto& [k, v] : r.ids) log += fmt::format(" {}={}", k, v);
    log += "\n";
    return true;
  };
  sink.rejected = [&](size_t f, int64_t line, const FieldError& e) {
    log += fmt::format("bad {}:{} {} {}\n", f, line, e.field, e.message);
    return stop_after == 0 || ++rejected < stop_after;
  };
  sink.file_done = [&](size_t f, const std::string& e) { log += fmt::format("done {} [{}]\n", f, e); };
  const bool complete = read_canonical(paths, threads, sink, batch);
  log += complete ? "complete\n" : "stopped\n";
  return log;
}

std::string records(int from, int n, bool with_errors) {
  std::string text;
  for (int i = from; i < from + n; ++i) {
    if (with_errors && i % 17 == 0) text += "{\"id\":\"broken\"\n";
    else if (with_errors && i % 23 == 0) text += "   \n";
    else
      text += fmt::format(
          "{{\"id\":\"r{}\",\"channel\":\"{}\",\"start\":\"2026-03-0{}T09:{:02}:00Z\",\"service\":\"s\\u00e9{}\","
          "\"ids\":{{\"phone\":\"+1418555{:04}\",\"client\":\"c{}\"}}}}\r\n",
          i, i % 3 == 0 ? "phone" : "email", 1 + i % 9, i % 60, i % 5, i % 1000, i % 77);
  }
  return text;
}

// A sink that ignores files and keeps going past rejected lines; the test
// sets what it watches.
RecordSink quiet_sink() {
  RecordSink sink;
  sink.open_failed = [](size_t, const std::string&) {};
  sink.file_done = [](size_t, const std::string&) {};
  sink.rejected = [](size_t, int64_t, const FieldError&) { return true; };
  return sink;
}

}  // namespace

// The parallel path hands out the same records, errors, line numbers and
// file ends in the same order as the serial one, whatever the number of
// threads and however the lines fall into batches.
BOOST_AUTO_TEST_CASE(reader_same_transcript_for_any_threads) {
  TempFile a(records(0, 3000, true)), b(records(3000, 1, false)), empty(""), c(records(5000, 700, true));
  const std::vector<std::string> paths = {a.path, b.path, "/nonexistent/parcours-input", empty.path, c.path};
  const std::string serial = transcript(paths, 1, 1 << 20);
  BOOST_TEST(serial.find("rec 0:2 r1 email") != std::string::npos);
  BOOST_TEST(serial.find("bad 0:18 ") != std::string::npos);   // line numbers count blank lines
  BOOST_TEST(serial.find("open 2 cannot open") != std::string::npos);
  BOOST_TEST(serial.find("rec 1:1 r3000 phone") != std::string::npos);
  BOOST_TEST(serial.find("done 3 []") != std::string::npos);
  BOOST_TEST(serial.find("r5699") != std::string::npos);
  BOOST_TEST(serial.find("sé") != std::string::npos);           // strings outlive the parser's buffer
  for (const int threads : {1, 2, 3, 8}) {
    for (const size_t batch : {size_t{1}, size_t{100}, size_t{4096}, size_t{1} << 20}) {
      BOOST_TEST_CONTEXT("threads " << threads << ", batch " << batch) {
        BOOST_TEST(transcript(paths, threads, batch) == serial);
      }
    }
  }
}

// A sink that stops reading is obeyed at once, with threads still parsing
// ahead: nothing after the stopping line is handed out.
BOOST_AUTO_TEST_CASE(reader_stops_where_told) {
  TempFile a(records(0, 5000, true));
  const std::string serial = transcript({a.path}, 1, 1 << 20, 3);
  BOOST_TEST(serial.substr(serial.size() - 8) == "stopped\n");
  BOOST_TEST(serial.find("bad 0:35 ") != std::string::npos);  // the third rejected line (records 0, 17 and 34)
  BOOST_TEST(serial.find("r35") == std::string::npos);
  for (const int threads : {2, 8})
    for (const size_t batch : {size_t{64}, size_t{4096}}) BOOST_TEST(transcript({a.path}, threads, batch, 3) == serial);
}

// RecordSink::ahead announces records of the batch before they are handed
// out (step 0 further ahead than step 1), with their hashes, and never one
// that is not then handed out.
BOOST_AUTO_TEST_CASE(reader_announces_records_ahead) {
  TempFile a(records(0, 2000, true));
  for (const int threads : {1, 2}) {
    BOOST_TEST_CONTEXT("threads " << threads) {
      std::vector<std::string> delivered;
      std::vector<std::pair<std::string, int>> announced;  // id, step
      std::vector<size_t> seen_before;  // per delivered record: announcements so far
      RecordSink sink = quiet_sink();
      sink.ahead = [&](const RawContact& r, int step) {
        BOOST_REQUIRE(r.id_names.size() == 2);
        announced.emplace_back(std::string(r.id), step);
      };
      sink.record = [&](size_t, int64_t, const RawContact& r) {
        delivered.emplace_back(r.id);
        seen_before.push_back(announced.size());
        return true;
      };
      BOOST_REQUIRE(read_canonical({a.path}, threads, sink, 1 << 20));
      BOOST_REQUIRE(delivered.size() > 1000);
      // Within one batch (the whole file here), record i is announced at
      // step 0 while record i - 32 is handed out, at step 1 with i - 16.
      for (size_t i = 32; i < delivered.size(); ++i) {
        const auto step0 = std::find(announced.begin(), announced.end(), std::pair(delivered[i], 0));
        const auto step1 = std::find(announced.begin(), announced.end(), std::pair(delivered[i], 1));
        BOOST_REQUIRE(step0 != announced.end());
        BOOST_REQUIRE(step1 != announced.end());
        BOOST_REQUIRE(step0 < step1);
        BOOST_REQUIRE(static_cast<size_t>(step1 - announced.begin()) < seen_before[i]);
      }
      for (const auto& [id, step] : announced)
        BOOST_REQUIRE(std::find(delivered.begin(), delivered.end(), id) != delivered.end());
    }
  }
}

// A sink that throws (memory running out while adding a record) has its
// exception passed on by read_canonical, with the parsing threads stopped
// and joined rather than std::terminate called on a running thread.
BOOST_AUTO_TEST_CASE(reader_passes_on_the_sinks_exception) {
  TempFile a(records(0, 5000, false));
  for (const int threads : {1, 2, 8}) {
    for (const size_t batch : {size_t{64}, size_t{1} << 20}) {
      BOOST_TEST_CONTEXT("threads " << threads << ", batch " << batch) {
        int seen = 0;
        RecordSink sink = quiet_sink();
        sink.record = [&](size_t, int64_t, const RawContact&) {
          if (++seen == 1000) throw std::bad_alloc();
          return true;
        };
        BOOST_CHECK_THROW(read_canonical({a.path}, threads, sink, batch), std::bad_alloc);
        BOOST_TEST(seen == 1000);
      }
    }
  }
}

// The workers parse ahead while the sink is busy: with the sink held on the
// first record, the input (a pipe) is read well beyond the first batch.
// (The outputs cannot tell: a reader whose workers stopped at once, the
// calling thread parsing every batch, gave the same transcripts.)
BOOST_AUTO_TEST_CASE(reader_workers_parse_ahead) {
  char dir[] = "/tmp/parcours-fifo-XXXXXX";
  BOOST_REQUIRE(mkdtemp(dir) != nullptr);
  const std::string fifo = std::string(dir) + "/in";
  BOOST_REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  const std::string text = records(0, 20000, false);
  constexpr size_t kBatch = 64 << 10;
  // Alone, the calling thread holds one batch (its reader keeps only the
  // unfinished line after it), and the pipe one more (2 x 64 KiB); with
  // two workers, the pool's four other batches are read (6 x 64 KiB, but
  // for the unfinished lines; 5 x 64 KiB with one batch fewer).
  constexpr size_t kAhead = 5 * kBatch + kBatch / 2;
  BOOST_REQUIRE(text.size() > 2 * kAhead);
  std::atomic<size_t> written{0};
  std::thread writer([&] {
    const int fd = ::open(fifo.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    for (size_t at = 0; at < text.size();) {
      const ssize_t n = ::write(fd, text.data() + at, std::min<size_t>(4096, text.size() - at));
      if (n <= 0) break;
      at += static_cast<size_t>(n);
      written = at;
    }
    ::close(fd);
  });
  bool first = true, ahead = false;
  int64_t delivered = 0;
  RecordSink sink = quiet_sink();
  sink.record = [&](size_t, int64_t, const RawContact&) {
    ++delivered;
    if (first) {
      first = false;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (written < kAhead && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      ahead = written >= kAhead;
    }
    return true;
  };
  const bool complete = read_canonical({fifo}, 3, sink, kBatch);
  writer.join();
  ::unlink(fifo.c_str());
  ::rmdir(dir);
  BOOST_TEST(complete);
  BOOST_TEST(delivered == 20000);
  BOOST_TEST(ahead);
}

// The parsing threads make each identifier's name and hash (Linker::name_id)
// and the key's hash, so that the thread adding records need not: linking
// the records as read, and the same records with all of that taken away,
// gives the same nodes, in the same order, and every record the same
// customer. The identifiers mix every way to a name: phone numbers already
// in E.164, to normalise, not numbers; e-mail addresses in capitals;
// blanks around values and keys; a kind of the reader's own, one whose
// name begins with a byte under 6.
BOOST_AUTO_TEST_CASE(names_made_while_parsing_link_as_the_linker_makes_them) {
  // Each kind's ways of writing its values; a record takes kinds one after
  // the other (an object has each key once) and a way of each by its number.
  const std::vector<std::pair<std::string, std::vector<std::string>>> kinds = {
      {"phone", {"418-555-01{:02}", " +14185550{:03} ", "(418) 555 01{:02}", "Anonymous", "1{}"}},
      {"email", {"Client.{}@Example.ORG", " client.{}@example.org"}},
      {"client", {"C-{}"}},
      {"chat", {"v{}"}},
      {"badge", {"B {}", " b {}"}},
      {"\\u0001odd", {"x{}"}}};
  std::string text;
  constexpr int kRecords = 3000;
  for (int i = 0; i < kRecords; ++i) {
    std::string ids;
    for (int k = 0; k <= i % 3; ++k) {
      const auto& [kind, forms] = kinds[static_cast<size_t>((i / 3 + k) % static_cast<int>(kinds.size()))];
      const std::string& form = forms[static_cast<size_t>(i % static_cast<int>(forms.size()))];
      if (!ids.empty()) ids += ",";
      ids += fmt::format("\"{}\":\"{}\"", kind, fmt::format(fmt::runtime(form), (i / 7 + k) % 60));
    }
    const std::string key = i % 11 == 0 ? fmt::format(",\"customer\":\" k{} \"", i % 40) : "";
    text += fmt::format("{{\"id\":\"r{}\",\"channel\":\"phone\",\"start\":\"2026-03-01T09:00:00Z\"{},\"ids\":{{{}}}}}\n", i,
                        key, ids);
  }
  TempFile f(text);
  for (const int threads : {1, 2}) {
    BOOST_TEST_CONTEXT("threads " << threads) {
      Linker read, made;
      int64_t named = 0, with_key_hash = 0, rejected = 0;
      RecordSink sink = quiet_sink();
      sink.rejected = [&](size_t, int64_t, const FieldError&) { return ++rejected, true; };
      sink.record = [&](size_t, int64_t, const RawContact& r) {
        BOOST_REQUIRE(r.id_names.size() == r.ids.size());
        named += static_cast<int64_t>(r.id_names.size());
        with_key_hash += r.customer_hash != 0;
        read.add(r);
        RawContact bare = r;
        bare.id_names = {};
        bare.customer_hash = 0;
        made.add(bare);
        return true;
      };
      BOOST_REQUIRE(read_canonical({f.path}, threads, sink, 4096));
      BOOST_TEST(rejected == 0);
      BOOST_TEST(named == kRecords * 2);
      BOOST_TEST(with_key_hash == (kRecords + 10) / 11);
      const auto all = [&](const Linker::Part& part) {
        std::vector<uint32_t> recs(kRecords);
        for (uint32_t i = 0; i < kRecords; ++i) recs[i] = i;
        part(recs);
      };
      read.resolve(all);
      made.resolve(all);
      BOOST_REQUIRE(read.node_count() == made.node_count());
      for (uint32_t i = 0; i < kRecords; ++i) {
        const uint32_t c = read.customer_node(i);
        BOOST_REQUIRE(c == made.customer_node(i));
        if (c != kNone) BOOST_REQUIRE(read.key_text(c) == made.key_text(c));
      }
    }
  }
}

// Records are parsed where they are handed out from, and those places are
// used again, batch after batch and after a line rejected half-way: each
// record carries its own fields and identifiers, never one of those before.
BOOST_AUTO_TEST_CASE(each_record_carries_only_its_own_fields) {
  const std::string text =
      R"({"id":"a","channel":"phone","start":"2026-03-01T09:00:00Z","service":"s","customer":"K",)"
      R"("conversation":"v","agent":"g","queue":"q","reason":"r","answered":"2026-03-01T09:00:01Z",)"
      R"("end":"2026-03-01T09:00:02Z","direction":"out","outcome":"resolved",)"
      R"("ids":{"phone":"+14185550100","email":"a@b.ca","client":"c1"}})"
      "\n"
      R"({"id":"x","ids":{"chat":"u1","badge":"b1"},"service":"t","channel":"nope","start":"2026-03-01T09:00:00Z"})"
      "\n"
      R"({"id":"b","channel":"web","start":"2026-03-01T10:00:00Z"})"
      "\n"
      R"({"id":"c","channel":"chat","start":"2026-03-01T11:00:00Z","ids":{"chat":"u2"}})"
      "\n";
  TempFile f(text);
  const std::string want =
      "a phone 1772355600000000 1772355601000000 1772355602000000 out resolved s K v g q r | K"
      " phone=+14185550100 email=a@b.ca client=c1 | <3>+14185550100 <2>a@b.ca <1>c1\n"
      "bad 2 channel\n"
      "b web 1772359200000000 - - in  - - - - - - | - |\n"
      "c chat 1772362800000000 - - in  - - - - - - | - chat=u2 | <4>u2\n";
  for (const int threads : {1, 2}) {
    for (const size_t batch : {size_t{1}, size_t{1} << 20}) {
      std::string got;
      RecordSink sink = quiet_sink();
      sink.rejected = [&](size_t, int64_t line, const FieldError& e) {
        got += fmt::format("bad {} {}\n", line, e.field);
        return true;
      };
      sink.record = [&](size_t, int64_t, const RawContact& r) {
        const auto time = [](Micros t) { return t == kNoTime ? std::string("-") : std::to_string(t); };
        const auto text = [](bool has, std::string_view s) { return has ? std::string(s) : std::string("-"); };
        got += fmt::format("{} {} {} {} {} {} {} {} {} {} {} {} {} | {}", r.id, channel_name(r.channel), r.start,
                           time(r.answered), time(r.end), direction_name(r.direction), outcome_name(r.outcome),
                           text(r.has_service, r.service), text(r.has_customer, r.customer),
                           text(r.has_conversation, r.conversation), text(!r.agent.empty(), r.agent),
                           text(!r.queue.empty(), r.queue), text(!r.reason.empty(), r.reason),
                           r.customer_hash != 0 ? "K" : "-");
        for (const auto& [k, v] : r.ids) got += fmt::format(" {}={}", k, v);
        got += " |";
        for (const IdName& n : r.id_names) {
          got += " ";
          for (const char ch : n.name) got += ch < ' ' ? fmt::format("<{}>", static_cast<int>(ch)) : std::string(1, ch);
        }
        got += "\n";
        BOOST_TEST((r.conversation_hash != 0) == r.has_conversation);
        return true;
      };
      BOOST_REQUIRE(read_canonical({f.path}, threads, sink, batch));
      BOOST_TEST(got == want, "threads " << threads << ", batch " << batch << ":\n" << got);
    }
  }
}
