-- artist_track_daily_served(artist_id, platform, country, start_date, end_date)
-- Grain: one row per track × day (or week, days = 7, dated on its last day) of the tracks
-- credited to the artist, main or featured, exactly as artist_track_daily (the definition:
-- the rows of track_values, README "What the numbers mean"; docs/metrics.md, "Track
-- values"), read from the serving layer's track_day: whether a value counts never depends
-- on the period asked, so a period's values are the stored rows dated inside it, whole
-- months or not (docs/metrics.md, "The serving layer").
create or replace macro artist_track_daily_served(p_artist_id, p_platform, p_country, start_date, end_date) as table
select v.track_id, t.title, c.role as credit, v.date, v.streams, v.days, v.kind, v.source
from track_day as v
join track_credits as c on c.track_id = v.track_id and c.artist_id = p_artist_id
left join tracks as t on t.track_id = v.track_id
where v.platform = lower(p_platform)
  and v.country = upper(p_country)
  and v.month between strftime(cast(start_date as date), '%Y-%m') and strftime(cast(end_date as date), '%Y-%m')
  and v.date between cast(start_date as date) and cast(end_date as date)
