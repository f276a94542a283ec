-- track_part(artist_id, platform, country, part_start, part_end, start_date, end_date)
-- Grain: one row per country × track with a value, a chart entry or a top-chart day in the
-- part [part_start, part_end] of a period [start_date, end_date], for one platform, the
-- tracks credited to one artist (null: every track) and one country (null: every country).
-- The figures of track_breakdown that add up part by part, so a period's breakdown is its
-- parts put together (track_breakdown_pieces.sql): whole months from the serving layer's
-- track_month (built from this macro), the days around them from here. It reads the
-- serving layer's rows of track_values (track_day) and of standing_chart_entries (daily
-- entries from chart_entries, where all stand; weekly ones from chart_week), each filed
-- under its month, with the values as given, so only the part's months are read.
--   total_streams, days_with_value, sources, peak_*   over the counted values dated in
--                    the part (peak: daily values before weekly ones, then the highest,
--                    then the earliest, as track_breakdown orders them);
--   covered_days     the days of those values inside the period: a weekly value's days
--                    before start_date do not count;
--   best_position, best_viral_position   over the standing entries dated in the part;
--   chart_days, first_chart_date, last_chart_date   the part's days covered by a standing
--                    top-chart entry dated in the part or up to six days after it, never
--                    after end_date (a weekly entry covers the seven days ending on it);
--   chart_days_own, first_chart_own, last_chart_own   the same, entries dated in the part.
-- A part that ends before it starts is empty; one before any data reads no file.
-- (docs/metrics.md, "The serving layer")
create or replace macro track_part(p_artist_id, p_platform, p_country, part_start, part_end, start_date, end_date) as table
with
bounds as (
    select
        cast(part_start as date) as a,
        cast(part_end as date) as b,
        cast(start_date as date) as lo
),
credited as (
    select track_id
    from track_credits
    where artist_id = p_artist_id
),
series as (
    select v.country, v.track_id, v.date, v.streams, v.days, v.kind, v.source
    from track_day as v
    where v.platform = lower(p_platform)
      and (p_country is null or v.country = upper(p_country))
      and v.month between strftime(cast(part_start as date), '%Y-%m') and strftime(cast(part_end as date), '%Y-%m')
      and v.date between cast(part_start as date) and cast(part_end as date)
      and (p_artist_id is null or v.track_id in (select track_id from credited))
),
value_stats as (
    select
        s.country,
        s.track_id,
        sum(s.streams) as total_streams,
        sum(s.days) as days_with_value,
        sum(case when s.days = 1 then 1 else date_diff('day', greatest(b.lo, cast(s.date - interval 6 day as date)), s.date) + 1 end) as covered_days,
        list_sort(list_distinct(list(s.kind || ' (' || s.source || ')'))) as sources
    from series as s, bounds as b
    group by s.country, s.track_id
),
peaks as (
    select country, track_id, days as peak_days, streams as peak_streams, date as peak_date
    from (
        select *, row_number() over (partition by country, track_id order by days asc, streams desc, date asc) as peak_rank
        from series
    )
    where peak_rank = 1
),
entries as (
    -- dated in the part or up to six days after it, never after end_date
    select c.country, c.track_id, c.date, 'daily' as frequency, c.position, c.chart
    from chart_entries as c
    where c.platform = lower(p_platform)
      and c.frequency = 'daily'
      and (p_country is null or c.country = upper(p_country))
      and c.month between strftime(cast(part_start as date), '%Y-%m')
                      and strftime(least(cast(end_date as date), cast(cast(part_end as date) + interval 6 day as date)), '%Y-%m')
      and c.date between cast(part_start as date)
                     and least(cast(end_date as date), cast(cast(part_end as date) + interval 6 day as date))
      and (p_artist_id is null or c.track_id in (select track_id from credited))
    union all
    select w.country, w.track_id, w.date, 'weekly' as frequency, w.position, w.chart
    from chart_week as w
    where w.platform = lower(p_platform)
      and (p_country is null or w.country = upper(p_country))
      and w.month between strftime(cast(part_start as date), '%Y-%m')
                      and strftime(least(cast(end_date as date), cast(cast(part_end as date) + interval 6 day as date)), '%Y-%m')
      and w.date between cast(part_start as date)
                     and least(cast(end_date as date), cast(cast(part_end as date) + interval 6 day as date))
      and (p_artist_id is null or w.track_id in (select track_id from credited))
),
calendar as (
    select cast(unnest(generate_series(b.a, b.b, interval 1 day)) as date) as day
    from bounds as b
),
chart_positions as (
    select
        e.country,
        e.track_id,
        min(case when e.chart = 'top' then e.position end) as best_position,
        min(case when e.chart = 'viral' then e.position end) as best_viral_position
    from entries as e, bounds as b
    where e.date <= b.b
    group by e.country, e.track_id
),
chart_days as (
    select e.country, e.track_id, k.day, e.date <= b.b as own
    from entries as e
    join calendar as k
      on k.day between (case when e.frequency = 'weekly' then cast(e.date - interval 6 day as date) else e.date end) and e.date
    cross join bounds as b
    where e.chart = 'top'
),
chart_spans as (
    select
        country,
        track_id,
        count(distinct day) as chart_days,
        min(day) as first_chart_date,
        max(day) as last_chart_date,
        count(distinct day) filter (where own) as chart_days_own,
        min(day) filter (where own) as first_chart_own,
        max(day) filter (where own) as last_chart_own
    from chart_days
    group by country, track_id
),
present as (
    select country, track_id from value_stats
    union
    select country, track_id from chart_positions
    union
    select country, track_id from chart_spans
),
final as (
    select
        p.country,
        p.track_id,
        cast(v.total_streams as bigint) as total_streams,
        cast(coalesce(v.days_with_value, 0) as bigint) as days_with_value,
        cast(coalesce(v.covered_days, 0) as bigint) as covered_days,
        v.sources,
        cast(pk.peak_days as bigint) as peak_days,
        cast(pk.peak_streams as bigint) as peak_streams,
        pk.peak_date,
        cast(cp.best_position as bigint) as best_position,
        cast(cp.best_viral_position as bigint) as best_viral_position,
        cast(coalesce(cs.chart_days, 0) as bigint) as chart_days,
        cs.first_chart_date,
        cs.last_chart_date,
        cast(coalesce(cs.chart_days_own, 0) as bigint) as chart_days_own,
        cs.first_chart_own,
        cs.last_chart_own
    from present as p
    left join value_stats as v on v.country = p.country and v.track_id = p.track_id
    left join peaks as pk on pk.country = p.country and pk.track_id = p.track_id
    left join chart_positions as cp on cp.country = p.country and cp.track_id = p.track_id
    left join chart_spans as cs on cs.country = p.country and cs.track_id = p.track_id
)
select * from final
