-- series_alerts(artist_ids, platform, country, since, until, baseline_days, min_points, min_score,
--               audience_min_pct, audience_min_change, streams_min_pct, streams_min_change,
--               cooldown_days)
-- Grain: one row per unusual day (an event's first day) dated from since to until, of one
-- series on one platform × country: an artist's audience metric (monthly_listeners,
-- followers, …: artist_audience) or a track's counted daily streams (track_daily, days = 1,
-- the values the breakdown counts), for the tracks credited to the artists, main or featured
-- (one row per credited artist).
-- The rule (README, "What moved and what is noteworthy"; docs/metrics.md, "Spikes and drops"):
--   baseline     the median of the series' points in the baseline_days days before the day
--                (the day itself excluded); at least min_points of them, else no alert;
--   spread       MAD: the median of the absolute deviations of those points from the
--                baseline, floored at 1 % of the baseline (and at 1) so that a perfectly
--                flat series does not make every change infinitely unusual;
--   score        (value − baseline) ÷ (1.4826 × spread): a robust z-score;
--   a day is unusual when |score| ≥ min_score, |value − baseline| ≥ min_change and
--   |value − baseline| ≥ min_pct × baseline (audience_* thresholds for artist series,
--   streams_* for track streams): a spike above the baseline, a drop below it;
--   one alert per event: an unusual day gives no alert when the same series had an
--   unusual day of the same kind within the cooldown_days before it (a step up stays
--   unusual for days while the baseline catches up).
-- The alerts' columns are those of series_alerts_of, which attributes and names the events.
create or replace macro series_alerts(p_artist_ids, p_platform, p_country, p_since, p_until, p_baseline_days, p_min_points, p_min_score, p_audience_min_pct, p_audience_min_change, p_streams_min_pct, p_streams_min_change, p_cooldown_days) as table
with
bounds as (
    select
        cast(p_since as date) as lo,
        cast(p_until as date) as hi,
        -- the baselines of the cooldown days before since (an event begun then is not new)
        cast(cast(p_since as date) - (p_baseline_days + p_cooldown_days) * interval 1 day as date) as lo_read
),
credited as (
    select distinct track_id
    from track_credits
    where list_contains(p_artist_ids, artist_id)
),
audience_points as (
    select 'artist' as subject_kind, a.artist_id as subject, a.metric, a.date, cast(a.value as bigint) as value
    from artist_audience as a, bounds as b
    where list_contains(p_artist_ids, a.artist_id)
      and a.platform = lower(p_platform)
      and a.country = upper(p_country)
      and a.month between strftime(b.lo_read, '%Y-%m') and strftime(b.hi, '%Y-%m')
      and a.date between b.lo_read and b.hi
),
track_points as (
    select 'track' as subject_kind, v.track_id as subject, 'streams' as metric, v.date, cast(v.streams as bigint) as value
    from track_daily(p_platform, p_country, cast(cast(p_since as date) - (p_baseline_days + p_cooldown_days) * interval 1 day as date), p_until) as v
    join credited as k on k.track_id = v.track_id
    where v.days = 1
),
series_points as (
    select * from audience_points
    union all
    select * from track_points
),
windowed as (
    -- each day that may start an event, with the points of the baseline_days before it
    select p.subject_kind, p.subject, p.metric, p.date, p.value, w.value as past_value
    from series_points as p
    join series_points as w
      on w.subject_kind = p.subject_kind and w.subject = p.subject and w.metric = p.metric
    cross join bounds as b
    where date_diff('day', w.date, p.date) between 1 and p_baseline_days
      and date_diff('day', p.date, b.lo) <= p_cooldown_days
),
baselines as (
    select subject_kind, subject, metric, date, value, median(past_value) as baseline, count(*) as baseline_points
    from windowed
    group by subject_kind, subject, metric, date, value
),
spreads as (
    -- the baseline's own columns ride along, so that the windowed points are read twice, not three times
    select
        m.subject_kind,
        m.subject,
        m.metric,
        m.date,
        m.value,
        m.baseline,
        m.baseline_points,
        median(abs(w.past_value - m.baseline)) as mad
    from windowed as w
    join baselines as m
      on m.subject_kind = w.subject_kind and m.subject = w.subject and m.metric = w.metric and m.date = w.date
    group by m.subject_kind, m.subject, m.metric, m.date, m.value, m.baseline, m.baseline_points
),
scored as (
    select
        subject_kind,
        subject,
        metric,
        date,
        value,
        baseline,
        baseline_points,
        value - baseline as change,
        (value - baseline) / nullif(baseline, 0) as pct_change,
        (value - baseline) / (1.4826 * greatest(mad, 0.01 * abs(baseline), 1.0)) as score,
        case when subject_kind = 'track' then p_streams_min_pct else p_audience_min_pct end as min_pct,
        case when subject_kind = 'track' then p_streams_min_change else p_audience_min_change end as min_change
    from spreads
),
unusual as (
    select
        *,
        case
            when baseline_points >= p_min_points
                 and abs(score) >= p_min_score
                 and abs(change) >= min_change
                 and abs(change) >= min_pct * abs(baseline)
            then case when change > 0 then 'spike' else 'drop' end
        end as kind
    from scored
),
runs as (
    select
        *,
        max(case when kind = 'spike' then date end) over (
            partition by subject_kind, subject, metric order by date rows between unbounded preceding and 1 preceding
        ) as last_spike,
        max(case when kind = 'drop' then date end) over (
            partition by subject_kind, subject, metric order by date rows between unbounded preceding and 1 preceding
        ) as last_drop
    from unusual
),
events as (
    select r.*, lower(p_platform) as platform, upper(p_country) as country
    from runs as r, bounds as b
    where r.kind is not null
      and r.date between b.lo and b.hi
      and coalesce(date_diff('day', case when r.kind = 'spike' then r.last_spike else r.last_drop end, r.date) > p_cooldown_days, true)
),
asked as (
    select unnest(p_artist_ids) as artist_id
)
select * from series_alerts_of('events', 'asked')
