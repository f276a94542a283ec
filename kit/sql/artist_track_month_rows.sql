-- artist_track_month_rows(platform, months_start, months_end): the serving layer's whole-month
-- breakdown rows of one platform over the consecutive months from months_start (a month's
-- first day) to months_end (a month's last day), for every artist, each month's rows
-- computed from that month's alone.
-- Grain: one row per month × country × artist × track credited to the artist with a value
-- or an entry dated in the month; its columns are track_breakdown's (the definition; its header
-- gives every column) over the calendar month as the period, plus the country and the
-- artist. They are the month's track_month rows, read as they are: the covered days are
-- the month's own (the period starts on its first day), days on chart and first/last chart
-- dates leave out the days past its end (the period ends on its last day), the peak is the
-- row's, and the share is of the artist's total in the country and month. Stored as the
-- table artist_track_month by the write path (kit/warehouse/serving.py) from the month's
-- track_month rows and the tracks' titles and credits, read by track_breakdown_month.
-- (docs/metrics.md, "The serving layer")
create or replace macro artist_track_month_rows(p_platform, months_start, months_end) as table
with
month_rows as (
    select m.*, cast(m.month || '-01' as date) as first_day, cr.artist_id, cr.role as credit
    from track_month as m
    join track_credits as cr on cr.track_id = m.track_id
    where m.platform = lower(p_platform)
      and m.month between strftime(cast(months_start as date), '%Y-%m')
                      and strftime(cast(months_end as date), '%Y-%m')
      -- present: a value or an entry dated in the month
      and (m.total_streams is not null or m.best_position is not null or m.best_viral_position is not null)
)
select
    m.month,
    m.platform,
    m.country,
    m.artist_id,
    m.track_id,
    coalesce(t.title, m.track_id) as title,
    m.credit,
    cast(m.total_streams as bigint) as total_streams,
    m.total_streams / nullif(cast(m.days_with_value as double), 0) as avg_daily,
    cast(case when m.peak_days is not null then m.peak_streams end as bigint) as peak_streams,
    case when m.peak_days is not null then m.peak_date end as peak_date,
    cast(m.best_position as bigint) as best_position,
    cast(coalesce(m.chart_days_own, 0) as bigint) as days_on_chart,
    m.first_chart_own as first_chart_date,
    m.last_chart_own as last_chart_date,
    m.total_streams
        / nullif(cast(sum(m.total_streams) over (partition by m.month, m.country, m.artist_id) as double), 0) as share,
    case
        -- track_month's sources are sorted and distinct (track_part's list_sort(list_distinct(…)))
        when m.total_streams is not null then array_to_string(m.sources, ' + ')
        when m.best_position is not null then 'chart positions only'
        else 'viral chart only (best position ' || cast(m.best_viral_position as varchar) || ')'
    end as source,
    coalesce(m.covered_days, 0)
        / cast(period_days(m.first_day, last_day(m.first_day)) as double) as coverage,
    case when m.peak_days = 7 then 'week' when m.peak_days is not null then 'day' end as peak_kind,
    cast(coalesce(m.days_with_value, 0) as bigint) as days_with_value
from month_rows as m
left join tracks as t on t.track_id = m.track_id
order by m.month, m.country, m.artist_id, m.track_id
