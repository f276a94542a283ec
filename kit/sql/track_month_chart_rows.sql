-- track_month_chart_rows(platform, month_start): track_month_rows of a month of daily charts
-- alone, the write path's shortcut (kit/warehouse/serving.py): no own series (track_streams)
-- dated in the month and no weekly entry (chart_entries) dated in it or in the six days
-- after it. Then the month's counted values (track_day) are its top-chart daily entries with
-- streams, each a row of kind 'daily chart' and one day (track_day_chart_rows), and
-- track_part over the month finds no weekly entry: a chart day is a daily top-chart entry
-- dated in the month (each its own day, every one of them the month's own: chart_days_own,
-- first_chart_own and last_chart_own are chart_days, first_chart_date and last_chart_date),
-- the best positions are those of the daily entries dated in it, and the daily entries of
-- the six days after it count for nothing. So one pass over the month's daily entries gives
-- every figure, computed as track_part computes it: grouped first by country, track and
-- source (a track's entries mostly share one source), so each track's list of sources is
-- made of a few rows rather than one item per day. The same rows, in the same order.
-- (docs/metrics.md, "The serving layer")
create or replace macro track_month_chart_rows(p_platform, month_start) as table
with
bounds as (
    select
        cast(month_start as date) as a,
        last_day(cast(month_start as date)) as b
),
by_source as (
    -- the values (top-chart entries with streams) and the chart positions of the month's
    -- daily entries, per source (the key holds one top-chart entry per track × day)
    select
        c.country,
        c.track_id,
        c.source,
        sum(c.streams) filter (where c.chart = 'top' and c.streams is not null) as total_streams,
        count(*) filter (where c.chart = 'top' and c.streams is not null) as days_with_value,
        min({'days': 1, 'minus_streams': -c.streams, 'date': c.date})
            filter (where c.chart = 'top' and c.streams is not null) as peak,
        min(c.position) filter (where c.chart = 'top') as best_position,
        min(c.position) filter (where c.chart = 'viral') as best_viral_position,
        count(*) filter (where c.chart = 'top') as chart_days,
        min(c.date) filter (where c.chart = 'top') as first_chart_date,
        max(c.date) filter (where c.chart = 'top') as last_chart_date
    from chart_entries as c, bounds as b
    where c.platform = lower(p_platform)
      and c.frequency = 'daily'
      and c.month = strftime(cast(month_start as date), '%Y-%m')
      and c.date between b.a and b.b
    group by c.country, c.track_id, c.source
),
stats as (
    select
        country,
        track_id,
        sum(total_streams) as total_streams,
        sum(days_with_value) as days_with_value,
        -- track_part's sources: the distinct 'kind (source)' of the values; none (null, as
        -- Spark's empty list of no rows is not) without a value
        case
            when sum(days_with_value) > 0
                then list_sort(list_distinct(list('daily chart (' || source || ')') filter (where days_with_value > 0)))
        end as sources,
        min(peak) as peak,
        min(best_position) as best_position,
        min(best_viral_position) as best_viral_position,
        sum(chart_days) as chart_days,
        min(first_chart_date) as first_chart_date,
        max(last_chart_date) as last_chart_date
    from by_source
    group by country, track_id
),
final as (
    select
        country,
        track_id,
        cast(total_streams as bigint) as total_streams,
        cast(days_with_value as bigint) as days_with_value,
        -- each value one day, inside the month
        cast(days_with_value as bigint) as covered_days,
        sources,
        cast(peak.days as bigint) as peak_days,
        cast(-peak.minus_streams as bigint) as peak_streams,
        peak.date as peak_date,
        cast(best_position as bigint) as best_position,
        cast(best_viral_position as bigint) as best_viral_position,
        cast(chart_days as bigint) as chart_days,
        first_chart_date,
        last_chart_date,
        cast(chart_days as bigint) as chart_days_own,
        first_chart_date as first_chart_own,
        last_chart_date as last_chart_own
    from stats
)
select * from final
order by country, track_id
