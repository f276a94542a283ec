-- check_freshness(p_today, p_days)
-- Grain: one row per table × source × platform of dated rows whose newest date is more
-- than p_days days before p_today (dbt's source freshness, `warn_after`). n = the age in
-- days; its scope runs from the day after the newest date to p_today.
create or replace macro check_freshness(p_today, p_days) as table
with
dated as (
    select 'artist_audience' as tbl, source, platform, date from artist_audience
    union all
    select 'chart_entries' as tbl, source, platform, date from chart_entries
    union all
    select 'track_streams' as tbl, source, platform, date from track_streams
),
newest as (
    select tbl, source, platform, max(date) as newest_date
    from dated
    group by tbl, source, platform
),
aged as (
    select *, date_diff('day', newest_date, cast(p_today as date)) as age
    from newest
),
final as (
    select
        tbl,
        source || ' on ' || platform as subject,
        'newest ' || strftime(newest_date, '%Y-%m-%d') || ', ' || age || ' days before '
            || strftime(cast(p_today as date), '%Y-%m-%d') as example,
        age as n,
        json_object(
            'platform', platform,
            'first_date', newest_date + 1,
            'last_date', cast(p_today as date)
        ) as scope
    from aged
    where age > p_days
)
select * from final
