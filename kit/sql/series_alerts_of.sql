-- series_alerts_of(events, asked)
-- Grain: one row per alert: each event of the table named `events` in the calling query
-- (an unusual day that starts an event, of one series on one platform × country: columns
-- platform, country, subject_kind 'artist' or 'track', subject, metric, date, kind 'spike'
-- or 'drop', value, baseline, change, pct_change, score), once for an artist's own series,
-- once per credited artist (main or featured) among those of the table named `asked`
-- (column artist_id) for a track's streams. The one projection of the alerts' columns,
-- their names and types, which series_alerts (the definition; its header gives the rule)
-- and series_alerts_served (the serving layer's, every platform and country at once) both
-- call on the events they find (README, "What moved and what is noteworthy";
-- docs/metrics.md, "Spikes and drops").
create or replace macro series_alerts_of(p_events, p_asked) as table
with
attributed as (
    select e.*, e.subject as artist_id, cast(null as varchar) as track_id
    from query_table(p_events) as e
    where e.subject_kind = 'artist'
    union all
    select e.*, tc.artist_id, e.subject as track_id
    from query_table(p_events) as e
    join track_credits as tc on tc.track_id = e.subject
    where e.subject_kind = 'track'
      and tc.artist_id in (select artist_id from query_table(p_asked))
),
final as (
    select
        e.date,
        e.artist_id,
        coalesce(ar.name, e.artist_id) as artist,
        e.platform,
        e.country,
        e.track_id,
        case when e.track_id is not null then coalesce(t.title, e.track_id) end as track,
        e.metric,
        e.kind,
        cast(e.value as bigint) as value,
        cast(e.baseline as double) as baseline,
        cast(e.change as double) as change,
        cast(e.pct_change as double) as pct_change,
        cast(e.score as double) as score,
        cast(null as varchar) as frequency
    from attributed as e
    left join artists as ar on ar.artist_id = e.artist_id
    left join tracks as t on t.track_id = e.track_id
)
select * from final
