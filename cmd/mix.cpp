// parcours mix: contacts per calendar period, service and channel, with each
// channel's share: how demand moves between channels over time.
#include <fmt/format.h>

#include "cmd/common.h"
#include "core/reports.h"

namespace parcours {

std::function<int()> setup_mix(CLI::App& app) {
  auto o = std::make_shared<ComputeOptions>();
  auto period = std::make_shared<std::string>("month");
  auto tz = std::make_shared<std::string>("UTC");
  add_compute_options(app, *o, {"tsv", "csv", "json", "table"});
  // The mix counts contacts, not episodes: the options that shape episodes
  // would change nothing, so they are not offered.
  for (const char* name : {"--window", "--as-of", "--mode", "--any-service"}) app.remove_option(app.get_option(name));
  app.add_option("--period", *period, "calendar period: day, week (ISO, from Monday), month or quarter")
      ->check(CLI::IsMember({"day", "week", "month", "quarter"}))
      ->capture_default_str();
  app.add_option("--tz", *tz, "time zone the periods are counted in (IANA name, as America/Toronto)")
      ->capture_default_str();
  return [o, period, tz]() -> int {
    Zone zone;
    std::string err;
    if (!zone.load(*tz, &err)) {
      say("mix", fmt::format("--tz: {}", err));
      return kExitUsage;
    }
    Period p = Period::month;
    parse_period(*period, &p);
    Loaded in;
    const int status = load("mix", *o, &in);
    if (!in.complete) return status;
    if (!o->read.quiet) {
      say("mix", fmt::format("read {}, accepted {}, rejected {}, duplicates {}", in.read, in.ds.accepted,
                             in.rejected, in.ds.duplicates));
      say("mix", fmt::format("contacts {} (legs merged {}); period {}, time zone {}", in.ds.contacts.size(),
                             in.ds.legs_merged, period_name(p), zone.name()));
      print_spill_summary("mix", o->link);
    }
    Format f;
    parse_format(o->format, &f);
    const std::string text = render(mix_table(compute_mix(in.ds, p, &zone), f), f);
    return emit("mix", *o, [&](Output& out) { out.write(text); }, status);
  };
}

}  // namespace parcours
