-- audience_summary(artist_ids, platforms, country, start_date, end_date)
-- Grain: one row per artist × platform × metric with at least one point in the period.
-- Definitions (README, "What the numbers mean"; docs/metrics.md, "Audience"):
--   points      the stored daily values with start ≤ date ≤ end, never interpolated;
--   start / end the value on the earliest / latest date that has a point;
--   difference  end − start; pct_change = difference ÷ start (null when start is 0);
--   average     the arithmetic mean of the points; peak = the maximum, earliest date on ties;
--   coverage    points ÷ calendar days in the period.
create or replace macro audience_summary(p_artist_ids, p_platforms, p_country, start_date, end_date) as table
with
points as (
    select a.artist_id, a.platform, a.metric, a.date, a.value
    from artist_audience as a
    where list_contains(p_artist_ids, a.artist_id)
      and list_contains(p_platforms, a.platform)
      and a.country = upper(p_country)
      and a.month between strftime(cast(start_date as date), '%Y-%m') and strftime(cast(end_date as date), '%Y-%m')
      and a.date between cast(start_date as date) and cast(end_date as date)
),
ranked as (
    select
        *,
        row_number() over (partition by artist_id, platform, metric order by date asc) as first_rank,
        row_number() over (partition by artist_id, platform, metric order by date desc) as last_rank,
        row_number() over (partition by artist_id, platform, metric order by value desc, date asc) as peak_rank
    from points
),
per_series as (
    select
        artist_id,
        platform,
        metric,
        max(case when first_rank = 1 then value end) as start_value,
        max(case when last_rank = 1 then value end) as end_value,
        avg(value) as average,
        max(case when peak_rank = 1 then value end) as peak_value,
        max(case when peak_rank = 1 then date end) as peak_date,
        count(*) as points
    from ranked
    group by artist_id, platform, metric
),
final as (
    select
        coalesce(ar.name, s.artist_id) as artist,
        s.platform,
        s.metric,
        cast(s.start_value as bigint) as start_value,
        cast(s.end_value as bigint) as end_value,
        cast(s.end_value - s.start_value as bigint) as difference,
        (s.end_value - s.start_value) / nullif(cast(s.start_value as double), 0) as pct_change,
        s.average,
        cast(s.peak_value as bigint) as peak_value,
        s.peak_date,
        cast(s.points as bigint) as points,
        s.points / cast(period_days(start_date, end_date) as double) as coverage,
        s.artist_id
    from per_series as s
    left join artists as ar on ar.artist_id = s.artist_id
)
select * from final
order by list_position(p_artist_ids, artist_id), list_position(p_platforms, platform), metric
