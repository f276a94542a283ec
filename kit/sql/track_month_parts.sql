-- track_month_parts(artist_id, platform, country, start_date, end_date, months_start, months_end)
-- Grain: one row per track credited to the artist × whole month [months_start, months_end]
-- of the period [start_date, end_date] (kit.period.serving_parts), from the serving layer's
-- track_month, with the columns of track_part that track_breakdown_served puts together.
-- Of a month's two counts of the weekly figures that reach past its edges, the one the
-- period needs: covered_days clipped at the month's start when the period starts with it,
-- else all its values' days (the days before it are then inside the period); chart_days
-- with the entries of the month only when the period ends with it, else with those of the
-- next six days too (docs/metrics.md, "The serving layer").
create or replace macro track_month_parts(p_artist_id, p_platform, p_country, start_date, end_date, months_start, months_end) as table
select
    m.track_id,
    m.total_streams,
    m.days_with_value,
    case when cast(m.month || '-01' as date) = cast(start_date as date) then m.covered_days else m.days_with_value end as covered_days,
    m.sources,
    m.peak_days,
    m.peak_streams,
    m.peak_date,
    m.best_position,
    m.best_viral_position,
    case when last_day(cast(m.month || '-01' as date)) = cast(end_date as date) then m.chart_days_own else m.chart_days end as chart_days,
    case when last_day(cast(m.month || '-01' as date)) = cast(end_date as date) then m.first_chart_own else m.first_chart_date end as first_chart_date,
    case when last_day(cast(m.month || '-01' as date)) = cast(end_date as date) then m.last_chart_own else m.last_chart_date end as last_chart_date
from track_month as m
where m.platform = lower(p_platform)
  and m.country = upper(p_country)
  and m.month between strftime(cast(months_start as date), '%Y-%m') and strftime(cast(months_end as date), '%Y-%m')
  and m.track_id in (select track_id from track_credits where artist_id = p_artist_id)
