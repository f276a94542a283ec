-- track_day_rows(platform, months_start, months_end): the serving layer's counted values of
-- one platform over the consecutive months from months_start (a month's first day) to
-- months_end (a month's last day). Grain: one row per
-- month × country × track × day (days = 1) or week (days = 7, dated on its last day) dated
-- in those months: the rows of track_values over them, in every country (whether a value
-- counts never depends on the period asked, so a period's values are the stored rows dated
-- inside it, and several months' rows are each month's rows put together). Stored as the
-- table track_day, a file per month, by the write path (kit/warehouse/serving.py), read by
-- track_part.
-- (docs/metrics.md, "The serving layer")
create or replace macro track_day_rows(p_platform, months_start, months_end) as table
select strftime(v.date, '%Y-%m') as month, v.country, v.track_id, v.date, v.streams, v.days, v.kind, v.source
from track_values(p_platform, null, months_start, months_end) as v
order by month, v.country, v.track_id, v.date
