-- track_day_rows(platform, month_start, months := 1): the serving layer's counted values of
-- one platform over `months` consecutive months from month_start. Grain: one row per
-- month × country × track × day (days = 1) or week (days = 7, dated on its last day) dated
-- in those months: the rows of track_values over them, in every country (whether a value
-- counts never depends on the period asked, so a period's values are the stored rows dated
-- inside it, and several months' rows are each month's rows put together). Stored as the
-- table track_day, a file per month, by the write path (kit/warehouse/serving.py), read by
-- track_part.
-- (docs/metrics.md, "The serving layer")
create or replace macro track_day_rows(p_platform, month_start, months := 1) as table
select strftime(v.date, '%Y-%m') as month, v.country, v.track_id, v.date, v.streams, v.days, v.kind, v.source
from track_values(
    p_platform, null, month_start,
    last_day(cast(cast(month_start as date) + to_months(months - 1) as date))
) as v
order by month, v.country, v.track_id, v.date
