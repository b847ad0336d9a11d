#include <boost/test/unit_test.hpp>

#include "core/metrics.h"
#include "tests/unit/helpers.h"

using namespace parcours;

namespace {

using test::kWorked;

Params params(const char* as_of = nullptr, const char* window = "7d") {
  Params p;
  std::string err;
  BOOST_REQUIRE(parse_window(window, &p.window, &err));
  if (as_of != nullptr) BOOST_REQUIRE(parse_as_of(as_of, &p.as_of, &err));
  return p;
}

const ServiceStats& row(const Summary& s, std::string_view service) {
  for (const ServiceStats& r : s.rows)
    if (r.service == service) return r;
  BOOST_FAIL("no row " << service);
  return s.rows.front();
}

std::vector<std::string> paths(const Dataset& ds, const Params& p) {
  std::vector<std::string> out;
  for_each_episode(ds, p, scan_order(ds, p), [&](const Episode& e) {
    std::string path;
    for (uint32_t i : e.contacts) {
      if (!path.empty()) path += '>';
      path += channel_name(ds.contacts[i].channel);
    }
    out.push_back(path);
  });
  return out;
}

int64_t transition(const ServiceStats& r, Channel from, Channel to) {
  return r.transitions[static_cast<size_t>(from) * kChannelCount + static_cast<size_t>(to)];
}

}  // namespace

BOOST_AUTO_TEST_SUITE(episodes)

BOOST_AUTO_TEST_CASE(worked_example_of_the_spec) {
  Dataset ds;
  test::load(kWorked, &ds);
  const Params p = params("2026-03-31");
  const Summary s = compute_stats(ds, p);
  BOOST_REQUIRE(s.rows.size() == 2u);
  const ServiceStats& r = row(s, "credit-impot");
  BOOST_TEST(r.n.contacts == 5);
  BOOST_TEST(r.n.episodes == 3);
  BOOST_TEST(r.n.repeats() == 2);
  BOOST_TEST(r.n.switches == 2);
  BOOST_TEST(r.n.cohort == 3);
  BOOST_TEST(r.n.resolved == 1);
  BOOST_TEST(r.fcr_rate().num == 1);
  BOOST_TEST(r.fcr_rate().den == 3);
  BOOST_TEST(r.repeat_rate().num == 2);
  BOOST_TEST(r.repeat_rate().den == 5);
  BOOST_TEST(transition(r, Channel::web, Channel::phone) == 1);
  BOOST_TEST(transition(r, Channel::email, Channel::phone) == 1);
  BOOST_TEST(transition(r, Channel::phone, Channel::phone) == 0);
  BOOST_TEST((paths(ds, p) == std::vector<std::string>{"web>phone", "phone", "email>phone"}));
  BOOST_TEST(row(s, "(all)").n.customers == 1);
}

BOOST_AUTO_TEST_CASE(window_is_inclusive_start_to_start) {
  Dataset ds;
  test::load(R"({"id":"1","channel":"phone","start":"2026-03-01T00:00:00Z","end":"2026-03-05T00:00:00Z","customer":"A"}
{"id":"2","channel":"phone","start":"2026-03-08T00:00:00Z","customer":"A"}
{"id":"3","channel":"phone","start":"2026-03-15T00:00:00.000001Z","customer":"A"}
)", &ds);
  BOOST_TEST((paths(ds, params()) == std::vector<std::string>{"phone>phone", "phone"}));
  // Measured from the previous contact, not from the episode's first.
  BOOST_TEST((paths(ds, params(nullptr, "8d")) == std::vector<std::string>{"phone>phone>phone"}));
  BOOST_TEST((paths(ds, params(nullptr, "167h")) == std::vector<std::string>{"phone", "phone", "phone"}));
}

BOOST_AUTO_TEST_CASE(cohort_needs_the_whole_window_elapsed) {
  Dataset ds;
  test::load(R"({"id":"1","channel":"phone","start":"2026-03-01T00:00:00Z","customer":"A"}
{"id":"2","channel":"phone","start":"2026-03-20T00:00:00Z","customer":"B"}
{"id":"3","channel":"phone","start":"2026-03-24T00:00:00Z","customer":"C"}
{"id":"4","channel":"phone","start":"2026-03-24T00:00:00.000001Z","customer":"D"}
)", &ds);
  const Summary s = compute_stats(ds, params("2026-03-31"));
  const Counts& n = s.rows.back().n;
  BOOST_TEST(n.episodes == 4);
  BOOST_TEST(n.cohort == 3);  // T − W = 2026-03-24T00:00Z, inclusive
  BOOST_TEST(n.pending() == 1);
  BOOST_TEST(n.resolved == 3);
  // Default T: the latest start, 2026-03-24T00:00:00.000001Z, so T − W is
  // just after 2026-03-17 and only the first episode is in the cohort.
  const Summary d = compute_stats(ds, params());
  BOOST_TEST(d.as_of == ds.latest_start);
  BOOST_TEST(d.rows.back().n.cohort == 1);
}

