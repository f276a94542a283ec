-- artist_track_daily(artist_id, platform, country, start_date, end_date)
-- Grain: one row per track × day (or week, days = 7) of the tracks credited to the artist,
-- main or featured, with the precedence of track_daily. The series behind a breakdown,
-- its sparklines and its stacked chart (docs/metrics.md, "Track values").
create or replace macro artist_track_daily(p_artist_id, p_platform, p_country, start_date, end_date) as table
with
credits as (
    select track_id, role as credit
    from track_credits
    where artist_id = p_artist_id
),
titles as (
    -- the credited tracks' titles only: the tracks table has every track of the warehouse
    select t.track_id, t.title
    from tracks as t
    join credits as c on c.track_id = t.track_id
),
final as (
    select v.track_id, t.title, c.credit, v.date, v.streams, v.days, v.kind, v.source
    from track_daily(p_platform, p_country, start_date, end_date) as v
    join credits as c on c.track_id = v.track_id
    left join titles as t on t.track_id = v.track_id
)
select * from final
