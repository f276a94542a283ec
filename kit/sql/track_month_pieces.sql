-- track_month_pieces(rows, artist_id, country, start_date, end_date)
-- Grain: one row per track credited to the artist × whole month of the period
-- [start_date, end_date] held in `rows`, the table the calling query names: the rows of the serving layer's
-- track_month files of those months, of one platform (kit.query.parts.period_pieces names
-- the files from the reader's snapshot; read by the statement or as stored): the month's
-- figures that add up, in the columns track_breakdown_pieces puts together. Of a month's
-- two counts of the weekly figures that reach past its edges, the one the period needs:
-- covered days clipped at the month's start when the
-- period starts with it, else all its values' days; chart days with the entries of the
-- month only when the period ends with it, else with those of the next six days too
-- (docs/metrics.md, "The serving layer").
create or replace macro track_month_pieces(p_rows, p_artist_id, p_country, start_date, end_date) as table
select
    m.track_id,
    m.total_streams as streams,
    m.days_with_value as days,
    case when cast(m.month || '-01' as date) = cast(start_date as date) then m.covered_days else m.days_with_value end as covered_days,
    m.sources,
    case when m.peak_days is not null then {'days': m.peak_days, 'minus_streams': -m.peak_streams, 'date': m.peak_date} end as peak,
    m.best_position as position,
    m.best_viral_position as viral_position,
    case when last_day(cast(m.month || '-01' as date)) = cast(end_date as date) then m.chart_days_own else m.chart_days end as chart_days,
    case when last_day(cast(m.month || '-01' as date)) = cast(end_date as date) then m.first_chart_own else m.first_chart_date end as first_day,
    case when last_day(cast(m.month || '-01' as date)) = cast(end_date as date) then m.last_chart_own else m.last_chart_date end as last_day,
    cast(null as date) as edge_day
from query_table(p_rows) as m
where m.country = upper(p_country)
  and m.track_id in (select track_id from track_credits where artist_id = p_artist_id)
