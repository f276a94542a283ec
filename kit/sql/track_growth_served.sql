-- track_growth_served(artist_id, platform, country, start_date, end_date)
-- Grain: one row per track of the artist with a counted streams value in the period, for
-- one platform × country, exactly as track_growth (the definition; its header gives every
-- column: README "Track detail"; docs/metrics.md, "Growth"), over the serving layer's
-- track_day, whose rows dated in the period are the period's counted values
-- (docs/metrics.md, "The serving layer"): the growth columns of artist_track_daily_growth,
-- which carries them on each of a track's rows, once per track.
create or replace macro track_growth_served(p_artist_id, p_platform, p_country, start_date, end_date) as table
select distinct track_id, half_days, first_half_streams, second_half_streams, half_change
from artist_track_daily_growth(p_artist_id, p_platform, p_country, start_date, end_date)
