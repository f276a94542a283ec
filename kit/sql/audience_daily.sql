-- audience_daily: the audience time series.
-- Grain: one row per artist × platform × country × metric × date that has a stored point
-- (points are never interpolated). For each day D, window_start is the first day of the
-- "28 days to D" window that makes up Spotify's monthly listeners of D (README, "What the
-- numbers mean"; docs/metrics.md, "Audience" and "Periods and the 28-day window").
create or replace view audience_daily as
with
final as (
    select
        a.artist_id,
        ar.name as artist,
        a.platform,
        a.country,
        a.metric,
        a.date,
        a.value,
        a.source,
        listeners_window_start(a.date) as window_start,
        a.month
    from artist_audience as a
    left join artists as ar on ar.artist_id = a.artist_id
)
select * from final
