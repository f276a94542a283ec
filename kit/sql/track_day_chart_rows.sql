-- track_day_chart_rows(platform, months_start, months_end): track_day_rows over months whose
-- values are the daily chart's alone, the write path's shortcut (kit/warehouse/serving.py).
-- When no own series (track_streams) lies in the months or the six days before them and no
-- weekly entry (chart_entries) is dated in them, track_values holds no own-series value and
-- no weekly one, and nothing is taken out of the daily chart's: its values are the
-- top-chart daily entries with streams, each a row of kind 'daily chart' and one day. The
-- same rows as track_day_rows, not sorted: in the order chart_entries' files hold them
-- (each month's file sorted by country, frequency, chart, track and date, so these rows by
-- country, track and date), which the write path checks as they come (a file out of that
-- order: it runs track_day_rows instead).
-- (docs/metrics.md, "The serving layer")
create or replace macro track_day_chart_rows(p_platform, months_start, months_end) as table
select
    -- the month of the entry's partition: chart_entries' files are filed by their dates' month
    c.month,
    c.country,
    c.track_id,
    c.date,
    cast(c.streams as bigint) as streams,
    cast(1 as bigint) as days,
    'daily chart' as kind,
    c.source
from chart_entries as c
where c.platform = lower(p_platform)
  and c.month between strftime(cast(months_start as date), '%Y-%m')
                  and strftime(cast(months_end as date), '%Y-%m')
  and c.frequency = 'daily'
  and c.chart = 'top'
  and c.streams is not null
  and c.date between cast(months_start as date) and cast(months_end as date)
