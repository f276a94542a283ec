-- chart_week_rows(platform, months_start, months_end): the serving layer's weekly chart
-- entries of one platform over the consecutive months from months_start (a month's first
-- day) to months_end (a month's last day). Grain: one row
-- per weekly entry (top or viral chart, every country) dated in those months that stands in
-- standing_chart_entries (whether it stands never depends on the period asked, so several
-- months' rows are each month's rows put together), with its month. Daily entries all
-- stand, so track_part reads them from chart_entries. Stored as the table chart_week, a
-- file per month, by the write path (kit/warehouse/serving.py).
-- (docs/metrics.md, "The serving layer")
create or replace macro chart_week_rows(p_platform, months_start, months_end) as table
select strftime(c.date, '%Y-%m') as month, c.country, c.chart, c.track_id, c.date, c.position
from standing_chart_entries(p_platform, null, null, months_start, months_end) as c
where c.frequency = 'weekly'
order by month, c.country, c.track_id, c.date
