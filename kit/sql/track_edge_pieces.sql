-- track_edge_pieces(rows, artist_id, country, start_date, end_date, head_start, head_end, tail_start, tail_end)
-- Grain: one row per day of the artist's tracks in the country with a fact dated in the
-- head [head_start, head_end] or the tail [tail_start, tail_end] of the period
-- [start_date, end_date] (kit.period.serving_parts; either edge null when the period has
-- none), and per further day of an edge a weekly top-chart entry covers (the seven ending
-- on its date), from `rows`: the rows of one platform's artist_track_day files of the
-- edges' months and of the six days after the head (a weekly entry dated then covers days
-- of it), a table the calling query names (kit.query.parts). In the columns
-- track_breakdown_pieces puts together:
-- - a value dated in an edge: its streams, days, covered days (its days inside the period:
--   a weekly value's days before start_date do not count), source and peak;
-- - the day's chart entries dated in an edge: the best of its daily and weekly positions
--   on each chart; and for the top chart each day an entry covers in an edge, a chart day
--   (a daily entry its own, a weekly one the seven ending on its date); an entry dated in
--   the six days after the head counts only for the head's days it covers, none after
--   end_date counts.
-- artist_track_day_rows files a day's facts, side by side, under every artist credited on
-- its track, so no credits are read, and one artist's rows of a country lie in one or two
-- row groups.
-- (docs/metrics.md, "The serving layer")
create or replace macro track_edge_pieces(p_rows, p_artist_id, p_country, start_date, end_date, head_start, head_end, tail_start, tail_end) as table
with
read as (
    select
        f.track_id,
        f.date,
        f.streams,
        f.days,
        f.kind,
        f.source,
        f.position,
        f.viral_position,
        f.week_position,
        f.week_viral_position,
        f.date between cast(head_start as date) and cast(head_end as date)
            or f.date between cast(tail_start as date) and cast(tail_end as date) as dated_in_edge,
        unnest(case when f.week_position is not null
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
        -- the row's own facts count on its own date, dated in an edge; a weekly top entry
        -- also covers the six days before it
        dated_in_edge and cast(covered as date) = date as counted,
        dated_in_edge and cast(covered as date) = date and days is not null as value_counted,
        cast(covered as date) = date as own_day,
        date,
        streams,
        days,
        kind,
        source,
        position,
        viral_position,
        week_position,
        week_viral_position,
        cast(covered as date) between cast(head_start as date) and cast(head_end as date)
            or cast(covered as date) between cast(tail_start as date) and cast(tail_end as date) as covered_in_edge,
        covered
    from read
),
pieces as (
    select
        track_id,
        value_counted,
        case when value_counted then streams end as streams,
        case when value_counted then days end as days,
        case when value_counted then
            case when days = 1 then 1
                 else date_diff('day', greatest(cast(start_date as date), cast(date - interval 6 day as date)), date) + 1 end
        end as covered_days,
        case when value_counted then [kind || ' (' || source || ')'] end as sources,
        case when value_counted then {'days': days, 'minus_streams': -streams, 'date': date} end as peak,
        cast(case when counted then least(position, week_position) end as bigint) as position,
        cast(case when counted then least(viral_position, week_viral_position) end as bigint) as viral_position,
        case when covered_in_edge and (week_position is not null or (own_day and position is not null))
             then cast(covered as date) end as edge_day
    from final
)
select
    track_id, streams, days, covered_days, sources, peak, position, viral_position,
    cast(null as bigint) as chart_days, edge_day as first_day, edge_day as last_day, edge_day
from pieces
where value_counted or position is not null or viral_position is not null or edge_day is not null
