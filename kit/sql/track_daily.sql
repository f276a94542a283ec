-- track_daily(platform, country, start_date, end_date): the streams that count, per track.
-- Grain: one row per track × day with a streams value (days = 1), or per track × week
-- (days = 7, dated on the week's last day), for one platform × country (GLOBAL = worldwide).
-- The rows of track_values for one country, which holds the definition (README, "What the
-- numbers mean"; docs/metrics.md, "Track values").
create or replace macro track_daily(p_platform, p_country, start_date, end_date) as table
select v.track_id, v.date, v.streams, v.days, v.kind, v.source
from track_values(p_platform, p_country, start_date, end_date) as v
