-- track_month_rows(platform, month_start): the serving layer's rows of one platform × month.
-- Grain: one row per country × track with a value, a chart entry or a top-chart day in the
-- month: track_part over the month, as part of a period that starts on the month's first
-- day (covered_days leaves out a weekly value's days before the month: a later month of a
-- period adds them back from days_with_value) and goes on six days past its end (chart_days
-- counts the days covered by an entry dated in the next month's first six days;
-- chart_days_own leaves them out). Stored as the table track_month by the write path
-- (kit/warehouse/serving.py) from the month's track_day and chart_week rows and those of
-- the next month's first six days, read by track_month_pieces.
-- (docs/metrics.md, "The serving layer")
create or replace macro track_month_rows(p_platform, month_start) as table
select *
from track_part(
    null, p_platform, null, month_start, last_day(cast(month_start as date)),
    month_start, cast(last_day(cast(month_start as date)) + interval 6 day as date)
)
order by country, track_id
