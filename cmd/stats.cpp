// parcours stats: the per-service table of SPEC §5.
#include "cmd/common.h"
#include "core/metrics.h"

namespace parcours {

namespace {

Table stats_table(const Summary& s) {
  Table t;
  t.columns = {"service", "contacts", "inbound", "unidentified", "customers", "episodes",
               "repeats", "repeat_rate", "switches", "cohort", "resolved", "fcr_rate",
               "pending", "contacts_per_episode", "channels_per_episode", "cost", "repeat_cost"};
  for (const ServiceStats& r : s.rows) {
    const Counts& n = r.n;
    t.rows.push_back({Cell::of(r.service), Cell::of(n.contacts), Cell::of(n.inbound),
                      Cell::of(n.unidentified), Cell::of(n.customers), Cell::of(n.episodes),
                      Cell::of(n.repeats()), Cell::of(r.repeat_rate()), Cell::of(n.switches),
                      Cell::of(n.cohort), Cell::of(n.resolved), Cell::of(r.fcr_rate()),
                      Cell::of(n.pending()), Cell::of(r.contacts_per_episode()),
                      Cell::of(r.channels_per_episode()),
                      // Unit costs arrive with --costs; until then, empty rather than a guess.
                      Cell::none(), Cell::none()});
  }
  return t;
}

}  // namespace

std::function<int()> setup_stats(CLI::App& app) {
  auto o = std::make_shared<ComputeOptions>();
  add_compute_options(app, *o, {"tsv", "csv", "json", "table"});
  return [o] {
    Loaded in;
    const int status = load("stats", *o, &in);
    if (!in.complete) return status;
    print_summary("stats", *o, in);
    Format f;
    parse_format(o->format, &f);
    const std::string text = render(stats_table(compute_stats(in.ds, in.params)), f);
    return emit("stats", *o, [&](Output& out) { out.write(text); }, status);
  };
}

}  // namespace parcours
