-- series_alerts_served(artist_ids, platforms, countries, since, until, baseline_days, min_points,
--                      min_score, audience_min_pct, audience_min_change, streams_min_pct,
--                      streams_min_change, cooldown_days)
-- Grain: one row per unusual day (an event's first day) dated from since to until, of one
-- series on one platform × country, exactly as series_alerts (the definition, with the rule:
-- README, "What moved and what is noteworthy"; docs/metrics.md, "Spikes and drops"), for
-- every platform and country at once: artist_ids, platforms and countries are lists, null
-- for every artist of the catalogue, every platform, every country.
-- It reads the tracks' counted daily values from the serving layer's track_day (whether a
-- value counts never depends on the period asked, so they are the stored rows dated in
-- it), and finds each point's baseline with window functions over a frame of the
-- baseline_days days before it: the baseline is the median of the frame's points, the
-- spread the median of their absolute deviations from it (the same median aggregate over
-- the same points as the definition's self-join, which reads every point once per day of
-- its frame). Its events are attributed and named by series_alerts_of, as the
-- definition's are (docs/metrics.md, "The serving layer").
create or replace macro series_alerts_served(p_artist_ids, p_platforms, p_countries, p_since, p_until, p_baseline_days, p_min_points, p_min_score, p_audience_min_pct, p_audience_min_change, p_streams_min_pct, p_streams_min_change, p_cooldown_days) as table
with
bounds as (
    select
        cast(p_since as date) as lo,
        cast(p_until as date) as hi,
        -- the baselines of the cooldown days before since (an event begun then is not new)
        cast(cast(p_since as date) - (p_baseline_days + p_cooldown_days) * interval 1 day as date) as lo_read
),
asked as (
    -- the artists asked for: a list joined once, not searched on every row read
    select artist_id
    from artists
    where p_artist_ids is null or list_contains(p_artist_ids, artist_id)
),
credited as (
    select distinct track_id
    from track_credits
    where artist_id in (select artist_id from asked)
),
audience_points as (
    select a.platform, a.country, 'artist' as subject_kind, a.artist_id as subject, a.metric, a.date, cast(a.value as bigint) as value
    from artist_audience as a, bounds as b
    where (p_platforms is null or list_contains(p_platforms, a.platform))
      and (p_countries is null or list_contains(p_countries, a.country))
      and a.month between strftime(b.lo_read, '%Y-%m') and strftime(b.hi, '%Y-%m')
      and a.date between b.lo_read and b.hi
      and a.artist_id in (select artist_id from asked)
),
track_points as (
    select v.platform, v.country, 'track' as subject_kind, v.track_id as subject, 'streams' as metric, v.date, cast(v.streams as bigint) as value
    from track_day as v, bounds as b
    where (p_platforms is null or list_contains(p_platforms, v.platform))
      and (p_countries is null or list_contains(p_countries, v.country))
      and v.month between strftime(b.lo_read, '%Y-%m') and strftime(b.hi, '%Y-%m')
      and v.date between b.lo_read and b.hi
      and v.days = 1
      and v.track_id in (select track_id from credited)
),
series_points as (
    select * from audience_points
    union all
    select * from track_points
),
framed as (
    -- each point with the points of the baseline_days days before it (the day itself
    -- excluded), days counted as whole numbers
    select
        *,
        list(value) over (
            partition by platform, country, subject_kind, subject, metric
            order by date_diff('day', date '2000-01-01', date)
            range between p_baseline_days preceding and 1 preceding
        ) as past_values
    from series_points
),
baselines as (
    -- the days that may start an event: from cooldown_days before since
    select
        f.*,
        list_median(f.past_values) as baseline,
        len(f.past_values) as baseline_points,
        case when f.subject_kind = 'track' then p_streams_min_pct else p_audience_min_pct end as min_pct,
        case when f.subject_kind = 'track' then p_streams_min_change else p_audience_min_change end as min_change
    from framed as f, bounds as b
    where date_diff('day', f.date, b.lo) <= p_cooldown_days
      and len(f.past_values) >= p_min_points
      -- the median lies between the frame's least and greatest points: a point within
      -- min_change of both sides cannot be min_change from the median (cheaper than it)
      and (f.value >= list_min(f.past_values) + (case when f.subject_kind = 'track' then p_streams_min_change else p_audience_min_change end)
           or f.value <= list_max(f.past_values) - (case when f.subject_kind = 'track' then p_streams_min_change else p_audience_min_change end))
),
changed as (
    -- the points far enough from their baseline: only those need a spread
    select *, value - baseline as change
    from baselines
    where abs(value - baseline) >= min_change
      and abs(value - baseline) >= min_pct * abs(baseline)
),
scored as (
    select
        *,
        (value - baseline) / nullif(baseline, 0) as pct_change,
        (value - baseline) / (1.4826 * greatest(list_median(list_transform(past_values, lambda x: abs(x - baseline))), 0.01 * abs(baseline), 1.0)) as score
    from changed
),
unusual as (
    select *, case when change > 0 then 'spike' else 'drop' end as kind
    from scored
    where abs(score) >= p_min_score
),
events as (
    -- one alert per event: the unusual day of the same kind before it, if any, lies more
    -- than cooldown_days back (a series has one point a day)
    select *
    from (
        select *, lag(date) over (partition by platform, country, subject_kind, subject, metric, kind order by date) as last_of_kind
        from unusual
    ) as u, bounds as b
    where u.date between b.lo and b.hi
      and coalesce(date_diff('day', u.last_of_kind, u.date) > p_cooldown_days, true)
)
select * from series_alerts_of('events', 'asked')
