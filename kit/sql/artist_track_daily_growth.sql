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
series as (
    select * from artist_track_daily_served(p_artist_id, p_platform, p_country, start_date, end_date)
),
final as (
    select
        s.track_id,
        s.title,
        s.credit,
        s.date,
        s.streams,
        s.days,
        s.kind,
        s.source,
        g.half_days,
        g.first_half_streams,
        g.second_half_streams,
        g.half_change
    from series as s
    join track_growth_of('series', start_date, end_date) as g on g.track_id = s.track_id
)
select * from final
