-- chart_alerts(artist_ids, platforms, countries, since, until, chart_days, peak_top)
-- Grain: one row per chart event dated from since to until of a track credited to one of
-- the artists (main or featured; one row per credited artist) on a platform's top chart
-- for a country (GLOBAL = worldwide), daily or weekly.
-- An edition is a date on which that chart has rows in the warehouse: counting editions,
-- not calendar days, a chart missing from the warehouse for a while makes no event.
-- The events (README, "What moved and what is noteworthy"; docs/metrics.md, "Chart events"):
--   chart_entry  the track is on the chart after at least chart_days editions without it
--                (or for the first time, when the warehouse holds chart_days editions of
--                the chart before it); value = its position;
--   chart_exit   the first edition without the track after a stay of at least chart_days
--                editions in a row; value = its position on its last edition;
--   new_peak     a position better than the track's best on that chart so far (over the
--                whole warehouse), on an edition following one it was on (a re-entry is an
--                entry), up to position peak_top; a climb of new bests on successive
--                editions is one event, dated on its last edition; baseline = the best
--                before the climb.
-- Entries and exits look back over chart_days + 1 editions before since (days of a daily
-- chart, weeks of a weekly one): a chart sparser than that makes fewer events, never false ones.
create or replace macro chart_alerts(p_artist_ids, p_platforms, p_countries, p_since, p_until, p_chart_days, p_peak_top) as table
with
bounds as (
    select
        cast(p_since as date) as lo,
        cast(p_until as date) as hi,
        cast(cast(p_since as date) - (p_chart_days + 1) * interval 1 day as date) as lo_daily,
        cast(cast(p_since as date) - (p_chart_days + 1) * interval 7 day as date) as lo_weekly
),
credited as (
    select distinct track_id
    from track_credits
    where list_contains(p_artist_ids, artist_id)
),
recent_rows as (
    select c.platform, c.country, c.frequency, c.date, c.track_id, c.position
    from chart_entries as c, bounds as b
    where c.chart = 'top'
      and list_contains(p_platforms, c.platform)
      and list_contains(p_countries, c.country)
      and c.month between strftime(b.lo_weekly, '%Y-%m') and strftime(b.hi, '%Y-%m')
      and c.date between (case when c.frequency = 'weekly' then b.lo_weekly else b.lo_daily end) and b.hi
),
editions as (
    -- numbered from the first edition read (only differences between numbers matter), with
    -- the date of the chart's next edition: the day a track missing from it has left it
    select
        platform,
        country,
        frequency,
        date,
        row_number() over (partition by platform, country, frequency order by date) as edition,
        lead(date) over (partition by platform, country, frequency order by date) as next_edition_date
    from (select distinct platform, country, frequency, date from recent_rows) as published
),
peak_candidates as (
    -- only a track placed up to peak_top in the editions read can make a new peak
    select distinct r.platform, r.country, r.frequency, r.track_id
    from recent_rows as r
    join credited as k on k.track_id = r.track_id
    where r.position <= p_peak_top
),
best_before as (
    -- their best positions before the editions read, for "best so far"
    select c.platform, c.country, c.frequency, c.track_id, min(c.position) as best_position
    from chart_entries as c
    join peak_candidates as k
      on k.platform = c.platform and k.country = c.country and k.frequency = c.frequency and k.track_id = c.track_id,
    bounds as b
    where c.chart = 'top'
      and list_contains(p_platforms, c.platform)
      and list_contains(p_countries, c.country)
      and c.month <= strftime(b.hi, '%Y-%m')
      and c.date < (case when c.frequency = 'weekly' then b.lo_weekly else b.lo_daily end)
    group by c.platform, c.country, c.frequency, c.track_id
),
appearances as (
    select r.platform, r.country, r.frequency, r.track_id, r.date, r.position, e.edition, e.next_edition_date, h.best_position as earlier_best
    from recent_rows as r
    join credited as k on k.track_id = r.track_id
    join editions as e
      on e.platform = r.platform and e.country = r.country and e.frequency = r.frequency and e.date = r.date
    left join best_before as h
      on h.platform = r.platform and h.country = r.country and h.frequency = r.frequency and h.track_id = r.track_id
),
sequenced as (
    -- one sort of the appearances serves every window below
    select
        *,
        lag(edition) over (partition by platform, country, frequency, track_id order by date) as previous_edition,
        lead(edition) over (partition by platform, country, frequency, track_id order by date) as next_edition,
        -- the appearance chart_days − 1 before: chart_days − 1 editions before when the stay was unbroken
        lag(edition, p_chart_days - 1) over (partition by platform, country, frequency, track_id order by date) as stay_start_edition,
        min(position) over (
            partition by platform, country, frequency, track_id order by date rows between unbounded preceding and 1 preceding
        ) as recent_best
    from appearances
),
flagged as (
    select
        *,
        case
            when recent_best is null then earlier_best
            when earlier_best is null then recent_best
            when earlier_best < recent_best then earlier_best
            else recent_best
        end as previous_best,
        (previous_edition is null and edition > p_chart_days) or edition - previous_edition > p_chart_days as is_entry,
        next_edition_date is not null
            and coalesce(next_edition > edition + 1, true)
            and stay_start_edition = edition - (p_chart_days - 1) as is_exit
    from sequenced
),
new_bests as (
    select *, edition - row_number() over (partition by platform, country, frequency, track_id order by date) as climb
    from flagged
    where previous_edition = edition - 1 and position < previous_best
),
climbs as (
    -- new bests on successive editions make one climb: reported on its last edition,
    -- against the best before its first
    select
        *,
        max(edition) over (partition by platform, country, frequency, track_id, climb) as climb_end,
        max(previous_best) over (partition by platform, country, frequency, track_id, climb) as best_before_climb
    from new_bests
),
events as (
    select platform, country, frequency, track_id, date, 'chart_entry' as kind, position as value, cast(null as integer) as baseline
    from flagged
    where is_entry
    union all
    select platform, country, frequency, track_id, next_edition_date as date, 'chart_exit' as kind, position as value, cast(null as integer) as baseline
    from flagged
    where is_exit
    union all
    select platform, country, frequency, track_id, date, 'new_peak' as kind, position as value, best_before_climb as baseline
    from climbs
    where edition = climb_end
      and position <= p_peak_top
),
final as (
    select
        e.date,
        tc.artist_id,
        coalesce(ar.name, tc.artist_id) as artist,
        e.platform,
        e.country,
        e.track_id,
        coalesce(t.title, e.track_id) as track,
        'position' as metric,
        e.kind,
        cast(e.value as bigint) as value,
        cast(e.baseline as double) as baseline,
        cast(e.value - e.baseline as double) as change,
        cast(null as double) as pct_change,
        cast(null as double) as score,
        e.frequency
    from events as e
    cross join bounds as b
    join track_credits as tc on tc.track_id = e.track_id
    left join artists as ar on ar.artist_id = tc.artist_id
    left join tracks as t on t.track_id = e.track_id
    where e.date between b.lo and b.hi
      and list_contains(p_artist_ids, tc.artist_id)
)
select * from final
