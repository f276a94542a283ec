-- check_items
-- Grain: one row per violation a check found (a repeated key, an empty value, a missing
-- day, …): the rule and table, what it concerns (`subject`: a column, a key, a series),
-- an example to show, how much it counts for (`n`) and its scope as JSON (platform,
-- country, date or first_date/last_date, track_id, artist_id, where it has them), so
-- that check_findings can keep those that concern one report. Filled by kit.checks.
create or replace temp table check_items (
    rule varchar,
    tbl varchar,
    subject varchar,
    example varchar,
    n bigint,
    scope json
)
