// The email readers (mbox, eml) on inline messages.
#include <string>

#include <boost/test/unit_test.hpp>

#include "core/time.h"
#include "tests/unit/ingest_helpers.h"

namespace parcours::test {

namespace {

std::string eml(const std::string& headers, const std::string& body = "Bonjour.\n") {
  return headers + "\n" + body;
}

// The start of a one-message .eml with this Date, or the reject reason.
std::string start_of(const std::string& date, const std::string& tz = "UTC") {
  IngestOptions o;
  o.tz = tz;
  CollectSink s = run_reader("eml", eml("From: a@b.ca\nMessage-ID: <1@b.ca>\nDate: " + date + "\n"), o);
  BOOST_REQUIRE_EQUAL(s.read(), 1);
  if (!s.rejects.empty()) return "rejected: " + s.rejects[0].second;
  return format_time(s.records[0].start);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mail)

BOOST_AUTO_TEST_CASE(date_forms) {
  BOOST_CHECK_EQUAL(start_of("Tue, 3 Mar 2026 09:15:00 -0500"), "2026-03-03T14:15:00Z");
  BOOST_CHECK_EQUAL(start_of("Fri, 23 Aug 2002 2:32:53 -0400"), "2002-08-23T06:32:53Z");  // one-digit hour
  BOOST_CHECK_EQUAL(start_of("Wed, 24 Apr 2019 10:05:02 +0200 (CEST)"), "2019-04-24T08:05:02Z");
  BOOST_CHECK_EQUAL(start_of("\tTue, 27 Sep 2005 11:06:25 +0200"), "2005-09-27T09:06:25Z");
  BOOST_CHECK_EQUAL(start_of("Tue, 27 Sep 2005 11:06:25 GMT"), "2005-09-27T11:06:25Z");
  BOOST_CHECK_EQUAL(start_of("Tue, 27 Sep 2005 11:06:25 UT"), "2005-09-27T11:06:25Z");
  BOOST_CHECK_EQUAL(start_of("Tue, 27 Sep 2005 11:06:25 Z"), "2005-09-27T11:06:25Z");
  BOOST_CHECK_EQUAL(start_of("Tue, 27 Sep 2005 11:06:25 -0000"), "2005-09-27T11:06:25Z");
  BOOST_CHECK_EQUAL(start_of("Tue, 27 Sep 2005 11:06:25 EST"), "2005-09-27T16:06:25Z");
  BOOST_CHECK_EQUAL(start_of("Tue, 27 Sep 2005 11:06:25 EDT"), "2005-09-27T15:06:25Z");
  BOOST_CHECK_EQUAL(start_of("Tue, 27 Sep 2005 11:06:25 PDT"), "2005-09-27T18:06:25Z");
  BOOST_CHECK_EQUAL(start_of("Tue, 27 Sep 2005 11:06:25 A"), "2005-09-27T11:06:25Z");  // RFC 5322 §4.3
  BOOST_CHECK_EQUAL(start_of("Tue, 27 Sep 2005 11:06 +0200"), "2005-09-27T09:06:00Z");  // no seconds
  BOOST_CHECK_EQUAL(start_of("27 Sep 2005 11:06:25 +0200"), "2005-09-27T09:06:25Z");  // no weekday
  BOOST_CHECK_EQUAL(start_of("Tue, 27 Sep 05 11:06:25 +0200"), "2005-09-27T09:06:25Z");
  BOOST_CHECK_EQUAL(start_of("Tue, 27 Sep 95 11:06:25 +0200"), "1995-09-27T09:06:25Z");
  BOOST_CHECK_EQUAL(start_of("Tue, 27 Sep 69 11:06:25 +0200"), "2069-09-27T09:06:25Z");  // as in mbox(5)
  BOOST_CHECK_EQUAL(start_of("Tue, 27 Sep 70 11:06:25 +0200"), "1970-09-27T09:06:25Z");
  BOOST_CHECK_EQUAL(start_of("mercredi 4 mars 2026 11 h 20").substr(0, 9), "rejected:");  // no hh:mm
  BOOST_CHECK_EQUAL(start_of("Tue,  27  Sep  2005   11:06:25   +0200"), "2005-09-27T09:06:25Z");
  BOOST_CHECK_EQUAL(start_of("Tue, 27 Sep 2005 11:06:25 +0100 (CET)"), "2005-09-27T10:06:25Z");
  BOOST_CHECK_EQUAL(start_of("Tue, 27 Sep 2005 11:06:25 +02:00"), "2005-09-27T09:06:25Z");
  // Without a zone (or with one GMime does not know), the time is local to --tz.
  BOOST_CHECK_EQUAL(start_of("Tue, 27 Sep 2005 11:06:25", "America/Montreal"), "2005-09-27T15:06:25Z");
  BOOST_CHECK_EQUAL(start_of("Tue, 27 Sep 2005 11:06:25 CET", "Europe/Paris"), "2005-09-27T09:06:25Z");
  BOOST_CHECK_EQUAL(start_of("Tue Sep 27 11:06:25 2005"), "2005-09-27T11:06:25Z");
  BOOST_CHECK_EQUAL(start_of("n'importe quoi"),
                    "rejected: unreadable Date 'n'importe quoi' and no date on a 'From ' line; write it as in "
                    "RFC 5322 ('Tue, 3 Mar 2026 09:15:00 -0500')");
  BOOST_CHECK_EQUAL(start_of("Tue, 32 Sep 2005 11:06:25 +0200").substr(0, 9), "rejected:");
}

BOOST_AUTO_TEST_CASE(date_notes) {
  IngestOptions o;
  o.tz = "America/Montreal";
  CollectSink s = run_reader("eml", eml("From: a@b.ca\nMessage-ID: <1@b.ca>\nDate: Sun, 2 Nov 2025 01:30:00\n"), o);
  BOOST_REQUIRE_EQUAL(s.records.size(), 1u);
  BOOST_CHECK_EQUAL(format_time(s.records[0].start), "2025-11-02T05:30:00Z");  // the earlier of the two 01:30
  BOOST_CHECK_EQUAL(s.notes["dates without a time zone in a daylight-saving change of --tz (earlier reading)"], 1);
  s = run_reader("eml", eml("From: a@b.ca\nMessage-ID: <1@b.ca>\nDate: Tue, 27 Sep 2005 11:06:25 M\n"));
  BOOST_CHECK_EQUAL(s.notes["dates with a military zone letter (read as UTC, RFC 5322)"], 1);
}

BOOST_AUTO_TEST_CASE(rfc2047_subjects) {
  CollectSink s = run_reader("mbox",
                             "From a@b.ca Tue Mar  3 09:15:00 2026\n"
                             "From: =?UTF-8?Q?Ren=C3=A9e_B=C3=A9langer?= <renee@exemple.ca>\n"
                             "Subject: =?UTF-8?Q?Demande_de_cr=C3=A9dit_d'imp=C3=B4t?=\n"
                             "Date: Tue, 3 Mar 2026 09:15:00 -0500\n"
                             "Message-ID: <q@exemple.ca>\n\nCorps.\n\n"
                             "From a@b.ca Tue Mar  3 09:16:00 2026\n"
                             "From: renee@exemple.ca\n"
                             "Subject: =?iso-8859-1?B?UmVub3V2ZWxsZW1lbnQgZGUgcGFzc2Vwb3J0IOkg?=\n"
                             " =?iso-8859-1?Q?fa=E7on?=\n"
                             "Date: Tue, 3 Mar 2026 09:16:00 -0500\n"
                             "Message-ID: <b@exemple.ca>\n\nCorps.\n\n"
                             "From a@b.ca Tue Mar  3 09:17:00 2026\n"
                             "From: renee@exemple.ca\n"
                             "Subject: Essai =?iso-8859-1?Q?accentu=E9?=\n"
                             "Date: Tue, 3 Mar 2026 09:17:00 -0500\n"
                             "Message-ID: <c@exemple.ca>\n\nCorps.\n");
  BOOST_REQUIRE_EQUAL(s.records.size(), 3u);
  BOOST_CHECK_EQUAL(s.records[0].field("subject"), "Demande de crédit d'impôt");
  BOOST_CHECK_EQUAL(s.records[0].field("from"), "renee@exemple.ca");
  BOOST_CHECK_EQUAL(s.records[1].field("subject"), "Renouvellement de passeport é façon");
  BOOST_CHECK_EQUAL(s.records[2].field("subject"), "Essai accentué");
  BOOST_CHECK_EQUAL(s.records[0].src_line, 1);
  BOOST_CHECK_EQUAL(s.records[1].src_line, 9);
  BOOST_CHECK_EQUAL(s.records[2].src_line, 18);
  BOOST_CHECK(s.notes.empty());
}

BOOST_AUTO_TEST_CASE(raw_8bit_headers) {
  CollectSink s = run_reader("eml", eml("From: Fran\xe7ois <f@exemple.ca>\nSubject: Re\xe7u\nMessage-ID: <1@x>\n"
                                        "Date: Tue, 3 Mar 2026 09:15:00 -0500\n"));
  BOOST_REQUIRE_EQUAL(s.records.size(), 1u);
  BOOST_CHECK_EQUAL(s.records[0].field("subject"), "Reçu");
  BOOST_CHECK_EQUAL(s.notes["messages with header bytes that were not UTF-8 (read as Windows-1252)"], 1);
}

BOOST_AUTO_TEST_CASE(ours) {
  IngestOptions o;
  o.ours = {"Revenu.gouv.qc.ca", "@exemple.org,autre.ca"};
  CollectSink s = run_reader("mbox",
                             "From x Tue Mar  3 09:15:00 2026\n"
                             "From: Agent <agent@SERVICES.revenu.gouv.qc.ca>\n"
                             "To: collegue@revenu.gouv.qc.ca, \"Tremblay, Éric\" <Eric.Tremblay@Courriel.ca>\n"
                             "Date: Tue, 3 Mar 2026 09:15:00 -0500\nMessage-ID: <1@x>\n\n\n"
                             "From x Tue Mar  3 09:15:00 2026\n"
                             "From: eric.tremblay@courriel.ca\nTo: aide@revenu.gouv.qc.ca\n"
                             "Date: Tue, 3 Mar 2026 09:15:00 -0500\nMessage-ID: <2@x>\n\n\n"
                             "From x Tue Mar  3 09:15:00 2026\n"
                             "From: a@fauxrevenu.gouv.qc.ca\nTo: aide@revenu.gouv.qc.ca\n"
                             "Date: Tue, 3 Mar 2026 09:15:00 -0500\nMessage-ID: <3@x>\n\n\n"
                             "From x Tue Mar  3 09:15:00 2026\n"
                             "From: a@exemple.org\nTo: b@autre.ca\nCc: c@client.ca\n"
                             "Date: Tue, 3 Mar 2026 09:15:00 -0500\nMessage-ID: <4@x>\n\n",
                             o);
  BOOST_REQUIRE_EQUAL(s.records.size(), 4u);
  BOOST_CHECK(s.records[0].direction == Direction::out);
  BOOST_CHECK_EQUAL(s.records[0].field("ids.email"), "Eric.Tremblay@Courriel.ca");
  BOOST_CHECK_EQUAL(s.records[0].agent, "agent@SERVICES.revenu.gouv.qc.ca");
  BOOST_CHECK(s.records[1].direction == Direction::in);
  BOOST_CHECK_EQUAL(s.records[1].field("ids.email"), "eric.tremblay@courriel.ca");
  BOOST_CHECK(s.records[2].direction == Direction::in);  // a suffix that is not a subdomain
  BOOST_CHECK(s.records[3].direction == Direction::out);
  BOOST_CHECK_EQUAL(s.records[3].field("ids.email"), "c@client.ca");  // Cc when every To is ours
}

BOOST_AUTO_TEST_CASE(missing_message_id) {
  const std::string msg =
      "From: a@b.ca\nDate: Tue, 3 Mar 2026 09:15:00 -0500\nSubject: x\n\nligne\nFrom the body\n>From quoted\n";
  CollectSink e = run_reader("eml", msg);
  BOOST_REQUIRE_EQUAL(e.records.size(), 1u);
  const std::string id = e.records[0].id;
  BOOST_CHECK_EQUAL(id.substr(0, 7), "sha256:");
  BOOST_CHECK_EQUAL(id.size(), 7u + 16u);
  BOOST_CHECK_EQUAL(e.notes["messages without Message-ID (id derived from their content)"], 1);
  BOOST_CHECK_EQUAL(e.records[0].field("thread"), id);
  // The same message in CRLF, and quoted in an mboxrd file, has the same id.
  std::string crlf;
  for (char c : msg) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  BOOST_CHECK_EQUAL(run_reader("eml", crlf).records.at(0).id, id);
  CollectSink m = run_reader("mbox",
                             "From a@b.ca Tue Mar  3 09:15:00 2026\nFrom: a@b.ca\n"
                             "Date: Tue, 3 Mar 2026 09:15:00 -0500\nSubject: x\n\nligne\n>From the body\n"
                             ">>From quoted\n\n");
  BOOST_REQUIRE_EQUAL(m.records.size(), 1u);
  BOOST_CHECK_EQUAL(m.records[0].id, id);
  // Known value: the first 16 hex digits of `printf '%s' "$msg" | sha256sum`.
  BOOST_CHECK_EQUAL(run_reader("eml", "From: a@b.ca\nDate: Tue, 3 Mar 2026 09:15:00 -0500\n\nx\n").records.at(0).id,
                    "sha256:62401d37d0124756");
}

BOOST_AUTO_TEST_CASE(mboxo_and_mboxrd) {
  CollectSink s = run_reader("mbox",
                             "From a@b.ca Tue Mar  3 09:15:00 2026\nFrom: a@b.ca\nMessage-ID: <1@x>\n"
                             "Date: Tue, 3 Mar 2026 09:15:00 -0500\n\n"
                             "Mon film préféré :\n\nFrom Russia with love\nAnnée: 1963\n\n"
                             ">From a@b.ca Tue Mar  3 09:15:00 2026\nFrom: escaped@x\n\n"
                             "From a@b.ca Tue Mar  3 10:15:00 2026\nFrom: a@b.ca\nMessage-ID: <2@x>\n"
                             "Date: Tue, 3 Mar 2026 10:15:00 -0500\n\nfin\n");
  BOOST_REQUIRE_EQUAL(s.read(), 2);
  BOOST_REQUIRE_EQUAL(s.records.size(), 2u);
  BOOST_CHECK_EQUAL(s.records[1].id, "2@x");
  BOOST_CHECK_EQUAL(s.records[1].src_line, 14);
}

BOOST_AUTO_TEST_CASE(gmail_separators_bom_crlf) {
  CollectSink s = run_reader("mbox",
                             "\xEF\xBB\xBF"
                             "From 1844347792267117879@xxx Tue May 24 06:41:07 +0000 2022\r\n"
                             "X-GM-THRID: 1733485447287469386\r\nX-Gmail-Labels: Inbox\r\n"
                             "From: =?UTF-8?B?w4lsb2RpZQ==?= <elodie@exemple.ca>\r\n"
                             "Subject: =?UTF-8?B?UmVxdcOqdGU=?=\r\nMessage-ID: <g1@mail.gmail.com>\r\n"
                             "Date: Tue, 24 May 2022 02:41:05 -0400\r\n\r\nCorps\r\n\r\n"
                             "From 1844347792267117880@xxx Tue May 24 07:00:00 +0000 2022\r\n"
                             "From: elodie@exemple.ca\r\nMessage-ID: <g2@mail.gmail.com>\r\n"
                             "In-Reply-To: <g1@mail.gmail.com>\r\n\r\nSans date\r\n");
  BOOST_REQUIRE_EQUAL(s.records.size(), 2u);
  BOOST_CHECK_EQUAL(s.records[0].src_line, 1);
  BOOST_CHECK_EQUAL(format_time(s.records[0].start), "2022-05-24T06:41:05Z");
  BOOST_CHECK_EQUAL(s.records[0].field("subject"), "Requête");
  BOOST_CHECK_EQUAL(s.records[1].src_line, 11);
  BOOST_CHECK_EQUAL(format_time(s.records[1].start), "2022-05-24T07:00:00Z");  // from the separator
  BOOST_CHECK_EQUAL(s.records[1].field("thread"), "g1@mail.gmail.com");
  BOOST_CHECK_EQUAL(s.notes["messages without Date (start from their 'From ' line)"], 1);
}

BOOST_AUTO_TEST_CASE(thread_root) {
  CollectSink s = run_reader("eml", eml("From: a@b.ca\nMessage-ID: <3@x>\nDate: Tue, 3 Mar 2026 09:15:00 -0500\n"
                                        "References: <1@x>\n <2@x>\nIn-Reply-To: <2@x>\n"));
  BOOST_CHECK_EQUAL(s.records.at(0).field("thread"), "1@x");
  BOOST_CHECK(s.records.at(0).conversation.empty());
}

BOOST_AUTO_TEST_CASE(rejects) {
  CollectSink s = run_reader("mbox",
                             "Pas un séparateur\n\n"
                             "From - \nFrom: a@b.ca\nMessage-ID: <1@x>\n\nsans date\n"
                             "From - Tue Mar  3 09:15:00 2026\nFrom: a@b.ca\nDate: demain\nMessage-ID: <2@x>\n\n");
  BOOST_CHECK_EQUAL(s.read(), 3);
  BOOST_REQUIRE_EQUAL(s.rejects.size(), 2u);
  BOOST_CHECK_EQUAL(s.rejects[0].first, 1);
  BOOST_CHECK_EQUAL(s.rejects[1].first, 3);
  BOOST_CHECK_EQUAL(s.rejects[1].second,
                    "no Date header and no date on a 'From ' line; add a Date header or drop the message");
  BOOST_REQUIRE_EQUAL(s.records.size(), 1u);
  BOOST_CHECK_EQUAL(format_time(s.records[0].start), "2026-03-03T09:15:00Z");
  BOOST_CHECK_EQUAL(s.notes["messages with an unreadable Date (start from their 'From ' line)"], 1);
  CollectSink e = run_reader("eml", "");
  BOOST_CHECK_EQUAL(e.rejects.size(), 1u);
  CollectSink n = run_reader("eml", "Ceci n'est pas un message.\n");
  BOOST_REQUIRE_EQUAL(n.rejects.size(), 1u);
  BOOST_CHECK_EQUAL(n.rejects[0].second.substr(0, 22), "not an email message: ");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace parcours::test
