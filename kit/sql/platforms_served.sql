-- platforms_served(artist_ids, country, months_start, months_end)
-- Grain: one row per platform that the serving layer shows has data for the artists in
-- the country in the whole months from months_start to months_end: a month of
-- audience_month (audience points dated in the month), or a month of track_month of one
-- of their tracks with a value or a chart entry dated in the month. Each is a row of
-- period_rows in those months, so every platform here is one of platforms_with_data's over
-- any period that holds the months; a platform not here may still have rows there (an
-- entry that counts for nothing, such as a weekly entry a daily value overlaps), and Query
-- asks platforms_with_data about it (docs/metrics.md, "Platforms with data").
create or replace macro platforms_served(p_artist_ids, p_country, months_start, months_end) as table
with
audience_platforms as (
    select distinct a.platform
    from audience_month as a
    where list_contains(p_artist_ids, a.artist_id)
      and a.country = upper(p_country)
      and a.month between strftime(cast(months_start as date), '%Y-%m') and strftime(cast(months_end as date), '%Y-%m')
      and a.points > 0
),
track_platforms as (
    select distinct m.platform
    from track_month as m
    join track_credits as cr on cr.track_id = m.track_id
    where list_contains(p_artist_ids, cr.artist_id)
      and m.country = upper(p_country)
      and m.month between strftime(cast(months_start as date), '%Y-%m') and strftime(cast(months_end as date), '%Y-%m')
      and (m.total_streams is not null or m.best_position is not null or m.best_viral_position is not null)
),
final as (
    select platform from audience_platforms
    union
    select platform from track_platforms
)
select * from final
order by platform
