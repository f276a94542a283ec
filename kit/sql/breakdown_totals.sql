-- breakdown_totals(artist_id, platform, country, start_date, end_date)
-- Grain: one row: the footer of a track breakdown (README, "What the numbers mean";
-- docs/metrics.md, "Breakdown totals").
--   total_streams          the sum over the breakdown's tracks;
--   track_count            tracks in the breakdown (viral-only tracks included);
--   partial_tracks         those with coverage < 1; tracks_without_streams: those without
--                          a streams value (chart positions only, viral chart only);
--   top_track              the breakdown's first row: most streams, then best position;
--   average_listeners      the mean of the artist's monthly_listeners points in the period;
--   streams_per_listener   total ÷ average monthly listeners: approximate, since listeners
--                          are unique over rolling 28-day windows and streams are not.
create or replace macro breakdown_totals(p_artist_id, p_platform, p_country, start_date, end_date) as table
with
b as (
    select *
    from track_breakdown(p_artist_id, p_platform, p_country, start_date, end_date)
),
top_track as (
    select track_id, title, total_streams, share
    from b
    order by total_streams desc nulls last, best_position asc nulls last, title asc, track_id asc
    limit 1
),
listeners as (
    select avg(a.value) as average_listeners, count(*) as listener_points
    from artist_audience as a
    where a.artist_id = p_artist_id
      and a.platform = lower(p_platform)
      and a.country = upper(p_country)
      and a.metric = 'monthly_listeners'
      and a.month between strftime(cast(start_date as date), '%Y-%m') and strftime(cast(end_date as date), '%Y-%m')
      and a.date between cast(start_date as date) and cast(end_date as date)
),
totals as (
    select
        cast(sum(total_streams) as bigint) as total_streams,
        cast(count(*) as bigint) as track_count,
        cast(count(*) filter (where coverage < 1) as bigint) as partial_tracks,
        cast(count(*) filter (where total_streams is null) as bigint) as tracks_without_streams
    from b
),
final as (
    select
        t.total_streams,
        t.track_count,
        t.partial_tracks,
        t.tracks_without_streams,
        tt.track_id as top_track_id,
        tt.title as top_track,
        cast(tt.total_streams as bigint) as top_track_streams,
        tt.share as top_track_share,
        l.average_listeners,
        cast(l.listener_points as bigint) as listener_points,
        t.total_streams / nullif(l.average_listeners, 0) as streams_per_listener
    from totals as t
    cross join listeners as l
    left join top_track as tt on true
)
select * from final
