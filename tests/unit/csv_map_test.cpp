#include <boost/test/unit_test.hpp>
#include <fmt/format.h>

#include "core/formats/mapping.h"
#include "tests/unit/ingest_helpers.h"

using namespace parcours;
using parcours::test::CollectSink;

namespace {

// Runs the csv reader on `data` with the mapping `map`.
CollectSink run_map(const std::string& map, const std::string& data, const std::string& tz = "UTC") {
  char path[] = "/tmp/parcours-map-XXXXXX";
  const int fd = mkstemp(path);
  BOOST_REQUIRE(fd >= 0);
  BOOST_REQUIRE(::write(fd, map.data(), map.size()) == static_cast<ssize_t>(map.size()));
  ::close(fd);
  IngestOptions o;
  o.map_file = path;
  o.tz = tz;
  CollectSink sink = parcours::test::run_reader("csv", data, o, "in.csv");
  ::unlink(path);
  return sink;
}

bool map_fails(const std::string& map, std::string* err) {
  Mapping m;
  return !parse_mapping(map, "x.map", &m, err);
}

Micros utc(std::string_view s) {
  Micros t;
  std::string err;
  BOOST_REQUIRE_MESSAGE(parse_time(s, &t, &err), err);
  return t;
}

bool read_local(std::string_view format, std::string_view value, Micros* out, std::string* err) {
  TimeFormat f;
  if (!parse_time_format(format, &f, err)) return false;
  ParsedTime t;
  if (!read_time(f, value, &t, err)) return false;
  BOOST_TEST(t.local == (f.kind == TimeFormat::Kind::pattern && !f.has_offset));
  *out = t.value;
  return true;
}

const char* kBase = "id = id\nchannel = \"courrier\"\nstart = date\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(csv_map)

BOOST_AUTO_TEST_CASE(time_patterns) {
  Micros t = 0;
  std::string err;
  // A wall-clock time is read as if UTC; the zone comes later.
  BOOST_TEST(read_local("%Y-%m-%d %H:%M:%S", "2026-01-05 09:07:03", &t, &err));
  BOOST_TEST(t == utc("2026-01-05T09:07:03Z"));
  BOOST_TEST(read_local("%d/%m/%Y %H:%M", "5/1/2026 9:07", &t, &err));
  BOOST_TEST(t == utc("2026-01-05T09:07:00Z"));
  BOOST_TEST(read_local("%d/%m/%Y", "05/01/2026", &t, &err));  // a date: 00:00
  BOOST_TEST(t == utc("2026-01-05T00:00:00Z"));
  BOOST_TEST(read_local("%F %T", "2026-01-05  23:59:59", &t, &err));  // runs of spaces
  BOOST_TEST(t == utc("2026-01-05T23:59:59Z"));
  BOOST_TEST(read_local("%m/%d/%y %I:%M %p", "01/05/26 12:30 AM", &t, &err));
  BOOST_TEST(t == utc("2026-01-05T00:30:00Z"));
  BOOST_TEST(read_local("%m/%d/%y %I:%M %p", "01/05/26 12:30 pm", &t, &err));
  BOOST_TEST(t == utc("2026-01-05T12:30:00Z"));
  BOOST_TEST(read_local("%Y%m%d%H%M%S.%f", "20260105090703.25", &t, &err));
  BOOST_TEST(t == utc("2026-01-05T09:07:03.25Z"));
  BOOST_TEST(read_local("%Y-%m-%dT%H:%M:%S%z", "2026-01-05T09:07:03-0500", &t, &err));
  BOOST_TEST(t == utc("2026-01-05T14:07:03Z"));
  BOOST_TEST(read_local("rfc3339", "2026-01-05T09:07:03-05:00", &t, &err));
  BOOST_TEST(t == utc("2026-01-05T14:07:03Z"));
  BOOST_TEST(read_local("epoch", "1767604023", &t, &err));
  BOOST_TEST(t == utc("2026-01-05T09:07:03Z"));
  BOOST_TEST(read_local("epoch_ms", "1767604023500", &t, &err));
  BOOST_TEST(t == utc("2026-01-05T09:07:03.5Z"));

  BOOST_TEST(!read_local("%d/%m/%Y", "29/02/2026", &t, &err));  // not a leap year
  BOOST_TEST(err.find("not a date of the calendar") != std::string::npos);
  BOOST_TEST(read_local("%d/%m/%Y", "29/02/2028", &t, &err));
  BOOST_TEST(!read_local("%d/%m/%Y", "05/01/2026 10:00", &t, &err));  // text left over
  BOOST_TEST(!read_local("%H:%M %d/%m/%Y", "24:00 05/01/2026", &t, &err));
  BOOST_TEST(!read_local("rfc3339", "2026-01-05 09:07:03", &t, &err));  // no offset
  BOOST_TEST(!read_local("epoch", "12a", &t, &err));
}

BOOST_AUTO_TEST_CASE(bad_patterns_fail_with_the_reason) {
  TimeFormat f;
  std::string err;
  BOOST_TEST(!parse_time_format("%H:%M", &f, &err));
  BOOST_TEST(err.find("no full date") != std::string::npos);
  BOOST_TEST(!parse_time_format("%Y-%m-%d %q", &f, &err));
  BOOST_TEST(err.find("unknown conversion %q") != std::string::npos);
  BOOST_TEST(!parse_time_format("%Y-%m-%d %I:%M", &f, &err));  // 12-hour clock without AM/PM
  BOOST_TEST(!parse_time_format("%Y-%m-%d %H:%M %p", &f, &err));
  BOOST_TEST(!parse_time_format("%Y-%m-%d %", &f, &err));
  BOOST_TEST(parse_time_format("%Y-%m-%d", &f, &err));
  BOOST_TEST(!f.has_clock);
}

BOOST_AUTO_TEST_CASE(mapping_errors_name_the_line) {
  std::string err;
  BOOST_TEST(map_fails(std::string(kBase) + "# comment\nstrat = x\n", &err));
  BOOST_TEST(err.rfind("x.map:5: unknown key 'strat'", 0) == 0);
  BOOST_TEST(map_fails(std::string(kBase) + "start.format = %H\n", &err));
  BOOST_TEST(err.rfind("x.map:4: start.format: ", 0) == 0);
  BOOST_TEST(map_fails(std::string(kBase) + "id = other\n", &err));
  BOOST_TEST(err == "x.map:4: 'id' is set twice; keep one");
  BOOST_TEST(map_fails("channel = \"mail\"\nstart = d\n", &err));
  BOOST_TEST(err.rfind("x.map: id is not mapped", 0) == 0);
  BOOST_TEST(map_fails(std::string(kBase) + "outcome = s\noutcome.map = Traité -> done\n", &err));
  BOOST_TEST(err.rfind("x.map:5: outcome.map: 'done' is not an outcome", 0) == 0);
  BOOST_TEST(map_fails(std::string(kBase) + "direction.map = A -> in\n", &err));  // no source
  BOOST_TEST(err.rfind("x.map:4: direction is given a map", 0) == 0);
  BOOST_TEST(map_fails("id = id\nchannel = \"pigeon\"\nstart = d\n", &err));
  BOOST_TEST(err.rfind("x.map:2: channel: 'pigeon' is not a channel", 0) == 0);
  BOOST_TEST(map_fails("header = no\nid = id\nchannel = \"mail\"\nstart = 1\n", &err));
  BOOST_TEST(err.rfind("x.map:2: id: 'id': without a header, columns are named by number", 0) == 0);
  BOOST_TEST(map_fails(std::string(kBase) + "delimiter = ab\n", &err));
  BOOST_TEST(map_fails(std::string(kBase) + "just text\n", &err));
  BOOST_TEST(err == "x.map:4: expected KEY = VALUE; a comment line starts with #");
  BOOST_TEST(map_fails("id = \"1\"\nchannel = \"mail\"\nstart = d\n", &err));
}

BOOST_AUTO_TEST_CASE(mapping_parses_every_kind_of_source) {
  Mapping m;
  std::string err;
  BOOST_REQUIRE_MESSAGE(parse_mapping("\xEF\xBB\xBF# a registry\r\n"
                                      "delimiter = tab\n"
                                      "encoding = windows-1252\n"
                                      "id = Bureau + Date + No\n"
                                      "channel = \"comptoir\"\n"
                                      "start = Date + Heure\n"
                                      "start.format = %Y-%m-%d %H:%M\n"
                                      "outcome = Résultat\n"
                                      "outcome.map = Réglé -> resolved\n"
                                      "outcome.map = * -> unknown\n"
                                      "attr.doc_type = Type de document\n",
                                      "x.map", &m, &err),
                        err);
  BOOST_TEST(m.delimiter == '\t');
  BOOST_TEST(m.windows1252);
  const FieldMap* id = m.find("id");
  BOOST_REQUIRE(id != nullptr);
  BOOST_TEST(id->source.names == (std::vector<std::string>{"Bureau", "Date", "No"}));
  BOOST_TEST(m.find("channel")->source.constant);
  BOOST_TEST(m.find("channel")->source.value == "comptoir");
  BOOST_TEST(m.find("start")->has_format);
  BOOST_TEST(m.find("outcome")->values.size() == 1u);
  BOOST_TEST(m.find("outcome")->has_default);
  BOOST_TEST(m.find("attr.doc_type")->source.names[0] == "Type de document");
  BOOST_TEST(resolve_columns(&m, {"Date", "Heure", "No", "Bureau", "Résultat", "Type de document"}, &err));
  BOOST_TEST(m.find("id")->source.columns == (std::vector<int>{3, 0, 2}));
  BOOST_TEST(!resolve_columns(&m, {"Date", "Heure", "No", "Bureau", "Resultat", "Type de document"}, &err));
  BOOST_TEST(err.rfind("x.map:8: outcome: no column 'Résultat' in the header", 0) == 0);
}

BOOST_AUTO_TEST_CASE(constants_maps_and_attrs) {
  const std::string map =
      "delimiter = ;\n"
      "time_format = %d/%m/%Y\n"
      "tz = America/Toronto\n"
      "id = No\n"
      "channel = \"courrier\"\n"
      "start = Reçu\n"
      "direction = Sens\n"
      "direction.map = Entrant -> in\n"
      "direction.map = Sortant -> out\n"
      "outcome = Statut\n"
      "outcome.map = Traité -> resolved\n"
      "outcome.map = Expédié ->\n"
      "service = Service\n"
      "service.map = Impôts -> credit-impot\n"
      "ids.client = Dossier\n"
      "attr.doc_type = Type\n";
  auto sink = run_map(map,
                      "No;Reçu;Sens;Statut;Service;Dossier;Type\n"
                      "C1;05/01/2026;Entrant;Traité;Impôts;0448400;Avis de cotisation\n"
                      "C2;06/01/2026;SORTANT;Expédié;Passeport;;Lettre\n"
                      "C3;06/01/2026;;;;;\n");
  BOOST_TEST(sink.rejects.empty());
  BOOST_TEST(sink.ndjson() ==
             "{\"id\":\"C1\",\"channel\":\"mail\",\"start\":\"2026-01-05T05:00:00Z\",\"service\":\"credit-impot\","
             "\"ids\":{\"client\":\"0448400\"},\"outcome\":\"resolved\",\"src\":{\"file\":\"in.csv\",\"line\":2}}\n"
             "{\"id\":\"C2\",\"channel\":\"mail\",\"start\":\"2026-01-06T05:00:00Z\",\"service\":\"Passeport\","
             "\"direction\":\"out\",\"src\":{\"file\":\"in.csv\",\"line\":3}}\n"
             "{\"id\":\"C3\",\"channel\":\"mail\",\"start\":\"2026-01-06T05:00:00Z\",\"src\":{\"file\":\"in.csv\","
             "\"line\":4}}\n");
  BOOST_REQUIRE(sink.records.size() == 3u);
  BOOST_TEST(sink.records[0].field("doc_type") == "Avis de cotisation");
}

BOOST_AUTO_TEST_CASE(unmapped_enum_values_are_rejected_unless_a_default_is_given) {
  const std::string map = std::string(kBase) + "outcome = s\noutcome.map = ok -> resolved\n";
  auto sink = run_map(map, "id,date,s\n1,2026-01-05T00:00:00Z,ok\n2,2026-01-05T00:00:00Z,bof\n3,2026-01-05T00:00:00Z,abandoned\n");
  BOOST_TEST(sink.records.size() == 2u);  // an English value needs no map
  BOOST_REQUIRE(sink.rejects.size() == 1u);
  BOOST_TEST(sink.rejects[0].first == 3);
  BOOST_TEST(sink.rejects[0].second.find("add 'outcome.map = bof -> OUTCOME'") != std::string::npos);
  sink = run_map(map + "outcome.map = * -> unknown\n", "id,date,s\n2,2026-01-05T00:00:00Z,bof\n");
  BOOST_TEST(sink.rejects.empty());
  BOOST_REQUIRE(sink.records.size() == 1u);
  BOOST_TEST(outcome_name(sink.records[0].outcome) == "unknown");
}

BOOST_AUTO_TEST_CASE(french_channel_names_in_a_column) {
  auto sink = run_map("id = id\nchannel = canal\nstart = date\n",
                      "id,canal,date\n1,télécopie,2026-01-05T00:00:00Z\n2,Comptoir,2026-01-05T00:00:00Z\n"
                      "3,medias-sociaux,2026-01-05T00:00:00Z\n4,pigeon,2026-01-05T00:00:00Z\n5,,2026-01-05T00:00:00Z\n");
  BOOST_REQUIRE(sink.records.size() == 3u);
  BOOST_TEST(channel_name(sink.records[0].channel) == "fax");
  BOOST_TEST(channel_name(sink.records[1].channel) == "counter");
  BOOST_TEST(channel_name(sink.records[2].channel) == "social");
  BOOST_REQUIRE(sink.rejects.size() == 2u);
  BOOST_TEST(sink.rejects[0].second.rfind("channel: 'pigeon' in column 'canal' is not a channel", 0) == 0);
  BOOST_TEST(sink.rejects[1].second.rfind("channel: column 'canal' is empty", 0) == 0);
}

BOOST_AUTO_TEST_CASE(no_header_numbers_line_ids_and_ragged_rows) {
  const std::string map =
      "header = no\nid = @file + @line\nchannel = \"web\"\nstart = 2\nstart.format = epoch\nids.client = 1\n";
  auto sink = run_map(map, "1234567,1767604023\n7654321,1767604083\n\n42\n1,2,3\n");
  BOOST_TEST(sink.read() == 4);  // the blank line is not a record
  BOOST_REQUIRE(sink.records.size() == 2u);
  BOOST_TEST(sink.records[0].id == "in.csv-1");
  BOOST_TEST(sink.records[1].id == "in.csv-2");
  BOOST_TEST(sink.records[1].start == utc("2026-01-05T09:08:03Z"));
  BOOST_REQUIRE(sink.rejects.size() == 2u);
  BOOST_TEST(sink.rejects[0].first == 4);
  BOOST_TEST(sink.rejects[0].second.rfind("record has 1 fields and the first record (line 1) has 2", 0) == 0);
  BOOST_TEST(sink.rejects[1].first == 5);
  // skip and columns: a title line before the data, and a forced count.
  sink = run_map("skip = 1\ncolumns = 3\n" + map, "Export du 2026-01-05\n1234567,1767604023\n1,2,3\n");
  BOOST_TEST(sink.records.size() == 1u);
  BOOST_TEST(sink.rejects.size() == 1u);
  BOOST_TEST(sink.rejects[0].second.find("the map sets columns = 3") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(header_bom_quotes_and_encoding) {
  const std::string map = "id = No\nchannel = \"mail\"\nstart = Reçu\nreason = Objet\n";
  // A BOM, a header padded with spaces, a quoted value over two lines, and
  // a byte that is not UTF-8.
  auto sink = run_map(map,
                      "\xEF\xBB\xBFNo, Reçu ,Objet\n"
                      "1,2026-01-05T10:00:00Z,\"Formulaire\nsigné\"\n"
                      "2,2026-01-05T11:00:00Z,Re\xE7u\n");
  BOOST_TEST(sink.rejects.empty());
  BOOST_REQUIRE(sink.records.size() == 2u);
  BOOST_TEST(sink.records[0].reason == "Formulaire\nsigné");
  BOOST_TEST(sink.records[1].reason == "Reçu");
  BOOST_TEST(sink.records[1].src_line == 4);
  BOOST_TEST(sink.notes["fields not in UTF-8 (read as Windows-1252)"] == 1);
  // Declared Windows-1252: the header too is decoded before matching, and
  // nothing is counted as a repair.
  sink = run_map("encoding = windows-1252\n" + map, "No,Re\xE7u,Objet\n1,2026-01-05T10:00:00Z,\xC9t\xE9\n");
  BOOST_REQUIRE(sink.records.size() == 1u);
  BOOST_TEST(sink.records[0].reason == "Été");
  BOOST_TEST(sink.notes.empty());
  // A header alone is a file with no contacts.
  sink = run_map(map, "No,Reçu,Objet\n");
  BOOST_TEST(sink.read() == 0);
}

BOOST_AUTO_TEST_CASE(date_and_time_columns_and_bad_times) {
  const std::string map =
      "tz = America/Toronto\ntime_format = %Y-%m-%d %H:%M\nid = t\nchannel = \"counter\"\n"
      "start = d + a\nanswered = d + c\nend = d + e\n";
  auto sink = run_map(map,
                      "t,d,a,c,e\n"
                      "A1,2026-01-05,09:00,09:10,09:20\n"
                      "A2,2026-01-05,09:05,,\n"       // left before being called
                      "A3,2026-01-05,09:30,09:20,\n"  // called before arriving
                      "A4,2026-01-05,,09:20,09:30\n"  // no arrival
                      "A5,2026-01-05,9h30,,\n"
                      "A6,2026-01-05,09:30,09:40,09:35\n");
  BOOST_REQUIRE(sink.records.size() == 2u);
  BOOST_TEST(sink.records[0].start == utc("2026-01-05T14:00:00Z"));
  BOOST_TEST(sink.records[0].answered == utc("2026-01-05T14:10:00Z"));
  BOOST_TEST(sink.records[0].end == utc("2026-01-05T14:20:00Z"));
  BOOST_TEST(sink.records[1].answered == kNoTime);
  BOOST_TEST(sink.records[1].end == kNoTime);
  BOOST_REQUIRE(sink.rejects.size() == 4u);
  BOOST_TEST(sink.rejects[0].second.rfind("answered: '2026-01-05 09:20' in columns 'd' + 'c' is before the start", 0) == 0);
  BOOST_TEST(sink.rejects[1].second.rfind("start: columns 'd' + 'a' is empty", 0) == 0);
  BOOST_TEST(sink.rejects[2].second.rfind("start: '2026-01-05 9h30' does not match the time format '%Y-%m-%d %H:%M'", 0) == 0);
  BOOST_TEST(sink.rejects[3].second.rfind("end: '2026-01-05 09:35' in columns 'd' + 'e' is before answered", 0) == 0);
  BOOST_TEST(sink.read() == 6);
}

BOOST_AUTO_TEST_CASE(daylight_saving_gap_and_overlap) {
  const std::string map = "tz = America/Toronto\ntime_format = %F %T\nid = i\nchannel = \"ivr\"\nstart = s\nend = e\n";
  auto sink = run_map(map,
                      "i,s,e\n"
                      "1,2026-03-08 02:30:00,2026-03-08 03:40:00\n"   // 02:30 never happened
                      "2,2026-11-01 01:30:00,2026-11-01 01:40:00\n"   // both in the first 01:xx
                      "3,2026-11-01 01:50:00,2026-11-01 01:05:00\n");  // ends in the second 01:xx
  BOOST_TEST(sink.rejects.empty());
  BOOST_REQUIRE(sink.records.size() == 3u);
  BOOST_TEST(sink.records[0].start == utc("2026-03-08T07:30:00Z"));
  BOOST_TEST(sink.records[0].end == utc("2026-03-08T07:40:00Z"));
  BOOST_TEST(sink.records[1].start == utc("2026-11-01T05:30:00Z"));
  BOOST_TEST(sink.records[1].end == utc("2026-11-01T05:40:00Z"));
  BOOST_TEST(sink.records[2].start == utc("2026-11-01T05:50:00Z"));
  BOOST_TEST(sink.records[2].end == utc("2026-11-01T06:05:00Z"));
  BOOST_TEST(sink.notes["local times in a daylight-saving gap (read with the offset before the change)"] == 1);
  BOOST_TEST(sink.notes["ambiguous local times (first occurrence taken)"] == 3);
  BOOST_TEST(sink.notes["ambiguous local times (second occurrence taken, as the first is before the start)"] == 1);
  // --tz other than UTC overrides the map's zone, and says so.
  sink = run_map(map, "i,s,e\n1,2026-01-05 09:00:00,\n", "America/Vancouver");
  BOOST_REQUIRE(sink.records.size() == 1u);
  BOOST_TEST(sink.records[0].start == utc("2026-01-05T17:00:00Z"));
  BOOST_TEST(sink.notes["records read with --tz instead of the map's tz"] == 1);
}

BOOST_AUTO_TEST_CASE(reconciliation_holds_on_a_mixed_file) {
  const std::string map = std::string(kBase) + "ids.phone = tel\n";
  std::string data = "id,date,tel\n";
  int64_t rows = 0;
  for (int i = 0; i < 50; ++i, ++rows) {
    switch (i % 5) {
      case 0: data += fmt::format("{},2026-01-05T10:00:00Z,418555{:04}\n", i, i); break;
      case 1: data += fmt::format("{},not a time,x\n", i); break;
      case 2: data += fmt::format("{},2026-01-05T10:00:00Z\n", i); break;
      case 3: data += fmt::format(",2026-01-05T10:00:00Z,x\n"); break;
      default: data += fmt::format("\"{}\n\",2026-01-05T10:00:00Z,\"a,b\"\n", i); break;
    }
  }
  auto sink = run_map(map, data);
  BOOST_TEST(sink.read() == rows);
  BOOST_TEST(sink.records.size() == 20u);
  BOOST_TEST(sink.rejects.size() == 30u);
}

BOOST_AUTO_TEST_CASE(factory_errors) {
  IngestOptions o;
  std::string err;
  BOOST_TEST(make_csv(o, &err) == nullptr);
  BOOST_TEST(err.rfind("--map FILE is required", 0) == 0);
  o.map_file = "/nonexistent/x.map";
  BOOST_TEST(make_csv(o, &err) == nullptr);
  BOOST_TEST(err.rfind("/nonexistent/x.map: cannot open", 0) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
