-- artist_track_daily_growth(artist_id, platform, country, start_date, end_date)
-- Grain: one row per track × day (or week, days = 7) of artist_track_daily_served (the
-- rows of artist_track_daily, from the serving layer's track_day), each with its track's
-- half-on-half growth as track_growth defines it: half_days, first_half_streams,
-- second_half_streams, half_change (README "Track detail"; docs/metrics.md, "Growth").
-- An Explorer row and the report need both: one statement reads the period's rows once
-- (docs/metrics.md, "The serving layer"); kit.query.tracks.track_series_and_growth splits
-- it into the two frames.
create or replace macro artist_track_daily_growth(p_artist_id, p_platform, p_country, start_date, end_date) as table
with
bounds as (
    select
        cast(start_date as date) as lo,
        cast(period_days(start_date, end_date) as integer) as n_days,
        cast(floor(period_days(start_date, end_date) / 2) as integer) as half_days
),
series as (
    select s.*, date_diff('day', b.lo, s.date) as day_index, b.n_days, b.half_days
    from artist_track_daily_served(p_artist_id, p_platform, p_country, start_date, end_date) as s, bounds as b
),
halves as (
    select
        *,
        sum(case when day_index < half_days then streams else 0 end) over per_track as first_half,
        sum(case when day_index >= n_days - half_days then streams else 0 end) over per_track as second_half
    from series
    window per_track as (partition by track_id)
),
final as (
    select
        track_id,
        title,
        credit,
        date,
        streams,
        days,
        kind,
        source,
        cast(half_days as bigint) as half_days,
        cast(first_half as bigint) as first_half_streams,
        cast(second_half as bigint) as second_half_streams,
        second_half / nullif(cast(first_half as double), 0) - 1 as half_change
    from halves
)
select * from final
