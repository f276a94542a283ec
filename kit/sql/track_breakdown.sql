-- track_breakdown(artist_id, platform, country, start_date, end_date)
-- Grain: one row per track credited to the artist (main or featured) that has a streams
-- value or a chart entry (top or viral chart) in the period, for one platform × country
-- (GLOBAL = worldwide). Definitions (README, "What the numbers mean"; docs/metrics.md,
-- "Track breakdown"):
--   total_streams    the sum of the values of track_daily (each track × day counted once);
--   avg_daily        total ÷ days with a value, a weekly value counting its seven days;
--   peak_streams     the highest daily value, earliest date on ties; a track with weekly
--                    values only peaks on a week (peak_kind 'week', dated on its last day);
--   best_position    the best (lowest) position on the platform's top chart for the country,
--                    daily or weekly, dated inside the period (standing_chart_entries);
--   days_on_chart    days inside the period covered by such a chart entry (a weekly entry
--                    covers the seven days ending on its date); first/last_chart_date likewise;
--   share            total ÷ the artist's total over all tracks of this breakdown;
--   source           where the counted values came from ('own series (s4a)', 'daily chart (…)');
--                    'chart positions only' for a track on the top chart without a value;
--                    'viral chart only (best position N)' for a track whose only entries
--                    are on the viral chart (no streams, no top-chart figures);
--   coverage         days with a value inside the period ÷ days in the period (a weekly
--                    value covers the days of its week that lie inside the period).
create or replace macro track_breakdown(p_artist_id, p_platform, p_country, start_date, end_date) as table
with
bounds as (
    select
        cast(start_date as date) as lo,
        cast(end_date as date) as hi,
        cast(period_days(start_date, end_date) as double) as n_days
),
credits as (
    select track_id, role as credit
    from track_credits
    where artist_id = p_artist_id
),
series as (
    -- the rows of artist_track_daily without its title join (titles come once, in final):
    -- one scan of the tracks table fewer, about a quarter of the macro's time (make bench)
    select v.track_id, v.date, v.streams, v.days, v.kind, v.source
    from track_daily(p_platform, p_country, start_date, end_date) as v
    join credits as c on c.track_id = v.track_id
),
value_stats as (
    select
        s.track_id,
        sum(s.streams) as total_streams,
        sum(s.days) as days_with_value,
        sum(case when s.days = 1 then 1 else date_diff('day', greatest(b.lo, cast(s.date - interval 6 day as date)), s.date) + 1 end) as covered_days,
        string_agg(distinct s.kind || ' (' || s.source || ')', ' + ' order by s.kind || ' (' || s.source || ')') as source
    from series as s, bounds as b
    group by s.track_id
),
peaks as (
    select track_id, streams as peak_streams, date as peak_date, case when days = 7 then 'week' else 'day' end as peak_kind
    from (
        select *, row_number() over (partition by track_id order by days asc, streams desc, date asc) as peak_rank
        from series
    )
    where peak_rank = 1
),
entries as (
    select c.track_id, c.date, c.frequency, c.position, c.chart
    from standing_chart_entries(p_platform, p_country, null, start_date, end_date) as c
),
chart as (
    select e.track_id, e.date, e.frequency, e.position, e.chart
    from entries as e
    join credits as cr on cr.track_id = e.track_id
),
calendar as (
    select cast(unnest(generate_series(b.lo, b.hi, interval 1 day)) as date) as day
    from bounds as b
),
chart_days as (
    select c.track_id, k.day
    from chart as c
    join calendar as k
      on k.day between (case when c.frequency = 'weekly' then cast(c.date - interval 6 day as date) else c.date end) and c.date
    where c.chart = 'top'
),
chart_positions as (
    select
        track_id,
        min(case when chart = 'top' then position end) as best_position,
        min(case when chart = 'viral' then position end) as best_viral_position
    from chart
    group by track_id
),
chart_spans as (
    select track_id, count(distinct day) as days_on_chart, min(day) as first_chart_date, max(day) as last_chart_date
    from chart_days
    group by track_id
),
chart_stats as (
    select p.track_id, p.best_position, p.best_viral_position, s.days_on_chart, s.first_chart_date, s.last_chart_date
    from chart_positions as p
    left join chart_spans as s on s.track_id = p.track_id
),
present as (
    select track_id from value_stats
    union
    select track_id from chart_stats
),
final as (
    select
        p.track_id,
        coalesce(t.title, p.track_id) as title,
        cr.credit,
        cast(v.total_streams as bigint) as total_streams,
        v.total_streams / nullif(cast(v.days_with_value as double), 0) as avg_daily,
        cast(pk.peak_streams as bigint) as peak_streams,
        pk.peak_date,
        cast(cs.best_position as bigint) as best_position,
        cast(coalesce(cs.days_on_chart, 0) as bigint) as days_on_chart,
        cs.first_chart_date,
        cs.last_chart_date,
        v.total_streams / nullif(cast(sum(v.total_streams) over () as double), 0) as share,
        case
            when v.source is not null then v.source
            when cs.best_position is not null then 'chart positions only'
            else 'viral chart only (best position ' || cast(cs.best_viral_position as varchar) || ')'
        end as source,
        coalesce(v.covered_days, 0) / b.n_days as coverage,
        pk.peak_kind,
        cast(coalesce(v.days_with_value, 0) as bigint) as days_with_value
    from present as p
    join credits as cr on cr.track_id = p.track_id
    left join tracks as t on t.track_id = p.track_id
    left join value_stats as v on v.track_id = p.track_id
    left join peaks as pk on pk.track_id = p.track_id
    left join chart_stats as cs on cs.track_id = p.track_id
    cross join bounds as b
)
select * from final
order by total_streams desc nulls last, best_position asc nulls last, title asc, track_id asc