BOOST_AUTO_TEST_CASE(strict_mode_needs_a_good_outcome) {
  Dataset ds;
  test::load(R"({"id":"1","channel":"phone","start":"2026-03-01T00:00:00Z","customer":"A","outcome":"unresolved"}
{"id":"2","channel":"phone","start":"2026-03-01T00:00:00Z","customer":"B","outcome":"abandoned"}
{"id":"3","channel":"phone","start":"2026-03-01T00:00:00Z","customer":"C","outcome":"resolved"}
{"id":"4","channel":"phone","start":"2026-03-01T00:00:00Z","customer":"D"}
{"id":"5","channel":"phone","start":"2026-03-01T00:00:00Z","customer":"E","outcome":"transferred"}
)", &ds);
  Params p = params("2026-04-01");
  BOOST_TEST(compute_stats(ds, p).rows.back().n.resolved == 5);
  p.strict = true;
  BOOST_TEST(compute_stats(ds, p).rows.back().n.resolved == 3);
}

BOOST_AUTO_TEST_CASE(outbound_and_unidentified_form_no_episode) {
  Dataset ds;
  test::load(R"({"id":"1","channel":"phone","start":"2026-03-01T00:00:00Z","service":"s"}
{"id":"2","channel":"phone","start":"2026-03-01T01:00:00Z","service":"s"}
{"id":"3","channel":"phone","start":"2026-03-01T02:00:00Z","service":"s","customer":"A"}
{"id":"4","channel":"phone","start":"2026-03-01T03:00:00Z","service":"s","customer":"A","direction":"out"}
{"id":"5","channel":"email","start":"2026-03-01T04:00:00Z","service":"s","customer":"A"}
)", &ds);
  const Summary s = compute_stats(ds, params("2026-04-01"));
  const Counts& n = row(s, "s").n;
  BOOST_TEST(n.contacts == 5);
  BOOST_TEST(n.inbound == 4);
  BOOST_TEST(n.unidentified == 2);
  BOOST_TEST(n.customers == 1);
  BOOST_TEST(n.episodes == 1);   // 3 and 5; the outbound call between them is not a contact here
  BOOST_TEST(n.repeats() == 1);
  BOOST_TEST(n.switches == 1);   // phone -> email: the outbound phone call is skipped
  BOOST_TEST(n.resolved == 0);
}

BOOST_AUTO_TEST_CASE(sequences_are_per_service_unless_any_service) {
  Dataset ds;
  test::load(R"({"id":"1","channel":"web","start":"2026-03-01T00:00:00Z","service":"b-passeport","customer":"A"}
{"id":"2","channel":"phone","start":"2026-03-01T01:00:00Z","service":"a-impot","customer":"A"}
{"id":"3","channel":"phone","start":"2026-03-01T02:00:00Z","service":"a-impot","customer":"A"}
{"id":"4","channel":"mail","start":"2026-03-01T03:00:00Z","service":"a-impot","direction":"out","customer":"A"}
)", &ds);
  Params p = params("2026-04-01");
  Summary s = compute_stats(ds, p);
  BOOST_TEST(row(s, "a-impot").n.episodes == 1);
  BOOST_TEST(row(s, "b-passeport").n.episodes == 1);
  BOOST_TEST(row(s, "b-passeport").n.resolved == 1);
  BOOST_TEST(row(s, "(all)").n.customers == 1);
  BOOST_TEST(row(s, "a-impot").n.customers + row(s, "b-passeport").n.customers == 2);

  p.any_service = true;
  s = compute_stats(ds, p);
  // One episode web>phone>phone, counted under its first contact's service.
  BOOST_TEST(row(s, "b-passeport").n.episodes == 1);
  BOOST_TEST(row(s, "b-passeport").n.identified == 3);
  BOOST_TEST(row(s, "b-passeport").n.contacts == 3);
  BOOST_TEST(row(s, "b-passeport").n.switches == 1);
  BOOST_TEST(row(s, "a-impot").n.episodes == 0);
  BOOST_TEST(row(s, "a-impot").n.contacts == 1);  // the outbound letter keeps its own service
  BOOST_TEST(row(s, "a-impot").n.customers == 0);
  BOOST_TEST(row(s, "(all)").n.contacts == 4);
  BOOST_TEST((paths(ds, p) == std::vector<std::string>{"web>phone>phone"}));
}

