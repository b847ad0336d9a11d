// parcours stats: the per-service table of SPEC §5.
#include <fmt/format.h>

#include "cmd/common.h"
#include "core/metrics.h"
#include "core/reports.h"

namespace parcours {

namespace {

Table stats_table(const Summary& s, const CostTable* costs, Format f) {
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
                      // Without a cost table, empty rather than a guess.
                      costs != nullptr ? money_cell(r.cost(*costs), f) : Cell::none(),
                      costs != nullptr ? money_cell(r.repeat_cost(*costs), f) : Cell::none()});
  }
  if (f == Format::table) {
    static constexpr size_t kMoney[] = {15, 16};
    align_decimals(&t, kMoney);
  }
  return t;
}

}  // namespace

std::function<int()> setup_stats(CLI::App& app) {
  auto o = std::make_shared<ComputeOptions>();
  auto costs_file = std::make_shared<std::string>();
  add_compute_options(app, *o, {"tsv", "csv", "json", "table"});
  app.add_option("--costs", *costs_file,
                 "TSV file of unit costs per channel (channel<TAB>unit_cost) to fill cost and repeat_cost");
  return [o, costs_file]() -> int {
    CostTable costs;
    if (!costs_file->empty()) {
      std::string err;
      if (!load_costs(*costs_file, &costs, &err)) {
        for (size_t at = 0; at <= err.size();) {
          const size_t nl = std::min(err.find('\n', at), err.size());
          say("stats", std::string_view(err).substr(at, nl - at));
          at = nl + 1;
        }
        return kExitUsage;
      }
    }
    Loaded in;
    const int status = load("stats", *o, &in);
    if (!in.complete) return status;
    print_summary("stats", *o, in);
    if (!o->read.quiet && !costs_file->empty()) {
      // The prices used belong with the parameters: an auditor reruns with them.
      std::string set, unset;
      for (int k = 0; k < kChannelCount; ++k) {
        const std::string_view name = channel_name(static_cast<Channel>(k));
        if (costs.unit[k] == kNoCost) unset += fmt::format("{}{}", unset.empty() ? "" : " ", name);
        else set += fmt::format("{}{} {}", set.empty() ? "" : ", ", name, format_decimal({costs.unit[k], kCostScale}, 4));
      }
      say("stats", fmt::format("unit costs from {}: {}; unset: {}", *costs_file, set.empty() ? "none" : set,
                               unset.empty() ? "none" : unset));
    }
    Format f;
    parse_format(o->format, &f);
    const Table table = stats_table(compute_stats(in.ds, in.params), costs_file->empty() ? nullptr : &costs, f);
    const std::string text = render(table, f);
    return emit("stats", *o, [&](Output& out) { out.write(text); }, status);
  };
}

}  // namespace parcours
