-- track_edge_parts(artist_id, platform, country, head_start, head_end, tail_start, tail_end, start_date, end_date)
-- Grain: one row per track credited to the artist with a value, a chart entry or a
-- top-chart day in the days of the period [start_date, end_date] that are not in its whole
-- months (kit.period.serving_parts): the head [head_start, head_end] and the tail
-- [tail_start, tail_end], either of them null when the period has none. The figures of
-- track_part (its header defines them) over both edges at once, added up as
-- track_breakdown_served adds parts up, with the columns it puts together: the edges share
-- no day and no chart entry, so their sums, bests and chart days are those of the two
-- track_part rows put together. One statement reads each table once for both edges, so
-- DuckDB binds and plans it once (docs/metrics.md, "The serving layer").
--   A top-chart day of the head can come from a weekly entry dated up to six days after it
--   (never after end_date); a daily entry covers only its own date, so only the edges'
--   own daily entries are read.
create or replace macro track_edge_parts(p_artist_id, p_platform, p_country, head_start, head_end, tail_start, tail_end, start_date, end_date) as table
with
credited as (
    select track_id
    from track_credits
    where artist_id = p_artist_id
),
edge_values as (
    select
        v.track_id,
        v.date,
        v.streams,
        v.days,
        case when v.days = 1 then 1 else date_diff('day', greatest(cast(start_date as date), cast(v.date - interval 6 day as date)), v.date) + 1 end as covered_days,
        v.kind || ' (' || v.source || ')' as source
    from track_day as v
    where v.platform = lower(p_platform)
      and v.country = upper(p_country)
      and (v.month between strftime(cast(head_start as date), '%Y-%m') and strftime(cast(head_end as date), '%Y-%m')
           or v.month between strftime(cast(tail_start as date), '%Y-%m') and strftime(cast(tail_end as date), '%Y-%m'))
      and (v.date between cast(head_start as date) and cast(head_end as date)
           or v.date between cast(tail_start as date) and cast(tail_end as date))
      and v.track_id in (select track_id from credited)
),
entries as (
    select c.track_id, c.date, c.date as first_day, c.position, c.chart
    from chart_entries as c
    where c.platform = lower(p_platform)
      and c.frequency = 'daily'
      and c.country = upper(p_country)
      and (c.month between strftime(cast(head_start as date), '%Y-%m') and strftime(cast(head_end as date), '%Y-%m')
           or c.month between strftime(cast(tail_start as date), '%Y-%m') and strftime(cast(tail_end as date), '%Y-%m'))
      and (c.date between cast(head_start as date) and cast(head_end as date)
           or c.date between cast(tail_start as date) and cast(tail_end as date))
      and c.track_id in (select track_id from credited)
    union all
    -- a weekly entry covers the seven days ending on its date
    select w.track_id, w.date, cast(w.date - interval 6 day as date) as first_day, w.position, w.chart
    from chart_week as w
    where w.platform = lower(p_platform)
      and w.country = upper(p_country)
      and (w.month between strftime(cast(head_start as date), '%Y-%m')
                       and strftime(least(cast(end_date as date), cast(cast(head_end as date) + interval 6 day as date)), '%Y-%m')
           or w.month between strftime(cast(tail_start as date), '%Y-%m') and strftime(cast(tail_end as date), '%Y-%m'))
      and (w.date between cast(head_start as date)
                      and least(cast(end_date as date), cast(cast(head_end as date) + interval 6 day as date))
           or w.date between cast(tail_start as date) and cast(tail_end as date))
      and w.track_id in (select track_id from credited)
),
edge_entries as (
    -- each entry once per day it covers, its position counted only when it is dated in an edge
    select
        track_id,
        case when date between cast(head_start as date) and cast(head_end as date)
               or date between cast(tail_start as date) and cast(tail_end as date) then position end as position,
        chart,
        cast(unnest(generate_series(first_day, date, interval 1 day)) as date) as day
    from entries
),
edge_rows as (
    select track_id, date, streams, days, covered_days, source, null as position, null as chart, null as day
    from edge_values
    union all
    select track_id, null, null, null, null, null, position, chart,
        case when chart = 'top'
              and (day between cast(head_start as date) and cast(head_end as date)
                   or day between cast(tail_start as date) and cast(tail_end as date)) then day end
    from edge_entries
),
by_track as (
    select
        track_id,
        sum(streams) as total_streams,
        sum(days) as days_with_value,
        sum(covered_days) as covered_days,
        list_sort(list_distinct(list(source) filter (where source is not null))) as sources,
        -- the peak as track_breakdown orders values: daily before weekly, the highest, the earliest
        min({'days': days, 'minus_streams': -streams, 'date': date}) filter (where days is not null) as peak,
        min(position) filter (where chart = 'top') as best_position,
        min(position) filter (where chart = 'viral') as best_viral_position,
        count(distinct day) as chart_days,
        min(day) as first_chart_date,
        max(day) as last_chart_date
    from edge_rows
    group by track_id
),
final as (
    select
        track_id,
        cast(total_streams as bigint) as total_streams,
        cast(coalesce(days_with_value, 0) as bigint) as days_with_value,
        cast(coalesce(covered_days, 0) as bigint) as covered_days,
        sources,
        cast(peak.days as bigint) as peak_days,
        cast(-peak.minus_streams as bigint) as peak_streams,
        peak.date as peak_date,
        cast(best_position as bigint) as best_position,
        cast(best_viral_position as bigint) as best_viral_position,
        cast(chart_days as bigint) as chart_days,
        first_chart_date,
        last_chart_date
    from by_track
)
select * from final