BOOST_AUTO_TEST_CASE(breadth_counts_distinct_channels) {
  Dataset ds;
  test::load(R"({"id":"1","channel":"phone","start":"2026-03-01T00:00:00Z","customer":"A"}
{"id":"2","channel":"web","start":"2026-03-01T01:00:00Z","customer":"A"}
{"id":"3","channel":"phone","start":"2026-03-01T02:00:00Z","customer":"A"}
)", &ds);
  const Summary s = compute_stats(ds, params("2026-04-01"));
  BOOST_TEST(s.rows.back().n.breadth == 2);
  BOOST_TEST(s.rows.back().n.switches == 2);
  BOOST_TEST(s.rows.back().channels_per_episode().num == 2);
}

BOOST_AUTO_TEST_CASE(missing_service_is_unknown) {
  Dataset ds;
  test::load(R"({"id":"1","channel":"phone","start":"2026-03-01T00:00:00Z","customer":"A"}
)", &ds);
  const Summary s = compute_stats(ds, params());
  BOOST_TEST(s.rows.size() == 2u);
  BOOST_TEST(s.rows[0].service == "unknown");
}

BOOST_AUTO_TEST_CASE(empty_input) {
  Dataset ds;
  test::load("", &ds);
  const Summary s = compute_stats(ds, params());
  BOOST_TEST(s.rows.size() == 1u);
  BOOST_TEST(s.rows[0].n.contacts == 0);
  BOOST_TEST(!s.rows[0].fcr_rate().defined());
}

// Enough contacts for the episodes to be counted in ranges of customers,
// one a thread, cut where a customer's contacts end: every count of every
// row, and the customers overall, the same whatever the threads.
BOOST_AUTO_TEST_CASE(stats_the_same_on_any_threads) {
  const char* channels[] = {"phone", "email", "chat", "web", "counter"};
  const char* outcomes[] = {"resolved", "unresolved", "abandoned"};
  std::string ndjson;
  uint64_t x = 12345;
  const auto next = [&](uint64_t n) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    return (x >> 33) % n;
  };
  for (int i = 0; i < 90000; ++i) {
    // About 9000 customers of 10 contacts on average, spread over the log.
    const uint64_t customer = next(9000), day = 1 + next(28), hour = next(24), minute = next(60);
    char start[32];
    std::snprintf(start, sizeof start, "2026-02-%02dT%02d:%02d:00Z", static_cast<int>(day), static_cast<int>(hour),
                  static_cast<int>(minute));
    ndjson += R"({"id":")" + std::to_string(i) + R"(","channel":")" + channels[next(5)] + R"(","start":")" + start +
              R"(","service":"s)" + std::to_string(next(4)) + R"(","outcome":")" + outcomes[next(3)] +
              R"(","ids":{"client":")" + std::to_string(customer) + "\"}" +
              (next(10) == 0 ? R"(,"direction":"out")" : "") + "}\n";
  }
  const auto text = [](const Summary& s) {
    std::string out;
    const auto put = [&](int64_t v) {
      out += ' ';
      out += std::to_string(v);
    };
    for (const ServiceStats& r : s.rows) {
      out += r.service;
      for (const int64_t v : {r.n.contacts, r.n.inbound, r.n.unidentified, r.n.customers, r.n.episodes,
                              r.n.identified, r.n.switches, r.n.cohort, r.n.resolved, r.n.breadth})
        put(v);
      for (const int64_t v : r.transitions) put(v);
      for (const int64_t v : r.inbound_by_channel) put(v);
      for (const int64_t v : r.repeats_by_channel) put(v);
      out += "\n";
    }
    return out;
  };
  std::string one;
  for (const int threads : {1, 2, 3, 8}) {
    Dataset ds;
    ds.threads = threads;
    BOOST_REQUIRE(test::load(ndjson, &ds).empty());
    BOOST_REQUIRE(scan_order(ds, Params{}).size() > kParallelSortMin);
    const std::string got = text(compute_stats(ds, Params{}));
    if (threads == 1) one = got;
    else BOOST_TEST(got == one, threads << " threads");
  }
  BOOST_TEST(one.find("(all) ") == one.rfind('\n', one.size() - 2) + 1);  // the last row
}

BOOST_AUTO_TEST_SUITE_END()
