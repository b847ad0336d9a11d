// parcours handle: handle and wait times per service and channel.
#include <fmt/format.h>

#include "cmd/common.h"
#include "core/reports.h"

namespace parcours {

std::function<int()> setup_handle(CLI::App& app) {
  auto o = std::make_shared<ComputeOptions>();
  add_compute_options(app, *o, {"tsv", "csv", "json", "table"});
  // Times belong to single contacts, not episodes: the episode options would
  // change nothing, so they are not offered.
  for (const char* name : {"--window", "--as-of", "--mode", "--any-service"}) app.remove_option(app.get_option(name));
  return [o] {
    Loaded in;
    in.ds.keep_answered = in.ds.keep_ends = true;  // handle times
    const int status = load("handle", *o, &in);
    if (!in.complete) return status;
    const HandleReport r = compute_handle(in.ds);
    if (!o->read.quiet) {
      const HandleRow& all = r.rows.back();
      say("handle", fmt::format("read {}, accepted {}, rejected {}, duplicates {}", in.read, in.ds.accepted,
                                in.rejected, in.ds.duplicates));
      say("handle", fmt::format("contacts {} (legs merged {}), timed {}, answered {}, end before answered {}",
                                in.ds.contacts.size(), in.ds.legs_merged, all.timed, all.answered,
                                r.end_before_answered));
      print_spill_summary("handle", o->link);
    }
    Format f;
    parse_format(o->format, &f);
    const std::string text = render(handle_table(r, f), f);
    return emit("handle", *o, [&](Output& out) { out.write(text); }, status);
  };
}

}  // namespace parcours
