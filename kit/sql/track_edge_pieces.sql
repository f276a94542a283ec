-- track_edge_pieces(rows, artist_id, country, start_date, end_date, head_start, head_end, tail_start, tail_end)
-- Grain: one row per counted value, and per chart entry × day it covers (a daily entry its
-- own, a weekly one the seven ending on its date), of the artist's tracks in the country,
-- for the head [head_start, head_end] and the tail [tail_start, tail_end] of the period
-- [start_date, end_date] (kit.period.serving_parts; either edge null when the period has
-- none), from `rows`: the rows of one platform's artist_track_day files of the edges'
-- months and of the six days after the head (a weekly entry dated then covers days of it),
-- a table the calling query names (kit.query.parts). In the columns
-- track_breakdown_pieces puts together:
-- - a value dated in an edge: its streams, days, covered days (its days inside the period:
--   a weekly value's days before start_date do not count), source and peak;
-- - an entry: its position on its chart where it is dated in an edge, and for the top chart
--   each day it covers in an edge, a chart day; an entry dated in the six days after the
--   head counts only for the head's days it covers, none after end_date counts.
-- artist_track_day_rows files each fact under every artist credited on its track, so no
-- credits are read, and one artist's rows of a country lie in one or two row groups.
-- (docs/metrics.md, "The serving layer")
create or replace macro track_edge_pieces(p_rows, p_artist_id, p_country, start_date, end_date, head_start, head_end, tail_start, tail_end) as table
with
read as (
    select
        f.track_id,
        f.fact,
        f.date,
        f.streams,
        f.days,
        f.kind,
        f.source,
        f.chart,
        f.position,
        f.date between cast(head_start as date) and cast(head_end as date)
            or f.date between cast(tail_start as date) and cast(tail_end as date) as dated_in_edge,
        unnest(case when f.fact = 'weekly'
                    then generate_series(cast(f.date - interval 6 day as date), f.date, interval 1 day)
                    else [cast(f.date as timestamp)] end) as covered
    from query_table(p_rows) as f
    where f.country = upper(p_country)
      and f.artist_id = p_artist_id
      and (f.date between cast(head_start as date)
                     and least(cast(end_date as date), cast(cast(head_end as date) + interval 6 day as date))
           or f.date between cast(tail_start as date) and cast(tail_end as date))
),
final as (
    select
        track_id,
        fact,
        dated_in_edge,
        case when fact = 'value' then streams end as streams,
        case when fact = 'value' then days end as days,
        case when fact = 'value' then
            case when days = 1 then 1
                 else date_diff('day', greatest(cast(start_date as date), cast(date - interval 6 day as date)), date) + 1 end
        end as covered_days,
        case when fact = 'value' then [kind || ' (' || source || ')'] end as sources,
        case when fact = 'value' then {'days': days, 'minus_streams': -streams, 'date': date} end as peak,
        cast(case when chart = 'top' and dated_in_edge then position end as bigint) as position,
        cast(case when chart = 'viral' and dated_in_edge then position end as bigint) as viral_position,
        case when chart = 'top' and (cast(covered as date) between cast(head_start as date) and cast(head_end as date)
                                     or cast(covered as date) between cast(tail_start as date) and cast(tail_end as date))
             then cast(covered as date) end as edge_day
    from read
)
select
    track_id, streams, days, covered_days, sources, peak, position, viral_position,
    cast(null as bigint) as chart_days, edge_day as first_day, edge_day as last_day, edge_day
from final
where (fact = 'value' and dated_in_edge)
   or (fact <> 'value' and (position is not null or viral_position is not null or edge_day is not null))
