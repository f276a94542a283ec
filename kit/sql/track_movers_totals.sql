-- track_movers_totals(artist_id, platform, country, start_date, end_date, previous_start, previous_end)
-- Grain: one row: the footer of track_movers, as breakdown_totals is the footer of a
-- breakdown (README, "What moved and what is noteworthy"; docs/metrics.md, "What moved").
--   streams / previous_streams   the breakdown total of each period (empty without any
--                                stream count);
--   change                       the sum of the tracks' changes: streams − previous_streams;
--   pct_change                   change ÷ previous_streams; empty on a base of zero or none;
--   tracks / previous_tracks     the tracks of each period's breakdown;
--   new_tracks … same_tracks     the tracks of each status;
--   previous_partial_tracks      tracks whose comparison-period figure is incomplete.
create or replace macro track_movers_totals(p_artist_id, p_platform, p_country, start_date, end_date, p_previous_start, p_previous_end) as table
with
moved as (
    select *
    from track_movers(p_artist_id, p_platform, p_country, start_date, end_date, p_previous_start, p_previous_end)
),
final as (
    select
        cast(sum(streams) as bigint) as streams,
        cast(sum(previous_streams) as bigint) as previous_streams,
        cast(sum(change) as bigint) as change,
        sum(change) / nullif(cast(sum(previous_streams) as double), 0) as pct_change,
        count(rank) as tracks,
        count(previous_rank) as previous_tracks,
        count(*) filter (where status = 'new') as new_tracks,
        count(*) filter (where status = 'gone') as gone_tracks,
        count(*) filter (where status = 'up') as up_tracks,
        count(*) filter (where status = 'down') as down_tracks,
        count(*) filter (where status = 'same') as same_tracks,
        count(*) filter (where previous_partial) as previous_partial_tracks
    from moved
)
select * from final
