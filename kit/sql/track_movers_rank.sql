-- track_movers_rank(rows): the rows of the table `rows` names (a track_breakdown's rows with
-- the `month`, `country` and `artist_id` they belong to), each with `period_rank`, the
-- track's place in its month × country × artist: most streams first, then the best
-- position, the title and the track id (docs/metrics.md, "What moved"). The one ranking of
-- the movers: track_movers_grouped ranks its two breakdowns by it, and
-- artist_track_movers_rows each month's stored rows once.
create or replace macro track_movers_rank(p_rows) as table
select
    *,
    cast(row_number() over (partition by month, country, artist_id order by total_streams desc nulls last, best_position asc nulls last, title asc, track_id asc) as bigint) as period_rank
from query_table(p_rows)
