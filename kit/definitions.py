"""What the figures mean, in an analyst's words, and how the top tracks are marked.

Shown under the monthly report and in its workbook's About sheet; they restate README,
"What the numbers mean". The SQL in kit/sql/ is where the figures are computed.
"""

from __future__ import annotations

# The top tracks of a breakdown: its first TOP_TRACKS rows in its own order (most streams,
# then best position; kit.query.BREAKDOWN_ORDER). The same rows are tinted TOP_TRACK_FILL
# in the Explorer, the report and the workbook, the first with streams is starred as the
# top track, and the report draws their chart positions (kit.selection.top_track_ids).
TOP_TRACKS = 3
TOP_TRACK_FILL = "#fff6d6"

# The audience metric a card and the report's headline lead with.
LISTENERS = "monthly_listeners"

DEFINITIONS: tuple[tuple[str, str], ...] = (
    (
        "Monthly listeners",
        "Spotify's unique listeners over the 28 days ending on a day (UTC); YouTube's "
        "figure is built the same way. A listener who played ten songs counts once.",
    ),
    (
        "Start / end",
        "The value on the first / last day of the period that has a value; never interpolated.",
    ),
    ("Difference, %", "End − start, and that difference ÷ start."),
    ("Average", "The mean of the daily values inside the period."),
    ("Peak", "The highest daily value, with its date (the earliest on ties)."),
    (
        "Coverage",
        "Days with a value ÷ calendar days in the period: below 100 % the figures rest on "
        "fewer days than the period has.",
    ),
    (
        "Streams",
        "Plays of a track. Each track × day counts one value: the track's own daily "
        "series (Spotify for Artists) where there is one, else the platform's daily chart "
        "for the country (the worldwide chart for Worldwide). Nothing is counted twice.",
    ),
    (
        "Weekly chart values",
        "Cover the seven days ending on their date and count only for a week without daily "
        "values; a weekly peak is labelled 'week to' its last day, never as one day.",
    ),
    (
        "Best position, days on chart",
        "The best rank on the platform's top chart for the country, and the days of the "
        "period that a chart entry covers.",
    ),
    ("Share", "A track's streams ÷ the artist's streams on that platform in the period."),
    (
        "Top tracks",
        f"The first {TOP_TRACKS} tracks of a breakdown by streams (then best position: on a "
        "platform without stream counts, by position alone), tinted in every table; the "
        "first with streams is the top track (★).",
    ),
    (
        "Daily streams (sparkline)",
        "A track's counted daily streams over the period, scaled to its own range; a gap is "
        "a day without a value. Weekly chart values are not days and are not drawn.",
    ),
    (
        "2nd half vs 1st",
        "Streams in the period's last half ÷ streams in its first half − 1. Halves have the "
        "same number of calendar days (an odd period's middle day is in neither); a weekly "
        "value counts in the half of its date. Blank when the first half has no streams.",
    ),
    (
        "Chart position history",
        "A track's position on the platform's top chart per day (a line; a day off the chart "
        "is a gap) or per week (a square on the week's last day), one line per country.",
    ),
    (
        "Streams per listener (approximate)",
        "Total streams ÷ average monthly listeners. Approximate: listeners are unique over "
        "rolling 28-day windows, streams are plain counts.",
    ),
    (
        "28 days to D",
        "The window that makes up the monthly listeners of day D: D − 27 to D.",
    ),
)
