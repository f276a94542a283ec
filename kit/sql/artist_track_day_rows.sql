-- artist_track_day_rows(platform, months_start, months_end): the serving layer's day facts
-- of one platform over the consecutive months from months_start (a month's first day) to
-- months_end (a month's last day), filed under each artist credited on the track.
-- Grain: one row per month × country × artist × track × fact dated in those months, where
-- a fact is a counted value of track_day (`fact` 'value': streams, days, kind, source), a
-- daily chart entry of chart_entries (all stand; 'daily': chart, position) or a standing
-- weekly entry of chart_week ('weekly': chart, position), once per artist credited on its
-- track (track_credits). The same rows as those tables, put in the order one artist's rows
-- are read in: a period's days before and after its whole months read only the artist's
-- rows of a country, in one or two row groups, and need no credits
-- (track_edge_pieces). Stored as the table artist_track_day by the write path
-- (kit/warehouse/serving.py) from the month's track_day and chart_week rows, its daily
-- chart entries and the tracks' credits.
-- (docs/metrics.md, "The serving layer")
create or replace macro artist_track_day_rows(p_platform, months_start, months_end) as table
with
-- the three tables' rows of the months; the platform and months are filtered once, below
-- (DuckDB pushes the filter into each branch, where it prunes the partitions)
facts as (
    select v.platform, v.month, v.country, v.track_id, v.date, 'value' as fact, v.streams, v.days, v.kind, v.source,
           cast(null as varchar) as chart, cast(null as integer) as position
    from track_day as v
    union all
    select c.platform, c.month, c.country, c.track_id, c.date, 'daily' as fact, cast(null as bigint), cast(null as bigint),
           cast(null as varchar), cast(null as varchar), c.chart, c.position
    from chart_entries as c
    where c.frequency = 'daily'
    union all
    select w.platform, w.month, w.country, w.track_id, w.date, 'weekly' as fact, cast(null as bigint), cast(null as bigint),
           cast(null as varchar), cast(null as varchar), w.chart, w.position
    from chart_week as w
)
select
    f.month, lower(p_platform) as platform, f.country, cr.artist_id, f.track_id, f.date, f.fact,
    f.streams, f.days, f.kind, f.source, f.chart, f.position
from facts as f
join track_credits as cr on cr.track_id = f.track_id
where f.platform = lower(p_platform)
  and f.month between strftime(cast(months_start as date), '%Y-%m')
                  and strftime(cast(months_end as date), '%Y-%m')
order by f.month, f.country, cr.artist_id, f.track_id, f.date, f.fact, f.chart
