-- track_growth(artist_id, platform, country, start_date, end_date)
-- Grain: one row per track of artist_track_daily (a track credited to the artist, main or
-- featured, with a counted streams value in the period), for one platform × country.
-- Definitions (README "Track detail"; docs/metrics.md, "Growth"):
--   half_days            h = floor(days in the period ÷ 2);
--   first_half_streams   the counted streams dated on the period's first h days;
--   second_half_streams  the counted streams dated on the period's last h days (an odd
--                        period's middle day belongs to neither half, so both halves
--                        have the same number of days);
--   A weekly chart value counts in the half where its date (the week's last day) lies.
--   half_change          second_half_streams ÷ first_half_streams − 1; null when the first
--                        half has no streams (nothing to compare with: a new track).
create or replace macro track_growth(p_artist_id, p_platform, p_country, start_date, end_date) as table
with
bounds as (
    select
        cast(start_date as date) as lo,
        cast(period_days(start_date, end_date) as integer) as n_days,
        cast(floor(period_days(start_date, end_date) / 2) as integer) as half_days
),
series as (
    select v.track_id, v.streams, date_diff('day', b.lo, v.date) as day_index, b.n_days, b.half_days
    from artist_track_daily(p_artist_id, p_platform, p_country, start_date, end_date) as v, bounds as b
),
halves as (
    select
        track_id,
        max(half_days) as half_days,
        sum(case when day_index < half_days then streams else 0 end) as first_half_streams,
        sum(case when day_index >= n_days - half_days then streams else 0 end) as second_half_streams
    from series
    group by track_id
),
final as (
    select
        track_id,
        cast(half_days as bigint) as half_days,
        cast(first_half_streams as bigint) as first_half_streams,
        cast(second_half_streams as bigint) as second_half_streams,
        second_half_streams / nullif(cast(first_half_streams as double), 0) - 1 as half_change
    from halves
)
select * from final
