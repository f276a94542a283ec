-- check_findings(p_artist_ids, p_platforms, p_country, start_date, end_date)
-- Grain: one row per rule × table × subject with violations in check_items: how many
-- (the sum of n) and the first example. With p_artist_ids null, every violation counts.
-- Else only those that concern a report on these artists, platforms, country and period:
-- a violation with a platform, an artist or a track, none of which falls outside (its
-- track credited to one of the artists, its dates overlapping the period).
create or replace macro check_findings(p_artist_ids, p_platforms, p_country, start_date, end_date) as table
with
items as (
    select
        rule, tbl, subject, example, n,
        scope ->> 'platform' as platform,
        scope ->> 'country' as country,
        cast(coalesce(scope ->> 'first_date', scope ->> 'date') as date) as first_date,
        cast(coalesce(scope ->> 'last_date', scope ->> 'date') as date) as last_date,
        scope ->> 'track_id' as track_id,
        scope ->> 'artist_id' as artist_id
    from check_items
),
credited as (
    select distinct track_id from track_credits where list_contains(p_artist_ids, artist_id)
),
in_scope as (
    select * from items
    where p_artist_ids is null
       or (
           coalesce(platform, track_id, artist_id) is not null
           and (platform is null or list_contains(p_platforms, platform))
           and (country is null or country = upper(p_country))
           and (first_date is null or first_date <= cast(end_date as date))
           and (last_date is null or last_date >= cast(start_date as date))
           and (artist_id is null or list_contains(p_artist_ids, artist_id))
           and (track_id is null or track_id in (select track_id from credited))
       )
),
final as (
    select rule, tbl, subject, cast(sum(n) as bigint) as finding_count, min(example) as example
    from in_scope
    group by rule, tbl, subject
)
select * from final
order by rule, tbl, subject
