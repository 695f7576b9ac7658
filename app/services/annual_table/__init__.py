"""The official annual table of the 视频会议 indicator: one builder of its rows (`rows`), and
writers that only lay them out (`xlsx`, `csv_file`, `html`, `pdf`)."""
