-- The table of `parcours stats -q` (default options: W = 7d, mode repeat, one
-- sequence per customer and service, T = the latest start), as SQL run by
-- DuckDB. bench/duckdb/stats.mjs replaces {{file}} with the input as a SQL
-- string literal, runs the two macros, then the query; the query returns one
-- column, `line`, whose rows are the TSV lines that parcours prints.
--
-- Identity: the query takes each record's `customer` field as its customer
-- (spaces and tabs around it dropped; empty or absent: unidentified). It does
-- not link identifiers (the union-find of SPEC §3), so it equals parcours only
-- on records that already carry their customer: the output of
-- `parcours link FILE`, which fills `customer` in every identified record.
--
-- The input must be valid (`parcours validate`): the query does not check
-- times, channels or directions, and reads any other value as garbage.
--
-- Every rule below is one of parcours-contact(5), FROM RECORDS TO CONTACTS,
-- and parcours-stats(1), DEFINITIONS, COLUMNS and NOTES.

-- A ratio num ÷ den, rounded half up to 4 decimals as parcours prints it:
-- computed in integers, q = floor((20000 num + den) / 2 den) = round(10^4 num
-- / den), never with round() on a double (a double cannot hold 0.33335, so
-- rounding it is not half up on ties). Empty when den is 0.
CREATE OR REPLACE TEMP MACRO ratio4(num, den) AS
  CASE WHEN den = 0 THEN ''
       ELSE ((num::HUGEINT * 20000 + den) // (den::HUGEINT * 2) // 10000)::VARCHAR || '.' ||
            lpad(((num::HUGEINT * 20000 + den) // (den::HUGEINT * 2) % 10000)::VARCHAR, 4, '0')
  END;

-- An RFC 3339 time, YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM), as
-- microseconds since 1970-01-01T00:00:00Z. Done by hand rather than by a cast
-- to TIMESTAMPTZ, so that the rules of parcours-contact(5) hold exactly:
-- the separator may be T, t or a space (never looked at: fixed positions);
-- digits of the fraction after the sixth are dropped (truncated, not
-- rounded); second 60 is second 0 of the next minute (plain arithmetic).
CREATE OR REPLACE TEMP MACRO utc_micros(s) AS
  ((make_date(substr(s, 1, 4)::INTEGER, substr(s, 6, 2)::INTEGER, substr(s, 9, 2)::INTEGER)
      - DATE '1970-01-01')::BIGINT * 86400
   + substr(s, 12, 2)::BIGINT * 3600 + substr(s, 15, 2)::BIGINT * 60 + substr(s, 18, 2)::BIGINT
   - CASE WHEN upper(right(s, 1)) = 'Z' THEN 0
          ELSE (CASE WHEN substr(right(s, 6), 1, 1) = '-' THEN -1 ELSE 1 END)
               * (substr(right(s, 6), 2, 2)::BIGINT * 3600 + substr(right(s, 6), 5, 2)::BIGINT * 60)
     END) * 1000000
  -- The fraction lies between the seconds (position 20 is its point) and the
  -- offset (1 character for Z, 6 for ±HH:MM): its first 6 digits, padded.
  + CASE WHEN substr(s, 20, 1) = '.'
         THEN rpad(left(substr(s, 21, length(s) - 20 - CASE WHEN upper(right(s, 1)) = 'Z' THEN 1 ELSE 6 END), 6),
                   6, '0')::BIGINT
         ELSE 0
    END;

WITH
-- 1. The records, numbered in file order. row_number() over an empty window
--    is a streaming operator that DuckDB runs in input order while
--    preserve_insertion_order is on (the runner sets it explicitly): seq is
--    the line's rank among the records (blank lines are not records), which
--    is all that "the last one read wins" needs. bench/duckdb/README.md says
--    how this was checked on a million records. Only the fields the counts
--    use are read; the others (ids, answered, end, outcome, ...) are skipped.
records AS (
  SELECT row_number() OVER () AS seq, *
  FROM read_json({{file}}, format = 'newline_delimited', auto_detect = false,
                 columns = {id: 'VARCHAR', channel: 'VARCHAR', start: 'VARCHAR', service: 'VARCHAR',
                            customer: 'VARCHAR', direction: 'VARCHAR', conversation: 'VARCHAR'})
),

-- 2. Each record's values as the tools read them. A channel becomes its rank
--    in the list of parcours-contact(5) (phone < ivr < chat < ... < cobrowse,
--    the last tie-break of a sequence), French names and any case accepted.
--    A missing service is "unknown" (an empty one stays ""); a missing
--    direction is in; an empty conversation is none.
typed AS (
  SELECT seq, id,
         CASE lower(channel)
           WHEN 'phone' THEN 0 WHEN 'telephone' THEN 0 WHEN 'téléphone' THEN 0
           WHEN 'ivr' THEN 1 WHEN 'rvi' THEN 1
           WHEN 'chat' THEN 2 WHEN 'clavardage' THEN 2
           WHEN 'email' THEN 3 WHEN 'courriel' THEN 3
           WHEN 'mail' THEN 4 WHEN 'courrier' THEN 4 WHEN 'poste' THEN 4
           WHEN 'fax' THEN 5 WHEN 'telecopie' THEN 5 WHEN 'télécopie' THEN 5
           WHEN 'counter' THEN 6 WHEN 'comptoir' THEN 6
           WHEN 'web' THEN 7 WHEN 'internet' THEN 7
           WHEN 'social' THEN 8 WHEN 'medias-sociaux' THEN 8
           WHEN 'cobrowse' THEN 9 WHEN 'navigation-assistee' THEN 9
         END AS chan,
         utc_micros(start) AS start_us,
         coalesce(service, 'unknown') AS service,
         nullif(trim(customer, ' ' || chr(9)), '') AS customer,
         coalesce(direction, 'in') = 'in' AS inbound,
         nullif(conversation, '') AS conversation
  FROM records
),

-- 3. Duplicates: of the records with the same channel and id, the last one
--    read replaces the others entirely.
deduplicated AS (
  SELECT * FROM typed
  QUALIFY row_number() OVER (PARTITION BY chan, id ORDER BY seq DESC) = 1
),

-- 4. The as-of time T: the latest start once duplicates are resolved, every
--    leg counted, both directions, identified or not. W is 7 days in
--    microseconds; an episode is in the cohort when its first contact started
--    at or before T - W (none when there is no record: T is NULL).
params AS (
  SELECT max(start_us) - 7 * 86400 * 1000000::BIGINT AS cutoff,
         7 * 86400 * 1000000::BIGINT AS window_us
  FROM deduplicated
),

-- 5. Legs: records with the same conversation and channel are one contact,
--    ordered by (start, id) (ids differ within a channel once duplicates are
--    gone, so the order is total). The contact is the first leg, with the
--    customer of the first leg that has one. Its other fields (id, start,
--    service, direction) are the first leg's; the latest end and the last
--    outcome do not enter these counts (outcome only in --mode strict).
merged_legs AS (
  SELECT chan, id, start_us, service, inbound,
         first_value(customer IGNORE NULLS) OVER (
           PARTITION BY conversation, chan ORDER BY start_us, id
           ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS customer
  FROM deduplicated
  WHERE conversation IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY conversation, chan ORDER BY start_us, id) = 1
),

-- 6. The contacts: single records and merged conversations.
contacts AS (
  SELECT chan, id, start_us, service, customer, inbound FROM deduplicated WHERE conversation IS NULL
  UNION ALL
  SELECT chan, id, start_us, service, customer, inbound FROM merged_legs
),

-- 7. Each (customer, service) sequence of identified inbound contacts, in
--    (start, id, channel) order (ids compare as bytes: DuckDB's default
--    collation). A contact is a repeat when it starts at most W after the
--    previous one (inclusive); the first of a sequence never is.
sequenced AS (
  SELECT customer, service, chan, id, start_us,
         coalesce(start_us - lag(start_us) OVER w <= (SELECT window_us FROM params), false) AS repeat,
         lag(chan) OVER w AS previous_chan
  FROM contacts
  WHERE inbound AND customer IS NOT NULL
  WINDOW w AS (PARTITION BY customer, service ORDER BY start_us, id, chan)
),

-- 8. Episodes: every contact that is not a repeat opens one, so the running
--    count of non-repeats numbers them within the sequence.
numbered AS (
  SELECT *,
         sum(CASE WHEN repeat THEN 0 ELSE 1 END) OVER (
           PARTITION BY customer, service ORDER BY start_us, id, chan ROWS UNBOUNDED PRECEDING) AS episode
  FROM sequenced
),

-- 9. One row per episode: its first start, size, breadth (distinct channels)
--    and switches (repeats on another channel than the previous contact).
episodes AS (
  SELECT customer, service,
         min(start_us) AS first_start,
         count(*) AS size,
         count(DISTINCT chan) AS breadth,
         count(*) FILTER (WHERE repeat AND chan <> previous_chan) AS switches
  FROM numbered
  GROUP BY customer, service, episode
),

-- 10. Per service, from the episodes: cohort = first start at or before
--     T - W; resolved = in the cohort and of size 1 (mode repeat).
episode_counts AS (
  SELECT service,
         count(DISTINCT customer) AS customers,
         count(*) AS episodes,
         sum(size) AS identified,
         sum(switches) AS switches,
         count(*) FILTER (WHERE first_start <= cutoff) AS cohort,
         count(*) FILTER (WHERE first_start <= cutoff AND size = 1) AS resolved,
         sum(breadth) AS breadth
  FROM episodes, params
  GROUP BY service
),

-- 11. Per service, from all contacts (outbound and unidentified under their
--     own service): a service has a row when some contact has it.
contact_counts AS (
  SELECT service,
         count(*) AS contacts,
         count(*) FILTER (WHERE inbound) AS inbound,
         count(*) FILTER (WHERE inbound AND customer IS NULL) AS unidentified
  FROM contacts
  GROUP BY service
),

-- 12. The service rows, then (all): sums of the rows, except customers,
--     which counts distinct customers of identified inbound contacts overall.
service_rows AS (
  SELECT 0 AS part, c.service, c.contacts, c.inbound, c.unidentified,
         coalesce(e.customers, 0) AS customers, coalesce(e.episodes, 0) AS episodes,
         coalesce(e.identified, 0) AS identified, coalesce(e.switches, 0) AS switches,
         coalesce(e.cohort, 0) AS cohort, coalesce(e.resolved, 0) AS resolved,
         coalesce(e.breadth, 0) AS breadth
  FROM contact_counts c LEFT JOIN episode_counts e USING (service)
),
all_rows AS (
  SELECT part, service, contacts, inbound, unidentified, customers, episodes, identified,
         switches, cohort, resolved, breadth
  FROM service_rows
  UNION ALL
  SELECT 1, '(all)',
         coalesce(sum(contacts), 0), coalesce(sum(inbound), 0), coalesce(sum(unidentified), 0),
         (SELECT count(DISTINCT customer) FROM contacts WHERE inbound AND customer IS NOT NULL),
         coalesce(sum(episodes), 0), coalesce(sum(identified), 0), coalesce(sum(switches), 0),
         coalesce(sum(cohort), 0), coalesce(sum(resolved), 0), coalesce(sum(breadth), 0)
  FROM service_rows
)

-- 13. The TSV lines: the header, the services in byte order, (all) last.
--     repeats = identified - episodes; pending = episodes - cohort. A tab,
--     newline, carriage return or backslash in a service name is written
--     \t, \n, \r or \\. The cost columns are empty (no --costs).
SELECT line FROM (
  SELECT -1 AS part, '' AS service,
         concat_ws(chr(9), 'service', 'contacts', 'inbound', 'unidentified', 'customers', 'episodes',
                   'repeats', 'repeat_rate', 'switches', 'cohort', 'resolved', 'fcr_rate',
                   'pending', 'contacts_per_episode', 'channels_per_episode', 'cost', 'repeat_cost') AS line
  UNION ALL
  SELECT part, service,
         concat_ws(chr(9),
           replace(replace(replace(replace(service, '\', '\\'), chr(9), '\t'), chr(10), '\n'), chr(13), '\r'),
           contacts, inbound, unidentified, customers, episodes,
           identified - episodes, ratio4(identified - episodes, identified),
           switches, cohort, resolved, ratio4(resolved, cohort),
           episodes - cohort, ratio4(identified, episodes), ratio4(breadth, episodes),
           '', '')
  FROM all_rows
)
ORDER BY part, service;
