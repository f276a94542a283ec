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
value_stats as (
    -- one pass over the part's values: the sums, and the peak as track_breakdown orders
    -- values (daily before weekly, the highest, the earliest; a track × day has one value)
    select
        v.country,
        v.track_id,
        sum(v.streams) as total_streams,
        sum(v.days) as days_with_value,
        sum(case when v.days = 1 then 1 else date_diff('day', greatest(b.lo, cast(v.date - interval 6 day as date)), v.date) + 1 end) as covered_days,
        list_sort(list_distinct(list(v.kind || ' (' || v.source || ')'))) as sources,
        min({'days': v.days, 'minus_streams': -v.streams, 'date': v.date}) as peak
    from track_day as v, bounds as b
    where v.platform = lower(p_platform)
      and (p_country is null or v.country = upper(p_country))
      and v.month between strftime(cast(part_start as date), '%Y-%m') and strftime(cast(part_end as date), '%Y-%m')
      and v.date between cast(part_start as date) and cast(part_end as date)
      and (p_artist_id is null or v.track_id in (select track_id from credited))
    group by v.country, v.track_id
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
daily_days as (
    -- a daily entry covers its own date; the key holds one top-chart entry per track × day
    select e.country, e.track_id, e.date as day
    from entries as e, bounds as b
    where e.chart = 'top' and e.frequency = 'daily' and e.date between b.a and b.b
),
weekly_days as (
    -- a weekly entry covers the seven days ending on its date: those in the part, each
    -- once, own when an entry dated in the part covers it, and not already a daily day
    select w.country, w.track_id, w.day, bool_or(w.own) as own
    from (
        select
            e.country,
            e.track_id,
            cast(unnest(generate_series(greatest(cast(e.date - interval 6 day as date), b.a), least(e.date, b.b), interval 1 day)) as date) as day,
            e.date <= b.b as own
        from entries as e, bounds as b
        where e.chart = 'top' and e.frequency = 'weekly'
    ) as w
    where not exists (
        select 1 from daily_days as d
        where d.country = w.country and d.track_id = w.track_id and d.day = w.day
    )
    group by w.country, w.track_id, w.day
),
chart_days as (
    -- the part's days covered by a standing top-chart entry, each once per track
    select country, track_id, day, true as own
    from daily_days
    union all
    select country, track_id, day, own
    from weekly_days
),
chart_spans as (
    select
        country,
        track_id,
        count(*) as chart_days,
        min(day) as first_chart_date,
        max(day) as last_chart_date,
        count(*) filter (where own) as chart_days_own,
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
        cast(v.peak.days as bigint) as peak_days,
        cast(-v.peak.minus_streams as bigint) as peak_streams,
        v.peak.date as peak_date,
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
    left join chart_positions as cp on cp.country = p.country and cp.track_id = p.track_id
    left join chart_spans as cs on cs.country = p.country and cs.track_id = p.track_id
)
select * from final
