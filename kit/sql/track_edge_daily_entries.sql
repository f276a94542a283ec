-- track_edge_daily_entries(rows, artist_id, country, head_start, head_end, tail_start, tail_end)
-- Grain: one row per daily chart entry (all stand) of a track credited to the artist dated
-- in the head [head_start, head_end] or the tail [tail_start, tail_end] of a period
-- (kit.period.serving_parts; either edge null when the period has none), from `rows`, the
-- rows of one platform's chart_entries files of the edges' months (a table the calling
-- query names, as track_month_pieces); in the columns track_breakdown_pieces puts
-- together: its position on its chart, and for the top chart the one day it covers, its
-- own. (docs/metrics.md, "The serving layer")
create or replace macro track_edge_daily_entries(p_rows, p_artist_id, p_country, head_start, head_end, tail_start, tail_end) as table
select
    c.track_id,
    cast(null as bigint) as streams,
    cast(null as bigint) as days,
    cast(null as bigint) as covered_days,
    cast(null as varchar[]) as sources,
    cast(null as struct(days bigint, minus_streams bigint, date date)) as peak,
    case when c.chart = 'top' then c.position end as position,
    case when c.chart = 'viral' then c.position end as viral_position,
    cast(null as bigint) as chart_days,
    case when c.chart = 'top' then c.date end as first_day,
    case when c.chart = 'top' then c.date end as last_day,
    case when c.chart = 'top' then c.date end as edge_day
from query_table(p_rows) as c
where c.frequency = 'daily'
  and c.country = upper(p_country)
  and (c.date between cast(head_start as date) and cast(head_end as date)
       or c.date between cast(tail_start as date) and cast(tail_end as date))
  and c.track_id in (select track_id from track_credits where artist_id = p_artist_id)
