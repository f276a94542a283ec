-- track_growth_served(artist_id, platform, country, start_date, end_date)
-- Grain: one row per track of the artist with a counted streams value in the period, for
-- one platform × country, exactly as track_growth (the definition; its header gives every
-- column: README "Track detail"; docs/metrics.md, "Growth"), over the serving layer's
-- track_day, whose rows dated in the period are the period's counted values
-- (docs/metrics.md, "The serving layer"): track_growth_of over the period's rows of
-- artist_track_daily_served.
create or replace macro track_growth_served(p_artist_id, p_platform, p_country, start_date, end_date) as table
with series as (
    select * from artist_track_daily_served(p_artist_id, p_platform, p_country, start_date, end_date)
)
select * from track_growth_of('series', start_date, end_date)
