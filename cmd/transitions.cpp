// parcours transitions: (previous channel -> channel) counts over every repeat.
#include "cmd/common.h"
#include "core/metrics.h"

namespace parcours {

namespace {

Table transitions_table(const Summary& s) {
  // Channels in byte order of their names, so rows sort as `sort` would.
  std::vector<int> by_name(kChannelCount);
  for (int i = 0; i < kChannelCount; ++i) by_name[i] = i;
  std::sort(by_name.begin(), by_name.end(), [](int a, int b) {
    return channel_name(static_cast<Channel>(a)) < channel_name(static_cast<Channel>(b));
  });
  Table t;
  t.columns = {"service", "from", "to", "count"};
  for (const ServiceStats& r : s.rows) {
    for (const int from : by_name) {
      for (const int to : by_name) {
        const int64_t n = r.transitions[static_cast<size_t>(from * kChannelCount + to)];
        if (n == 0) continue;
        t.rows.push_back({Cell::of(r.service), Cell::of(channel_name(static_cast<Channel>(from))),
                          Cell::of(channel_name(static_cast<Channel>(to))), Cell::of(n)});
      }
    }
  }
  return t;
}

}  // namespace

std::function<int()> setup_transitions(CLI::App& app) {
  auto o = std::make_shared<ComputeOptions>();
  add_compute_options(app, *o, {"tsv", "csv", "json", "table"});
  return [o] {
    Loaded in;
    const int status = load("transitions", *o, &in);
    if (!in.complete) return status;
    print_summary("transitions", *o, in);
    Format f;
    parse_format(o->format, &f);
    const std::string text = render(transitions_table(compute_stats(in.ds, in.params)), f);
    return emit("transitions", *o, [&](Output& out) { out.write(text); }, status);
  };
}

}  // namespace parcours
