// The words of the HTML report (`parcours report --lang`), in English and in
// French as Québec's public service writes them (« démarche », « courriel »,
// « clavardage »). One struct per language; the unit tests check that no
// label is left empty in either, so a new label cannot go untranslated.
#pragma once

#include <string_view>

#include "core/html.h"
#include "core/record.h"
#include "core/reports.h"

namespace parcours {

struct ReportText {
  std::string_view title, eyebrow, lede_period, lede_as_of, lede_window, contents;
  // Key figures.
  std::string_view key_figures, contacts, customers, episodes, fcr_rate, repeat_rate, contacts_per_episode,
      cost_of_repeats, note_contacts, note_customers, note_episodes, note_fcr, note_repeat, note_cpe, note_cost,
      no_costs, cost_unknown;
  // Per-service table.
  std::string_view services, services_intro, service, all_services, inbound, repeats, cohort, resolved,
      channels_per_episode, cost, costs_note;
  // Rates chart.
  std::string_view rates, rates_intro, rates_title;
  // Transitions.
  std::string_view transitions, transitions_intro, transitions_title, from, to, no_repeats, switches_note;
  // Channel mix.
  std::string_view mix, mix_intro, mix_title, period_day, period_week, period_month, period_quarter;
  // Paths.
  std::string_view paths, paths_intro, path, share, no_cohort;
  // Segments.
  std::string_view segments, segments_intro, segment, contacts_per_customer;
  // Handle time.
  std::string_view handle, handle_intro, channel, timed, mean, median, p90, mean_wait, all_channels;
  // Inputs and parameters.
  std::string_view inputs, inputs_intro, file, size, sha256, parameter, value, window, as_of, as_of_latest,
      as_of_given, mode, mode_repeat, mode_strict, any_service, yes, no, time_zone, period, language, version,
      unit_costs, unset, records, rerun, standard_input, not_hashed, bytes, read, accepted, rejected, duplicates,
      legs_merged, unidentified, region, max_fanout, crosswalk, block, none, days, hours;
  std::string_view no_data, footer;
};

const ReportText& report_text(Lang lang);
// The channel's name for readers: "Phone", « Téléphone ».
std::string_view channel_label(Channel c, Lang lang);
std::string_view segment_label(Segment s, Lang lang);

}  // namespace parcours
