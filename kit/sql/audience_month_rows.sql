-- audience_month_rows(platform, month_start): the serving layer's audience rows of one
-- platform × month. Grain: one row per country × artist × metric with a point in the month:
-- its first and last point (date and value), the sum and number of its values, and its
-- peak (the largest value, the earliest date on ties), as audience_summary computes them
-- over a period (docs/metrics.md, "Audience"). Stored as the table audience_month by the
-- write path (kit/warehouse/serving.py), read by audience_summary_served.
create or replace macro audience_month_rows(p_platform, month_start) as table
select * exclude (platform)
from audience_part(
    null, [lower(p_platform)], null, month_start, last_day(cast(month_start as date))
)
order by country, artist_id, metric
